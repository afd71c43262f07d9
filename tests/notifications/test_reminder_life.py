"""A response's whole life, one sweep a day with the clock frozen: exactly the expected emails on the expected days.

The report is published on Tuesday 24 September 2024 (the reference document): statutory last day 18 November,
form deadline 19 November, chief constable's comments due 22 October. British Summer Time ends on Sunday
27 October 2024; the sweep runs at 00:30 London time, which before that date is still the previous day in UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core import mail

from notifications.models import OutboxEmail
from notifications.tasks import sweep_reminders
from responses import services
from responses.models import Response, Status
from tests.factories import approve
from tests.notifications.conftest import People, london

D = dt.date
OWNER = "owner@opcc.example"


def daily_sweeps(
    first: dt.date,
    last: dt.date,
    frozen: Callable[[dt.datetime], None],
    actions: dict[dt.date, Callable[[], None]] | None = None,
) -> dict[dt.date, list[tuple[str, str]]]:
    """Sweep at 00:30 each day; run the day's action at noon. Returns {day: sorted (subject, recipient) sent}."""
    actions = actions or {}
    sent: dict[dt.date, list[tuple[str, str]]] = {}
    day = first
    while day <= last:
        frozen(london(day))
        start = len(mail.outbox)
        result = sweep_reminders.enqueue()
        assert result.status == "SUCCESSFUL", result.errors
        if day in actions:
            frozen(london(day, 12, 0))
            actions[day]()
        emails = sorted((m.subject, m.to[0]) for m in mail.outbox[start:])
        if emails:
            sent[day] = emails
        day += dt.timedelta(days=1)
    return sent


def to(people: People, subject: str, *, escalate: bool = False) -> list[tuple[str, str]]:
    recipients = [OWNER, people.inbox] + ([people.escalation] if escalate else [])
    return sorted((subject, r) for r in recipients)


def test_a_response_is_reminded_on_exactly_the_policy_days_until_complete(
    people: People, response_of: Callable[..., Response], steps: Any, frozen: Callable[[dt.datetime], None]
) -> None:
    frozen(london(D(2024, 9, 24), 9))
    response = response_of(published_on=D(2024, 9, 24), recommendations=1, title="PEEL 2023–2025")
    t = "PEEL 2023–2025"

    def settle_comments() -> None:
        response.refresh_from_db()
        response.cc_comments = "The chief constable welcomes the report."
        response.cc_comments_received_on = D(2024, 10, 30)
        response.save()
        services.response_sync_status(response=response)

    def publish() -> None:
        response.refresh_from_db()
        services.finding_response_explain(
            finding_response=response.finding_responses.get(), explanation="A new crime data audit is under way."
        )
        response.body_comments = "The commissioner will monitor progress."
        response.save()
        approve(response)
        services.response_publish(
            response=response,
            published_on=D(2024, 12, 3),
            published_url="https://opcc.example/r",
            late_reason="The chief constable's comments came after the date set.",
        )

    def tick(*indexes: int) -> Callable[[], None]:
        def do() -> None:
            for i in indexes:
                services.checklist_tick(response=response, step=steps[i], user=people.owner, done_on=D(2024, 12, 5))

        return do

    sent = daily_sweeps(
        D(2024, 9, 24),
        D(2025, 1, 31),
        frozen,
        actions={
            D(2024, 10, 30): settle_comments,
            D(2024, 12, 3): publish,
            D(2024, 12, 5): tick(0, 1),
            D(2024, 12, 12): tick(2),
            D(2024, 12, 18): tick(3),
        },
    )

    def overdue(days: int) -> list[tuple[str, str]]:
        unit = "day" if days == 1 else "days"
        return to(people, f"Overdue by {days} {unit}: Section 55 response to {t}", escalate=True)

    nag = {i: f"Still to do: {steps[i].label} – {t}" for i in range(4)}
    assert sent == {
        D(2024, 10, 19): to(people, f"Chief constable's comments due in 3 days: {t}"),
        D(2024, 10, 21): to(people, f"28 days left: Section 55 response to {t}"),
        D(2024, 10, 22): to(people, f"Chief constable's comments due today: {t}"),
        # A week after the comments were due, counted across the end of BST on 27 October.
        D(2024, 10, 29): to(people, f"Chief constable's comments overdue by 7 days: {t}"),
        D(2024, 11, 4): to(people, f"14 days left: Section 55 response to {t}"),
        D(2024, 11, 11): to(people, f"7 days left: Section 55 response to {t}"),
        D(2024, 11, 15): to(people, f"3 days left: Section 55 response to {t}"),
        D(2024, 11, 17): to(people, f"1 day left: Section 55 response to {t}"),
        D(2024, 11, 18): to(people, f"Last day today: Section 55 response to {t}"),
        **{D(2024, 11, 18) + dt.timedelta(days=k): overdue(k) for k in range(1, 8)},
        D(2024, 12, 2): overdue(14),
        # Published on 3 December; two steps ticked on the 5th: the other two nag a week after publication …
        D(2024, 12, 10): sorted(to(people, nag[2]) + to(people, nag[3])),
        # … the third was ticked on the 12th, the last one on the 18th: complete, and silence after.
        D(2024, 12, 17): to(people, nag[3]),
    }
    response.refresh_from_db()
    assert response.status == Status.COMPLETE
    assert not OutboxEmail.objects.filter(status__in=["pending", "sending"]).exists()


