"""The iCalendar feed of a user's deadlines (the icalendar library)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from notifications.emails import absolute_url, long_date, one_line, site_host
from responses.models import Response

# An all-day event starts at midnight: fifteen hours before is 09:00 on the day before.
ALARM_BEFORE = dt.timedelta(hours=15)


def _event(*, uid: str, day: dt.date, summary: str, description: str, url: str, sequence: int) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", one_line(summary))
    event.add("description", description)
    event.add("url", url)
    event.add("sequence", sequence)
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", one_line(summary))
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    return event


def response_events(response: Response) -> list[Event]:
    host = site_host()
    url = absolute_url(response.get_absolute_url())
    if response.statutory_last_day is None or response.deadline is None:
        return []  # before the 56-day rule (2 May 2017): no deadline to put in a calendar
    title = response.inspection.title
    body = response.body.display_name
    dates = (
        f"Statutory last day (s55(5A)): {long_date(response.statutory_last_day)}\n"
        f"Section 55 response deadline (HMICFRS form): {long_date(response.deadline)}\n"
    )
    events = [
        _event(
            uid=f"response-{response.pk}-last-day@{host}",
            day=response.statutory_last_day,
            summary=f"Section 55 last day: {title} ({body})",
            description=f"{dates}\n{url}",
            url=url,
            sequence=response.version,
        )
    ]
    if response.comments_due:
        events.append(
            _event(
                uid=f"response-{response.pk}-comments-due@{host}",
                day=response.comments_due,
                summary=f"Chief constable's comments due: {title} ({body})",
                description=(
                    f"Chief constable's comments due (s55(4)): {long_date(response.comments_due)}\n{dates}\n{url}"
                ),
                url=url,
                sequence=response.version,
            )
        )
    return events


def build_calendar(*, name: str, responses: Iterable[Response]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Section 55 Tracker//Deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", one_line(name))
    for response in responses:
        for event in response_events(response):
            calendar.add_component(event)
    return calendar.to_ical()
