"""The production topology of docker-compose.yml, run natively (no Docker engine here): gunicorn with
config/gunicorn.py, a Celery worker and Celery beat, as separate processes with the production settings module,
against the test PostgreSQL database and a Redis database of their own; mail goes to an aiosmtpd server on loopback.

A national administrator signs in through the login form and adds an inspection in the Django admin whose statutory
last day is today; the worker creates nothing by itself: beat enqueues the reminder sweep (REMINDER_SWEEP_MINUTES=1),
the worker runs it, and the "last day today" reminder must reach the body's shared inbox over SMTP. /healthz then
reports the database and the time of that sweep.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from django_otp.oath import totp

ROOT = Path(__file__).resolve().parents[2]
REMINDER_WAIT_SECONDS = 90
TOPOLOGY_REDIS_DB = int(os.environ.get("TOPOLOGY_REDIS_DB", "15"))

# reference_data: the processes work on what migrate created, and the test's own connection must hold no lock on it.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db,
    pytest.mark.reference_data,
]

# Run by `manage.py shell` with the production settings: on top of what migrate created, one office and a national
# administrator, as an operator would set them up. Prints the body's shared inbox, where its reminders go.
SETUP = """
import io, os
from django.core.management import call_command
from accounts.models import User
from inspections.models import LocalPolicingBody
call_command(
    "setup_office", "--force", "Norfolk", "--inbox", "opcc@norfolk.example",
    "--admin-email", "office.admin@norfolk.example", stdout=io.StringIO(),
)
national = User.objects.create_superuser("national", "national@example.org", os.environ["TOPOLOGY_PASSWORD"])
# Production asks a superuser for a second factor: an authenticator app whose key the test knows.
from django_otp.plugins.otp_totp.models import TOTPDevice
TOTPDevice.objects.create(user=national, name="Authenticator app", key=os.environ["TOPOLOGY_TOTP_KEY"], confirmed=True)
print(LocalPolicingBody.objects.get(force__name="Norfolk").shared_inbox)
"""

RESTORE_REFERENCE_DATA = """
from tests.reference_data import run_reference_migrations
run_reference_migrations()
"""


# --- an SMTP server on loopback --------------------------------------------------------------------------------------
@dataclass
class Received:
    message: Message
    recipients: list[str]


@dataclass
class Inbox:
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd calls it by this name
        with self.lock:
            message = message_from_bytes(envelope.content, policy=policy.default)
            self.received.append(Received(message, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def subjects(self) -> list[str]:
        with self.lock:
            return [subject(r) for r in self.received]

    def find(self, predicate: Callable[[Received], bool]) -> Received | None:
        with self.lock:
            return next((r for r in self.received if predicate(r)), None)


def subject(received: Received) -> str:
    return " ".join(str(received.message["Subject"]).split())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the processes ---------------------------------------------------------------------------------------------------
@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.name} (exit {self.popen.poll()}) ---\n" + "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        # Each process leads its own process group: the signal reaches its children too (gunicorn's and Celery's
        # workers), and we wait until every one of them has gone, so that none still holds a database connection.
        group = self.popen.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and _group_alive(group, self.popen):
            time.sleep(0.1)
        if _group_alive(group, self.popen):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        self.popen.wait(timeout=5)


def _group_alive(group: int, leader: subprocess.Popen[bytes]) -> bool:
    leader.poll()  # reap the leader once it has exited, or it stays a zombie member of the group
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


class Topology:
    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.processes: list[Process] = []

    def start(self, name: str, *args: str) -> Process:
        log = self.logs / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [sys.executable, *args],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def manage(self, *args: str, extra_env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(extra_env or {})},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def check_alive(self) -> None:
        dead = [p for p in self.processes if p.popen.poll() is not None]
        assert not dead, "A process of the topology exited:\n" + "\n".join(p.tail() for p in dead)

    def logs_text(self) -> str:
        return "\n".join(p.tail() for p in self.processes)

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()


def database_url(settings_dict: dict[str, Any]) -> str:
    quote = urllib.parse.quote
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{quote(settings_dict['NAME'])}"


def redis_url() -> str:
    """REDIS_URL with a database number of its own, so that no other test's queue reaches this worker."""
    parts = urllib.parse.urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    return urllib.parse.urlunsplit(parts._replace(path=f"/{TOPOLOGY_REDIS_DB}"))


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url, socket_timeout=5).flushdb()


# --- a browser of sorts ----------------------------------------------------------------------------------------------
class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode()

    def post(self, path: str, fields: list[tuple[str, str]]) -> tuple[int, str, str]:
        data = urllib.parse.urlencode(fields).encode()
        url = self.base + path  # always our own http://127.0.0.1 server
        request = urllib.request.Request(url, data=data, headers={"Referer": url})  # noqa: S310
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode(errors="replace")

    @staticmethod
    def csrf_token(html: str) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match, "no CSRF token in the form"
        return match.group(1)


def option_value(html: str, label: str) -> str:
    match = re.search(rf'<option value="(\d+)"[^>]*>\s*{re.escape(label)}\s*</option>', html)
    assert match, f"no option {label!r} in the form"
    return match.group(1)


def wait_until(condition: Callable[[], Any], *, timeout: float, interval: float = 0.5, topology: Topology) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        topology.check_alive()
        result = condition()
        if result:
            return result
        time.sleep(interval)
    return None


def healthz(base: str) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=5) as response:  # noqa: S310 - our own loopback server
            return json.loads(response.read())
    except (OSError, ValueError):
        return None


