"""The outbox after a worker stops and after a mail server outage, through Django's SMTP mailer to a real SMTP
server (aiosmtpd) on loopback.

- A worker renews its claim while it sends (a heartbeat): a batch however slow is never taken over while its worker
  works, and the rows of a worker that stopped are taken over about a minute (OUTBOX_HEARTBEAT_SECONDS) after its
  last heartbeat — at the next sweep's start, or by a sweep already under way.
- Rows held back because the mail server could not be reached are released by the first send that goes through
  afterwards, and follow in the same sweep instead of waiting out their backoff.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from notifications.delivery import DeliveryReport, claim_batch, deliver_due
from notifications.models import DeliveryAttempt, OutboxEmail, OutboxStatus
from notifications.planner import plan_reminders
from notifications.tasks import sweep_reminders
from responses.models import Response
from tests.factories import make_response
from tests.notifications.conftest import BACKLOG_DAY, People, SmtpServer, london

TODAY = BACKLOG_DAY
OVERDUE_DAY = dt.date(2024, 11, 19)  # the day after it
START = london(TODAY, 9)
SECONDS = dt.timedelta(seconds=1)

pytestmark = pytest.mark.django_db


def message_ids(rows: Any) -> list[str]:
    return sorted(f"<s55-outbox-{pk}@127.0.0.1>" for pk in rows.values_list("pk", flat=True))


def ids_of(rows: list[OutboxEmail]) -> list[str]:
    return message_ids(OutboxEmail.objects.filter(pk__in=[row.pk for row in rows]))


# --- a worker that stops ---------------------------------------------------------------------------------------
def test_a_stopped_worker_s_rows_are_taken_over_a_minute_after_its_last_heartbeat(
    backlog: Callable[[int], list[OutboxEmail]], smtp_server: SmtpServer, frozen: Callable[[dt.datetime], None]
) -> None:
    rows = backlog(1)
    smtp_server.start()
    claim_batch(today=TODAY, now=START, token="stopped-worker")  # …and the worker stops before sending

    frozen(START + 59 * SECONDS)
    assert deliver_due(today=TODAY).sent == 0  # still its claim: it may be sending
    frozen(START + 61 * SECONDS)
    report = deliver_due(today=TODAY)
    assert (report.reclaimed, report.sent) == (2, 2)
    assert sorted(smtp_server.sink.message_ids()) == ids_of(rows)
    failure = DeliveryAttempt.objects.filter(ok=False).first()
    assert failure is not None
    assert "stopped-worker was not renewed for 60 seconds" in failure.error


def test_the_heartbeat_setting_sets_how_long_a_stopped_worker_s_rows_wait(
    backlog: Callable[[int], list[OutboxEmail]],
    smtp_server: SmtpServer,
    frozen: Callable[[dt.datetime], None],
    settings: Any,
) -> None:
    settings.OUTBOX_HEARTBEAT_SECONDS = 120
    backlog(1)
    smtp_server.start()
    claim_batch(today=TODAY, now=START, token="stopped-worker")
    frozen(START + 119 * SECONDS)
    assert deliver_due(today=TODAY).reclaimed == 0
    frozen(START + 121 * SECONDS)
    assert deliver_due(today=TODAY).sent == 2


def test_a_slow_batch_keeps_its_claim_while_its_worker_works_and_each_reminder_goes_once(
    backlog: Callable[[int], list[OutboxEmail]], smtp_server: SmtpServer, frozen: Callable[[dt.datetime], None]
) -> None:
    rows = backlog(2)  # four reminders, in one batch
    smtp_server.start()
    clock = [START]
    others: list[DeliveryReport] = []

    def slow_send(row: OutboxEmail, subject: str) -> None:
        # Each email takes 30 seconds; after the third (90 seconds into the batch, well past the minute) another
        # worker sweeps. The fourth row was claimed at the start: only the heartbeat keeps it this worker's.
        clock[0] += 30 * SECONDS
        frozen(clock[0])
        if len(smtp_server.sink.messages) == 3:
            others.append(deliver_due(today=TODAY, worker="another-worker"))

    report = deliver_due(today=TODAY, worker="slow-worker", on_sent=slow_send)
    assert report.sent == 4
    assert [(other.reclaimed, other.sent) for other in others] == [(0, 0)]
    assert sorted(smtp_server.sink.message_ids()) == ids_of(rows)
    assert set(OutboxEmail.objects.values_list("status", "attempts")) == {(OutboxStatus.SENT, 1)}
    assert not DeliveryAttempt.objects.filter(ok=False).exists()


def test_a_sweep_under_way_takes_over_the_rows_of_a_worker_that_stopped_meanwhile(
    backlog: Callable[[int], list[OutboxEmail]], smtp_server: SmtpServer, frozen: Callable[[dt.datetime], None]
) -> None:
    rows = backlog(3)  # six reminders
    smtp_server.start()
    stopped = claim_batch(today=TODAY, now=START, token="stopped-worker", size=2)
    assert stopped is not None and len(stopped) == 2
    clock = [START]

    def slow_send(row: OutboxEmail, subject: str) -> None:
        clock[0] += 30 * SECONDS
        frozen(clock[0])

    # One email at a time, 30 seconds each: the stopped worker's rows fall due for taking over during this sweep.
    report = deliver_due(today=TODAY, worker="busy-worker", on_sent=slow_send, batch_size=1)
    assert (report.reclaimed, report.sent) == (2, 6)
    assert sorted(smtp_server.sink.message_ids()) == ids_of(rows)


# --- a mail server outage --------------------------------------------------------------------------------------
@pytest.fixture
def overdue(people: People, steps: Any, frozen: Callable[[dt.datetime], None]) -> Callable[[str], None]:
    """An overdue response (three reminders: owner, shared inbox, escalation), made now."""

    def make(title: str) -> None:
        make_response(body=people.body, owner=people.owner, title=title)
        Response.objects.update(cc_comments_not_received=True)

    return make


def test_the_first_send_after_an_outage_releases_the_held_reminders_into_the_same_sweep(
    overdue: Callable[[str], None], smtp_server: SmtpServer, frozen: Callable[[dt.datetime], None]
) -> None:
    frozen(london(OVERDUE_DAY, 8, 0))
    overdue("During the outage 1")
    overdue("During the outage 2")
    assert sweep_reminders.enqueue().return_value["sent"] == 0  # the server is down: six held, none spent
    held = OutboxEmail.objects.all()
    assert set(held.values_list("status", "attempts", "server_unreachable")) == {(OutboxStatus.PENDING, 0, True)}

    # The server is back one minute later, well within the five minutes' backoff; the next sweep has a new
    # reminder to send, which goes through — and takes the held ones with it.
    smtp_server.start()
    frozen(london(OVERDUE_DAY, 8, 2))
    overdue("After the outage")
    assert sweep_reminders.enqueue().return_value["sent"] == 9
    rows = OutboxEmail.objects.all()
    assert sorted(smtp_server.sink.message_ids()) == message_ids(rows)  # each once
    assert set(rows.values_list("status", "attempts", "server_unreachable")) == {(OutboxStatus.SENT, 1, False)}


def test_while_the_server_is_still_down_nothing_is_released_or_retried_early(
    overdue: Callable[[str], None], smtp_server: SmtpServer, frozen: Callable[[dt.datetime], None]
) -> None:
    frozen(london(OVERDUE_DAY, 8, 0))
    overdue("During the outage")
    sweep_reminders.enqueue()
    assert DeliveryAttempt.objects.count() == 3

    frozen(london(OVERDUE_DAY, 8, 2))
    overdue("Still during the outage")
    assert sweep_reminders.enqueue().return_value["sent"] == 0
    # Only the new reminders tried (one connection attempt for their batch); the held ones still wait.
    assert DeliveryAttempt.objects.count() == 6
    first = OutboxEmail.objects.order_by("pk")[:3]
    assert {row.next_attempt_at for row in first} == {london(OVERDUE_DAY, 8, 5)}


def test_a_send_that_goes_through_for_another_worker_releases_what_this_worker_could_not_send(
    backlog: Callable[[int], list[OutboxEmail]],
    people: People,
    response_of: Callable[..., Response],
    smtp_server: SmtpServer,
    frozen: Callable[[dt.datetime], None],
) -> None:
    backlog(1)
    assert deliver_due(today=TODAY, worker="worker-a").sent == 0  # server down: both held
    smtp_server.start()
    frozen(START + 30 * SECONDS)
    response_of(title="Later the same morning", settle_comments=True)
    plan_reminders(TODAY)
    report = deliver_due(today=TODAY, worker="worker-b")
    assert (report.sent, report.released) == (4, 2)
    assert len(smtp_server.sink.messages) == 4
