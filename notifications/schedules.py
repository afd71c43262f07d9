"""The periodic reminder sweep for django-q2: one Schedule, created or corrected after every `migrate`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from core.task_backends import RUN_TASK_PATH

SCHEDULE_NAME = "notifications: sweep reminders"
SWEEP_TASK_PATH = "notifications.tasks.sweep_reminders"


def ensure_sweep_schedule(using: str = DEFAULT_DB_ALIAS) -> Any:
    """Create the django-q2 Schedule that runs the sweep every REMINDER_SWEEP_MINUTES, or bring it up to date.

    Idempotent: matched by name; running it again changes nothing unless the interval setting changed.
    """
    from django_q.models import Schedule

    wanted = {
        "func": RUN_TASK_PATH,
        "args": repr((SWEEP_TASK_PATH, [], {})),
        "kwargs": None,
        "schedule_type": Schedule.MINUTES,
        "minutes": settings.REMINDER_SWEEP_MINUTES,
        "repeats": -1,
    }
    schedule = Schedule.objects.using(using).filter(name=SCHEDULE_NAME).order_by("pk").first()
    if schedule is None:
        return Schedule.objects.using(using).create(name=SCHEDULE_NAME, **wanted)
    changed = [field for field, value in wanted.items() if getattr(schedule, field) != value]
    if changed:
        for field in changed:
            setattr(schedule, field, wanted[field])
        schedule.save(using=using, update_fields=changed)
    return schedule


def on_post_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    from django_q.models import Schedule

    if Schedule._meta.db_table in connections[using].introspection.table_names():
        ensure_sweep_schedule(using)
