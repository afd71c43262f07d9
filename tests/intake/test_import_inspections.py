import datetime as dt
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from inspections.models import Inspection
from responses.models import Response
from tests.factories import BodyFactory, ForceFactory, PublicationTypeFactory

pytestmark = pytest.mark.django_db

HEADER = "title,published_on,publication_types,forces,report_url\n"


@pytest.fixture(autouse=True)
def reference_data() -> None:
    BodyFactory(force=ForceFactory(name="Norfolk", slug="norfolk"))
    ForceFactory(name="Suffolk", slug="suffolk")
    PublicationTypeFactory(name="PEEL")
    PublicationTypeFactory(name="Thematic")


def run(tmp_path: Path, body: str, *args: str) -> tuple[str, str]:
    path = tmp_path / "inspections.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_inspections", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(tmp_path: Path, body: str) -> str:
    path = tmp_path / "inspections.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_inspections", str(path), stdout=StringIO(), stderr=err)
    return err.getvalue()


GOOD = (
    "PEEL 2023–2025: Norfolk,2024-09-24,PEEL,Norfolk,https://hmicfrs.example/peel\n"
    '"Joint thematic, national",24 September 2024,Thematic;PEEL,Norfolk;Suffolk,https://hmicfrs.example/t\n'
)


def test_good_file_imports_and_creates_responses(tmp_path: Path) -> None:
    out, _ = run(tmp_path, GOOD)
    assert "2 inspection(s) imported" in out
    thematic = Inspection.objects.get(title="Joint thematic, national")
    assert thematic.published_on.isoformat() == "2024-09-24"
    assert set(thematic.publication_types.values_list("name", flat=True)) == {"Thematic", "PEEL"}
    assert set(thematic.forces.values_list("name", flat=True)) == {"Norfolk", "Suffolk"}
    assert Response.objects.filter(inspection=thematic).count() == 1  # only Norfolk's body is active
    assert AuditEntry.objects.filter(actor_label="command:import_inspections").exists()


def test_reimporting_the_same_file_changes_nothing(tmp_path: Path) -> None:
    run(tmp_path, GOOD)
    entries = AuditEntry.objects.count()
    out, _ = run(tmp_path, GOOD)
    assert "0 inspection(s) imported, 2 already present" in out
    assert Inspection.objects.count() == 2
    assert AuditEntry.objects.count() == entries


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    out, _ = run(tmp_path, GOOD, "--dry-run")
    assert "would import line 2" in out
    assert Inspection.objects.count() == 0


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "Title,2024-02-30,PEEL,Norfolk,https://x.example/\n",
            "line 3, column published_on: '2024-02-30' is not a real date",
        ),
        ("Title,2024-09-24,PEEL,Atlantis,https://x.example/\n", "line 3, column forces: unknown force 'Atlantis'"),
        (
            "Title,2024-09-24,Gossip,Norfolk,https://x.example/\n",
            "line 3, column publication_types: unknown publication type 'Gossip'",
        ),
        (",2024-09-24,PEEL,Norfolk,https://x.example/\n", "line 3, column title: the title is empty"),
        (
            "Title,2024-09-24,PEEL,Norfolk,javascript:alert(1)\n",
            "line 3, column report_url: 'javascript:alert(1)' is not a web address",
        ),
        ("Title,2024-09-24,PEEL,Norfolk,ftp://x.example/\n", "line 3, column report_url"),
        ("PEEL 2023–2025: Norfolk,24/09/2024,PEEL,Norfolk,\n", "line 3, column title: duplicate of line 2"),
    ],
)
def test_each_bad_row_has_its_own_message_and_nothing_is_imported(tmp_path: Path, row: str, expected: str) -> None:
    err = run_failing(tmp_path, GOOD.splitlines(keepends=True)[0] + row)
    assert expected in err
    assert Inspection.objects.count() == 0


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    err = run_failing(tmp_path, ",not a date,Gossip,Atlantis,ftp://x\n")
    for column in ("title", "published_on", "publication_types", "forces", "report_url"):
        assert f"line 2, column {column}" in err


