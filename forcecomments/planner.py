"""Reminders to the force contact: 3 days before and on the comments-due date, until comments arrive.

Registered with the reminder sweep (notifications.services.sweep_planner_register, in apps.py). Each run wants, for
every link of a live invitation whose response has no submission yet and whose comments are not otherwise settled,
the reminder of the latest reminder day that has come (a day after the invitation day, up to the due date itself):
one OutboxEmail with the key `fc-remind:<link>:<due date>:<day>`, so running twice plans nothing twice and a changed
due date plans afresh. Every pending force reminder that is no longer wanted (comments received, link revoked, the
due date moved or passed, a later reminder day come) is cancelled.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from forcecomments.emails import reminder_message
from forcecomments.models import CommentsLink, Submission
from notifications.models import OutboxEmail, OutboxStatus, ReminderKind
from responses.models import OPEN_STATUSES

REMINDER_DAYS_BEFORE = (3, 0)


def reminder_day(*, due: dt.date, invited: dt.date, today: dt.date) -> dt.date | None:
    """The reminder day a sweep on `today` sends for, or None (before the first, after the due date)."""
    if today > due:
        return None
    days = [due - dt.timedelta(days=before) for before in REMINDER_DAYS_BEFORE]
    come = [day for day in days if invited < day <= today]
    return max(come) if come else None


def plan_force_reminders(today: dt.date) -> tuple[int, int]:
    received = Submission.objects.filter(invitation_id=OuterRef("invitation_id"))
    links = (
        CommentsLink.objects.filter(
            invitation__revoked_at__isnull=True,
            invitation__response__comments_due__isnull=False,
            invitation__response__status__in=OPEN_STATUSES,
        )
        .exclude(Exists(received))
        .select_related("invitation__response__inspection", "invitation__response__body")
    )
    wanted: set[str] = set()
    planned = 0
    for link in links:
        response = link.invitation.response
        if response.cc_comments_settled() or response.comments_due is None:
            continue
        invited = timezone.localtime(link.invitation.created_at).date()
        day = reminder_day(due=response.comments_due, invited=invited, today=today)
        if day is None:
            continue
        key = f"fc-remind:{link.pk}:{response.comments_due.isoformat()}:{day.isoformat()}"
        wanted.add(key)
        if OutboxEmail.objects.filter(key=key).exists():
            continue
        subject, text, html = reminder_message(link, day)
        try:
            with transaction.atomic():
                OutboxEmail.objects.create(
                    key=key,
                    kind=ReminderKind.FORCE_REMINDER,
                    response=response,
                    body=response.body,
                    recipient=link.recipient,
                    due_on=day,
                    about_date=response.comments_due,
                    subject=subject,
                    prepared_text=text,
                    prepared_html=html,
                )
        except IntegrityError:
            continue  # another sweep planned it at the same moment
        planned += 1
    cancelled = (
        OutboxEmail.objects.filter(kind=ReminderKind.FORCE_REMINDER, status=OutboxStatus.PENDING)
        .exclude(key__in=wanted)
        .update(status=OutboxStatus.CANCELLED)
    )
    return planned, cancelled
