"""manage.py export_audit."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from audit.models import ExportRecord
from responses import services
from tests.exports.helpers import read_csv
from tests.factories import BodyFactory, make_response

LONDON = ZoneInfo("Europe/London")


def run(*args: str) -> list[dict[str, str]]:
    out = io.StringIO()
    call_command("export_audit", *args, stdout=out)
    return read_csv(out.getvalue())


def test_writes_every_bodys_entries_to_stdout(db) -> None:
    make_response(body=BodyFactory(), title="One")
    make_response(body=BodyFactory(), title="Two")
    assert {row["inspection"] for row in run()} >= {"One", "Two"}


def test_writes_to_a_file_with_output(db, tmp_path) -> None:
    make_response(title="One")
    target = tmp_path / "audit.csv"
    call_command("export_audit", "--output", str(target), stderr=io.StringIO())
    assert "One" in {row["inspection"] for row in read_csv(target.read_text(encoding="utf-8"))}


def test_filters_by_dates_and_response(db) -> None:
    with time_machine.travel(dt.datetime(2024, 3, 1, 12, tzinfo=LONDON), tick=False):
        old = make_response(title="Old")
    with time_machine.travel(dt.datetime(2024, 5, 1, 12, tzinfo=LONDON), tick=False):
        new = make_response(title="New")
        services.response_override_deadline(response=new, deadline=dt.date(2024, 12, 1), reason="r")
    assert {row["inspection"] for row in run("--from", "2024-04-01") if row["response"]} == {"New"}
    assert {row["inspection"] for row in run("--to", "2024-03-01") if row["response"]} == {"Old"}
    assert {row["response"] for row in run("--response", str(old.pk))} == {str(old.pk)}


@pytest.mark.parametrize("args", [["--from", "1 March"], ["--to", "2024-02-30"], ["--response", "x"]])
def test_a_bad_filter_is_refused(db, args) -> None:
    with pytest.raises(CommandError, match="Invalid filter"):
        run(*args)


def test_the_export_is_recorded_as_the_command(db) -> None:
    rows = run("--from", "2024-01-01")
    record = ExportRecord.objects.get()
    assert (record.kind, record.actor, record.filters) == ("audit", "command:export_audit", {"from": "2024-01-01"})
    recorded = [row for row in rows if row["object"].startswith("export record #")]
    assert {row["actor"] for row in recorded} == {"command:export_audit"}