def test_missing_column_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("title,published_on\nA,2024-01-01\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_inspections", str(path), stdout=StringIO(), stderr=err)
    assert "missing column(s)" in err.getvalue()


def test_all_forces_makes_a_national_report(tmp_path: Path) -> None:
    run(tmp_path, "National thematic,2024-10-01,Thematic,All,\n")
    inspection = Inspection.objects.get()
    assert inspection.is_national
    assert inspection.forces.count() == 2


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("Title\x00,2024-09-24,PEEL,Norfolk,\n", "column title: contains a NUL character"),
        (f"Title,2024-09-24,PEEL,Norfolk,https://x.example/{'a' * 600}\n", "at most 500"),
        ('"' + "x" * 200_000 + '",2024-09-24,PEEL,Norfolk,\n', "not valid CSV"),
    ],
)
def test_hostile_files_are_refused_with_a_message(tmp_path: Path, row: str, expected: str) -> None:
    assert expected in run_failing(tmp_path, row)
    assert Inspection.objects.count() == 0


# --- dates: nothing guessed, nothing filled in --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2024-09-24", dt.date(2024, 9, 24)),
        ("24 September 2024", dt.date(2024, 9, 24)),
        ("24 Sep 2024", dt.date(2024, 9, 24)),
        ("24 Sept 2024", dt.date(2024, 9, 24)),
        ("24-Sep-2024", dt.date(2024, 9, 24)),
        ("24/09/2024", dt.date(2024, 9, 24)),
        ("24-09-2024", dt.date(2024, 9, 24)),
        ("29/02/2024", dt.date(2024, 2, 29)),
    ],
)
def test_each_accepted_way_of_writing_a_date_is_read_as_the_same_day(
    tmp_path: Path, typed: str, expected: dt.date
) -> None:
    run(tmp_path, f"Title,{typed},PEEL,Norfolk,\n")
    assert Inspection.objects.get().published_on == expected


def test_a_date_with_slashes_is_read_day_first(tmp_path: Path) -> None:
    run(tmp_path, "Title,03/04/2017,PEEL,Norfolk,\n")
    assert Inspection.objects.get().published_on == dt.date(2017, 4, 3)


NO_DAY = "give the day of publication (e.g. 24 September 2024)"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("June 2013", f"'June 2013' has no day: {NO_DAY}"),
        ("2019", f"'2019' has no day: {NO_DAY}"),
        ("Sept 2022", f"'Sept 2022' has no day: {NO_DAY}"),
        ("24/09/24", "'24/09/24' has a two-digit year; write the year in full"),
        ("31/02/2024", "'31/02/2024' is not a real date: February 2024 has 29 days"),
        ("03/13/2017", "'03/13/2017' is not a real date: there is no month 13 (dates are read day first)"),
        ("24 Septembre 2024", "'24 Septembre 2024': 'Septembre' is not a month"),
    ],
)
def test_a_date_that_would_have_to_be_guessed_is_refused_with_its_reason_and_nothing_is_imported(
    tmp_path: Path, typed: str, expected: str
) -> None:
    err = run_failing(tmp_path, GOOD + f"Title,{typed},PEEL,Norfolk,\n")
    assert f"line 4, column published_on: {expected}" in err
    assert Inspection.objects.count() == 0


# --- bounds: a publication date that can be real ------------------------------------------------------------------
TODAY = dt.date(2025, 3, 10)
OUT_OF_RANGE = "The publication date must be between 1 January 2000 and 10 March 2026."


@pytest.fixture
def today() -> Iterator[dt.date]:
    with time_machine.travel(dt.datetime(2025, 3, 10, 12, tzinfo=dt.UTC), tick=False):
        yield TODAY


@pytest.mark.parametrize("typed", ["9999-12-31", "0001-01-01", "31/12/1999", "11/03/2026"])
def test_a_publication_date_outside_the_allowed_range_is_refused_naming_the_range(
    tmp_path: Path, today: dt.date, typed: str
) -> None:
    err = run_failing(tmp_path, GOOD + f"Title,{typed},PEEL,Norfolk,\n")
    assert f"line 4, column published_on: {OUT_OF_RANGE}" in err
    assert Inspection.objects.count() == 0


