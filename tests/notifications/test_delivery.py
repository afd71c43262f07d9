"""notifications/delivery.py and emails.py: claim → send → mark, retries, digests, and what an email says."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail, signing
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from notifications.delivery import CLAIM_TIMEOUT, backoff, claim_batch, deliver_due
from notifications.emails import DIGEST_OPT_OUT_SALT
from notifications.models import DeliveryAttempt, OutboxEmail, OutboxStatus, ReminderKind
from notifications.planner import plan_reminders
from responses.models import Response
from tests.notifications.conftest import People, london

D = dt.date
TODAY = D(2024, 11, 11)  # 7 days before the statutory last day of a report published 24 September 2024


class BrokenBackend(LocmemBackend):
    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("mail server unreachable")


@pytest.fixture
def due(
    people: People, response_of: Callable[..., Response], frozen: Callable[[dt.datetime], None]
) -> Callable[..., list[OutboxEmail]]:
    """Plan the reminders of one response for TODAY (frozen at 09:00 London) and return the pending rows."""

    def make(**kwargs: Any) -> list[OutboxEmail]:
        frozen(london(TODAY, 9))
        response_of(settle_comments=True, **kwargs)
        plan_reminders(TODAY)
        return list(OutboxEmail.objects.filter(status=OutboxStatus.PENDING).order_by("recipient"))

    return make


def broken_mailer(settings: Any) -> None:
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BrokenBackend"}}


def test_claim_is_exclusive_a_second_claimer_gets_nothing(due: Callable[..., list[OutboxEmail]]) -> None:
    rows = due()
    first = claim_batch(today=TODAY, now=dt.datetime.now(dt.UTC), token="worker-a")
    second = claim_batch(today=TODAY, now=dt.datetime.now(dt.UTC), token="worker-b")
    assert {r.pk for r in first} == {r.pk for r in rows}
    assert second is None  # nothing left that is not claimed
    assert set(OutboxEmail.objects.values_list("status", "claimed_by")) == {("sending", "worker-a")}


def test_a_claim_that_loses_the_race_gets_nothing(due: Callable[..., list[OutboxEmail]], monkeypatch: Any) -> None:
    """Worker B read the same candidates as worker A, but A's conditional UPDATE got there first."""
    rows = due()
    assert claim_batch(today=TODAY, now=dt.datetime.now(dt.UTC), token="worker-a")
    stale_read = OutboxEmail.objects.filter(pk__in=[r.pk for r in rows])  # what B saw before A claimed
    monkeypatch.setattr("notifications.delivery._sendable", lambda today, now: stale_read)
    assert claim_batch(today=TODAY, now=dt.datetime.now(dt.UTC), token="worker-b") == []
    assert set(OutboxEmail.objects.values_list("claimed_by", flat=True)) == {"worker-a"}


def test_due_reminders_are_sent_once_and_marked(due: Callable[..., list[OutboxEmail]]) -> None:
    due()
    report = deliver_due(today=TODAY)
    assert report.sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(OutboxEmail.objects.values_list("recipient", flat=True))
    assert set(OutboxEmail.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert DeliveryAttempt.objects.filter(ok=True).count() == 2
    assert deliver_due(today=TODAY).sent == 0
    assert len(mail.outbox) == 2


def test_a_failed_send_is_recorded_and_retried_with_backoff(
    due: Callable[..., list[OutboxEmail]], settings: Any, frozen: Callable[[dt.datetime], None]
) -> None:
    due()
    broken_mailer(settings)
    report = deliver_due(today=TODAY)
    assert (report.sent, report.failed) == (0, 2)
    row = OutboxEmail.objects.order_by("pk").first()
    assert row is not None
    assert row.status == OutboxStatus.PENDING
    assert row.attempts == 1
    assert "ConnectionRefusedError: mail server unreachable" in row.last_error
    assert row.next_attempt_at == dt.datetime.now(dt.UTC) + backoff(1)
    assert row.deliveries.get().ok is False
    # Not before the backoff has passed …
    assert deliver_due(today=TODAY).failed == 0
    # … then again, and it works once the server is back.
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    frozen(london(TODAY, 9) + backoff(1))
    assert deliver_due(today=TODAY).sent == 2
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n).total_seconds() / 60 for n in range(1, 6)] == [5, 10, 20, 40, 80]
    assert backoff(30) == dt.timedelta(hours=6)


def test_a_reminder_gives_up_after_the_maximum_attempts(
    due: Callable[..., list[OutboxEmail]], settings: Any, frozen: Callable[[dt.datetime], None]
) -> None:
    settings.REMINDER_MAX_ATTEMPTS = 3
    due()
    broken_mailer(settings)
    moment = london(TODAY, 9)
    for attempt in range(1, 4):
        deliver_due(today=TODAY)
        moment += backoff(attempt)
        frozen(moment)
    assert set(OutboxEmail.objects.values_list("status", "attempts")) == {("failed", 3)}
    assert DeliveryAttempt.objects.filter(ok=False).count() == 6
    assert deliver_due(today=TODAY).failed == 0


