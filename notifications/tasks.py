"""Background work, enqueued through Django's Tasks API; the configured backend hands it to django-q2 or Celery."""

from __future__ import annotations

import datetime as dt

from django.tasks import task
from django.utils import timezone

from audit.context import acting_as
from notifications.services import reminders_sweep

ACTOR = "task:send_reminders"


@task
def sweep_reminders(today: str | None = None) -> dict[str, int]:
    """Plan the reminders due today and deliver the outbox. `today` (YYYY-MM-DD) defaults to the local date."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    with acting_as(label=ACTOR):
        run = reminders_sweep(today=day, actor=ACTOR)
    return {"planned": run.planned, "cancelled": run.cancelled, "sent": run.sent, "failed": run.failed}
