"""exports/register.py: the register rows, the CSV and the XLSX."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from core.csv import csv_stream
from exports.register import register_csv, register_xlsx
from responses import services
from responses.models import ChecklistStep, Response
from tests.exports.helpers import read_csv
from tests.factories import BodyFactory, ForceFactory, UserFactory, approve, make_inspection, make_response

PUBLISHED = dt.date(2024, 9, 24)  # the reference: deadline 19 Nov 2024, statutory last day 18 Nov 2024
FIXED_COLUMNS = [
    "inspection",
    "publication_types",
    "force",
    "body",
    "published_on",
    "deadline",
    "statutory_last_day",
    "status",
    "days_left",
]


@pytest.fixture
def body(db):
    return BodyFactory(force=ForceFactory(name="Norfolk"), name="Norfolk Police and Crime Commissioner")


def export(today: dt.date, queryset=None) -> list[dict[str, str]]:
    return read_csv("".join(register_csv(queryset or Response.objects.all(), today=today)))


def header(today: dt.date = PUBLISHED) -> list[str]:
    text = "".join(register_csv(Response.objects.all(), today=today))
    return text.splitlines()[0].split(",")


def test_columns_are_the_documented_ones_with_one_per_step_in_step_order(steps) -> None:
    assert header() == [
        *FIXED_COLUMNS,
        *(step.key for step in steps),
        "published_url",
        "response_published_on",
        "days_late",
        "owner",
        "note",
    ]


def test_step_columns_follow_the_step_order_not_creation_order(steps) -> None:
    ChecklistStep.objects.create(key="first_of_all", label="First", order=0)
    ChecklistStep.objects.filter(key="forwarded_to_chief_constable").update(order=9)
    keys = header()[len(FIXED_COLUMNS) : -5]  # up to published_url and the four columns after it
    assert keys[0] == "first_of_all"
    assert keys[-1] == "forwarded_to_chief_constable"


def test_a_row_holds_the_response_facts_with_iso_dates(body, steps) -> None:
    inspection = make_inspection(
        title="PEEL 2023–2025: Norfolk", published_on=PUBLISHED, forces=[body.force], types=["PEEL", "Thematic"]
    )
    row = export(dt.date(2024, 11, 10))[0]
    assert row["inspection"] == inspection.title
    assert row["publication_types"] == "PEEL; Thematic"
    assert row["force"] == "Norfolk"
    assert row["body"] == "Norfolk Police and Crime Commissioner"
    assert row["published_on"] == "2024-09-24"
    assert row["deadline"] == "2024-11-19"
    assert row["statutory_last_day"] == "2024-11-18"
    assert row["status"] == "not_started"
    assert row["days_left"] == "8"
    assert row["published_url"] == ""


def test_days_left_counts_to_the_statutory_last_day(body, steps) -> None:
    make_response(body=body, published_on=PUBLISHED)
    assert export(dt.date(2024, 11, 18))[0]["days_left"] == "0"
    assert export(dt.date(2024, 11, 20))[0]["days_left"] == "-2"


def test_status_reads_overdue_once_past_the_last_day_while_open(body, steps) -> None:
    make_response(body=body, published_on=PUBLISHED)
    assert export(dt.date(2024, 11, 18))[0]["status"] == "not_started"
    assert export(dt.date(2024, 11, 19))[0]["status"] == "overdue"


def test_a_published_response_shows_its_status_url_and_no_days_left(body, steps) -> None:
    response = make_response(body=body, published_on=PUBLISHED)
    response.body_comments = "Our comments"
    response.cc_comments_not_received = True
    response.save()
    approve(response)
    services.response_publish(
        response=response, published_on=dt.date(2024, 11, 15), published_url="https://opcc.example/peel"
    )
    row = export(dt.date(2024, 12, 1))[0]
    assert row["status"] == "published"
    assert row["days_left"] == ""
    assert row["published_url"] == "https://opcc.example/peel"


def test_each_step_column_holds_the_iso_date_it_was_done(body, steps) -> None:
    response = make_response(body=body, published_on=PUBLISHED)
    user = UserFactory(body=body)
    services.checklist_tick(response=response, step=steps[0], user=user, done_on=dt.date(2024, 10, 1))
    services.checklist_tick(response=response, step=steps[3], user=user, done_on=dt.date(2024, 11, 20))
    services.checklist_tick(response=response, step=steps[2], user=user, done_on=dt.date(2024, 11, 2))
    services.checklist_untick(response=response, step=steps[2], reason="Page taken down")
    row = export(dt.date(2024, 12, 1))[0]
    assert row["forwarded_to_chief_constable"] == "2024-10-01"
    assert row["forwarded_to_panel"] == ""
    assert row["published_on_website"] == ""
    assert row["submitted_to_portal"] == "2024-11-20"
    assert row["copied_to_home_secretary"] == ""


def test_rows_come_soonest_statutory_last_day_first(body, steps) -> None:
    make_response(body=body, title="Later", published_on=dt.date(2024, 10, 1))
    make_response(body=body, title="Sooner", published_on=dt.date(2024, 9, 1))
    assert [row["inspection"] for row in export(dt.date(2024, 9, 2))] == ["Sooner", "Later"]


def test_only_the_given_responses_are_exported(body, steps) -> None:
    mine = make_response(body=body, title="Mine")
    make_response(body=BodyFactory(), title="Theirs")
    rows = export(PUBLISHED, Response.objects.filter(body=mine.body))
    assert [row["inspection"] for row in rows] == ["Mine"]


def make_responses(body, count: int, steps) -> None:
    user = UserFactory(body=body)
    start = Response.objects.count()
    for n in range(start, start + count):
        response = make_response(body=body, title=f"Report {n}", published_on=PUBLISHED, owner=user)
        services.checklist_tick(response=response, step=steps[n % len(steps)], user=user, done_on=PUBLISHED)


def register_query_count() -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        rows = export(dt.date(2024, 10, 1))
    return len(queries.captured_queries), len(rows)


def test_the_query_count_does_not_grow_with_rows(body, steps, django_assert_max_num_queries) -> None:
    make_responses(body, 10, steps)
    queries_for_10, rows = register_query_count()
    assert rows == 10
    make_responses(body, 50, steps)
    with django_assert_max_num_queries(queries_for_10):
        assert len(export(dt.date(2024, 10, 1))) == 60


def test_the_xlsx_register_has_the_same_header_and_typed_cells(body, steps) -> None:
    make_response(body=body, title="PEEL", published_on=PUBLISHED)
    file = io.BytesIO()
    register_xlsx(Response.objects.all(), today=dt.date(2024, 11, 20), file=file)
    sheet = load_workbook(io.BytesIO(file.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == header()
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["inspection"] == "PEEL"
    assert record["deadline"] == dt.datetime(2024, 11, 19)
    assert record["days_left"] == -2
    assert record["status"] == "overdue"


def test_the_csv_stream_comes_in_batches_not_rows() -> None:
    pieces = list(csv_stream(["a"], ([str(n)] for n in range(10_000)), batch_chars=1024))
    assert 10 < len(pieces) < 100
    assert "".join(pieces).splitlines()[-1] == "9999"
