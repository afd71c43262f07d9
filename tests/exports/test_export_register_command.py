"""manage.py export_register."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from audit.models import AuditEntry, ExportRecord
from tests.exports.helpers import read_csv
from tests.factories import BodyFactory, make_response


@pytest.fixture
def two_bodies(steps):
    make_response(body=BodyFactory(), title="One", published_on=dt.date(2024, 9, 1))
    make_response(body=BodyFactory(), title="Two", published_on=dt.date(2024, 9, 2))


def test_writes_every_bodys_register_to_stdout(two_bodies) -> None:
    out = io.StringIO()
    call_command("export_register", stdout=out)
    assert [row["inspection"] for row in read_csv(out.getvalue())] == ["One", "Two"]


def test_writes_to_a_file_with_output(two_bodies, tmp_path) -> None:
    target = tmp_path / "register.csv"
    call_command("export_register", "--output", str(target), stdout=io.StringIO(), stderr=io.StringIO())
    rows = read_csv(target.read_text(encoding="utf-8"))
    assert [row["inspection"] for row in rows] == ["One", "Two"]
    assert rows[0]["published_on"] == "2024-09-01"


def test_an_xlsx_output_file_gets_a_workbook(two_bodies, tmp_path) -> None:
    target = tmp_path / "register.xlsx"
    call_command("export_register", "--output", str(target), stderr=io.StringIO())
    sheet = load_workbook(target).active
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["inspection", "One", "Two"]


def test_xlsx_needs_an_output_file(db) -> None:
    with pytest.raises(CommandError, match="--output"):
        call_command("export_register", "--format", "xlsx")


def test_the_export_is_recorded_as_the_command(two_bodies) -> None:
    call_command("export_register", stdout=io.StringIO())
    record = ExportRecord.objects.get()
    assert (record.kind, record.actor, record.user, record.body_id) == (
        "register",
        "command:export_register",
        None,
        None,
    )
    entry = AuditEntry.objects.get(content_type__model="exportrecord")
    assert entry.actor_label == "command:export_register"
    assert entry.actor is None
