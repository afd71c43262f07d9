"""Every path that changes data leaves an audit entry naming who acted: the admin, the staff pages, management
commands and background tasks — with the reason where a date is corrected or a deadline overridden."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from audit.context import acting_as
from audit.models import AuditEntry
from exports.audit import audit_rows
from inspections.models import Inspection
from notifications import tasks
from responses import deadlines, services
from responses.models import ChecklistItem, ChecklistStep, FindingUpdate, Response
from tests.exports.helpers import read_csv, streamed_text
from tests.factories import BodyFactory, ForceFactory, PublicationTypeFactory, UserFactory, approve, make_response

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


def entries_for(obj: Any) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk).order_by("id")
    )


def change_of(entry: AuditEntry, field: str) -> list[Any]:
    return list(entry.changes[field])


def latest_change(obj: Any, field: str) -> AuditEntry:
    found = [e for e in entries_for(obj) if isinstance(e.changes, dict) and field in e.changes]
    assert found, f"no audit entry records {field} of {obj!r}"
    return found[-1]


def export_rows() -> list[dict[str, str]]:
    columns = ("timestamp", "actor", "body", "inspection", "response", "object", "field", "old", "new", "reason")
    return [dict(zip(columns, (str(v) for v in row), strict=True)) for row in audit_rows(AuditEntry.objects.all())]


@pytest.fixture
def response(steps: Any) -> Response:
    body = BodyFactory(force=ForceFactory(name="Norfolk"))
    return make_response(body=body, published_on=timezone.localdate() - dt.timedelta(days=30), recommendations=1)


@pytest.fixture
def editor(response: Response) -> User:
    return UserFactory(username="editor", body=response.body, role=Role.EDITOR)


@pytest.fixture
def editor_client(client: Client, editor: User) -> Client:
    client.force_login(editor, backend=BACKEND)
    return client


# --- the admin ---------------------------------------------------------------------------------------------------
class AdminForm(HTMLParser):
    """The values an admin change form would submit as it stands (inputs, checked boxes, selections, textareas)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def _add(self, name: str | None, value: str | None) -> None:
        if name:
            self.data.setdefault(name, []).append(value or "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._add(a.get("name"), a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self._add(self._select, a.get("value"))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.data[self._textarea or ""] = [""]

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea:
                # The browser drops the newline that follows <textarea>.
                self.data[self._textarea][-1] = self.data[self._textarea][-1].removeprefix("\n")
            self._textarea = None


def admin_post(client: Client, url: str, **changes: str | list[str]) -> Any:
    page = client.get(url)
    assert page.status_code == 200, url
    form = AdminForm()
    form.feed(page.content.decode())
    data: dict[str, Any] = {**form.data, **{k: v if isinstance(v, list) else [v] for k, v in changes.items()}}
    data["_save"] = ["Save"]
    result = client.post(url, data)
    assert result.status_code == 302, result.content.decode()[:3000]
    return result


def test_an_admin_edit_is_recorded_with_the_user(client: Client, response: Response, editor: User) -> None:
    client.force_login(editor, backend=BACKEND)
    admin_post(
        client,
        reverse("admin:responses_response_change", args=[response.pk]),
        body_comments="Agreed in the admin.",
        owner=str(editor.pk),
    )
    entry = latest_change(response, "body_comments")
    assert entry.actor == editor
    assert entry.actor_label == ""
    assert change_of(entry, "body_comments") == ["", "Agreed in the admin."]
    assert change_of(entry, "owner") == [None, editor.pk]
    assert (entry.body_id, entry.response_id) == (response.body_id, response.pk)


def test_an_admin_deadline_override_records_the_user_and_the_reason(
    client: Client, response: Response, editor: User
) -> None:
    client.force_login(editor, backend=BACKEND)
    new_deadline = response.deadline + dt.timedelta(days=7)
    admin_post(
        client,
        reverse("admin:responses_response_change", args=[response.pk]),
        deadline=new_deadline.isoformat(),
        deadline_override_reason="The report was reissued.",
    )
    entry = latest_change(response, "deadline")
    assert entry.actor == editor
    assert entry.reason == "The report was reissued."
    assert change_of(entry, "deadline") == [response.deadline.isoformat(), new_deadline.isoformat()]


def test_correcting_a_publication_date_in_the_admin_records_the_reason_on_the_inspection_and_each_response(
    client: Client, response: Response
) -> None:
    national = UserFactory(username="national", body=None, is_superuser=True)
    client.force_login(national, backend=BACKEND)
    inspection = response.inspection
    corrected = inspection.published_on + dt.timedelta(days=1)
    admin_post(
        client,
        reverse("admin:inspections_inspection_change", args=[inspection.pk]),
        published_on=corrected.isoformat(),
        correction_reason="HMICFRS published a day later than announced.",
    )
    on_inspection = latest_change(inspection, "published_on")
    assert on_inspection.actor == national
    assert on_inspection.reason == "HMICFRS published a day later than announced."
    on_response = latest_change(response, "statutory_last_day")
    assert on_response.actor == national
    assert "HMICFRS published a day later than announced." in on_response.reason
    assert change_of(on_response, "statutory_last_day")[1] == deadlines.statutory_last_day(corrected).isoformat()


# --- the staff pages -----------------------------------------------------------------------------------------------
def _version(response: Response) -> str:
    return str(Response.objects.get(pk=response.pk).version)


def _today() -> str:
    return timezone.localdate().isoformat()


def _ticked(response: Response) -> None:
    services.checklist_tick(
        response=response,
        step=ChecklistStep.objects.get(key="forwarded_to_panel"),
        user=None,
        done_on=timezone.localdate(),
        evidence_reference="Panel papers",
    )


def _explained(response: Response) -> None:
    services.finding_response_explain(finding_response=response.finding_responses.get(), explanation="Done.")
    Response.objects.filter(pk=response.pk).update(cc_comments="Welcomed.", body_comments="Accepted.")


def _approved(response: Response) -> None:
    _explained(response)
    approve(Response.objects.get(pk=response.pk))


def _ready(response: Response) -> None:
    _explained(response)
    services.response_mark_ready(response=Response.objects.get(pk=response.pk))


@dataclass(frozen=True)
class StaffWrite:
    action: str
    url_name: str
    extra: tuple[str, ...]  # URL arguments after the response id; "finding" is the response's one finding
    data: Callable[[Response, User], dict[str, str]]
    record: Callable[[Response], Any]  # the audited record the write changes
    field: str  # a field its audit entry must show changing
    setup: Callable[[Response], None] | None = None


STAFF_WRITES = [
    StaffWrite(
        "comments",
        "response_edit_comments",
        (),
        lambda r, u: {"version": _version(r), "body_comments": "Our comments", "cc_comments": "Chief's"},
        lambda r: r,
        "body_comments",
    ),
    StaffWrite(
        "owner",
        "response_edit_owner",
        (),
        lambda r, u: {"version": _version(r), "owner": str(u.pk)},
        lambda r: r,
        "owner",
    ),
    StaffWrite(
        "comments-due date",
        "response_edit_comments_due",
        (),
        lambda r, u: {
            "version": _version(r),
            "comments_due": (r.statutory_last_day - dt.timedelta(days=9)).isoformat(),
        },
        lambda r: r,
        "comments_due",
    ),
    StaffWrite(
        "deadline override",
        "response_edit_deadline",
        (),
        lambda r, u: {
            "version": _version(r),
            "deadline": (r.deadline + dt.timedelta(days=14)).isoformat(),
            "reason": "Agreed with HMICFRS",
            "after_statutory_confirmed": "on",  # past the statutory last day: confirmed
        },
        lambda r: r,
        "deadline",
    ),
    StaffWrite(
        "explanation",
        "finding_edit",
        ("finding",),
        lambda r, u: {"version": _version(r), "explanation": "Training has started."},
        lambda r: r.finding_responses.get(),
        "explanation",
    ),
    StaffWrite(
        "progress update",
        "finding_add_progress",
        ("finding",),
        lambda r, u: {"progress-progress": "in_progress", "progress-note": "Half done"},
        lambda r: FindingUpdate.objects.get(finding_response__response=r),
        "note",
    ),
    StaffWrite(
        "checklist tick",
        "checklist_tick",
        ("forwarded_to_panel",),
        lambda r, u: {"version": _version(r), "done_on": _today(), "evidence_reference": "Panel papers"},
        lambda r: ChecklistItem.objects.get(response=r, step__key="forwarded_to_panel"),
        "done_on",
    ),
    StaffWrite(
        "checklist untick",
        "checklist_untick",
        ("forwarded_to_panel",),
        lambda r, u: {"version": _version(r), "reason": "Sent the wrong draft"},
        lambda r: ChecklistItem.objects.get(response=r, step__key="forwarded_to_panel"),
        "done_on",
        _ticked,
    ),
    StaffWrite(
        "mark ready",
        "response_mark_ready",
        (),
        lambda r, u: {"version": _version(r)},
        lambda r: r,
        "ready_at",
        _explained,
    ),
    StaffWrite(
        "no longer ready",
        "response_unmark_ready",
        (),
        lambda r, u: {"version": _version(r)},
        lambda r: r,
        "ready_at",
        _ready,
    ),
    StaffWrite(
        "publish",
        "response_publish",
        (),
        lambda r, u: {"version": _version(r), "published_on": _today()},
        lambda r: r,
        "published_on",
        _approved,
    ),
]


def _do(client: Client, response: Response, editor: User, write: StaffWrite) -> AuditEntry:
    if write.setup:
        write.setup(response)
    response.refresh_from_db()
    args = [response.pk, *(response.finding_responses.get().pk if a == "finding" else a for a in write.extra)]
    result = client.post(reverse(write.url_name, args=args), write.data(response, editor))
    assert result.status_code == 302, result.content.decode()[:2000]
    return latest_change(write.record(response), write.field)


@pytest.mark.parametrize("write", STAFF_WRITES, ids=[w.action for w in STAFF_WRITES])
def test_a_staff_page_write_is_recorded_with_the_user(
    editor_client: Client, response: Response, editor: User, write: StaffWrite
) -> None:
    entry = _do(editor_client, response, editor, write)
    assert entry.actor == editor
    assert entry.actor_label == ""
    if write.action == "checklist untick":
        assert entry.reason == "Sent the wrong draft"
    if write.action == "deadline override":
        assert entry.reason == "Agreed with HMICFRS"


@pytest.mark.parametrize(
    "write",
    STAFF_WRITES,
    ids=[w.action for w in STAFF_WRITES],
)
def test_a_staff_page_write_is_scoped_to_the_body_and_in_its_own_audit_export(
    editor_client: Client, response: Response, editor: User, write: StaffWrite
) -> None:
    entry = _do(editor_client, response, editor, write)
    assert (entry.body_id, entry.response_id) == (response.body_id, response.pk)
    export = editor_client.get(reverse("export_audit"), {"response": response.pk})
    rows = read_csv(streamed_text(export))
    assert any(row["field"] == write.field and row["actor"] == "editor" for row in rows), rows


def test_overriding_the_deadline_on_the_staff_page_records_the_reason(
    editor_client: Client, response: Response, editor: User
) -> None:
    new_deadline = response.deadline + dt.timedelta(days=10)
    result = editor_client.post(
        reverse("response_edit_deadline", args=[response.pk]),
        {
            "version": _version(response),
            "deadline": new_deadline.isoformat(),
            "reason": "Agreed with HMICFRS",
            "after_statutory_confirmed": "on",
        },
    )
    assert result.status_code == 302
    entry = latest_change(response, "deadline")
    assert entry.actor == editor
    assert entry.reason == "Agreed with HMICFRS"
    assert change_of(entry, "deadline") == [response.deadline.isoformat(), new_deadline.isoformat()]

    result = editor_client.post(
        reverse("response_restore_deadline", args=[response.pk]),
        {"restore-version": _version(response), "restore-reason": "The extension was withdrawn"},
    )
    assert result.status_code == 302
    restored = latest_change(response, "deadline")
    assert restored.pk != entry.pk
    assert restored.reason == "The extension was withdrawn"
    assert change_of(restored, "deadline") == [new_deadline.isoformat(), response.deadline.isoformat()]

    rows = [row for row in export_rows() if row["field"] == "deadline" and row["old"]]
    assert [(row["actor"], row["reason"]) for row in rows] == [
        ("editor", "Agreed with HMICFRS"),
        ("editor", "The extension was withdrawn"),
    ]


def test_correcting_a_responses_publication_date_on_the_staff_page_records_the_reason(
    editor_client: Client, response: Response
) -> None:
    _explained(response)
    today = timezone.localdate()
    approve(Response.objects.get(pk=response.pk))
    services.response_publish(response=Response.objects.get(pk=response.pk), published_on=today)
    url = reverse("response_publish", args=[response.pk])

    # Without a reason the correction is refused...
    refused = editor_client.post(
        url, {"version": _version(response), "published_on": (today - dt.timedelta(1)).isoformat()}
    )
    assert refused.status_code == 200
    assert Response.objects.get(pk=response.pk).published_on == today

    # ...and with one, the reason is on the audit entry.
    saved = editor_client.post(
        url,
        {
            "version": _version(response),
            "published_on": (today - dt.timedelta(1)).isoformat(),
            "reason": "It went live the evening before",
        },
    )
    assert saved.status_code == 302
    assert latest_change(response, "published_on").reason == "It went live the evening before"


# --- management commands ------------------------------------------------------------------------------------------
def test_a_command_is_recorded_with_its_label(tmp_path: Path, steps: Any) -> None:
    BodyFactory(force=ForceFactory(name="Norfolk"))
    PublicationTypeFactory(name="PEEL")
    path = tmp_path / "inspections.csv"
    path.write_text(
        "title,published_on,publication_types,forces,report_url\nPEEL 2025,2025-03-01,PEEL,Norfolk,\n",
        encoding="utf-8",
    )
    call_command("import_inspections", str(path), stdout=StringIO())

    inspection = Inspection.objects.get(title="PEEL 2025")
    created = entries_for(inspection)[0]
    assert created.actor is None
    assert created.actor_label == "command:import_inspections"
    response = Response.objects.get(inspection=inspection)
    assert entries_for(response)[0].actor_label == "command:import_inspections"
    assert {row["actor"] for row in export_rows() if row["inspection"] == "PEEL 2025"} == {"command:import_inspections"}


# --- background tasks ---------------------------------------------------------------------------------------------
def test_the_reminder_task_writes_nothing_that_is_audited(response: Response, editor: User) -> None:
    # The reminder sweep writes only its own outbox, delivery attempts and run record: none is an audited change.
    before = AuditEntry.objects.count()
    Response.objects.filter(pk=response.pk).update(owner=editor)
    tasks.sweep_reminders.enqueue(today=(response.statutory_last_day - dt.timedelta(days=7)).isoformat())
    assert AuditEntry.objects.count() == before


def test_a_write_made_by_a_task_is_recorded_with_the_tasks_label(
    response: Response, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Were the sweep ever to change an audited record, the task's `acting_as` would name it. Prove it by making the
    # sweep do such a write, then running the real task through the configured Tasks backend.
    def sweep_that_overrides(*, today: dt.date, actor: str) -> Any:
        services.response_override_deadline(
            response=Response.objects.get(pk=response.pk),
            deadline=response.deadline + dt.timedelta(days=7),
            reason=f"Set by {actor}",
        )
        return type("Run", (), {"planned": 0, "cancelled": 0, "sent": 0, "failed": 0})()

    monkeypatch.setattr(tasks, "reminders_sweep", sweep_that_overrides)
    tasks.sweep_reminders.enqueue(today="2030-01-01")

    entry = latest_change(response, "deadline")
    assert entry.actor is None
    assert entry.actor_label == "task:send_reminders"
    assert entry.reason == "Set by task:send_reminders"
    changes = [row for row in export_rows() if row["field"] == "deadline" and row["old"]]
    assert [row["actor"] for row in changes] == ["task:send_reminders"]


def test_acting_as_names_a_task_for_any_service_write(response: Response) -> None:
    with acting_as(label="task:example"):
        services.response_set_comments_due(
            response=response, comments_due=response.statutory_last_day - dt.timedelta(days=3)
        )
    entry = latest_change(response, "comments_due")
    assert (entry.actor, entry.actor_label) == (None, "task:example")