def test_a_row_stuck_in_sending_by_a_dead_worker_is_reclaimed_and_sent(
    due: Callable[..., list[OutboxEmail]], frozen: Callable[[dt.datetime], None]
) -> None:
    due()
    claim_batch(today=TODAY, now=dt.datetime.now(dt.UTC), token="dead-worker")
    assert deliver_due(today=TODAY).sent == 0  # still claimed
    frozen(london(TODAY, 9) + CLAIM_TIMEOUT + dt.timedelta(seconds=1))
    report = deliver_due(today=TODAY)
    assert (report.reclaimed, report.sent) == (2, 2)
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"sent"}
    assert DeliveryAttempt.objects.filter(ok=False, error__contains="dead-worker").count() == 2


def test_the_email_says_what_is_due_both_dates_what_is_open_and_links_to_the_response(
    due: Callable[..., list[OutboxEmail]], settings: Any, people: People
) -> None:
    settings.SITE_URL = "https://s55.example.org"
    due(recommendations=2, title="PEEL 2023–2025")
    deliver_due(today=TODAY)
    message = next(m for m in mail.outbox if m.to == [people.inbox])
    response = Response.objects.get()
    assert message.subject == "7 days left: Section 55 response to PEEL 2023–2025"
    html = message.alternatives[0].content
    for part in (message.body, html):
        assert "18 November 2024 (7 days left)" in part  # statutory last day
        assert "19 November 2024 (8 days left)" in part  # form deadline
        # Before publication: what stops publishing, not the steps that follow it.
        assert "Response submitted to the HMICFRS monitoring portal" not in part
        assert "Recommendation 2 has no explanation (s55(5B)): Do thing 2" in part
        assert f"https://s55.example.org/responses/{response.pk}/" in part
    assert message.alternatives[0].mimetype == "text/html"
    assert (
        message.extra_headers["Message-ID"]
        == f"<s55-outbox-{OutboxEmail.objects.get(recipient=people.inbox).pk}@s55.example.org>"
    )


def test_titles_cannot_inject_headers_and_are_escaped_in_html(
    due: Callable[..., list[OutboxEmail]], people: People
) -> None:
    due(title="Report\r\nBcc: victim@example.com\n<script>alert(1)</script> & more")
    deliver_due(today=TODAY)
    message = next(m for m in mail.outbox if m.to == [people.inbox])
    assert "\n" not in message.subject and "\r" not in message.subject
    assert (
        message.subject
        == "7 days left: Section 55 response to Report Bcc: victim@example.com <script>alert(1)</script> & more"
    )
    headers = message.message()
    assert headers["Bcc"] is None
    assert all("\n" not in str(value) and "\r" not in str(value) for value in headers.values())
    assert message.recipients() == [people.inbox]
    html = message.alternatives[0].content
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>alert(1)</script> & more" in message.body  # plain text is not HTML-escaped


def test_digest_users_get_one_email_with_every_reminder_and_an_unsubscribe_header(
    people: People, response_of: Callable[..., Response], frozen: Callable[[dt.datetime], None]
) -> None:
    people.owner.daily_digest = True
    people.owner.save()
    frozen(london(TODAY, 9))
    response_of(title="First", settle_comments=True)
    response_of(title="Second", settle_comments=True)
    plan_reminders(TODAY)
    report = deliver_due(today=TODAY)
    assert report.digests == 1
    to_owner = [m for m in mail.outbox if m.to == ["owner@opcc.example"]]
    assert len(to_owner) == 1
    digest = to_owner[0]
    assert digest.subject == "Section 55 reminders for 11 November 2024: 2 items"
    assert "First" in digest.body and "Second" in digest.body
    unsubscribe = digest.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://127.0.0.1:8000/reminders/digest/off/")
    token = unsubscribe.rsplit("/", 2)[-2]
    assert signing.loads(token, salt=DIGEST_OPT_OUT_SALT) == people.owner.pk
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The shared inbox is not a digest user: one email per reminder.
    assert len([m for m in mail.outbox if m.to == [people.inbox]]) == 2
    parts = OutboxEmail.objects.filter(recipient="owner@opcc.example").exclude(kind=ReminderKind.DIGEST)
    assert set(parts.values_list("status", flat=True)) == {"digested"}
    digest_row = OutboxEmail.objects.get(kind=ReminderKind.DIGEST)
    assert digest_row.status == "sent" and digest_row.parts.count() == 2
    # Nothing more to send that day.
    assert deliver_due(today=TODAY).sent == 0


def test_when_the_server_is_unreachable_the_rest_of_the_backlog_waits_without_spending_attempts(
    people: People, response_of: Callable[..., Response], settings: Any, frozen: Callable[[dt.datetime], None]
) -> None:
    frozen(london(TODAY, 9))
    for n in range(3):
        response_of(title=f"Backlog {n}", settle_comments=True)
    plan_reminders(TODAY)
    broken_mailer(settings)
    report = deliver_due(today=TODAY, batch_size=2)
    assert report.failed == 2
    assert sorted(OutboxEmail.objects.values_list("attempts", flat=True)) == [0, 0, 0, 0, 1, 1]
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"pending"}
