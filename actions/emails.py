"""What the nudges say, rendered when they are sent (notifications.emails.BUILDERS): the owner's actions as they are
on the day of sending, so a digest never lists an action closed since it was planned."""

from __future__ import annotations

import datetime as dt

from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from actions.models import Action, ActionStatus, Rag
from notifications.emails import BUILDERS, _message, absolute_url, long_date, one_line
from notifications.models import OutboxEmail, ReminderKind


def _owner_actions(row: OutboxEmail) -> list[Action]:
    owned = Q(owner_id=row.user_id) if row.user_id else Q(owner__isnull=True, owner_email__iexact=row.recipient)
    return list(
        Action.objects.open()
        .filter(owned, body_id=row.body_id)
        .select_related("finding", "response__inspection")
        .order_by("target_date", "id")
    )


def _render(row: OutboxEmail, subject: str, context: dict[str, object]) -> tuple[str, EmailMultiAlternatives]:
    context = {**context, "subject": subject, "tracker_url": absolute_url(reverse("actions:action_list"))}
    text = render_to_string("actions/email_nudge.txt", context)
    return subject, _message(row=row, subject=subject, text=text, html="")


def update_request(row: OutboxEmail, today: dt.date) -> tuple[str, EmailMultiAlternatives]:
    actions = _owner_actions(row)
    subject = one_line(f"Update request: {len(actions)} open action{'s' if len(actions) != 1 else ''}")
    items = [{"action": a, "rag": Rag(a.rag(today)).label, "url": absolute_url(a.get_absolute_url())} for a in actions]
    return _render(
        row, subject, {"intro": "Please add a progress update to each of your open actions.", "items": items}
    )


def overdue_notice(row: OutboxEmail, today: dt.date) -> tuple[str, EmailMultiAlternatives]:
    action_id = int(row.key.split(":")[1])
    action = Action.objects.select_related("finding", "response__inspection").get(pk=action_id)
    subject = one_line(f"Target date passed: {action.finding} of {action.response.inspection.title}")[:300]
    when = long_date(row.about_date) if row.about_date else ""
    items = [{"action": action, "rag": Rag(action.rag(today)).label, "url": absolute_url(action.get_absolute_url())}]
    intro = f"The target date of this action, {when}, has passed. Add an update, or change the date with a reason."
    return _render(row, subject, {"intro": intro, "items": items})


def office_summary(row: OutboxEmail, today: dt.date) -> tuple[str, EmailMultiAlternatives]:
    actions = Action.objects.filter(body_id=row.body_id)
    counts = {label: actions.filter(status=value).count() for value, label in ActionStatus.choices}
    overdue = list(actions.overdue(today).select_related("finding", "response__inspection")[:50])
    items = [{"action": a, "rag": "Red", "url": absolute_url(a.get_absolute_url())} for a in overdue]
    subject = one_line(f"Actions this week: {len(overdue)} overdue")
    intro = "; ".join(f"{label}: {n}" for label, n in counts.items())
    return _render(row, subject, {"intro": intro, "items": items})


def register_builders() -> None:
    BUILDERS[ReminderKind.ACTION_UPDATE] = update_request
    BUILDERS[ReminderKind.ACTION_OVERDUE] = overdue_notice
    BUILDERS[ReminderKind.OFFICE_SUMMARY] = office_summary
