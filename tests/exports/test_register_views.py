"""/exports/register.csv and /exports/register.xlsx (exports/views.py::export_register), and the byte-order mark the
CSV downloads carry for Excel only when asked."""

from __future__ import annotations

import codecs
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from accounts.models import Role
from audit.models import AuditEntry, ExportRecord
from exports.register import register_csv_python
from responses import services
from responses.models import Response
from tests.exports.helpers import login, national_user, read_csv, streamed_text
from tests.factories import BodyFactory, UserFactory, approve, make_inspection, make_response

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
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["Inspection", "Mine"]
    assert ExportRecord.objects.get().file_format == "xlsx"


def _finish(response) -> None:
    response.body_comments = "Ours"
    response.cc_comments_not_received = True
    response.save()
    approve(response)
    services.response_publish(response=response, published_on=dt.date(2024, 11, 1))


def test_the_xlsx_download_is_for_people_headed_in_words_fitted_filtered_and_frozen(client, viewer, steps) -> None:
    owner = UserFactory(body=viewer.body, first_name="Tom", last_name="Hayward")
    ready = make_response(body=viewer.body, title="A fairly long inspection title, to widen its column", owner=owner)
    Response.objects.filter(pk=ready.pk).update(status="ready")
    make_response(body=viewer.body, title="Late", published_on=dt.date(2024, 9, 1))
    login(client, viewer)
    content = b"".join(client.get(reverse("export_register_xlsx")).streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    header, *rows = sheet.iter_rows(values_only=True)
    assert header[:9] == (
        "Inspection",
        "Publication types",
        "Force",
        "Body",
        "Report published",
        "Deadline",
        "Statutory last day",
        "Status",
        "Days left",
    )
    assert "Response forwarded to the Police and Crime Panel" in header  # a step, by its label
    assert header[-4:] == ("Response published", "Days late", "Owner", "Note")
    records = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert records["Late"]["Status"] == "Overdue"
    assert records["A fairly long inspection title, to widen its column"]["Status"] == "Ready to publish"
    assert records["A fairly long inspection title, to widen its column"]["Owner"] == "Tom Hayward"
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(header))}3"
    widths = {name: sheet.column_dimensions[get_column_letter(n)].width for n, name in enumerate(header, start=1)}
    assert widths["Inspection"] >= len("A fairly long inspection title, to widen its column")
    assert widths["Statutory last day"] >= len("Statutory last day")
    assert 10 <= widths["Deadline"] < 20
    assert all(8 <= width <= 60 for width in widths.values())


def test_the_csv_carries_a_byte_order_mark_only_when_asked_for_excel(client, viewer, steps) -> None:
    make_response(body=viewer.body, title="Café – naïve")
    login(client, viewer)
    for url in (reverse("export_register"), reverse("export_audit")):
        plain = b"".join(client.get(url).streaming_content)
        for_excel = b"".join(client.get(url, {"excel": "1"}).streaming_content)
        assert not plain.startswith(codecs.BOM_UTF8), url
        assert for_excel.startswith(codecs.BOM_UTF8), url
    plain = b"".join(client.get(reverse("export_register")).streaming_content)
    for_excel = b"".join(client.get(reverse("export_register"), {"excel": "1"}).streaming_content)
    assert for_excel == codecs.BOM_UTF8 + plain


def test_the_plain_csv_is_exactly_the_register_as_before(client, viewer, steps) -> None:
    """Machines read the plain URL: every response, soonest statutory last day first, no byte-order mark."""
    make_response(body=viewer.body, title="Later", published_on=dt.date(2024, 10, 20))
    make_response(body=viewer.body, title="Sooner", published_on=dt.date(2024, 9, 1))
    _finish(make_response(body=viewer.body, title="Finished", published_on=dt.date(2024, 9, 20)))
    login(client, viewer)
    content = b"".join(client.get(reverse("export_register")).streaming_content)
    mine = Response.objects.for_user(viewer)
    assert content == "".join(register_csv_python(mine, today=dt.date(2024, 11, 10))).encode()
    assert [row["inspection"] for row in read_csv(content.decode())] == ["Sooner", "Finished", "Later"]


def test_the_register_follows_the_dashboards_sort_and_finished_parameters(client, viewer, steps) -> None:
    make_response(body=viewer.body, title="Beta", published_on=dt.date(2024, 10, 20))
    make_response(body=viewer.body, title="Alpha", published_on=dt.date(2024, 9, 1))
    _finish(make_response(body=viewer.body, title="Finished", published_on=dt.date(2024, 9, 20)))
    login(client, viewer)

    def titles(**params: str) -> list[str]:
        text = streamed_text(client.get(reverse("export_register"), params))
        return [row["inspection"] for row in read_csv(text)]

    assert titles(finished="0") == ["Alpha", "Beta"]
    assert titles(finished="1") == ["Alpha", "Beta", "Finished"]
    assert titles(sort="-inspection") == ["Finished", "Beta", "Alpha"]
    assert titles(sort="-inspection", finished="0") == ["Beta", "Alpha"]
    assert titles(sort="nonsense") == ["Alpha", "Finished", "Beta"]
    content = b"".join(client.get(reverse("export_register_xlsx"), {"sort": "-inspection"}).streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Finished", "Beta", "Alpha"]
