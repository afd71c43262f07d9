"""/exports/audit.csv (audit/views.py::export_audit)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import StreamingHttpResponse
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEntry, ExportRecord
from responses import services
from tests.exports.helpers import login, national_user, read_csv, streamed_text
from tests.factories import BodyFactory, UserFactory, make_response

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def body(db):
    return BodyFactory()


@pytest.fixture
def viewer(body):
    return UserFactory(username="viewer", body=body, role=Role.VIEWER, is_staff=False)


def export(client, **params) -> list[dict[str, str]]:
    response = client.get(reverse("export_audit"), params)
    assert response.status_code == 200
    return read_csv(streamed_text(response))


def at(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


def test_the_url_is_the_documented_one() -> None:
    assert reverse("export_audit") == "/exports/audit.csv"


def test_anonymous_users_are_sent_to_log_in(client, db) -> None:
    assert client.get(reverse("export_audit")).status_code == 302


def test_the_export_streams_as_a_dated_attachment(client, viewer) -> None:
    login(client, viewer)
    with at(dt.datetime(2024, 7, 1, 0, 30, tzinfo=LONDON)):
        response = client.get(reverse("export_audit"))
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="s55-audit-2024-07-01.csv"'
    assert "no-store" in response["Cache-Control"]


def test_another_bodys_entries_never_appear(client, viewer) -> None:
    mine = make_response(body=viewer.body, title="Mine")
    theirs = make_response(body=BodyFactory(), title="Theirs")
    services.response_override_deadline(response=theirs, deadline=dt.date(2025, 1, 1), reason="Their secret")
    login(client, viewer)
    rows = export(client)
    assert {row["response"] for row in rows if row["response"]} == {str(mine.pk)}
    assert not [row for row in rows if "Theirs" in str(row.values()) or "Their secret" in str(row.values())]
    assert {row["body"] for row in rows} <= {viewer.body.name}
    # Even when asked for the other body's response by id.
    assert export(client, response=theirs.pk) == []


def test_a_national_superuser_sees_every_body_and_the_shared_inspections(client, body) -> None:
    make_response(body=body, title="One")
    make_response(body=BodyFactory(), title="Two")
    login(client, national_user())
    rows = export(client)
    assert {row["inspection"] for row in rows} >= {"One", "Two"}
    assert [row for row in rows if row["object"].startswith("inspection #")]


def test_a_user_without_a_body_sees_nothing(client, body) -> None:
    make_response(body=body)
    login(client, UserFactory(username="nobody", body=None))
    assert export(client) == []


def test_from_and_to_are_inclusive_uk_dates(client, viewer) -> None:
    moments = {
        "before": dt.datetime(2024, 6, 30, 23, 59, tzinfo=LONDON),
        "first": dt.datetime(2024, 7, 1, 0, 0, tzinfo=LONDON),  # 30 June 23:00 UTC
        "last": dt.datetime(2024, 7, 31, 23, 59, tzinfo=LONDON),
        "after": dt.datetime(2024, 8, 1, 0, 0, tzinfo=LONDON),
    }
    for title, moment in moments.items():
        with at(moment):
            make_response(body=viewer.body, title=title)
    login(client, viewer)
    rows = export(client, **{"from": "2024-07-01", "to": "2024-07-31"})
    assert {row["inspection"] for row in rows if row["field"] == "deadline"} == {"first", "last"}
    assert {row["inspection"] for row in export(client, **{"from": "2024-07-31"}) if row["field"] == "deadline"} == {
        "last",
        "after",
    }


def test_the_response_filter_keeps_one_responses_entries(client, viewer) -> None:
    one = make_response(body=viewer.body, title="One")
    make_response(body=viewer.body, title="Two")
    services.response_override_deadline(response=one, deadline=dt.date(2025, 1, 1), reason="Extension")
    login(client, viewer)
    rows = export(client, response=one.pk)
    assert rows
    assert {row["response"] for row in rows} == {str(one.pk)}
    assert "Extension" in {row["reason"] for row in rows}


def test_invalid_filters_are_ignored_not_a_500(client, viewer) -> None:
    make_response(body=viewer.body, title="Mine")
    login(client, viewer)
    rows = export(client, **{"from": "yesterday", "to": "2024-02-30", "response": "one"})
    assert "Mine" in {row["inspection"] for row in rows}


def test_the_export_is_itself_recorded_and_appears_in_the_next_one(client, viewer) -> None:
    login(client, viewer)
    streamed_text(client.get(reverse("export_audit"), {"from": "2024-01-01", "response": "7", "to": "bad"}))
    record = ExportRecord.objects.get()
    assert (record.kind, record.actor, record.user) == ("audit", "viewer", viewer)
    assert record.filters == {"from": "2024-01-01", "response": 7}
    entry = AuditEntry.objects.get(content_type__model="exportrecord")
    assert (entry.actor, entry.body_id) == (viewer, viewer.body_id)
    rows = export(client)
    recorded = [row for row in rows if row["object"].startswith("export record #")]
    assert {row["actor"] for row in recorded} == {"viewer"}
    assert '{"from": "2024-01-01", "response": 7}' in {row["new"] for row in recorded if row["field"] == "filters"}
