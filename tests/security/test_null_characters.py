"""Null characters and over-long usernames, which PostgreSQL refuses in a query, are a 404 or a form error, never
a 500: the calendar feed and the sign-in forms check them themselves, and config.middleware.RejectNulMiddleware
turns any null character outside a form field away before a view or a lookup sees it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from notifications.models import CalendarToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GUARD = "config.middleware.RejectNulMiddleware"
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
CANNOT_READ = "Sorry, the service could not read that request"


@pytest.fixture(params=["with the guard", "without the guard"])
def guard(request: Any, settings: Any) -> bool:
    """Each specific fix holds on its own, without the middleware in front of it."""
    settings.AXES_ENABLED = True
    if request.param == "without the guard":
        settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != GUARD]
    return request.param == "with the guard"


def client() -> Client:
    return Client(raise_request_exception=False)


def test_a_calendar_address_with_a_null_character_is_not_found(guard: bool) -> None:
    UserFactory(username="alice")
    assert client().get("/calendar/%00.ics").status_code == 404
    assert client().get("/calendar/abc%00def.ics").status_code == 404


def test_a_calendar_token_of_the_wrong_shape_is_not_found_without_a_lookup(
    guard: bool, django_assert_num_queries: Any
) -> None:
    path = reverse("calendar_feed", args=["x" * 65])
    with django_assert_num_queries(0):
        result = Client().get(path)
    assert result.status_code == 404


def test_a_live_calendar_token_still_works(guard: bool) -> None:
    token = CalendarToken.objects.create(user=UserFactory(username="alice"))
    assert client().get(reverse("calendar_feed", args=[token.token])).status_code == 200


@pytest.mark.parametrize("url", ["login", "admin:login"])
def test_a_username_longer_than_any_account_s_is_a_form_error(guard: bool, url: str) -> None:
    UserFactory(username="alice")
    for username in ("a" * 151, "a" * 256, "a" * 5000):
        result = client().post(reverse(url), {"username": username, "password": "not the password"})
        assert result.status_code == 200, len(username)
        assert "Ensure this value has at most 150 characters" in result.content.decode()


@pytest.mark.parametrize("url", ["login", "admin:login"])
def test_a_null_character_in_the_sign_in_form_is_a_form_error_and_signs_no_one_in(guard: bool, url: str) -> None:
    UserFactory(username="alice")
    for data in ({"username": "ali\x00ce", "password": PASSWORD}, {"username": "alice", "password": PASSWORD + "\x00"}):
        browser = client()
        result = browser.post(reverse(url), data)
        assert result.status_code == 200
        assert "Null characters are not allowed." in result.content.decode()
        assert "_auth_user_id" not in browser.session


def test_the_longest_username_still_signs_in(guard: bool) -> None:
    UserFactory(username="a" * 150)
    browser = client()
    result = browser.post(reverse("login"), {"username": "a" * 150, "password": PASSWORD})
    assert result.status_code == 302
    assert "_auth_user_id" in browser.session


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("/accounts/login/", {"HTTP_USER_AGENT": "Mozilla\x00"}),
        ("/accounts/login/", {"HTTP_COOKIE": 'sessionid="abc\\000def"'}),
        ("/admin/accounts/user/?username=%00", {}),
        ("/admin/notifications/outboxemail/?status__exact=a%00", {}),
        ("/admin/accounts/user/?q%00=1", {}),
    ],
)
def test_a_null_character_in_a_cookie_a_header_or_an_admin_query_is_a_400(
    settings: Any, admin_user: User, path: str, extra: dict[str, str]
) -> None:
    browser = client()
    browser.force_login(admin_user)
    result = browser.get(path, **extra)
    assert result.status_code == 400
    assert CANNOT_READ in result.content.decode()
    assert "Content-Security-Policy" in result


def test_a_null_character_in_a_filter_of_the_service_s_own_pages_is_ignored_by_the_filter(
    settings: Any, admin_user: User
) -> None:
    browser = client()
    browser.force_login(admin_user)
    assert browser.get("/", {"status": "\x00", "q": "a\x00"}).status_code == 200


def test_a_null_character_in_any_address_is_a_404(settings: Any) -> None:
    for path in ("/responses/1%00/", "/published/a%00b/", "/reminders/digest/off/%00/", "/admin/%00/"):
        assert client().get(path).status_code == 404, path


def test_a_request_without_null_characters_is_untouched(settings: Any) -> None:
    assert client().get("/accounts/login/?next=/").status_code == 200
