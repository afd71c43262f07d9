"""Delivery through Django's SMTP mailer to a real SMTP server (aiosmtpd) on loopback: none lost, none twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from notifications.delivery import backoff
from notifications.models import DeliveryAttempt, OutboxEmail, OutboxStatus
from notifications.tasks import sweep_reminders
from responses.models import Response
from tests.factories import make_response
from tests.notifications.conftest import People, SmtpServer, london

D = dt.date
TODAY = D(2024, 11, 19)  # one day after the statutory last day of reports published 24 September 2024


def test_reminders_wait_while_the_server_is_down_and_all_go_once_it_is_back(
    people: People,
    steps: Any,
    smtp_server: SmtpServer,
    frozen: Callable[[dt.datetime], None],
) -> None:
    frozen(london(TODAY, 8))
    for n in range(5):
        make_response(body=people.body, owner=people.owner, title=f"Report {n}")
    Response.objects.update(cc_comments_not_received=True)

    # The server is down: every reminder stays in the outbox with the error recorded; an unreachable server does
    # not use up a reminder's attempts, so however long the outage lasts, nothing is given up.
    result = sweep_reminders.enqueue()
    assert result.return_value["sent"] == 0
    rows = OutboxEmail.objects.all()
    assert rows.count() == 15  # 5 overdue responses × owner, shared inbox, escalation
    assert set(rows.values_list("status", "attempts")) == {(OutboxStatus.PENDING, 0)}
    assert all(r.last_error.startswith("ConnectionRefusedError") for r in rows)
    assert DeliveryAttempt.objects.filter(ok=False).count() == 15

    # A sweep during the backoff does not hammer the server: one held reminder is tried, to see whether the server
    # is back, and no attempt is spent.
    frozen(london(TODAY, 8, 1))
    assert sweep_reminders.enqueue().return_value["sent"] == 0
    assert DeliveryAttempt.objects.count() == 16
    assert set(rows.values_list("status", "attempts")) == {(OutboxStatus.PENDING, 0)}

    smtp_server.start()
    frozen(london(TODAY, 8) + backoff(1))
    assert sweep_reminders.enqueue().return_value["sent"] == 15
    assert sweep_reminders.enqueue().return_value["sent"] == 0

    received = smtp_server.sink.message_ids()
    expected = sorted(f"<s55-outbox-{pk}@127.0.0.1>" for pk in rows.values_list("pk", flat=True))
    assert sorted(received) == expected  # every one, and each exactly once
    assert set(rows.values_list("status", "attempts")) == {(OutboxStatus.SENT, 1)}
    message = smtp_server.sink.messages[0]
    assert message.is_multipart()
    assert [part.get_content_type() for part in message.walk()][1:] == ["text/plain", "text/html"]
    assert message["Auto-Submitted"] == "auto-generated"


def test_a_long_outage_never_gives_a_reminder_up(
    people: People,
    steps: Any,
    smtp_server: SmtpServer,
    frozen: Callable[[dt.datetime], None],
    settings: Any,
) -> None:
    settings.REMINDER_MAX_ATTEMPTS = 3
    frozen(london(TODAY, 8))
    make_response(body=people.body, owner=people.owner, title="Report during an outage")
    Response.objects.update(cc_comments_not_received=True)
    moment = london(TODAY, 8)
    for _ in range(settings.REMINDER_MAX_ATTEMPTS * 3):  # many more sweeps than attempts, the server down each time
        frozen(moment)
        assert sweep_reminders.enqueue().return_value["sent"] == 0
        moment += dt.timedelta(hours=6, minutes=1)
    assert not OutboxEmail.objects.filter(status=OutboxStatus.FAILED).exists()
    smtp_server.start()
    frozen(moment)
    sent = sweep_reminders.enqueue().return_value["sent"]
    assert sent == OutboxEmail.objects.filter(status=OutboxStatus.SENT).count() > 0
    # Nothing left behind: what was not sent was superseded by a later day's reminder, never lost to the outage.
    assert set(OutboxEmail.objects.values_list("status", flat=True)) <= {OutboxStatus.SENT, OutboxStatus.SUPERSEDED}
