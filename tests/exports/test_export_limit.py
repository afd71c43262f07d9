"""Exports are limited per user (EXPORT_LIMIT within EXPORT_LIMIT_MINUTES): beyond it a clear 429 page, nothing
recorded; the window moves on; another user is not held back."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from audit.models import ExportRecord
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@override_settings(EXPORT_LIMIT=3, EXPORT_LIMIT_MINUTES=10)
@pytest.mark.parametrize("name", ["export_register", "export_register_xlsx", "export_audit"])
def test_the_export_after_the_limit_is_a_429_page_that_says_when_to_try_again(name: str) -> None:
    user = UserFactory()
    client = signed_in(user)
    with time_machine.travel(dt.datetime(2024, 11, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(3):
            assert client.get(reverse(name)).status_code == 200
        refused = client.get(reverse(name))
    assert refused.status_code == 429
    assert refused["Retry-After"] == "600"
    assert "Try again after 09:10" in refused.content.decode()
    assert ExportRecord.objects.filter(user=user).count() == 3


@override_settings(EXPORT_LIMIT=2, EXPORT_LIMIT_MINUTES=10)
def test_the_limit_is_per_user_and_the_window_moves_on() -> None:
    first, second = UserFactory(), UserFactory()
    start = dt.datetime(2024, 11, 10, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(2):
            signed_in(first).get(reverse("export_register"))
        assert signed_in(first).get(reverse("export_register")).status_code == 429
        assert signed_in(second).get(reverse("export_register")).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=11), tick=False):
        assert signed_in(first).get(reverse("export_register")).status_code == 200
