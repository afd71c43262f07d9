"""The periodic reading of the watched feeds for django-q2: one Schedule, created or corrected after every
`migrate` (as `notifications.schedules` does for the reminder sweep). Celery beat has the same entry
(config/celery.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from core.task_backends import RUN_TASK_PATH

SCHEDULE_NAME = "intake: check feeds"
CHECK_FEEDS_TASK_PATH = "intake.tasks.check_feeds"


def ensure_feeds_schedule(using: str = DEFAULT_DB_ALIAS) -> Any:
    """Create the django-q2 Schedule that checks the feeds every INTAKE_FEED_MINUTES, or bring it up to date.

    Idempotent: matched by name; running it again changes nothing unless the interval setting changed.
    """
    from django_q.models import Schedule

    wanted = {
        "func": RUN_TASK_PATH,
        "args": repr((CHECK_FEEDS_TASK_PATH, [], {})),
        "kwargs": None,
        "schedule_type": Schedule.MINUTES,
        "minutes": settings.INTAKE_FEED_MINUTES,
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
        ensure_feeds_schedule(using)