def test_the_first_and_last_days_of_the_allowed_range_are_accepted(tmp_path: Path, today: dt.date) -> None:
    run(tmp_path, "First,2000-01-01,PEEL,Norfolk,\nLast,2026-03-10,PEEL,Norfolk,\n")
    assert sorted(Inspection.objects.values_list("published_on", flat=True)) == [
        dt.date(2000, 1, 1),
        dt.date(2026, 3, 10),
    ]


# --- duplicates: refused, except an exact re-import ---------------------------------------------------------------
def test_an_empty_force_list_is_refused(tmp_path: Path) -> None:
    err = run_failing(tmp_path, "Title,2024-09-24,PEEL, ; ,\n")
    assert "line 2, column forces: at least one force is required (or 'All' for a national report)" in err
    assert Inspection.objects.count() == 0


@pytest.mark.parametrize(
    "title",
    [
        "PEEL 2023-2025: Norfolk",  # hyphen for the en dash
        "PEEL 2023—2025: Norfolk",  # em dash
        "peel 2023–2025: NORFOLK",
        "PEEL  2023 – 2025:  Norfolk ",
    ],
)
def test_a_row_repeating_a_recorded_inspection_in_another_spelling_is_refused_naming_it(
    tmp_path: Path, title: str
) -> None:
    run(tmp_path, GOOD)
    before = (Inspection.objects.count(), Response.objects.count(), AuditEntry.objects.count())
    err = run_failing(tmp_path, f"Another report,2024-10-01,PEEL,Norfolk,\n{title},24/09/2024,PEEL,Norfolk,\n")
    assert (
        "line 3, column title: the same inspection as 'PEEL 2023–2025: Norfolk' (24 September 2024), "
        "which is already recorded"
    ) in err
    assert (Inspection.objects.count(), Response.objects.count(), AuditEntry.objects.count()) == before
    assert not Inspection.objects.filter(title="Another report").exists()


def test_a_row_repeating_an_earlier_row_in_another_spelling_is_refused(tmp_path: Path) -> None:
    err = run_failing(tmp_path, GOOD + "peel 2023 - 2025: norfolk,2024-09-24,PEEL,Norfolk,\n")
    assert "line 4, column title: duplicate of line 2 (same title and publication date)" in err
    assert Inspection.objects.count() == 0


def test_the_same_title_on_another_day_is_another_inspection(tmp_path: Path) -> None:
    run(tmp_path, GOOD)
    out, _ = run(tmp_path, "PEEL 2023-2025: Norfolk,2025-09-24,PEEL,Norfolk,\n")
    assert "1 inspection(s) imported" in out


def test_a_reimported_row_that_now_says_something_else_is_left_unchanged_and_says_so(tmp_path: Path) -> None:
    run(tmp_path, GOOD)
    out, _ = run(tmp_path, "PEEL 2023–2025: Norfolk,2024-09-24,PEEL,Suffolk,https://hmicfrs.example/moved\n")
    assert "0 inspection(s) imported, 1 already present" in out
    assert (
        "already present, left unchanged: line 2: PEEL 2023–2025: Norfolk (2024-09-24); the file's forces and "
        "report address differ from the recorded inspection's: correct them in the admin"
    ) in out
    inspection = Inspection.objects.get(title="PEEL 2023–2025: Norfolk")
    assert list(inspection.forces.values_list("name", flat=True)) == ["Norfolk"]
    assert inspection.report_url == "https://hmicfrs.example/peel"


def test_a_dry_run_says_which_rows_are_already_present(tmp_path: Path) -> None:
    run(tmp_path, GOOD)
    out, _ = run(tmp_path, GOOD + "New,2024-10-01,PEEL,Norfolk,\n", "--dry-run")
    assert "already present, left unchanged: line 2: PEEL 2023–2025: Norfolk (2024-09-24)\n" in out
    assert "would import line 4: New (2024-10-01)" in out
    assert "would import line 2" not in out
