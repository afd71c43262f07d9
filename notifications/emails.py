"""What a reminder says: subjects and the plain-text + HTML message for one outbox row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from notifications.models import OutboxEmail, ReminderKind
from notifications.selectors import OpenWork, open_work
from responses.models import Response

SUBJECT_MAX_LENGTH = OutboxEmail._meta.get_field("subject").max_length or 300
DIGEST_OPT_OUT_SALT = "notifications.digest-opt-out"


def one_line(text: str) -> str:
    """Collapse every kind of line break and whitespace run to one space: nothing from a title can add a header."""
    return " ".join(str(text).split())


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def days_phrase(target: dt.date, today: dt.date) -> str:
    days = (target - today).days
    if days == 0:
        return "today"
    if days > 0:
        return f"{_plural(days, 'day')} left"
    return f"{_plural(-days, 'day')} ago"


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def reminder_subject(*, kind: str, title: str, about: dt.date, day: dt.date, step_label: str = "") -> str:
    """The subject of a reminder about `about`, as it reads on `day`."""
    days = (about - day).days
    if kind == ReminderKind.LAST_DAY:
        lead = "Last day today" if days == 0 else f"{_plural(days, 'day')} left"
        subject = f"{lead}: Section 55 response to {title}"
    elif kind == ReminderKind.OVERDUE:
        subject = f"Overdue by {_plural(-days, 'day')}: Section 55 response to {title}"
    elif kind == ReminderKind.COMMENTS_DUE:
        when = "today" if days == 0 else f"in {_plural(days, 'day')}" if days > 0 else f"{_plural(-days, 'day')} ago"
        subject = f"Chief constable's comments due {when}: {title}"
    elif kind == ReminderKind.COMMENTS_OVERDUE:
        subject = f"Chief constable's comments overdue by {_plural(-days, 'day')}: {title}"
    elif kind == ReminderKind.CHECKLIST:
        subject = f"Still to do: {step_label} – {title}"
    else:
        subject = title
    return one_line(subject)[:SUBJECT_MAX_LENGTH]


def digest_subject(*, day: dt.date, count: int) -> str:
    return one_line(f"Section 55 reminders for {long_date(day)}: {_plural(count, 'item')}")[:SUBJECT_MAX_LENGTH]


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def digest_opt_out_url(user_id: int) -> str:
    token = signing.dumps(user_id, salt=DIGEST_OPT_OUT_SALT)
    return absolute_url(reverse("digest_opt_out", args=[token]))


def _headline(row: OutboxEmail, response: Response, today: dt.date) -> str:
    about = row.about_date or today
    when = f"{long_date(about)} ({days_phrase(about, today)})"
    if row.kind == ReminderKind.LAST_DAY:
        return f"The Section 55 response must be published by the statutory last day, {when}."
    if row.kind == ReminderKind.OVERDUE:
        return f"The Section 55 response is overdue: the statutory last day was {when}. Publish it as soon as possible."
    if row.kind == ReminderKind.COMMENTS_DUE:
        return f"The chief constable's comments (s55(4)) are due on {when}."
    if row.kind == ReminderKind.COMMENTS_OVERDUE:
        return (
            f"The chief constable's comments (s55(4)) were due on {when} and are not recorded. Record them, "
            "or record that they were not received by the date set."
        )
    if row.kind == ReminderKind.CHECKLIST:
        label = row.step.label if row.step else "an office-use step"
        published = response.published_on or about
        return f"The response was published on {long_date(published)}; “{label}” is still to do."
    return one_line(row.subject)


def _owner_name(response: Response) -> str:
    owner = response.owner
    return (owner.get_full_name() or owner.username) if owner is not None else ""


def why_you_receive_it(row: OutboxEmail, response: Response) -> str:
    """Why this address is told, in words: as the owner, as the office's shared inbox, or as an escalation address
    of an overdue response (notifications/planner.py decides who is told; this says why)."""
    address = (row.recipient or "").strip().lower()
    body = response.body
    owner = response.owner
    if owner is not None and (owner.email or "").strip().lower() == address:
        return "You receive this because you own this response."
    if address and address == (body.shared_inbox or "").strip().lower():
        return f"You receive this as the shared inbox of {one_line(body.display_name)}."
    if address in {line.lower() for line in body.escalation_list()}:
        return (
            f"You receive this because the response is overdue and {one_line(body.display_name)} lists you to be "
            "told when a Section 55 response is late."
        )
    return f"You receive this as a reminder address of {one_line(body.display_name)}."


def publishing_blockers(response: Response, work: OpenWork) -> list[str]:
    """Everything that stops the response being published (responses/rules.py publication_problems, said for an
    email): each recommendation without an explanation, the chief constable's comments, the body's own comments.
    None once it is published."""
    if response.published_on:
        return []
    blockers = [
        f"Recommendation {number} has no explanation (s55(5B)): {one_line(text)}" for number, text in work.unexplained
    ]
    if not response.cc_comments_settled():
        blockers.append(
            "The chief constable's comments are not recorded, nor recorded as not received by the date set (s55(4))."
        )
    if not response.body_comments.strip():
        possessive = response.body.possessive
        blockers.append(
            f"{possessive[:1].upper()}{possessive[1:]} own comments on the report are not written (s55(5))."
        )
    return blockers


def reminder_item(row: OutboxEmail, today: dt.date, work: OpenWork | None = None) -> dict[str, Any]:
    """Everything one reminder says, for the email templates.

    Before publication it lists what blocks publishing; the office-use steps (forwarding the published response,
    putting it on the website, the portal) are listed only once it is published, when they are due."""
    response = row.response
    assert response is not None
    if work is None:
        work = open_work([response.pk])[response.pk]
    return {
        "owner": one_line(_owner_name(response)),
        "why": why_you_receive_it(row, response),
        "blockers": publishing_blockers(response, work),
        "possessive": response.body.possessive,
        "kind": row.get_kind_display(),
        "headline": _headline(row, response, today),
        "title": one_line(response.inspection.title),
        "body_name": one_line(response.body.display_name),
        "last_day": long_date(response.statutory_last_day) if response.statutory_last_day else "",
        "last_day_days": days_phrase(response.statutory_last_day, today) if response.statutory_last_day else "",
        "deadline": long_date(response.deadline) if response.deadline else "",
        "deadline_days": days_phrase(response.deadline, today) if response.deadline else "",
        "comments_due": long_date(response.comments_due) if response.comments_due else "",
        "comments_due_days": days_phrase(response.comments_due, today) if response.comments_due else "",
        "comments_settled": response.cc_comments_settled(),
        "status": response.get_status_display(),
        "open_steps": work.steps if response.published_on else [],
        "url": absolute_url(response.get_absolute_url()),
    }


def _message(
    *, row: OutboxEmail, subject: str, text: str, html: str, extra_headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    headers = {
        # One Message-ID per outbox row: if a crashed worker's claim is retried after the server accepted the
        # message, the copy is recognisably the same message.
        "Message-ID": f"<s55-outbox-{row.pk}@{site_host()}>",
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        "X-S55-Outbox-Id": str(row.pk),
        **(extra_headers or {}),
    }
    message = EmailMultiAlternatives(
        subject=one_line(subject),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.recipient],
        headers=headers,
    )
    if html:
        message.attach_alternative(html, "text/html")
    if row.attachment_name and row.attachment is not None:
        message.attach(row.attachment_name, bytes(row.attachment), row.attachment_type or "application/octet-stream")
    return message


# Builders for the kinds that render from their own app's data (invitations, actions): kind -> builder.
MessageBuilder = Callable[[OutboxEmail, dt.date], tuple[str, EmailMultiAlternatives]]
BUILDERS: dict[str, MessageBuilder] = {}


def prepared_message(row: OutboxEmail) -> tuple[str, EmailMultiAlternatives]:
    """A message rendered when it was queued, sent as stored."""
    return row.subject, _message(row=row, subject=row.subject, text=row.prepared_text, html=row.prepared_html)


def build_message(
    row: OutboxEmail, *, today: dt.date, work: dict[int, OpenWork] | None = None
) -> tuple[str, EmailMultiAlternatives]:
    """(subject, message) for an outbox row, rendered from the response as it is now.

    `work`: the open work of the row's response, when the caller fetched it for a whole batch.
    """
    if row.prepared_text:
        return prepared_message(row)
    if row.kind in BUILDERS:
        return BUILDERS[row.kind](row, today)
    if row.kind == ReminderKind.DIGEST:
        parts = list(
            row.parts.filter(response__isnull=False)
            .select_related("response__inspection", "response__body", "step")
            .order_by("due_on", "id")
        )
        part_work = open_work(part.response_id for part in parts if part.response_id)
        items = [reminder_item(part, today, part_work[part.response_id]) for part in parts if part.response_id]
        subject = digest_subject(day=row.due_on, count=len(items))
        assert row.user_id is not None
        context: dict[str, Any] = {
            "items": items,
            "day": long_date(row.due_on),
            "opt_out_url": digest_opt_out_url(row.user_id),
            "subject": subject,
        }
        text = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
        unsubscribe = {
            "List-Unsubscribe": f"<{context['opt_out_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        return subject, _message(row=row, subject=subject, text=text, html=html, extra_headers=unsubscribe)
    response = row.response
    assert response is not None
    subject = reminder_subject(
        kind=row.kind,
        title=response.inspection.title,
        about=row.about_date or today,
        day=today,
        step_label=row.step.label if row.step else "",
    )
    item = reminder_item(row, today, (work or {}).get(response.pk))
    context = {"item": item, "subject": subject}
    text = render_to_string("notifications/email/reminder.txt", context)
    html = render_to_string("notifications/email/reminder.html", context)
    return subject, _message(row=row, subject=subject, text=text, html=html)
