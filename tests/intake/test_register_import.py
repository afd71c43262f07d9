"""intake/register_import.py and `import_register`: a register export read back in, checked first, quiet history."""

from __future__ import annotations

import csv
import datetime as dt
import io
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEntry
from exports.register import register_csv, register_xlsx
from inspections.models import Inspection, LocalPolicingBody
from intake.register_import import IMPORT_REASON, MAX_ROWS
from notifications.models import OutboxEmail
from notifications.planner import due_reminders, plan_reminders
from responses import services
from responses.models import OPEN_STATUSES, ChecklistItem, ChecklistStep, Response, Status
from tests.factories import BodyFactory, ForceFactory, PublicationTypeFactory, UserFactory, make_response

pytestmark = pytest.mark.django_db

HEADER = (
    "inspection,publication_types,force,body,published_on,deadline,statutory_last_day,status,days_left,"
    "forwarded_to_chief_constable,forwarded_to_panel,published_on_website,submitted_to_portal,"
    "copied_to_home_secretary,published_url,response_published_on,days_late,owner,note\n"
)
NORFOLK_PCC = "Norfolk Police and Crime Commissioner"
SUFFOLK_PCC = "Suffolk Police and Crime Commissioner"


@pytest.fixture
def offices(steps: object) -> None:
    norfolk = active_body("Norfolk", NORFOLK_PCC)
    suffolk = active_body("Suffolk", SUFFOLK_PCC)
    PublicationTypeFactory(name="PEEL")
    PublicationTypeFactory(name="Thematic")
    UserFactory(username="nora", email="nora@norfolk.example", body=norfolk, role=Role.EDITOR)
    UserFactory(username="sam", email="sam@suffolk.example", body=suffolk, role=Role.EDITOR)


def active_body(force: str, name: str) -> LocalPolicingBody:
    body = BodyFactory(force=ForceFactory(name=force, slug=force.lower()), name=name, short_name=f"{force} OPCC")
    body.active, body.short_name = True, f"{force} OPCC"
    body.save()
    return body


