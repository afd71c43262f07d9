"""After a mail server outage that held back the whole backlog, the first sweep once the server is back sends all of
it, though nothing new has come due to show that the server answers again: a sweep with nothing else to send tries
one held reminder, and if that goes through the rest follow. While the server is still down, that costs one
connection attempt a sweep and no reminder's attempts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from notifications.delivery import deliver_due
from notifications.models import DeliveryAttempt, OutboxEmail, OutboxStatus
from notifications.planner import plan_reminders
from tests.notifications.conftest import SmtpServer, london
from tests.notifications.test_delivery_heartbeat import START, TODAY, message_ids

pytestmark = pytest.mark.django_db
MINUTE = dt.timedelta(minutes=1)


def test_the_first_sweep_after_an_outage_sends_a_backlog_that_was_all_held_back(
    backlog: Callable[[int], list[OutboxEmail]], smtp_server: SmtpServer, frozen: Callable[[dt.datetime], None]
) -> None:
    backlog(30)  # sixty reminders due
    assert deliver_due(today=TODAY, batch_size=50).sent == 0  # server down: the first fifty held
    frozen(START + MINUTE)
    assert deliver_due(today=TODAY, batch_size=50).sent == 0  # still down: the other ten held too
    rows = OutboxEmail.objects.all()
    assert set(rows.values_list("status", "attempts", "server_unreachable")) == {(OutboxStatus.PENDING, 0, True)}

    smtp_server.start()
    frozen(START + 2 * MINUTE)  # well within the five minutes' backoff, and nothing new is due
    plan_reminders(TODAY)
    report = deliver_due(today=TODAY, batch_size=50)
    assert report.sent == 60
    assert sorted(smtp_server.sink.message_ids()) == message_ids(rows)  # each once
    assert set(rows.values_list("status", "attempts", "server_unreachable")) == {(OutboxStatus.SENT, 1, False)}


def test_while_the_server_is_down_a_sweep_with_nothing_new_tries_one_held_reminder_and_spends_no_attempt(
    backlog: Callable[[int], list[OutboxEmail]], smtp_server: SmtpServer, frozen: Callable[[dt.datetime], None]
) -> None:
    backlog(2)
    deliver_due(today=TODAY)
    tried = DeliveryAttempt.objects.count()
    frozen(START + MINUTE)
    assert deliver_due(today=TODAY).sent == 0
    assert DeliveryAttempt.objects.count() == tried + 1  # one probe, one connection attempt
    rows = OutboxEmail.objects.all()
    assert set(rows.values_list("status", "attempts", "server_unreachable")) == {(OutboxStatus.PENDING, 0, True)}
    assert london(TODAY, 9) + MINUTE < min(r.next_attempt_at for r in rows)  # type: ignore[operator]
