"""Django Tasks API backends that hand work to django-q2 or Celery.

Both queue the same thing: the import path of a `django.tasks.Task` and its arguments. The worker side
(`run_task`) imports the task and calls its function, so application code only ever enqueues through
`some_task.enqueue(...)` and the choice of queue is a setting (TASKS_BACKEND).

The Celery app is named by the backend's `APP` option (an import path, `config.celery.app` by default) and loaded
when the first task is enqueued: this module imports nothing of the project's, and web processes under django-q2
never import Celery.
"""

from __future__ import annotations

from typing import Any

from django.tasks import Task, TaskResult, TaskResultStatus
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.signals import task_enqueued
from django.utils import timezone
from django.utils.module_loading import import_string

RUN_TASK_PATH = "core.task_backends.run_task"
# The one Celery task there is (config/celery.py): it runs a Django task by import path.
RUN_DJANGO_TASK = "s55.run_django_task"


def run_task(path: str, args: list[Any] | tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None) -> Any:
    """Worker side: run the Django task at `path` synchronously in this process."""
    target = import_string(path)
    if not isinstance(target, Task):
        raise TypeError(f"{path!r} is not a django.tasks Task.")
    return target.call(*(args or ()), **(kwargs or {}))


def _result(backend: BaseTaskBackend, task: Task, result_id: str, args: Any, kwargs: Any) -> TaskResult:
    result: TaskResult = TaskResult(
        task=task,
        id=str(result_id),
        status=TaskResultStatus.READY,
        enqueued_at=timezone.now(),
        started_at=None,
        last_attempted_at=None,
        finished_at=None,
        args=list(args),
        kwargs=dict(kwargs),
        backend=backend.alias,
        errors=[],
        worker_ids=[],
    )
    task_enqueued.send(type(backend), task_result=result)
    return result


class DjangoQBackend(BaseTaskBackend):
    """Queue through django-q2 (its ORM broker by default: no extra server)."""

    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        self.validate_task(task)
        from django_q.tasks import async_task

        task_id = async_task(RUN_TASK_PATH, task.module_path, list(args), dict(kwargs), task_name=task.name)
        return _result(self, task, task_id, args, kwargs)


class CeleryBackend(BaseTaskBackend):
    """Queue through Celery (broker: settings.CELERY_BROKER_URL, i.e. Redis)."""

    supports_defer = True

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self.app_path: str = self.options.get("APP", "config.celery.app")

    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        self.validate_task(task)
        app = import_string(self.app_path)
        sent = app.send_task(RUN_DJANGO_TASK, args=[task.module_path, list(args), dict(kwargs)], eta=task.run_after)
        return _result(self, task, sent.id, args, kwargs)
