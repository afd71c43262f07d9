"""core/task_backends.py and config/celery.py: the Tasks API hands work to django-q2 or Celery."""

from __future__ import annotations

import ast
import datetime as dt
from typing import Any

import pytest
from django.tasks import TaskResultStatus
from django_q.models import OrmQ
from django_q.signing import SignedPackage

from config.celery import app, beat_schedule, run_django_task
from core.task_backends import RUN_DJANGO_TASK, RUN_TASK_PATH, CeleryBackend, DjangoQBackend, run_task
from notifications.models import SweepRun
from notifications.tasks import sweep_reminders


def test_django_q_backend_queues_the_task_by_import_path(db: Any) -> None:
    result = DjangoQBackend("q", {}).enqueue(sweep_reminders, [], {"today": "2024-11-04"})
    assert result.status == TaskResultStatus.READY
    assert result.backend == "q"
    queued = OrmQ.objects.get()
    package = SignedPackage.loads(queued.payload)
    assert package["id"] == result.id
    assert package["func"] == RUN_TASK_PATH
    assert package["args"] == ("notifications.tasks.sweep_reminders", [], {"today": "2024-11-04"})


def test_the_worker_side_runs_the_task_function_and_refuses_anything_else(db: Any) -> None:
    assert run_task("notifications.tasks.sweep_reminders", [], {"today": "2024-11-04"})["sent"] == 0
    assert SweepRun.objects.get().today == dt.date(2024, 11, 4)
    with pytest.raises(TypeError):
        run_task("os.system", ["true"], {})


def test_celery_backend_sends_the_task_by_import_path(monkeypatch: Any) -> None:
    sent: list[tuple[str, dict[str, Any]]] = []

    class Sent:
        id = "celery-task-id"

    def send_task(name: str, **options: Any) -> Sent:
        sent.append((name, options))
        return Sent()

    monkeypatch.setattr(app, "send_task", send_task)
    result = CeleryBackend("celery", {}).enqueue(sweep_reminders, [], {})
    assert result.id == "celery-task-id"
    assert sent == [(RUN_DJANGO_TASK, {"args": ["notifications.tasks.sweep_reminders", [], {}], "eta": None})]


def test_celery_task_runs_the_django_task(db: Any) -> None:
    assert run_django_task.apply(args=["notifications.tasks.sweep_reminders", [], {}]).get()["sent"] == 0
    assert SweepRun.objects.count() == 1


def test_celery_beat_runs_the_sweep_every_reminder_sweep_minutes(settings: Any) -> None:
    settings.REMINDER_SWEEP_MINUTES = 15
    entry = beat_schedule()["sweep-reminders"]
    assert entry["task"] == RUN_DJANGO_TASK
    assert entry["args"] == ("notifications.tasks.sweep_reminders", [], {})
    assert entry["schedule"] == dt.timedelta(minutes=15)
    assert app.conf.beat_schedule.keys() == {"sweep-reminders", "check-feeds"}
    assert ast.literal_eval(repr(entry["args"])) == entry["args"]