def write(tmp_path: Path, body: str, name: str = "register.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def run(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_register", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def run_failing(path: Path) -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_register", str(path), stdout=StringIO(), stderr=err)
    return err.getvalue()


def row(**cells: str) -> str:
    values = {
        "inspection": "PEEL 2021/22: Norfolk",
        "publication_types": "PEEL",
        "force": "Norfolk",
        "body": NORFOLK_PCC,
        "published_on": "2022-03-10",
        **cells,
    }
    columns = HEADER.strip().split(",")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([values.get(column, "") for column in columns])
    return out.getvalue()


def nothing_written() -> bool:
    return not Inspection.objects.exists() and not Response.objects.exists()


def export_rows() -> list[list[str]]:
    text = "".join(register_csv(Response.objects.all(), today=timezone.localdate()))
    return list(csv.reader(io.StringIO(text)))


def as_open(rows: list[list[str]]) -> list[list[str]]:
    """The rows with an open response's stored status read as 'open': how far drafting had gone (comments,
    explanations, ready) is not in the register, so an open response comes back as not started."""
    status = rows[0].index("status")
    return [[*r[:status], "open" if r[status] in OPEN_STATUSES else r[status], *r[status + 1 :]] for r in rows]


# --- the round trip ---------------------------------------------------------------------------------------------------
@pytest.mark.reference_data
def test_the_demo_register_imported_into_an_empty_deployment_exports_the_same_rows(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    with transaction.atomic():  # the demo, exported, then rolled back: the deployment as migrate left it
        call_command("loaddemo", stdout=StringIO())
        before = export_rows()
        path.write_text("".join(register_csv(Response.objects.all(), today=timezone.localdate())), encoding="utf-8")
        transaction.set_rollback(True)
    assert not Response.objects.exists()
    call_command(
        "setup_office",
        "--force=Norfolk",
        "--inbox=opcc@norfolk.example",
        "--admin-email=admin@norfolk.example",
        stdout=StringIO(),
    )
    UserFactory(username="editor", body=LocalPolicingBody.objects.get(name=NORFOLK_PCC))  # the demo's owner

    out = run(path)

    assert len(before) > 5
    assert f"{len(before) - 1} response(s) created" in out
    assert as_open(export_rows()) == as_open(before)
    published = Response.objects.filter(published_on__isnull=False)
    assert published.exists()
    assert all(r.publication_imported for r in published)


def test_an_xlsx_register_imports_like_the_csv(tmp_path: Path, offices: None) -> None:
    make_history(years=2)
    before = export_rows()
    path = tmp_path / "register.xlsx"
    with path.open("wb") as file:
        register_xlsx(Response.objects.all(), today=timezone.localdate(), file=file)
    Response.objects.all().delete()
    Inspection.objects.all().delete()

    run(path)

    assert export_rows() == before


def test_importing_the_same_register_again_changes_nothing_and_adds_no_audit_entries(
    tmp_path: Path, offices: None
) -> None:
    path = write(
        tmp_path,
        row(
            deadline="2022-05-20",
            forwarded_to_chief_constable="2022-03-20",
            published_on_website="2022-05-02",
            published_url="https://norfolk-pcc.example/peel",
            response_published_on="2022-05-01",
            owner="nora@norfolk.example",
        )
        + row(inspection="Custody 2019", published_on="2019-01-15", status="not_required", note="Not our custody"),
    )
    first = run(path)
    assert "2 inspection(s) and 2 response(s) created" in first
    entries = AuditEntry.objects.count()

    again = run(path)

    assert "0 inspection(s) and 0 response(s) created, 0 response(s) changed, 2 row(s) already as recorded" in again
    assert AuditEntry.objects.count() == entries


# --- what a row records ----------------------------------------------------------------------------------------------
def test_each_column_is_recorded_through_the_services_with_the_reason_and_the_commands_name(
    tmp_path: Path, offices: None
) -> None:
    run(
        write(
            tmp_path,
            row(
                deadline="2022-05-20",
                forwarded_to_panel="2022-04-01",
                published_on_website="2022-05-02",
                published_url="https://norfolk-pcc.example/peel",
                response_published_on="2022-05-01",
                owner="nora",
                status="complete",
                days_left="-900",
                statutory_last_day="1999-01-01",
            ),
        )
    )
    response = Response.objects.select_related("owner", "inspection").get()
    assert response.inspection.title == "PEEL 2021/22: Norfolk"
    assert list(response.inspection.publication_types.values_list("name", flat=True)) == ["PEEL"]
    assert response.owner is not None and response.owner.username == "nora"
    assert (response.deadline, response.deadline_overridden) == (dt.date(2022, 5, 20), True)
    assert response.deadline_override_reason == IMPORT_REASON
    assert response.statutory_last_day == dt.date(2022, 5, 4)  # derived, whatever the file said
    assert (response.published_on, response.published_url) == (
        dt.date(2022, 5, 1),
        "https://norfolk-pcc.example/peel",
    )
    assert response.status == Status.PUBLISHED  # two required steps still open
    website = ChecklistItem.objects.get(response=response, step__key="published_on_website")
    assert (website.done_on, website.evidence_url) == (dt.date(2022, 5, 2), "https://norfolk-pcc.example/peel")
    entries = AuditEntry.objects.filter(response_id=response.pk)
    assert entries.exists()
    assert set(entries.values_list("actor_label", flat=True)) == {"command:import_register"}
    assert set(entries.exclude(reason="").values_list("reason", flat=True)) == {IMPORT_REASON}


def test_a_deadline_on_the_form_rule_is_no_override(tmp_path: Path, offices: None) -> None:
    run(write(tmp_path, row(deadline="2022-05-05")))  # published 10 March + 56 days
    response = Response.objects.get()
    assert (response.deadline, response.deadline_overridden) == (dt.date(2022, 5, 5), False)


def test_not_required_with_its_note_closes_the_response(tmp_path: Path, offices: None) -> None:
    run(write(tmp_path, row(status="not_required", note="Norfolk is clearly not the subject")))
    response = Response.objects.get()
    assert response.status == Status.NOT_REQUIRED
    assert response.not_required_reason == "Norfolk is clearly not the subject"


def test_a_title_the_export_neutralised_comes_back_as_it_was(tmp_path: Path, offices: None) -> None:
    run(write(tmp_path, row(inspection="'=Formula-looking report title")))
    assert Inspection.objects.get().title == "=Formula-looking report title"
    assert "'=Formula-looking report title" in "".join(register_csv(Response.objects.all(), today=timezone.localdate()))


def test_a_dry_run_says_what_would_change_and_writes_nothing(tmp_path: Path, offices: None) -> None:
    out = run(write(tmp_path, row(owner="nora")), "--dry-run")
    assert "would change line 2: PEEL 2021/22: Norfolk (2022-03-10), Norfolk OPCC: new inspection" in out
    assert "owner: nora" in out
    assert "Nothing written (dry run)." in out
    assert nothing_written()


def test_the_dry_run_counts_open_responses_long_past_their_last_day(tmp_path: Path, offices: None) -> None:
    today = timezone.localdate()
    long_ago = (today - dt.timedelta(days=55 + 57)).isoformat()
    recent = (today - dt.timedelta(days=55 + 30)).isoformat()
    out = run(
        write(
            tmp_path,
            row(inspection="Old and open", published_on=long_ago)
            + row(inspection="Recent and open", published_on=recent)
            + row(inspection="Old and published", published_on=long_ago, response_published_on=long_ago)
            + row(inspection="Old and not required", published_on=long_ago, status="not_required", note="n/a"),
        ),
        "--dry-run",
    )
    assert "1 response(s) in this file will be open with a statutory last day more than 56 days ago" in out
    assert "they will be reminded about" in out


# --- refused ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"body": "Atlantis Police and Crime Commissioner"}, "line 2, column body: unknown body 'Atlantis"),
        ({"forwarded_to_panel": "2022-03-09"}, "line 2, column forwarded_to_panel: 9 March 2022 is before the report"),
        ({"forwarded_to_panel": "2999-01-01"}, "line 2, column forwarded_to_panel: 1 January 2999 is in the future"),
        ({"owner": "sam"}, "line 2, column owner: 'sam' works for Suffolk Police and Crime Commissioner, not Norfolk"),
        ({"owner": "nobody-here"}, "line 2, column owner: no user 'nobody-here'"),
        (
            {"owner": "=cmd|' /C calc'!A0"},
            "line 2, column owner: '=cmd|' /C calc'!A0' looks like a spreadsheet formula",
        ),
        ({"owner": "'@SUM(1+1)"}, "line 2, column owner: '@SUM(1+1)' looks like a spreadsheet formula"),
        ({"forwarded_to_panel": "=TODAY()"}, "line 2, column forwarded_to_panel: '=TODAY()' looks like a spreadsheet"),
        ({"published_on": "+2022-03-10"}, "line 2, column published_on: '+2022-03-10' looks like a spreadsheet"),
        ({"published_url": "javascript:alert(1)"}, "line 2, column published_url: 'javascript:alert(1)' is not a web"),
        ({"status": "not required"}, "line 2, column status: unknown status 'not required'"),
        ({"status": "not_required"}, "line 2, column note: a not-required response needs the reason in note"),
        ({"status": "published"}, "line 2, column response_published_on: the status is published but the day"),
        ({"force": "Suffolk"}, "line 2, column force: Norfolk Police and Crime Commissioner answers for Norfolk, not"),
        ({"deadline": "2023-06-01"}, "line 2, column deadline: 1 June 2023: a deadline must fall after the report"),
        ({"published_on": "2016-07-14", "deadline": "2016-09-08"}, "line 2, column deadline: No statutory deadline"),
        ({"response_published_on": "2022-02-01"}, "line 2, column response_published_on: 1 February 2022 is before"),
        ({"published_on": "March 2022"}, "line 2, column published_on: 'March 2022' has no day"),
        ({"publication_types": "Gossip"}, "line 2, column publication_types: unknown publication type 'Gossip'"),
    ],
)
def test_a_bad_row_is_refused_by_line_and_column_and_nothing_is_written(
    tmp_path: Path, offices: None, cells: dict[str, str], expected: str
) -> None:
    err = run_failing(write(tmp_path, row(inspection="A good row first") + row(**cells)).with_name("register.csv"))
    assert f"register.csv: {expected.replace('line 2', 'line 3')}" in err
    assert nothing_written()