# --- fixtures --------------------------------------------------------------------------------------------------------
@pytest.fixture
def topology_db(require_postgres: None) -> dict[str, Any]:
    """The test database pytest-django created (the django_db mark has it set up), as the processes will reach it.

    The test itself never queries through its own connection, which pytest-django keeps in a transaction: everything
    is written by the processes (committed, so the others see it), and `manage.py flush` empties the tables at the
    end, as a transactional test would, so that the tests after this one start from empty tables.
    """
    return dict(connection.settings_dict)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


# --- the test --------------------------------------------------------------------------------------------------------
def test_due_response_made_over_http_is_reminded_by_beat_and_worker_through_smtp(
    topology_db: dict[str, Any], require_redis: None, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, smtp_port = smtp
    web_port = free_port()
    base = f"http://127.0.0.1:{web_port}"
    broker = redis_url()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_", "CELERY_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DEBUG": "0",
        "SECURE": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": base,
        "DATABASE_URL": database_url(topology_db),
        "REDIS_URL": broker,
        "TASKS_BACKEND": "celery",
        "REMINDER_SWEEP_MINUTES": "1",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "10",
        "VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "GUNICORN_BIND": f"127.0.0.1:{web_port}",
        "WEB_CONCURRENCY": "2",
        "LOG_LEVEL": "INFO",
    }
    topology = Topology(env, tmp_path)

    password = secrets.token_urlsafe(16)
    topology.manage("collectstatic", "--noinput", "-v0")
    totp_key = secrets.token_hex(20)
    output = topology.manage(
        "shell", "-c", SETUP, extra_env={"TOPOLOGY_PASSWORD": password, "TOPOLOGY_TOTP_KEY": totp_key}
    )
    shared_inbox = output.strip().splitlines()[-1]
    flush_redis(broker)
    try:
        topology.start("web", "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi")
        topology.start("worker", "-m", "celery", "-A", "config", "worker", "-l", "INFO", "-c", "1", "-n", "topology@%h")
        topology.start(
            "beat", "-m", "celery", "-A", "config", "beat", "-l", "INFO", "-s", str(tmp_path / "beat-schedule")
        )
        assert wait_until(lambda: healthz(base), timeout=30, topology=topology), topology.logs_text()

        browser = Browser(base)
        _status, _url, html = browser.get("/accounts/login/")
        status, url, _html = browser.post(
            "/accounts/login/",
            [("csrfmiddlewaretoken", browser.csrf_token(html)), ("username", "national"), ("password", password)],
        )
        assert urllib.parse.urlsplit(url).path == "/accounts/two-factor/code/", f"no second factor asked: {url}"
        status, url, _html = browser.post(
            url.removeprefix(base),
            [("csrfmiddlewaretoken", browser.csrf_token(_html)), ("code", f"{totp(bytes.fromhex(totp_key)):06d}")],
        )
        assert status == 200 and urllib.parse.urlsplit(url).path == "/", f"sign-in failed: {status} {url}"

        # Published 55 days ago: the statutory last day is today, so the "last day today" reminder is due now.
        today = timezone.localdate()
        title = f"Topology smoke test {secrets.token_hex(4)} \u2013 An inspection of Norfolk Constabulary"
        _status, _url, html = browser.get("/admin/inspections/inspection/add/")
        fields = [
            ("csrfmiddlewaretoken", browser.csrf_token(html)),
            ("title", title),
            ("published_on", (today - dt.timedelta(days=55)).isoformat()),
            ("report_url", "https://hmicfrs.example/topology"),
            ("publication_types", option_value(html, "PEEL")),
            ("forces", option_value(html, "Norfolk")),
            ("key_findings", "Made by the topology smoke test."),
            ("_save", "Save"),
        ]
        for prefix in sorted(set(re.findall(r'name="([\w-]+)-TOTAL_FORMS"', html))):
            fields += [(f"{prefix}-TOTAL_FORMS", "0"), (f"{prefix}-INITIAL_FORMS", "0")]
            fields += [(f"{prefix}-MIN_NUM_FORMS", "0"), (f"{prefix}-MAX_NUM_FORMS", "1000")]
        status, url, html = browser.post("/admin/inspections/inspection/add/", fields)
        assert status == 200 and url.endswith("/admin/inspections/inspection/"), f"the admin refused: {html[:3000]}"

        def reminded(received: Received) -> bool:
            text = subject(received)
            return text.startswith("Last day today") and title in text and shared_inbox in received.recipients

        started = time.monotonic()
        reminder = wait_until(lambda: inbox.find(reminded), timeout=REMINDER_WAIT_SECONDS, topology=topology)
        assert reminder is not None, (
            f"No reminder reached the SMTP server within {REMINDER_WAIT_SECONDS} s; it received "
            f"{inbox.subjects()}\n{topology.logs_text()}"
        )
        print(f"reminder arrived {time.monotonic() - started:.1f} s after the inspection was saved")

        health = healthz(base)
        assert health is not None and health["database"] == "ok", health
        assert health["last_reminder_sweep"], health
        last_sweep = dt.datetime.fromisoformat(health["last_reminder_sweep"])
        assert timezone.now() - last_sweep < dt.timedelta(minutes=5), health
    finally:
        topology.stop()
        flush_redis(broker)
        topology.manage("flush", "--noinput")
        # The flush also took what migrate created; the tests after this one that need it find it again.
        topology.manage("shell", "-c", RESTORE_REFERENCE_DATA)
        # The flush recreated the content types; this process must not keep ids it cached before.
        ContentType.objects.clear_cache()
