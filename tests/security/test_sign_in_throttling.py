"""Sign-in throttling behind the TLS proxy: a lockout is per username and per *client* address, the client's address
is read from X-Forwarded-For only when a trusted proxy (FORWARDED_ALLOW_IPS) sent the request, and the lockout page
says when the lockout ends."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse

from config.client_ip import client_ip_address
from config.env import env_networks
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
LOCKED_OUT = "Too many failed sign-in attempts"
PROXY = "10.0.0.2"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def axes_on(settings: Any) -> None:
    settings.AXES_ENABLED = True
    settings.FORWARDED_ALLOW_IPS = [PROXY]


def through_proxy(client_address: str, *, written_by_client: str = "") -> Client:
    """A browser at `client_address` behind the proxy, which appends the address it got the request from."""
    forwarded = f"{written_by_client}, {client_address}" if written_by_client else client_address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def sign_in(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_five_wrong_passwords_from_one_client_never_lock_the_username_out_from_another_client(axes_on: None) -> None:
    UserFactory(username="alice")
    attacker = through_proxy("203.0.113.5")
    for _ in range(5):
        sign_in(attacker, "alice", "not the password")
    assert sign_in(attacker, "alice", PASSWORD).status_code == 429

    colleague = through_proxy("198.51.100.7")
    result = sign_in(colleague, "alice", PASSWORD)
    assert result.status_code == 302
    assert "_auth_user_id" in colleague.session


@pytest.mark.django_db
def test_a_client_behind_the_proxy_cannot_escape_its_lockout_by_writing_addresses_in_the_header(
    axes_on: None,
) -> None:
    UserFactory(username="alice")
    for n in range(5):
        sign_in(through_proxy("203.0.113.5", written_by_client=f"192.0.2.{n}"), "alice", "not the password")
    result = sign_in(through_proxy("203.0.113.5", written_by_client="192.0.2.99"), "alice", PASSWORD)
    assert result.status_code == 429
    assert LOCKED_OUT in result.content.decode()


@pytest.mark.django_db
def test_a_client_that_connects_directly_cannot_choose_its_address_by_header(axes_on: None) -> None:
    UserFactory(username="alice")
    for n in range(5):
        direct = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        sign_in(direct, "alice", "not the password")
    direct = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert sign_in(direct, "alice", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_the_lockout_page_says_when_the_lockout_ends(axes_on: None) -> None:
    UserFactory(username="alice")
    client = through_proxy("203.0.113.5")
    with time_machine.travel(dt.datetime(2025, 3, 4, 10, 0, tzinfo=LONDON), tick=False):
        for _ in range(5):
            result = sign_in(client, "alice", "not the password")
    assert result.status_code == 429
    page = result.content.decode()
    assert "You can try again after 10:15am on 4 March 2025, in 15 minutes." in page
    assert result["Retry-After"] == "900"
    assert "no-store" in result["Cache-Control"]


@pytest.mark.django_db
def test_the_lockout_page_gives_the_end_in_london_time_in_summer(axes_on: None) -> None:
    UserFactory(username="alice")
    client = through_proxy("203.0.113.5")
    with time_machine.travel(dt.datetime(2025, 7, 1, 23, 50, tzinfo=LONDON), tick=False):
        for _ in range(5):
            result = sign_in(client, "alice", "not the password")
    assert "You can try again after 12:05am on 2 July 2025, in 15 minutes." in result.content.decode()


@pytest.mark.parametrize(
    ("allowed", "peer", "forwarded", "expected"),
    [
        # Not from a trusted proxy: the header is ignored.
        (["127.0.0.1"], "203.0.113.5", "192.0.2.1", "203.0.113.5"),
        # From the trusted proxy: the address it appended.
        (["127.0.0.1"], "127.0.0.1", "203.0.113.5", "203.0.113.5"),
        # Whatever the client wrote to the left of it is not believed.
        (["127.0.0.1"], "127.0.0.1", "192.0.2.1, 203.0.113.5", "203.0.113.5"),
        # A chain of trusted proxies (a CIDR range) is walked from the right.
        (["10.0.0.0/8"], "10.0.0.2", "192.0.2.1, 203.0.113.5, 10.1.2.3", "203.0.113.5"),
        # `*`: one hop, the address the connecting proxy appended.
        (["*"], "10.0.0.2", "192.0.2.1, 203.0.113.5", "203.0.113.5"),
        # Ports and brackets as some proxies write them; several headers joined by commas.
        (["127.0.0.1"], "127.0.0.1", "[2001:db8::1]:4711", "2001:db8::1"),
        (["127.0.0.1"], "127.0.0.1", "203.0.113.5:4711", "203.0.113.5"),
        # No header, or garbage where the client's address should be: the last trusted hop.
        (["127.0.0.1"], "127.0.0.1", "", "127.0.0.1"),
        (["10.0.0.0/8"], "10.0.0.2", "203.0.113.5, not-an-address, 10.1.2.3", "10.1.2.3"),
        (["*"], "10.0.0.2", "unknown", "10.0.0.2"),
        # IPv4 written as IPv6 is the same client.
        (["127.0.0.1"], "::ffff:127.0.0.1", "203.0.113.5", "203.0.113.5"),
    ],
)
def test_the_client_address_is_read_from_the_header_only_through_a_trusted_proxy(
    settings: Any, allowed: list[str], peer: str, forwarded: str, expected: str
) -> None:
    settings.FORWARDED_ALLOW_IPS = allowed
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip_address(request) == expected


def test_a_trusted_proxy_list_that_is_not_addresses_is_refused_at_start(monkeypatch: Any) -> None:
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.0/8, proxy.internal")
    with pytest.raises(ImproperlyConfigured, match=r"proxy\.internal"):
        env_networks("FORWARDED_ALLOW_IPS", "127.0.0.1")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.0/8, *")
    assert env_networks("FORWARDED_ALLOW_IPS", "127.0.0.1") == ["10.0.0.0/8", "*"]


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [("10.0.0.2", "192.0.2.1, 203.0.113.5", "203.0.113.5"), ("203.0.113.5", "192.0.2.1", "203.0.113.5")],
)
def test_the_audit_trail_records_the_client_address_the_trusted_proxy_saw(
    settings: Any, peer: str, forwarded: str, expected: str
) -> None:
    from config.middleware import AuditlogMiddleware

    settings.FORWARDED_ALLOW_IPS = [PROXY]
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert AuditlogMiddleware._get_remote_addr(request) == expected
    settings.AUDITLOG_DISABLE_REMOTE_ADDR = True
    assert AuditlogMiddleware._get_remote_addr(request) is None
