"""The nudges: which action emails are due on a day, queued as outbox rows (notifications.models.OutboxEmail).

The policy table is in docs/actions.md ("The nudges"): update requests (one digest per owner per cycle of the
body's NudgePolicy, default settings.ACTIONS_UPDATE_CYCLE, monthly), a notice the day after a target date passes
(one per action and date), and a weekly summary to each admin of the body (one per ISO week).

Rows are inserted with `ignore_conflicts` on the unique key, so planning twice, or in two sweeps at once, queues
each email once; delivery claims, retries and records them like reminders.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db.models import Q

from accounts.models import Role, User
from actions.models import Action, NudgePolicy, UpdateCycle
from notifications.models import OutboxEmail, OutboxStatus, ReminderKind


def default_cycle() -> str:
    """settings.ACTIONS_UPDATE_CYCLE (an UpdateCycle value), monthly when unset."""
    return str(getattr(settings, "ACTIONS_UPDATE_CYCLE", UpdateCycle.MONTHLY))


def cycle_start(cycle: str, today: dt.date) -> tuple[str, dt.date]:
    """The label and first day of the `cycle` period `today` falls in."""
    if cycle == UpdateCycle.WEEKLY:
        monday = today - dt.timedelta(days=today.weekday())
        return f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}", monday
    if cycle == UpdateCycle.FORTNIGHTLY:
        monday = today - dt.timedelta(days=today.weekday())
        week = monday.isocalendar().week
        if week % 2 == 0:
            monday -= dt.timedelta(weeks=1)
        return f"{monday.isocalendar().year}-F{monday.isocalendar().week:02d}", monday
    if cycle == UpdateCycle.QUARTERLY:
        month = (today.month - 1) // 3 * 3 + 1
        return f"{today.year}-Q{(month - 1) // 3 + 1}", dt.date(today.year, month, 1)
    return f"{today:%Y-%m}", today.replace(day=1)


def plan_action_emails(today: dt.date) -> tuple[int, int]:
    policies = {p.body_id: p for p in NudgePolicy.objects.all()}
    rows: list[OutboxEmail] = []
    open_actions = list(
        Action.objects.open()
        .filter(body__active=True)
        # Only those with someone to write to, chosen by the database: most open actions of a large history have
        # no owner yet, and reading each of them at every sweep took seconds.
        .filter(
            (Q(owner__isnull=False, owner__is_active=True) & ~Q(owner__email=""))
            | (Q(owner__isnull=True) & ~Q(owner_email=""))
        )
        .select_related("owner")
        .only("id", "body_id", "owner_id", "owner__email", "owner__is_active", "owner_email", "target_date")
    )
    owners: dict[tuple[int, str], int | None] = {}
    for action in open_actions:
        address = action.owner.email if action.owner_id and action.owner else action.owner_email
        if action.owner_id and action.owner and not action.owner.is_active:
            continue
        if not address:
            continue
        owners[(action.body_id, address.lower())] = action.owner_id
        policy = policies.get(action.body_id)
        if action.target_date and action.target_date < today and (policy is None or policy.overdue_notice):
            rows.append(
                OutboxEmail(
                    key=f"action_overdue:{action.pk}:{action.target_date.isoformat()}",
                    kind=ReminderKind.ACTION_OVERDUE,
                    body_id=action.body_id,
                    user_id=action.owner_id,
                    recipient=address,
                    due_on=action.target_date + dt.timedelta(days=1),
                    about_date=action.target_date,
                )
            )
    for (body_id, address), user_id in owners.items():
        policy = policies.get(body_id)
        label, start = cycle_start(policy.update_cycle if policy else default_cycle(), today)
        rows.append(
            OutboxEmail(
                key=f"action_update:{body_id}:{address}:{label}",
                kind=ReminderKind.ACTION_UPDATE,
                body_id=body_id,
                user_id=user_id,
                recipient=address,
                due_on=start,
            )
        )
    label, monday = cycle_start(UpdateCycle.WEEKLY, today)
    admins = User.objects.filter(role=Role.ADMIN, is_active=True, body__active=True).exclude(email="")
    for admin in admins.only("id", "email", "body_id"):
        policy = policies.get(admin.body_id)  # type: ignore[arg-type]
        if policy is not None and not policy.weekly_summary:
            continue
        rows.append(
            OutboxEmail(
                key=f"office_summary:{admin.body_id}:{admin.email.lower()}:{label}",
                kind=ReminderKind.OFFICE_SUMMARY,
                body_id=admin.body_id,
                user_id=admin.pk,
                recipient=admin.email,
                due_on=monday,
            )
        )
    before = OutboxEmail.objects.filter(key__in=[row.key for row in rows]).count()
    OutboxEmail.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    planned = OutboxEmail.objects.filter(key__in=[row.key for row in rows]).count() - before
    return planned, _cancel_stale(open_actions, owners)


def _cancel_stale(open_actions: list[Action], owners: dict[tuple[int, str], int | None]) -> int:
    """Pending nudges no longer needed: an overdue notice of an action closed or re-dated; an update request to an
    owner with no open action left."""
    still_overdue = {f"action_overdue:{a.pk}:{a.target_date.isoformat()}" for a in open_actions if a.target_date}
    pending = OutboxEmail.objects.filter(
        status=OutboxStatus.PENDING, kind__in=[ReminderKind.ACTION_OVERDUE, ReminderKind.ACTION_UPDATE]
    ).only("id", "key", "kind", "body_id", "recipient")
    stale: list[int] = []
    by_body: dict[int, set[str]] = defaultdict(set)
    for body_id, address in owners:
        by_body[body_id].add(address)
    for row in pending:
        if (row.kind == ReminderKind.ACTION_OVERDUE and row.key not in still_overdue) or (
            row.kind == ReminderKind.ACTION_UPDATE and row.recipient.lower() not in by_body.get(row.body_id or 0, ())
        ):
            stale.append(row.pk)
    if not stale:
        return 0
    return OutboxEmail.objects.filter(Q(pk__in=stale), status=OutboxStatus.PENDING).update(
        status=OutboxStatus.CANCELLED
    )
