"""The List-Unsubscribe address of a digest: a confirmation page, and a one-click POST (RFC 8058) to switch off."""

from __future__ import annotations

from typing import Any

from django.test import Client

from notifications.emails import digest_opt_out_url
from tests.notifications.conftest import People


def path_of(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:8000")


def test_get_asks_and_changes_nothing(client: Client, people: People) -> None:
    people.owner.daily_digest = True
    people.owner.save()
    page = client.get(path_of(digest_opt_out_url(people.owner.pk)))
    assert page.status_code == 200
    assert "Switch off the daily digest" in page.content.decode()
    people.owner.refresh_from_db()
    assert people.owner.daily_digest is True


def test_one_click_post_without_session_or_csrf_switches_the_digest_off(people: People) -> None:
    people.owner.daily_digest = True
    people.owner.save()
    client = Client(enforce_csrf_checks=True)
    response = client.post(path_of(digest_opt_out_url(people.owner.pk)), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    people.owner.refresh_from_db()
    assert people.owner.daily_digest is False


def test_a_tampered_link_is_404(client: Client, people: People, db: Any) -> None:
    url = path_of(digest_opt_out_url(people.owner.pk))
    assert client.post(url.replace("/off/", "/off/x")).status_code == 404
