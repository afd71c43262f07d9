"""Hardening: login throttling, the Content-Security-Policy, production hashing and cookies, session expiry, CSRF,
and user text escaped wherever it is rendered."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from responses import services
from responses.models import ChecklistStep, Response
from tests.factories import BodyFactory, ForceFactory, UserFactory, approve, make_inspection, make_response
from tests.security.test_deploy_check import SETTINGS_VARIABLES, production

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
BACKEND = "django.contrib.auth.backends.ModelBackend"
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
LOCKED_OUT = "Too many failed sign-in attempts"

HOSTILE = '<script>alert("s55")</script>"><img src=x onerror=alert(1)>'
HOSTILE_ESCAPED = "&lt;script&gt;alert(&quot;s55&quot;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"


def _sign_in(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- login throttling (django-axes) -----------------------------------------------------------------------------
@pytest.fixture
def axes_on(settings: Any) -> None:
    settings.AXES_ENABLED = True


def test_five_bad_passwords_lock_the_account_even_against_the_right_password(client: Client, axes_on: None) -> None:
    UserFactory(username="alice")
    for attempt in range(1, 6):
        result = _sign_in(client, "alice", "not the password")
        # Four failures show the form again; the fifth is the limit and locks the account.
        assert result.status_code == (200 if attempt < 5 else 429), attempt
    result = _sign_in(client, "alice", PASSWORD)
    assert result.status_code == 429
    assert LOCKED_OUT in result.content.decode()
    assert not _signed_in(client)


def test_a_lockout_ends_after_the_cool_off(client: Client, axes_on: None) -> None:
    UserFactory(username="alice")
    for _ in range(5):
        _sign_in(client, "alice", "not the password")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        result = _sign_in(client, "alice", PASSWORD)
    assert result.status_code == 302
    assert _signed_in(client)


def test_a_lockout_is_per_account_so_a_colleague_can_still_sign_in(client: Client, axes_on: None) -> None:
    UserFactory(username="alice")
    UserFactory(username="bob")
    for _ in range(5):
        _sign_in(client, "alice", "not the password")
    result = _sign_in(client, "bob", PASSWORD)
    assert result.status_code == 302
    assert _signed_in(client)


def test_a_successful_sign_in_resets_the_count(client: Client, axes_on: None) -> None:
    UserFactory(username="alice")
    for _ in range(4):
        _sign_in(client, "alice", "not the password")
    assert _sign_in(client, "alice", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert _sign_in(client, "alice", "not the password").status_code == 200
    assert _sign_in(client, "alice", PASSWORD).status_code == 302


# --- Content-Security-Policy --------------------------------------------------------------------------------------
class InlineCode(HTMLParser):
    """Collects what a strict CSP (script-src 'self', style-src 'self') would block or a reviewer would flag."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and not named.get("src") and named.get("type") != "application/json":
            self.problems.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.problems.append(f"<style> block at line {self.getpos()[0]}")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"style= on <{tag}> at line {self.getpos()[0]}")
            if name.startswith("on"):
                self.problems.append(f"{name}= handler on <{tag}> at line {self.getpos()[0]}")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL on <{tag}> at line {self.getpos()[0]}")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.problems


