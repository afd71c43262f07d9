"""Four OS processes sweep and deliver at once (PostgreSQL): the SMTP server gets each reminder exactly once."""

from __future__ import annotations

import collections
import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from inspections.models import Inspection
from notifications.models import OutboxEmail, OutboxStatus
from responses import deadlines
from responses.models import Response
from tests.factories import BodyFactory
from tests.notifications.conftest import SmtpServer, subprocess_env

MANAGE = str(Path(__file__).resolve().parents[2] / "manage.py")
PROCESSES = 4
REMINDERS = 1000


def seed_due_responses(count: int, today: dt.date) -> None:
    """`count` open responses whose statutory last day is 7 days away: one reminder each, to the shared inbox."""
    body = BodyFactory(escalation_emails="")
    published = today + dt.timedelta(days=7) - dt.timedelta(days=deadlines.STATUTORY_PERIOD_DAYS - 1)
    inspections = Inspection.objects.bulk_create(
        Inspection(title=f"Concurrency {n}", published_on=published) for n in range(count)
    )
    Response.objects.bulk_create(
        Response(
            inspection=inspection,
            body=body,
            deadline=deadlines.form_deadline(published),
            statutory_last_day=deadlines.statutory_last_day(published),
            comments_due=None,
        )
        for inspection in inspections
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_processes_sweeping_at_once_send_each_reminder_exactly_once(
    require_postgres: None, steps: Any, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    today = timezone.localdate()
    seed_due_responses(REMINDERS, today)
    smtp_server.start()
    env = subprocess_env(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_server.port), TASKS_BACKEND="immediate")
    command = [sys.executable, MANAGE, "send_reminders", "--today", today.isoformat()]
    outputs = [tmp_path / f"worker-{n}.out" for n in range(PROCESSES)]
    processes = []
    try:
        for out in outputs:
            with out.open("wb") as stdout:
                processes.append(subprocess.Popen(command, env=env, stdout=stdout, stderr=subprocess.STDOUT))
        for process in processes:
            process.wait(timeout=120)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    logs = [out.read_text() for out in outputs]
    assert [p.returncode for p in processes] == [0] * PROCESSES, "\n".join(logs)

    received = collections.Counter(smtp_server.sink.message_ids())
    assert len(received) == REMINDERS
    assert max(received.values()) == 1, [mid for mid, n in received.items() if n > 1][:5]
    rows = OutboxEmail.objects.all()
    assert rows.count() == REMINDERS
    assert set(rows.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert set(received) == {f"<s55-outbox-{pk}@127.0.0.1>" for pk in rows.values_list("pk", flat=True)}
    # Each process printed one line per email it sent; together, every reminder once.
    sent_lines = [line for log in logs for line in log.splitlines() if line.startswith("sent ")]
    assert len(sent_lines) == REMINDERS
    # The work was shared, not done by one process while the others waited.
    assert sum(1 for log in logs if "sent " in log) >= 2
