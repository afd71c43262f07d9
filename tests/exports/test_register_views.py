"""/exports/register.csv and /exports/register.xlsx (audit/views.py::export_register)."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from audit.models import AuditEntry, ExportRecord
from tests.exports.helpers import login, national_user, read_csv, streamed_text
from tests.factories import BodyFactory, UserFactory, make_inspection, make_response

NOW = dt.datetime(2024, 11, 10, 9, 30, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def body(db):
    return BodyFactory()


@pytest.fixture
def viewer(body):
    return UserFactory(username="viewer", body=body, role=Role.VIEWER, is_staff=False)


def test_anonymous_users_are_sent_to_log_in(client, db) -> None:
    response = client.get(reverse("export_register"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_urls_are_the_documented_ones() -> None:
    assert reverse("export_register") == "/exports/register.csv"
    assert reverse("export_register_xlsx") == "/exports/register.xlsx"


def test_the_csv_streams_as_an_attachment_named_with_the_date(client, viewer, steps) -> None:
    make_response(body=viewer.body, title="Mine")
    login(client, viewer)
    response = client.get(reverse("export_register"))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="s55-register-2024-11-10.csv"'
    assert "no-store" in response["Cache-Control"]
    assert [row["inspection"] for row in read_csv(streamed_text(response))] == ["Mine"]


def test_a_user_sees_only_their_own_bodys_rows(client, viewer, steps) -> None:
    other = BodyFactory()
    make_inspection(title="Shared thematic", forces=[viewer.body.force, other.force])
    make_response(body=other, title="Theirs only")
    login(client, viewer)
    rows = read_csv(streamed_text(client.get(reverse("export_register"))))
    assert [(row["inspection"], row["body"]) for row in rows] == [("Shared thematic", viewer.body.name)]


def test_a_national_superuser_sees_every_body(client, body, steps) -> None:
    make_response(body=body, title="One")
    make_response(body=BodyFactory(), title="Two")
    login(client, national_user())
    rows = read_csv(streamed_text(client.get(reverse("export_register"))))
    assert sorted(row["inspection"] for row in rows) == ["One", "Two"]


def test_a_user_without_a_body_gets_only_the_header(client, body, steps) -> None:
    make_response(body=body, title="One")
    login(client, UserFactory(username="nobody", body=None))
    text = streamed_text(client.get(reverse("export_register")))
    assert read_csv(text) == []
    assert text.startswith("inspection,")


def test_the_dashboard_filters_are_honoured(client, viewer, steps) -> None:
    make_response(body=viewer.body, title="Overdue one", published_on=dt.date(2024, 9, 1))
    make_response(body=viewer.body, title="Fine one", published_on=dt.date(2024, 10, 1))
    login(client, viewer)
    rows = read_csv(streamed_text(client.get(reverse("export_register"), {"status": "overdue"})))
    assert [row["inspection"] for row in rows] == ["Overdue one"]
    assert rows[0]["status"] == "overdue"


def test_invalid_filters_never_fail(client, viewer, steps) -> None:
    make_response(body=viewer.body, title="Mine")
    login(client, viewer)
    params = {"status": "💥", "year": "-1", "owner": "x", "publication_type": "../../etc", "q": "x" * 500}
    response = client.get(reverse("export_register"), params)
    assert response.status_code == 200
    assert [row["inspection"] for row in read_csv(streamed_text(response))] == ["Mine"]


def test_the_export_is_recorded_with_who_and_which_filters(client, viewer, steps) -> None:
    login(client, viewer)
    streamed_text(client.get(reverse("export_register"), {"q": "peel", "year": "nonsense"}))
    record = ExportRecord.objects.get()
    assert (record.kind, record.file_format, record.user, record.actor) == ("register", "csv", viewer, "viewer")
    assert record.filters == {"q": "peel"}
    assert record.body_id == viewer.body_id
    entry = AuditEntry.objects.get(content_type__model="exportrecord")
    assert entry.actor == viewer
    assert entry.body_id == viewer.body_id
    assert entry.changes["filters"] == [None, {"q": "peel"}]


def test_post_is_not_allowed(client, viewer) -> None:
    login(client, viewer)
    assert client.post(reverse("export_register")).status_code == 405


def test_the_xlsx_register_downloads_with_the_same_rows(client, viewer, steps) -> None:
    make_response(body=viewer.body, title="Mine")
    make_response(body=BodyFactory(), title="Theirs")
    login(client, viewer)
    response = client.get(reverse("export_register_xlsx"))
    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    assert response["Content-Disposition"] == 'attachment; filename="s55-register-2024-11-10.xlsx"'
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["inspection", "Mine"]
    assert ExportRecord.objects.get().file_format == "xlsx"
