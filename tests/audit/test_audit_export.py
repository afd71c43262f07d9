"""exports/audit.py: one row per changed field, with who, when, where and why."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from audit.context import acting_as
from audit.models import AuditEntry
from exports.audit import AUDIT_COLUMNS, audit_csv, audit_rows
from responses import services
from responses.models import ChecklistItem
from tests.exports.helpers import read_csv
from tests.factories import BodyFactory, ForceFactory, UserFactory, make_response

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def body(db):
    return BodyFactory(force=ForceFactory(name="Norfolk"), name="Norfolk Police and Crime Commissioner")


@pytest.fixture
def alice(body):
    return UserFactory(username="alice", body=body)


def rows(entries=None) -> list[dict[str, str]]:
    return read_csv("".join(audit_csv(entries if entries is not None else AuditEntry.objects.all())))


def rows_for(field: str, model: str = "response") -> list[dict[str, str]]:
    return [row for row in rows() if row["field"] == field and row["object"].startswith(f"{model} #")]


def test_the_header_is_the_documented_columns(db) -> None:
    text = "".join(audit_csv(AuditEntry.objects.all()))
    assert text.splitlines() == [",".join(AUDIT_COLUMNS)]
    assert list(AUDIT_COLUMNS) == [
        "timestamp", "actor", "body", "inspection", "response", "object", "field", "old", "new", "reason",
    ]  # fmt: skip


def test_a_create_gives_one_row_per_field_with_the_new_value(body) -> None:
    response = make_response(body=body, title="PEEL 2023–2025", published_on=dt.date(2024, 9, 24))
    (deadline,) = rows_for("deadline")
    assert deadline["old"] == ""
    assert deadline["new"] == "2024-11-19"
    assert deadline["body"] == "Norfolk Police and Crime Commissioner"
    assert deadline["inspection"] == "PEEL 2023–2025"
    assert deadline["response"] == str(response.pk)
    assert deadline["object"] == f"response #{response.pk}: {response}"
    assert deadline["actor"] == "system"


def test_reverse_relations_are_not_reported_as_fields(body) -> None:
    make_response(body=body)
    fields = {row["field"] for row in rows()}
    assert not fields & {"checklist_items", "finding_responses", "responses", "covers", "users"}


def test_a_deadline_override_shows_old_new_actor_and_reason(body, alice) -> None:
    response = make_response(body=body, published_on=dt.date(2024, 9, 24))
    with acting_as(user=alice, label=""):
        services.response_override_deadline(
            response=response, deadline=dt.date(2024, 12, 2), reason="HMICFRS agreed an extension"
        )
    update = [row for row in rows_for("deadline") if row["old"]]
    assert len(update) == 1
    assert (update[0]["old"], update[0]["new"]) == ("2024-11-19", "2024-12-02")
    assert update[0]["actor"] == "alice"
    assert update[0]["reason"] == "HMICFRS agreed an extension"
    overridden = [row for row in rows_for("deadline_overridden") if row["old"]]
    assert (overridden[0]["old"], overridden[0]["new"]) == ("false", "true")


def test_a_corrected_publication_date_is_recorded_on_the_inspection_and_each_response(body) -> None:
    response = make_response(body=body, title="PEEL", published_on=dt.date(2024, 9, 24))
    with acting_as(label="command:loaddemo"):
        services.inspection_correct_published_on(
            inspection=response.inspection, published_on=dt.date(2024, 9, 25), reason="HMICFRS corrected the date"
        )
    (on_inspection,) = [row for row in rows_for("published_on", "inspection") if row["old"]]
    assert (on_inspection["old"], on_inspection["new"]) == ("2024-09-24", "2024-09-25")
    assert on_inspection["inspection"] == "PEEL"
    assert on_inspection["body"] == ""
    assert on_inspection["reason"] == "HMICFRS corrected the date"
    assert on_inspection["actor"] == "command:loaddemo"
    (last_day,) = [row for row in rows_for("statutory_last_day") if row["old"]]
    assert (last_day["old"], last_day["new"]) == ("2024-11-18", "2024-11-19")
    assert last_day["reason"] == "Publication date corrected from 2024-09-24: HMICFRS corrected the date"
    assert last_day["body"] == body.name


def test_user_fields_show_the_username(body, alice) -> None:
    response = make_response(body=body)
    response.owner = alice
    response.save()
    (owner,) = [row for row in rows_for("owner") if row["new"]]
    assert (owner["old"], owner["new"]) == ("", "alice")


def test_many_to_many_changes_say_what_was_added_or_removed(body) -> None:
    response = make_response(body=body)
    response.inspection.publication_types.clear()
    added = [row["new"] for row in rows_for("publication_types", "inspection")]
    assert added == ["added: PEEL", "removed: PEEL"]


def test_a_delete_gives_the_old_values(body, alice, steps) -> None:
    response = make_response(body=body)
    services.checklist_tick(response=response, step=steps[0], user=alice, done_on=dt.date(2024, 10, 1))
    ChecklistItem.objects.get().delete()
    deleted = [row for row in rows_for("done_on", "checklist item") if row["old"] and not row["new"]]
    assert len(deleted) == 1
    assert deleted[0]["old"] == "2024-10-01"
    assert deleted[0]["response"] == str(response.pk)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (dt.datetime(2024, 7, 1, 9, 15, tzinfo=LONDON), "2024-07-01T09:15:00+01:00"),  # BST
        (dt.datetime(2024, 12, 1, 9, 15, tzinfo=LONDON), "2024-12-01T09:15:00+00:00"),  # GMT
    ],
)
def test_timestamps_are_iso_8601_with_the_uk_offset(body, moment, expected) -> None:
    with time_machine.travel(moment, tick=False):
        make_response(body=body)
    assert {row["timestamp"] for row in rows_for("deadline")} == {expected}


def test_an_entry_without_field_changes_still_gives_one_row(body, alice) -> None:
    response = make_response(body=body)
    AuditEntry.objects.log_create(response, force_log=True, action=AuditEntry.Action.ACCESS, actor=alice)
    (access,) = [row for row in rows() if row["field"] == ""]
    assert access["actor"] == "alice"
    assert access["response"] == str(response.pk)


def test_the_actor_of_a_deleted_user_falls_back_to_their_email(body) -> None:
    leaver = UserFactory(username="leaver", email="leaver@opcc.example", body=body)
    response = make_response(body=body)
    with acting_as(user=leaver, label=""):
        services.response_override_deadline(response=response, deadline=dt.date(2025, 1, 1), reason="Agreed")
    leaver.delete()
    (update,) = [row for row in rows_for("deadline") if row["old"]]
    assert update["actor"] == "leaver@opcc.example"


def test_names_are_loaded_per_chunk_so_small_chunks_give_the_same_rows(body, alice) -> None:
    for n in range(3):
        response = make_response(body=body, title=f"Report {n}")
        with acting_as(user=alice, label=""):
            services.response_override_deadline(response=response, deadline=dt.date(2025, 1, n + 1), reason="r")
    whole = "".join(audit_csv(AuditEntry.objects.all()))
    assert "".join(audit_csv(AuditEntry.objects.all(), chunk_size=2)) == whole


def test_entries_made_after_the_export_began_are_left_out(body) -> None:
    make_response(body=body, title="Before")
    stream = audit_rows(AuditEntry.objects.all(), chunk_size=1)
    first = next(stream)
    make_response(body=body, title="After")
    inspections = {first[3], *(row[3] for row in stream)}
    assert "Before" in inspections
    assert "After" not in inspections


def test_content_types_are_read_in_one_query_not_one_per_type(body, alice) -> None:
    """Entries about responses, checklist items, inspections, forces, findings...: the export looks the types up
    together, on either writer (it was one query per content type)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_response(body=body, recommendations=2, afis=1)
    assert AuditEntry.objects.values("content_type").distinct().count() >= 4
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as captured:
        assert len(rows()) > 0
    on_types = [q["sql"] for q in captured.captured_queries if "django_content_type" in q["sql"]]
    assert len(on_types) <= 2, on_types