def test_an_unknown_step_key_column_is_refused(tmp_path: Path, offices: None) -> None:
    path = tmp_path / "register.csv"
    path.write_text(HEADER.replace("copied_to_home_secretary", "sent_by_carrier_pigeon") + row(), encoding="utf-8")
    err = run_failing(path)
    assert "line 1, column sent_by_carrier_pigeon: unknown column" in err
    assert "forwarded_to_chief_constable" in err  # the steps it could be
    assert nothing_written()


def test_a_body_that_is_not_active_is_refused(tmp_path: Path, offices: None) -> None:
    LocalPolicingBody.objects.filter(name="Essex PFCC").delete()
    BodyFactory(force=ForceFactory(name="Essex", slug="essex"), name="Essex PFCC", active=False)
    err = run_failing(write(tmp_path, row(force="Essex", body="Essex PFCC")))
    assert "line 2, column body: Essex PFCC is not active in this deployment" in err
    assert nothing_written()


def test_a_file_over_100000_rows_is_refused_whole(tmp_path: Path, offices: None) -> None:
    line = row(inspection="Repeated")
    path = tmp_path / "register.csv"
    path.write_text(HEADER + line * (MAX_ROWS + 1), encoding="utf-8")
    err = run_failing(path)
    assert f"line {MAX_ROWS + 2}, column -: the file has more than 100,000 rows" in err
    assert err.count("\n") == 1  # that one problem, not a hundred thousand duplicates
    assert nothing_written()


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(tmp_path: Path, offices: None) -> None:
    path = tmp_path / "register.ods"
    path.write_bytes(b"PK\x03\x04")
    assert "give a .csv or .xlsx file" in run_failing(path)
    bad = tmp_path / "register.xlsx"
    bad.write_bytes(b"not a zip")
    assert "not an Excel workbook" in run_failing(bad)