def test_a_corrected_publication_date_replans_and_old_reminders_are_never_sent(
    people: People, response_of: Callable[..., Response], frozen: Callable[[dt.datetime], None]
) -> None:
    frozen(london(D(2024, 9, 24), 9))
    # Comments settled from the start: this test is about the statutory last day.
    response = response_of(published_on=D(2024, 9, 24), title="Custody", settle_comments=True)

    def correct() -> None:
        services.inspection_correct_published_on(
            inspection=response.inspection, published_on=D(2024, 9, 27), reason="Report republished on 27 September"
        )
        # A sweep later the same day sees the change at once.
        sweep_reminders.enqueue()

    sent = daily_sweeps(D(2024, 10, 15), D(2024, 11, 22), frozen, actions={D(2024, 11, 5): correct})
    subjects = {day: sorted({s for s, _ in emails}) for day, emails in sent.items()}
    assert subjects == {
        D(2024, 10, 21): ["28 days left: Section 55 response to Custody"],
        D(2024, 11, 4): ["14 days left: Section 55 response to Custody"],
        # Corrected at noon: the new last day is 21 November. The new schedule's latest reminder day so far
        # (24 October, 28 days before) goes once, saying what is left now; the old 11, 15, 17 and 18 November
        # reminders never go.
        D(2024, 11, 5): ["16 days left: Section 55 response to Custody"],
        D(2024, 11, 7): ["14 days left: Section 55 response to Custody"],
        D(2024, 11, 14): ["7 days left: Section 55 response to Custody"],
        D(2024, 11, 18): ["3 days left: Section 55 response to Custody"],
        D(2024, 11, 20): ["1 day left: Section 55 response to Custody"],
        D(2024, 11, 21): ["Last day today: Section 55 response to Custody"],
        D(2024, 11, 22): ["Overdue by 1 day: Section 55 response to Custody"],
    }
    assert not OutboxEmail.objects.filter(about_date=D(2024, 11, 18), due_on__gt=D(2024, 11, 5)).exists()


def test_the_sweep_uses_the_london_date_not_the_utc_date(
    people: People, response_of: Callable[..., Response], frozen: Callable[[dt.datetime], None]
) -> None:
    response_of(published_on=D(2024, 9, 24), title="Spotlight")
    # 00:30 BST on 21 October is 23:30 UTC on 20 October: the 28-day reminder is due today in London.
    moment = london(D(2024, 10, 21))
    assert moment.astimezone(dt.UTC).date() == D(2024, 10, 20)
    frozen(moment)
    sweep_reminders.enqueue()
    assert "28 days left: Section 55 response to Spotlight" in {m.subject for m in mail.outbox}
