"""/calendar/<token>.ics: the statutory last day and comments-due date of each open response of the user's body."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import User
from notifications.models import CalendarToken
from responses.models import Response
from tests.factories import BodyFactory, UserFactory, make_response
from tests.notifications.conftest import People


def feed(client: Client, token: CalendarToken) -> Calendar:
    response = client.get(reverse("calendar_feed", args=[token.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, Any]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_feed_lists_last_day_and_comments_due_with_stable_uids_and_an_alarm(
    client: Client, people: People, response_of: Callable[..., Response], settings: Any
) -> None:
    settings.SITE_URL = "https://s55.example.org"
    response = response_of(title="PEEL 2023–2025")
    token = CalendarToken.objects.create(user=people.owner)
    found = events(feed(client, token))
    assert set(found) == {
        f"response-{response.pk}-last-day@s55.example.org",
        f"response-{response.pk}-comments-due@s55.example.org",
    }
    last_day = found[f"response-{response.pk}-last-day@s55.example.org"]
    assert last_day.decoded("DTSTART") == dt.date(2024, 11, 18)
    assert last_day.decoded("DTEND") == dt.date(2024, 11, 19)
    assert str(last_day["SUMMARY"]) == f"Section 55 last day: PEEL 2023–2025 ({people.body.short_name})"
    assert "19 November 2024" in str(last_day["DESCRIPTION"])  # the form deadline too
    assert str(last_day["URL"]) == f"https://s55.example.org/responses/{response.pk}/"
    alarm = last_day.walk("VALARM")[0]
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == -dt.timedelta(hours=15)
    comments = found[f"response-{response.pk}-comments-due@s55.example.org"]
    assert comments.decoded("DTSTART") == dt.date(2024, 10, 22)
    # Fetching again gives the same UIDs (calendar apps update events rather than duplicating them).
    assert set(events(feed(client, token))) == set(found)


def test_a_corrected_date_moves_the_same_event(
    client: Client, people: People, response_of: Callable[..., Response]
) -> None:
    from responses.services import inspection_correct_published_on

    response = response_of()
    token = CalendarToken.objects.create(user=people.owner)
    uid = f"response-{response.pk}-last-day@127.0.0.1"
    before = events(feed(client, token))[uid]
    inspection_correct_published_on(
        inspection=response.inspection, published_on=dt.date(2024, 9, 27), reason="Republished"
    )
    after = events(feed(client, token))[uid]
    assert after.decoded("DTSTART") == dt.date(2024, 11, 21)
    assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")


def test_other_bodies_and_closed_responses_are_not_in_the_feed(
    client: Client, people: People, response_of: Callable[..., Response]
) -> None:
    mine = response_of(title="Mine")
    closed = response_of(title="Closed")
    Response.objects.filter(pk=closed.pk).update(status="complete")
    theirs = make_response(body=BodyFactory(), title="Theirs")
    token = CalendarToken.objects.create(user=people.owner)
    uids = set(events(feed(client, token)))
    assert any(f"response-{mine.pk}-" in uid for uid in uids)
    assert not any(f"response-{closed.pk}-" in uid or f"response-{theirs.pk}-" in uid for uid in uids)


def test_a_national_administrator_sees_every_body(
    client: Client, people: People, response_of: Callable[..., Response]
) -> None:
    mine = response_of(title="Mine")
    theirs = make_response(body=BodyFactory(), title="Theirs")
    admin = User.objects.create_superuser("national", "national@example.org", "x" * 16)
    token = CalendarToken.objects.create(user=admin)
    uids = set(events(feed(client, token)))
    assert {f"response-{mine.pk}-last-day@127.0.0.1", f"response-{theirs.pk}-last-day@127.0.0.1"} <= uids


def test_revoked_unknown_and_inactive_users_tokens_give_404(client: Client, people: People, steps: Any) -> None:
    revoked = CalendarToken.objects.create(user=people.owner, revoked_at=timezone.now())
    assert client.get(reverse("calendar_feed", args=[revoked.token])).status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    leaver = UserFactory(body=people.body, is_active=False)
    token = CalendarToken.objects.create(user=leaver)
    assert client.get(reverse("calendar_feed", args=[token.token])).status_code == 404
