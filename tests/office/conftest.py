"""Two offices, A and B, each with its people; and a real SMTP server on loopback for the invitation emails."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from accounts.models import Role, User
from inspections.models import LocalPolicingBody
from tests.factories import BodyFactory, ForceFactory, UserFactory
from tests.notifications.conftest import SmtpServer, free_port

BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass
class Offices:
    a: LocalPolicingBody
    b: LocalPolicingBody
    users: dict[str, User | None]

    def client(self, role: str) -> Client:
        client = Client()
        if self.users[role] is not None:
            client.force_login(self.users[role], backend=BACKEND)
        return client


# anonymous · A's viewer · A's editor · A's approver · A's admin · B's admin · the national administrator
VISITORS = ("anonymous", "viewer", "editor", "approver", "admin", "b_admin", "national")


@pytest.fixture
def offices(db: Any) -> Offices:
    a = BodyFactory(force=ForceFactory(name="Norfolk"))
    b = BodyFactory(force=ForceFactory(name="Suffolk"))
    users: dict[str, User | None] = {
        "anonymous": None,
        "viewer": UserFactory(username="a-viewer", body=a, role=Role.VIEWER, first_name="Vera", last_name="Viewer"),
        "editor": UserFactory(username="a-editor", body=a, role=Role.EDITOR),
        "approver": UserFactory(username="a-approver", body=a, role=Role.APPROVER),
        "admin": UserFactory(username="a-admin", body=a, role=Role.ADMIN),
        "b_admin": UserFactory(username="b-admin", body=b, role=Role.ADMIN),
        "national": UserFactory(username="national", body=None, is_superuser=True, role=Role.ADMIN),
    }
    return Offices(a=a, b=b, users=users)


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpServer]:
    """A started SMTP server on a free loopback port; Django's mail goes to it."""
    server = SmtpServer(port=free_port())
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
        }
    }
    server.start()
    try:
        yield server
    finally:
        server.stop()
