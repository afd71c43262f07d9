"""/calendar/: create, revoke and renew a feed address (POST only, signed in, CSRF-protected)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import CalendarToken
from tests.notifications.conftest import People


@pytest.fixture
def signed_in(client: Client, people: People) -> Client:
    client.force_login(people.owner)
    return client


def live(people: People) -> list[CalendarToken]:
    return list(CalendarToken.objects.filter(user=people.owner, revoked_at__isnull=True))


def test_the_page_needs_sign_in(client: Client, db: Any) -> None:
    response = client.get(reverse("calendar_settings"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_create_gives_one_live_token_shown_on_the_page(signed_in: Client, people: People) -> None:
    assert signed_in.post(reverse("calendar_token_create")).status_code == 302
    assert signed_in.post(reverse("calendar_token_create")).status_code == 302
    (token,) = live(people)
    page = signed_in.get(reverse("calendar_settings"))
    assert f"/calendar/{token.token}.ics" in page.content.decode()


def test_renew_revokes_the_old_address(signed_in: Client, people: People) -> None:
    signed_in.post(reverse("calendar_token_create"))
    (old,) = live(people)
    signed_in.post(reverse("calendar_token_renew"))
    (new,) = live(people)
    assert new.token != old.token
    assert signed_in.get(reverse("calendar_feed", args=[old.token])).status_code == 404
    assert signed_in.get(reverse("calendar_feed", args=[new.token])).status_code == 200


def test_revoke_turns_the_feed_off(signed_in: Client, people: People) -> None:
    signed_in.post(reverse("calendar_token_create"))
    (token,) = live(people)
    signed_in.post(reverse("calendar_token_revoke"))
    assert live(people) == []
    assert signed_in.get(reverse("calendar_feed", args=[token.token])).status_code == 404


def test_token_actions_refuse_get(signed_in: Client, people: People) -> None:
    for name in ("calendar_token_create", "calendar_token_revoke", "calendar_token_renew"):
        assert signed_in.get(reverse(name)).status_code == 405
    assert live(people) == []


def test_token_actions_need_the_csrf_token(people: People) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.owner)
    assert client.post(reverse("calendar_token_create")).status_code == 403
    assert live(people) == []


def test_the_digest_can_be_switched_on_and_off(signed_in: Client, people: People) -> None:
    signed_in.post(reverse("digest_set"), {"daily_digest": "on"})
    people.owner.refresh_from_db()
    assert people.owner.daily_digest is True
    signed_in.post(reverse("digest_set"), {"daily_digest": "off"})
    people.owner.refresh_from_db()
    assert people.owner.daily_digest is False
