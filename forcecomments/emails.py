"""What the force contact is sent: the invitation with its link, and the reminders before the comments-due date.

Both are rendered when queued (OutboxEmail.prepared_text / prepared_html) and sent as stored by the outbox.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse

from forcecomments.models import CommentsLink
from forcecomments.rules import expires_on
from forcecomments.tokens import token_for
from notifications.emails import SUBJECT_MAX_LENGTH, absolute_url, long_date, one_line


def link_url(link: CommentsLink) -> str:
    return absolute_url(reverse("forcecomments:comments", args=[token_for(link.lookup)]))


def _context(link: CommentsLink, today: dt.date) -> dict[str, Any]:
    response = link.invitation.response
    due = response.comments_due
    return {
        "body_name": one_line(response.body.display_name),
        "title": one_line(response.inspection.title),
        "published_on": long_date(response.inspection.published_on),
        "comments_due": long_date(due) if due else "",
        "days_left": (due - today).days if due else None,
        "expires_on": long_date(expires_on(link.invitation)),
        "url": link_url(link),
        "recipient": link.recipient,
    }


def invite_message(link: CommentsLink, today: dt.date) -> tuple[str, str, str]:
    """(subject, text, html) of the invitation sent to one force contact address."""
    context = _context(link, today)
    subject = one_line(f"Invitation to comment: {context['title']}")[:SUBJECT_MAX_LENGTH]
    context["subject"] = subject
    return (
        subject,
        render_to_string("forcecomments/email/invite.txt", context),
        render_to_string("forcecomments/email/invite.html", context),
    )


def reminder_message(link: CommentsLink, today: dt.date) -> tuple[str, str, str]:
    """(subject, text, html) of a reminder, as it reads on `today`."""
    context = _context(link, today)
    when = "today" if context["days_left"] == 0 else f"in {context['days_left']} days"
    subject = one_line(f"Chief constable's comments due {when}: {context['title']}")[:SUBJECT_MAX_LENGTH]
    context["subject"] = subject
    context["when"] = when
    return (
        subject,
        render_to_string("forcecomments/email/reminder.txt", context),
        render_to_string("forcecomments/email/reminder.html", context),
    )
