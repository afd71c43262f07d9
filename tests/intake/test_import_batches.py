"""The importer writes a valid file in short batches, each its own transaction, and stays all or nothing: a batch
that fails removes what the batches before it wrote, and says so. On SQLite another connection writes while an
import runs (between its batches), instead of waiting for the whole import or failing with "database is locked"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction

from inspections.models import Inspection
from intake import importer
from intake.importer import COLUMNS, import_csv_text
from responses import services
from responses.models import Response
from tests.factories import BodyFactory, ForceFactory, PublicationTypeFactory

ROOT = Path(__file__).resolve().parents[2]
HEADER = ",".join(COLUMNS)


@pytest.fixture
def reference_data(db: Any) -> None:
    BodyFactory(force=ForceFactory(name="Norfolk", slug="norfolk"))
    PublicationTypeFactory(name="PEEL")


def csv_of(count: int) -> str:
    rows = [f"Batch report {n},2024-09-{1 + n % 28:02},PEEL,Norfolk,https://hmicfrs.example/{n}" for n in range(count)]
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.mark.django_db(transaction=True)
def test_each_batch_is_committed_on_its_own(reference_data: None, monkeypatch: pytest.MonkeyPatch) -> None:
    committed: list[int] = []
    write = importer.InspectionImporter._write_bulk

    def write_and_watch(self: Any, rows: Any) -> list[Inspection]:
        written = write(self, rows)
        # Runs when the outermost transaction commits: at the end of each batch, seeing what is committed so far.
        transaction.on_commit(lambda: committed.append(Inspection.objects.count()))
        return written

    monkeypatch.setattr(importer.InspectionImporter, "_write_bulk", write_and_watch)
    result = import_csv_text(csv_of(5), batch_size=2)
    assert result.ok and len(result.created) == 5
    assert committed == [2, 4, 5]  # three commits: rows 1–2, 3–4, 5


@pytest.mark.django_db
def test_a_batch_is_written_in_a_few_queries_whatever_its_size(
    reference_data: None, django_assert_max_num_queries: Any
) -> None:
    """Bulk: the inspections, their types and forces, the responses and the audit entries each in one INSERT."""
    text = csv_of(150)
    with django_assert_max_num_queries(30):  # one at a time, it took about 16 a row
        result = import_csv_text(text)
    assert len(result.created) == 150
    assert Response.objects.count() == 150


@pytest.mark.django_db
def test_a_bulk_batch_keeps_the_audit_trail_of_one_at_a_time(reference_data: None) -> None:
    from audit.models import AuditEntry

    import_csv_text(csv_of(2))
    inspection = Inspection.objects.get(title="Batch report 1")
    response = Response.objects.get(inspection=inspection)
    bulk = {
        (e.content_type.model, e.action, tuple(sorted(e.changes_dict)), e.body_id, e.response_id)
        for e in AuditEntry.objects.filter(object_id__in=[inspection.pk, response.pk])
        if e.content_type.model in ("inspection", "response")
        and e.object_id == (inspection.pk if e.content_type.model == "inspection" else response.pk)
    }
    # The same row written the single way: through the models' own saves and m2m adds.
    single = Inspection.objects.create(
        title="Single report", published_on=inspection.published_on, report_url=inspection.report_url
    )
    single.publication_types.add(*inspection.publication_types.all())
    single.forces.add(*inspection.forces.all())
    (opened,) = services.inspection_sync_responses(inspection=single)
    expected = {
        (e.content_type.model, e.action, tuple(sorted(e.changes_dict)), e.body_id, e.response_id)
        for e in AuditEntry.objects.filter(object_id__in=[single.pk, opened.pk])
        if e.content_type.model in ("inspection", "response")
        and e.object_id == (single.pk if e.content_type.model == "inspection" else opened.pk)
    }
    normalise = {(m, a, c, b, r is not None) for m, a, c, b, r in bulk}
    assert normalise == {(m, a, c, b, r is not None) for m, a, c, b, r in expected}
    assert len(bulk) == 4  # the inspection, its types, its forces, the response


@pytest.mark.django_db(transaction=True)
def test_a_batch_that_fails_removes_the_earlier_batches_and_says_so(
    reference_data: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    write = importer.InspectionImporter._write_bulk

    def fail_on_the_fourth_row(self: Any, rows: Any) -> list[Inspection]:
        if any(row.title == "Batch report 3" for row in rows):
            raise DatabaseError("disk I/O error")
        return write(self, rows)

    monkeypatch.setattr(importer.InspectionImporter, "_write_bulk", fail_on_the_fourth_row)
    result = import_csv_text(csv_of(5), batch_size=2)
    assert not result.ok
    assert result.created == []
    assert [str(p) for p in result.problems] == [
        "line 4, column -: the rows of lines 4 to 5 could not be written (DatabaseError: disk I/O error). "
        "The 2 inspection(s) written before it were removed again: nothing was imported."
    ]
    assert not Inspection.objects.exists()
    assert not Response.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_response_worked_on_meanwhile_is_not_thrown_away_and_the_problem_names_it(
    reference_data: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    write = importer.InspectionImporter._write_bulk
    batches = 0

    def an_officer_starts_on_a_response(self: Any) -> None:
        nonlocal batches
        batches += 1
        if batches == 2:  # after the second batch: a response the first one opened is worked on
            opened = Response.objects.get(inspection__title="Batch report 0")
            services.response_update_comments(response=opened, body_comments="Started on it.")

    def fail_on_the_fifth_row(self: Any, rows: Any) -> list[Inspection]:
        if any(row.title == "Batch report 4" for row in rows):
            raise DatabaseError("disk I/O error")
        return write(self, rows)

    monkeypatch.setattr(importer.InspectionImporter, "_between_batches", an_officer_starts_on_a_response)
    monkeypatch.setattr(importer.InspectionImporter, "_write_bulk", fail_on_the_fifth_row)
    result = import_csv_text(csv_of(5), batch_size=2)
    assert [i.title for i in result.created] == ["Batch report 0"]
    (problem,) = result.problems
    assert problem.message.startswith("this row could not be written (DatabaseError: disk I/O error).")
    assert "Of the 4 inspection(s) written before it, 1 could not be removed again because they are in use" in (
        problem.message
    )
    assert "Batch report 0" in problem.message
    assert list(Inspection.objects.values_list("title", flat=True)) == ["Batch report 0"]
    assert Response.objects.get().body_comments == "Started on it."


@pytest.mark.django_db(transaction=True)
def test_the_command_reports_the_undone_import(
    reference_data: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        importer.InspectionImporter, "_write_bulk", lambda self, rows: (_ for _ in ()).throw(DatabaseError("locked"))
    )
    path = tmp_path / "inspections.csv"
    path.write_text(csv_of(3), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_inspections", str(path))
    assert "could not be written (DatabaseError: locked). Nothing was imported." in capsys.readouterr().err
    assert not Inspection.objects.exists()


# --- on SQLite, in WAL mode, with another connection writing --------------------------------------------------------
PROBE = r"""
import json, os, sys, threading, time
import django
django.setup()
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError, connection, connections, transaction

settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}  # the tables, quickly
call_command("migrate", run_syncdb=True, verbosity=0)
from accounts.models import User
from inspections.models import Force, Inspection, LocalPolicingBody, PublicationType
from intake.importer import import_csv_text

force = Force.objects.create(name="Norfolk", slug="norfolk")
LocalPolicingBody.objects.create(kind="pcc", name="Norfolk PCC", force=force, active=True)
PublicationType.objects.create(name="PEEL", slug="peel")
user = User.objects.create(username="writer")
rows = int(sys.argv[1])
text = "title,published_on,publication_types,forces,report_url\n" + "".join(
    f"Probe report {n},2024-09-{1 + n % 28:02},PEEL,Norfolk,\n" for n in range(rows)
)
journal = connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]
outcome = {}

def run_import():
    try:
        result = import_csv_text(text, batch_size=int(sys.argv[2]))
        outcome["created"] = len(result.created)
        outcome["problems"] = [str(p) for p in result.problems]
    finally:
        connections.close_all()

importer = threading.Thread(target=run_import)
importer.start()
while importer.is_alive() and not Inspection.objects.exists():
    time.sleep(0.01)  # the first batch is committed
writes, errors, during = 0, [], 0
while importer.is_alive():
    try:
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(first_name=str(writes))
        writes += 1
        if importer.is_alive():
            during += 1
    except OperationalError as exc:
        errors.append(str(exc))
    time.sleep(0.02)
importer.join()
print(json.dumps({"journal": journal, "during": during, "errors": errors, **outcome}))
"""


def test_on_sqlite_another_connection_writes_while_an_import_runs(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "VAR_DIR": str(tmp_path / "var"),
        }
    )
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, "300", "20"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert probe.returncode == 0, probe.stderr[-3000:]
    report = json.loads(probe.stdout.strip().splitlines()[-1])
    assert report["journal"] == "wal"
    assert report["problems"] == [] and report["created"] == 300
    assert report["errors"] == [], "a write failed while the import ran"
    assert report["during"] >= 1, "no write got in before the import had finished"
