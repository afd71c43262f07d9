"""`Cache-Control: private, no-store` on every response to a signed-in user (pages, documents, admin, errors), so
no browser or shared cache keeps a body's work after the session; not on the public pages, /healthz or static files,
and nothing changes for a visitor who is not signed in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from notifications.models import CalendarToken
from responses.models import Response
from tests.factories import UserFactory, make_response

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"  # django.views.decorators.cache.never_cache


def directives(result: Any) -> set[str]:
    return {part.strip() for part in result.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture
def editor(steps: Any) -> User:
    return UserFactory(username="editor", role=Role.EDITOR)


@pytest.fixture
def signed_in(editor: User) -> Client:
    client = Client()
    client.force_login(editor, backend=BACKEND)
    return client


@pytest.fixture
def response(editor: User) -> Response:
    return make_response(body=editor.body, recommendations=1)


def staff_urls(response: Response, token: str) -> list[str]:
    return [
        reverse("dashboard"),
        reverse("dashboard") + "?status=open",
        reverse("deadline_calendar"),
        reverse("response_detail", args=[response.pk]),
        reverse("response_edit_comments", args=[response.pk]),
        reverse("response_docx", args=[response.pk]),
        reverse("export_register"),
        reverse("export_register_xlsx"),
        reverse("export_audit"),
        reverse("calendar_settings"),
        reverse("calendar_feed", args=[token]),
        reverse("password_change"),
        reverse("response_detail", args=[response.pk + 1000]),  # a 404 is the staff layout too
    ]


def test_every_staff_page_and_document_for_a_signed_in_user_is_private_and_not_stored(
    signed_in: Client, editor: User, response: Response
) -> None:
    token = CalendarToken.objects.create(user=editor).token
    for url in staff_urls(response, token):
        result = signed_in.get(url)
        assert result.status_code in (200, 404), url
        assert {"private", "no-store"} <= directives(result), (url, result.get("Cache-Control"))
        assert "public" not in directives(result), url
        assert not any(d.startswith("max-age=9") for d in directives(result)), url


def test_the_admin_and_a_form_s_answer_to_a_post_are_private_and_not_stored(
    signed_in: Client, editor: User, response: Response
) -> None:
    admin = Client()
    admin.force_login(UserFactory(username="root", is_superuser=True, body=None, role=Role.ADMIN), backend=BACKEND)
    for url in (reverse("admin:index"), reverse("admin:responses_response_changelist")):
        result = admin.get(url)
        assert result.status_code == 200, url
        assert {"private", "no-store"} <= directives(result), url
    result = signed_in.post(reverse("response_edit_comments", args=[response.pk]), {"version": "0"})
    assert {"private", "no-store"} <= directives(result)


def test_a_page_that_already_forbids_caching_keeps_its_own_header(signed_in: Client) -> None:
    result = signed_in.get(reverse("calendar_settings"))
    assert result["Cache-Control"] == NEVER_CACHE


def test_the_public_pages_and_healthz_are_left_as_they_are_for_a_signed_in_user(signed_in: Client) -> None:
    healthz = signed_in.get(reverse("healthz"))
    assert healthz["Cache-Control"] == NEVER_CACHE
    missing = signed_in.get(reverse("published_response", args=["no-such-response"]))
    assert missing.status_code == 404
    assert "no-store" not in directives(missing)


def test_static_files_are_left_to_whitenoise(signed_in: Client, settings: Any, tmp_path: Path) -> None:
    settings.STATIC_ROOT = str(tmp_path)
    (tmp_path / "probe.css").write_text("body{}")
    client = Client()
    client.cookies = signed_in.cookies
    result = client.get(settings.STATIC_URL + "probe.css")
    assert result.status_code == 200
    assert "no-store" not in directives(result)
    missing = client.get(settings.STATIC_URL + "missing.css")
    assert missing.status_code == 404
    assert "no-store" not in directives(missing)


def test_nothing_changes_for_a_visitor_who_is_not_signed_in(db: Any) -> None:
    for url, status in ((reverse("dashboard"), 302), ("/no-such-page/", 404)):
        result = Client().get(url)
        assert result.status_code == status
        assert "no-store" not in directives(result), url
