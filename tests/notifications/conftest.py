"""Fixtures for the reminder tests: a real SMTP server on loopback, frozen London time, a response with people."""

from __future__ import annotations

import datetime as dt
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import mail

from accounts.models import User
from inspections.models import LocalPolicingBody
from responses.models import Response
from tests.factories import BodyFactory, UserFactory, make_response

LONDON = ZoneInfo("Europe/London")


def london(day: dt.date, hour: int = 0, minute: int = 30) -> dt.datetime:
    """A wall-clock time in London (00:30 by default: before a BST day has started in UTC)."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SmtpSink:
    """An aiosmtpd handler that keeps every message it accepts."""

    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd calls it by this name
        with self.lock:
            self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(m["Message-ID"]) for m in self.messages]


@dataclass
class SmtpServer:
    port: int
    sink: SmtpSink = field(default_factory=SmtpSink)
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpServer]:
    """An SMTP server on a free loopback port, not yet started; MAILERS points at it."""
    server = SmtpServer(port=free_port())
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
        }
    }
    try:
        yield server
    finally:
        server.stop()


@dataclass
class People:
    body: LocalPolicingBody
    owner: User
    inbox: str
    escalation: str


@pytest.fixture
def people(db: Any) -> People:
    body = BodyFactory(escalation_emails="chief.exec@force.example")
    owner = UserFactory(username="owner", email="owner@opcc.example", body=body)
    return People(body=body, owner=owner, inbox=body.shared_inbox, escalation="chief.exec@force.example")


@pytest.fixture
def response_of(people: People, steps: Any) -> Callable[..., Response]:
    def make(*, settle_comments: bool = False, **kwargs: Any) -> Response:
        """A response of the people's body, owned by their owner. `settle_comments`: only the last day reminds."""
        kwargs.setdefault("published_on", dt.date(2024, 9, 24))
        response = make_response(body=people.body, owner=people.owner, **kwargs)
        if settle_comments:
            response.cc_comments_not_received = True
            response.save()
        return response

    return make


@pytest.fixture
def frozen() -> Iterator[Callable[[dt.datetime], None]]:
    """Move the frozen clock: frozen(london(day))."""
    traveller: list[Any] = []

    def travel(moment: dt.datetime) -> None:
        if traveller:
            traveller.pop().stop()
        t = time_machine.travel(moment, tick=False)
        t.start()
        traveller.append(t)

    try:
        yield travel
    finally:
        if traveller:
            traveller.pop().stop()


# A backlog of reminders due on one day: 7 days before the statutory last day of a report published 24 September 2024.
BACKLOG_DAY = dt.date(2024, 11, 11)


@pytest.fixture
def backlog(
    people: People, response_of: Callable[..., Response], frozen: Callable[[dt.datetime], None]
) -> Callable[[int], list[Any]]:
    """`count` responses' reminders for BACKLOG_DAY (two each: the owner and the shared inbox), planned at 09:00."""
    from notifications.models import OutboxEmail, OutboxStatus
    from notifications.planner import plan_reminders

    def make(count: int) -> list[OutboxEmail]:
        frozen(london(BACKLOG_DAY, 9))
        for n in range(count):
            response_of(title=f"Report {n}", settle_comments=True)
        plan_reminders(BACKLOG_DAY)
        return list(OutboxEmail.objects.filter(status=OutboxStatus.PENDING).order_by("due_on", "id"))

    return make


def sent_since(start: int) -> list[tuple[str, str]]:
    """(subject, recipient) of each email the locmem backend took since index `start`."""
    return [(m.subject, m.to[0]) for m in mail.outbox[start:]]


def subprocess_env(**extra: str) -> dict[str, str]:
    """Environment for a manage.py / celery subprocess that shares the test database (PostgreSQL only)."""
    import os
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", "DATABASE_URL": url, "LOG_LEVEL": "INFO"}
    env.update(extra)
    return env