def test_a_repeated_row_is_refused_and_so_is_one_inspection_spelled_two_ways(tmp_path: Path, offices: None) -> None:
    err = run_failing(write(tmp_path, row() + row(owner="nora")))
    assert "line 3, column inspection: duplicate of line 2 (same inspection and body)" in err
    err = run_failing(
        write(tmp_path, row() + row(inspection="peel 2021/22:  NORFOLK", body=SUFFOLK_PCC, force="Suffolk"))
    )
    assert (
        "line 3, column inspection: the same inspection as line 2 ('PEEL 2021/22: Norfolk') spelled differently" in err
    )
    assert nothing_written()


# --- history is quiet -------------------------------------------------------------------------------------------------
def make_history(*, years: int) -> None:
    """A register's worth of published responses, two a year, some with office-use steps left unticked."""
    norfolk = active_body("Norfolk", NORFOLK_PCC)
    today = timezone.localdate()
    for n in range(years * 2):
        published = today - dt.timedelta(days=120 + n * 182)
        response = make_response(body=norfolk, published_on=published, title=f"History report {n + 1}")
        if n % 3 == 0:
            services.checklist_tick(
                response=response,
                step=ChecklistStep.objects.get(key="forwarded_to_panel"),
                user=None,
                done_on=published + dt.timedelta(days=10),
            )
        services.response_record_published(
            response=Response.objects.get(pk=response.pk),
            published_on=published + dt.timedelta(days=40 + n % 30),
            published_url=f"https://norfolk-pcc.example/{n}",
            reason=IMPORT_REASON,
        )


def test_ten_years_of_imported_published_history_is_never_reminded_about(tmp_path: Path, offices: None) -> None:
    make_history(years=10)
    path = tmp_path / "register.csv"
    path.write_text("".join(register_csv(Response.objects.all(), today=timezone.localdate())), encoding="utf-8")
    Response.objects.all().delete()
    Inspection.objects.all().delete()
    run(path)
    assert Response.objects.filter(status=Status.PUBLISHED).count() > 10  # steps left open: would be chased

    today = timezone.localdate()
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert out.getvalue() == ""
    assert due_reminders(today) == []
    assert plan_reminders(today).planned == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=365), tick=False):
        assert due_reminders(timezone.localdate()) == []
    assert not OutboxEmail.objects.exists()