def csp_directives(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.fixture
def pages(steps: Any) -> dict[str, Any]:
    """An editor of a body with a draft and a published response, and the URLs of the pages they use."""
    body = BodyFactory(force=ForceFactory(name="Norfolk"))
    editor = UserFactory(body=body, role=Role.EDITOR)
    today = timezone.localdate()
    draft = make_response(body=body, published_on=today - dt.timedelta(days=20), recommendations=1, owner=editor)
    published = make_response(body=body, published_on=today - dt.timedelta(days=40), recommendations=1)
    services.response_update_comments(
        response=published, expected_version=published.version, cc_comments="Welcomed.", body_comments="Accepted."
    )
    services.finding_response_explain(finding_response=published.finding_responses.get(), explanation="Done.")
    approve(Response.objects.get(pk=published.pk))
    services.response_publish(response=Response.objects.get(pk=published.pk), published_on=today)
    published.refresh_from_db()
    fr = draft.finding_responses.get().pk
    return {
        "editor": editor,
        "staff": {
            "dashboard": reverse("dashboard"),
            "dashboard, filtered": reverse("dashboard") + "?status=overdue&q=x",
            "deadline calendar": reverse("deadline_calendar"),
            "response page": reverse("response_detail", args=[draft.pk]),
            "published response page": reverse("response_detail", args=[published.pk]),
            "edit comments": reverse("response_edit_comments", args=[draft.pk]),
            "edit deadline": reverse("response_edit_deadline", args=[draft.pk]),
            "finding": reverse("finding_edit", args=[draft.pk, fr]),
            "checklist step": reverse("checklist_step", args=[draft.pk, "submitted_to_portal"]),
            "publish": reverse("response_publish", args=[draft.pk]),
            "calendar settings": reverse("calendar_settings"),
            "password change": reverse("password_change"),
            "not found": "/responses/999999/",
        },
        "public": {
            "sign-in": reverse("login"),
            "public page": reverse("published_response", args=[published.slug]),
            "not found": "/published/no-such-response/",
        },
    }


def test_pages_are_sent_a_strict_content_security_policy(client: Client, pages: dict[str, Any]) -> None:
    for url in pages["public"].values():
        header = client.get(url).headers.get("Content-Security-Policy", "")
        assert header, url
        policy = csp_directives(header)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"], header
        assert policy["style-src"] == ["'self'"], header
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header


def test_no_page_has_inline_script_or_style(client: Client, pages: dict[str, Any]) -> None:
    problems: dict[str, list[str]] = {}
    for name, url in pages["public"].items():
        problems[f"signed out: {name}"] = inline_code(client.get(url).content.decode())
    client.force_login(pages["editor"], backend=BACKEND)
    for name, url in pages["staff"].items():
        result = client.get(url)
        assert result.status_code in (200, 404), url
        problems[name] = inline_code(result.content.decode())
    assert {name: found for name, found in problems.items() if found} == {}


def test_the_locked_out_page_has_no_inline_script_or_style(client: Client, axes_on: None) -> None:
    UserFactory(username="alice")
    for _ in range(5):
        result = _sign_in(client, "alice", "not the password")
    assert LOCKED_OUT in result.content.decode()
    assert inline_code(result.content.decode()) == []


# --- production settings --------------------------------------------------------------------------------------
PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
encoded = make_password("a long enough passphrase")
print(json.dumps({
    "hasher": settings.PASSWORD_HASHERS[0],
    "encoded": encoded.split("$")[0],
    "checks": check_password("a long enough passphrase", encoded),
    "session_age": settings.SESSION_COOKIE_AGE,
    "expire_at_close": settings.SESSION_EXPIRE_AT_BROWSER_CLOSE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "session_samesite": settings.SESSION_COOKIE_SAMESITE,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "axes": settings.AXES_ENABLED,
    "debug": settings.DEBUG,
}))
"""


def test_production_settings_hash_with_argon2_and_send_secure_cookies(tmp_path: Path) -> None:
    environment = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings", "VAR_DIR": str(tmp_path), **production()}
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "hasher": "django.contrib.auth.hashers.Argon2PasswordHasher",
        "encoded": "argon2",
        "checks": True,
        "session_age": 8 * 60 * 60,
        "expire_at_close": True,
        "session_httponly": True,
        "session_samesite": "Lax",
        "session_secure": True,
        "csrf_secure": True,
        "ssl_redirect": True,
        "hsts": 31536000,
        "axes": True,
        "debug": False,
    }


# --- sessions ---------------------------------------------------------------------------------------------------
def test_the_session_cookie_is_http_only_same_site_and_ends_with_the_browser(client: Client) -> None:
    UserFactory(username="alice")
    result = _sign_in(client, "alice", PASSWORD)
    assert result.status_code == 302
    cookie = result.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie


def test_a_session_expires_eight_hours_after_sign_in(client: Client) -> None:
    UserFactory(username="alice")
    signed_in_at = timezone.now()
    with time_machine.travel(signed_in_at, tick=False):
        assert _sign_in(client, "alice", PASSWORD).status_code == 302
    with time_machine.travel(signed_in_at + dt.timedelta(hours=7, minutes=59)):
        assert client.get(reverse("dashboard")).status_code == 200
    with time_machine.travel(signed_in_at + dt.timedelta(hours=8, minutes=1)):
        result = client.get(reverse("dashboard"))
    assert result.status_code == 302
    assert result["Location"].startswith(reverse("login"))


# --- CSRF ---------------------------------------------------------------------------------------------------------
def _token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no CSRF token in the form"
    return found.group(1)


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(steps: Any) -> None:
    response = make_response(recommendations=1)
    editor = UserFactory(body=response.body, role=Role.EDITOR)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor, backend=BACKEND)
    url = reverse("response_edit_comments", args=[response.pk])
    data = {"version": str(response.version), "body_comments": "Our comments"}

    refused = client.post(url, data)
    assert refused.status_code == 403
    assert Response.objects.get(pk=response.pk).body_comments == ""

    token = _token(client.get(url).content.decode())
    assert client.post(url, {**data, "csrfmiddlewaretoken": token}).status_code == 302
    assert Response.objects.get(pk=response.pk).body_comments == "Our comments"


def test_the_sign_in_form_needs_the_csrf_token(db: Any) -> None:
    UserFactory(username="alice")
    client = Client(enforce_csrf_checks=True)
    assert _sign_in(client, "alice", PASSWORD).status_code == 403
    assert not _signed_in(client)


# --- user text is escaped --------------------------------------------------------------------------------------------
def _assert_escaped(html: str, where: str) -> None:
    assert "<script>alert" not in html, where
    assert "<img src=x" not in html, where
    assert HOSTILE_ESCAPED in html, where


def test_hostile_text_is_escaped_on_the_staff_and_public_pages(client: Client, steps: Any) -> None:
    body = BodyFactory(force=ForceFactory(name="Norfolk"))
    today = timezone.localdate()
    inspection = make_inspection(
        title=f"PEEL {HOSTILE}", published_on=today - dt.timedelta(days=10), forces=[body.force], recommendations=1
    )
    inspection.key_findings = HOSTILE
    inspection.save()
    response = Response.objects.get(inspection=inspection, body=body)
    services.response_update_comments(
        response=response,
        expected_version=response.version,
        cc_comments=HOSTILE,
        body_comments=f"First paragraph.\n\n{HOSTILE}",
        response_to_cc=HOSTILE,
    )
    services.finding_response_explain(finding_response=response.finding_responses.get(), explanation=HOSTILE)
    services.checklist_tick(
        response=Response.objects.get(pk=response.pk),
        step=ChecklistStep.objects.get(key="forwarded_to_panel"),
        user=None,
        done_on=today,
        evidence_reference=HOSTILE,
    )
    approve(Response.objects.get(pk=response.pk))
    services.response_publish(response=Response.objects.get(pk=response.pk), published_on=today)
    response.refresh_from_db()

    public = client.get(reverse("published_response", args=[response.slug]))
    assert public.status_code == 200
    _assert_escaped(public.content.decode(), "public page")

    editor: User = UserFactory(body=body, role=Role.EDITOR)
    client.force_login(editor, backend=BACKEND)
    for url in (
        reverse("dashboard") + "?finished=1",  # published: listed with the finished work
        reverse("response_detail", args=[response.pk]),
        reverse("response_edit_comments", args=[response.pk]),
        reverse("finding_edit", args=[response.pk, response.finding_responses.get().pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        _assert_escaped(page.content.decode(), url)


def test_a_hostile_checklist_hint_is_escaped_on_the_step_page(client: Client, steps: Any) -> None:
    ChecklistStep.objects.filter(key="submitted_to_portal").update(evidence_hint=HOSTILE)
    response = make_response()
    client.force_login(UserFactory(body=response.body, role=Role.EDITOR), backend=BACKEND)
    page = client.get(reverse("checklist_step", args=[response.pk, "submitted_to_portal"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
