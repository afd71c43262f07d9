"""The Celery app, for the scale-out topology (TASKS_BACKEND=celery, Redis at REDIS_URL).

    celery -A config worker -l info
    celery -A config beat -l info

Celery only ever runs one task, `s55.run_django_task`, which runs a Django task (django.tasks) by import path:
application code enqueues through the Tasks API, and the beat entry calls the same sweep task as the django-q2
Schedule does.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from celery import Celery
from celery.signals import beat_init

from core.task_backends import RUN_DJANGO_TASK, run_task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SWEEP_TASK_PATH = "notifications.tasks.sweep_reminders"

app = Celery("config")
# Every CELERY_* Django setting configures Celery (CELERY_BROKER_URL, CELERY_TASK_ACKS_LATE, …).
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(name=RUN_DJANGO_TASK)
def run_django_task(path: str, args: list[Any] | None = None, kwargs: dict[str, Any] | None = None) -> Any:
    return run_task(path, args or [], kwargs or {})


def beat_schedule() -> dict[str, dict[str, Any]]:
    from django.conf import settings

    return {
        "sweep-reminders": {
            "task": RUN_DJANGO_TASK,
            "schedule": dt.timedelta(minutes=settings.REMINDER_SWEEP_MINUTES),
            "args": (SWEEP_TASK_PATH, [], {}),
        },
        "check-feeds": {
            "task": RUN_DJANGO_TASK,
            "schedule": dt.timedelta(minutes=settings.INTAKE_FEED_MINUTES),
            "args": ("intake.tasks.check_feeds", [], {}),
        },
    }


def beat_state_file() -> str:
    from django.conf import settings

    # Beat's record of last runs: under var/ (not the working directory) unless CELERY_BEAT_SCHEDULE_FILENAME says.
    return str(getattr(settings, "CELERY_BEAT_SCHEDULE_FILENAME", settings.VAR_DIR / "celerybeat-schedule"))


app.conf.beat_schedule = beat_schedule()
app.conf.beat_schedule_filename = beat_state_file()


@beat_init.connect
def sweep_when_beat_starts(sender: Any = None, **kwargs: Any) -> None:
    # Beat's first interval only ends REMINDER_SWEEP_MINUTES after it starts; after downtime, catch up at once.
    app.send_task(RUN_DJANGO_TASK, args=[SWEEP_TASK_PATH, [], {}])
