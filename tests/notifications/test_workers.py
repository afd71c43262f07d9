"""Real workers, end to end (PostgreSQL shared with the test): a django-q2 cluster, and a Celery worker + beat on Redis,
each deliver a due reminder to an SMTP server."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from core.task_backends import CeleryBackend, DjangoQBackend
from notifications.tasks import sweep_reminders
from responses import deadlines
from responses.models import Response
from tests.factories import make_response
from tests.notifications.conftest import People, SmtpServer, subprocess_env

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 60

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@contextlib.contextmanager
def running(commands: list[list[str]], env: dict[str, str], logs: Path) -> Iterator[Callable[[], str]]:
    """Start each command in its own process group; always stop them (and their children) on the way out."""
    processes: list[subprocess.Popen[bytes]] = []
    files = []
    try:
        for n, command in enumerate(commands):
            log = (logs / f"process-{n}.log").open("wb")
            files.append(log)
            processes.append(
                subprocess.Popen(
                    command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            )

        def output() -> str:
            return "\n".join((logs / f"process-{n}.log").read_text(errors="replace") for n in range(len(commands)))

        yield output
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        for log in files:
            log.close()


def wait_for(condition: Callable[[], bool], output: Callable[[], str], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"Timed out after {WAIT_SECONDS}s waiting for {what}. Worker output:\n{output()[-6000:]}")


def due_response(people: People, title: str) -> Response:
    """An open response whose statutory last day is today: its reminder is due now."""
    published = timezone.localdate() - dt.timedelta(days=deadlines.STATUTORY_PERIOD_DAYS - 1)
    response = make_response(body=people.body, owner=people.owner, published_on=published, title=title)
    response.cc_comments_not_received = True
    response.save()
    return response


def subjects(server: SmtpServer) -> list[str]:
    with server.sink.lock:
        return [str(m["Subject"]) for m in server.sink.messages]


def test_a_django_q_cluster_delivers_a_reminder_enqueued_through_the_tasks_api(
    require_postgres: None, people: People, steps: Any, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    due_response(people, "Django-Q end to end")
    smtp_server.start()
    env = subprocess_env(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_server.port), TASKS_BACKEND="django_q")
    with running([[sys.executable, "manage.py", "qcluster"]], env, tmp_path) as output:
        result = DjangoQBackend("q", {}).enqueue(sweep_reminders, [], {})
        assert result.status == "READY" and result.id
        wait_for(
            lambda: sum("Django-Q end to end" in s for s in subjects(smtp_server)) == 2,
            output,
            "the cluster to send the reminder to the owner and the shared inbox",
        )
    assert sorted(m["To"] for m in smtp_server.sink.messages) == sorted(["owner@opcc.example", people.inbox])


def test_a_celery_worker_and_beat_deliver_reminders_on_redis(
    require_postgres: None, require_redis: None, people: People, steps: Any, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    due_response(people, "Celery beat end to end")
    smtp_server.start()
    env = subprocess_env(
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_server.port),
        TASKS_BACKEND="celery",
        REDIS_URL=os.environ["REDIS_URL"],
    )
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    worker = [
        *celery,
        "worker",
        "-P",
        "solo",
        "-l",
        "INFO",
        "--without-mingle",
        "--without-gossip",
        "-n",
        f"test-{os.getpid()}@%h",
    ]
    beat = [*celery, "beat", "-l", "INFO", "-s", str(tmp_path / "celerybeat-schedule"), "--pidfile="]
    with running([worker, beat], env, tmp_path) as output:
        # Beat runs the sweep as soon as it starts (then every REMINDER_SWEEP_MINUTES); the worker sends.
        wait_for(
            lambda: sum("Celery beat end to end" in s for s in subjects(smtp_server)) == 2,
            output,
            "beat's sweep to be run by the worker",
        )
        # Code enqueuing through the Tasks API with the Celery backend reaches the same worker.
        due_response(people, "Celery backend end to end")
        result = CeleryBackend("celery", {}).enqueue(sweep_reminders, [], {})
        assert result.id
        wait_for(
            lambda: sum("Celery backend end to end" in s for s in subjects(smtp_server)) == 2,
            output,
            "the worker to run the sweep enqueued through the Tasks API",
        )
    assert len(smtp_server.sink.messages) == 4
