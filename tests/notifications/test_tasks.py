"""notifications/tasks.py: the sweep task plans, delivers, records a SweepRun and names itself in the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core import mail

from audit.context import current_label
from notifications import services
from notifications.models import SweepRun
from notifications.tasks import sweep_reminders
from responses.models import Response
from tests.notifications.conftest import People, london


def test_sweep_task_plans_sends_and_records_the_run(
    people: People, response_of: Callable[..., Response], frozen: Callable[[dt.datetime], None]
) -> None:
    frozen(london(dt.date(2024, 10, 21), 7))
    response_of()
    result = sweep_reminders.enqueue()
    assert result.status == "SUCCESSFUL"
    # 28 days before the last day, plus the comments-due reminder of 19 October caught up once.
    assert result.return_value == {"planned": 4, "cancelled": 0, "sent": 4, "failed": 0}
    run = SweepRun.objects.get()
    assert (run.today, run.planned, run.sent, run.actor) == (dt.date(2024, 10, 21), 4, 4, "task:send_reminders")
    assert run.finished_at is not None
    assert len(mail.outbox) == 4


def test_sweep_task_accepts_a_date(people: People, response_of: Callable[..., Response]) -> None:
    response_of(settle_comments=True)
    result = sweep_reminders.enqueue(today="2024-11-04")
    assert SweepRun.objects.get().today == dt.date(2024, 11, 4)
    assert "14 days left" in mail.outbox[0].subject
    assert result.return_value["sent"] == len(mail.outbox)


def test_sweep_work_is_attributed_to_the_task_in_the_audit_trail(monkeypatch: Any, db: Any) -> None:
    seen: list[str] = []
    original = services.reminders_sweep

    def spy(**kwargs: Any) -> SweepRun:
        seen.append(current_label())
        return original(**kwargs)

    monkeypatch.setattr("notifications.tasks.reminders_sweep", spy)
    sweep_reminders.enqueue()
    assert seen == ["task:send_reminders"]
