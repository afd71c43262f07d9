"""Writes of the notifications app (STYLE.md: `<entity>_<action>`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from notifications.delivery import DeliveryReport, OnSent, deliver_due, preview_due, worker_name
from notifications.models import CalendarToken, SweepRun
from notifications.planner import plan_reminders
from responses.services import status_tally_compact

# --- the reminder sweep ------------------------------------------------------------------------------------------
# Apps above this one plan their own emails in the same sweep (the force's comments reminders, action nudges): each
# registers, in its AppConfig.ready(), a planner that queues OutboxEmail rows for `today` and returns
# (planned, cancelled). Their rows are delivered, retried and audited like reminders.
SweepPlanner = Callable[[dt.date], tuple[int, int]]
SWEEP_PLANNERS: dict[str, SweepPlanner] = {}


def sweep_planner_register(name: str, planner: SweepPlanner) -> None:
    SWEEP_PLANNERS[name] = planner


def reminders_sweep(*, today: dt.date, actor: str, dry_run: bool = False, on_sent: OnSent | None = None) -> SweepRun:
    """Plan the reminders due up to `today` and deliver the outbox; record the run.

    With `dry_run`, the same steps run inside a transaction that is rolled back, and nothing is sent:
    `on_sent` hears about each email that would have gone.
    """
    if dry_run:
        with transaction.atomic():
            run = _sweep(today=today, actor=actor, dry_run=True, on_sent=on_sent)
            transaction.set_rollback(True)
        return run
    return _sweep(today=today, actor=actor, dry_run=False, on_sent=on_sent)


def _sweep(*, today: dt.date, actor: str, dry_run: bool, on_sent: OnSent | None) -> SweepRun:
    run = SweepRun.objects.create(started_at=timezone.now(), today=today, actor=actor[:100])
    status_tally_compact()  # the dashboard's counts: housekeeping that shares the sweep's schedule
    plan = plan_reminders(today)
    planned, cancelled = plan.planned, plan.cancelled + plan.superseded
    for planner in SWEEP_PLANNERS.values():
        more_planned, more_cancelled = planner(today)
        planned += more_planned
        cancelled += more_cancelled
    report: DeliveryReport
    if dry_run:
        report = preview_due(today=today, on_sent=on_sent or (lambda row, subject: None))
    else:
        report = deliver_due(today=today, worker=worker_name(), on_sent=on_sent)
    run.planned = planned
    run.cancelled = cancelled
    run.sent = report.sent
    run.failed = report.failed
    run.finished_at = timezone.now()
    run.save()
    return run


# --- calendar feed tokens ----------------------------------------------------------------------------------------
def calendar_token_create(*, user: Any) -> CalendarToken:
    """The user's live token, made if they have none (at most one is live: a database constraint)."""
    with transaction.atomic():
        live = CalendarToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True).first()
        return live or CalendarToken.objects.create(user=user)


def calendar_token_revoke(*, user: Any) -> int:
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def calendar_token_renew(*, user: Any) -> CalendarToken:
    calendar_token_revoke(user=user)
    return CalendarToken.objects.create(user=user)


# --- digest preference -------------------------------------------------------------------------------------------
def user_set_daily_digest(*, user: Any, enabled: bool) -> None:
    if user.daily_digest != enabled:
        user.daily_digest = enabled
        user.save(update_fields=["daily_digest"])
