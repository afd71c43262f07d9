"""The date rules of s55 of the Police Act 1996, as pure functions.

s55(5A): publish "before the end of the period of 56 days beginning with the day on which the report is
published". Day 1 is publication day, so the last lawful day is published + 55 days. The HMICFRS response form
states a deadline of published + 56 days. No shifting for weekends or bank holidays: the statute doesn't.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

STATUTORY_PERIOD_DAYS = 56


def statutory_last_day(published_on: dt.date) -> dt.date:
    return published_on + dt.timedelta(days=STATUTORY_PERIOD_DAYS - 1)


def form_deadline(published_on: dt.date) -> dt.date:
    return published_on + dt.timedelta(days=STATUTORY_PERIOD_DAYS)


def default_comments_due(published_on: dt.date) -> dt.date:
    days = min(settings.S55_COMMENTS_DUE_DAYS, STATUTORY_PERIOD_DAYS - 2)
    return published_on + dt.timedelta(days=days)


@dataclass(frozen=True)
class DateExplanation:
    label: str
    value: dt.date
    how: str


def explain_dates(
    *,
    published_on: dt.date,
    deadline: dt.date,
    deadline_overridden: bool,
    override_reason: str,
    last_day: dt.date,
    comments_due: dt.date | None,
) -> list[DateExplanation]:
    """How each date of a response was worked out, in words an officer can check by hand."""
    fmt = "%-d %B %Y"
    published = published_on.strftime(fmt)
    explanations = [
        DateExplanation(
            "Statutory last day",
            last_day,
            f"Report published {published}. s55(5A) allows 56 days beginning with the day of publication, "
            f"so day 56 is {published} + 55 days = {last_day.strftime(fmt)}.",
        )
    ]
    if deadline_overridden:
        form_date = form_deadline(published_on).strftime(fmt)
        how = f"Set by hand (the HMICFRS form date would be {form_date}). Reason: {override_reason}"
    else:
        how = f"As the HMICFRS form states: {published} + 56 days = {deadline.strftime(fmt)}."
    explanations.append(DateExplanation("Section 55 response deadline", deadline, how))
    if comments_due is not None:
        default = default_comments_due(published_on)
        if comments_due == default:
            how = (
                f"{published} + {(default - published_on).days} days, the office's standard time for the chief "
                "constable's comments under s55(4)."
            )
        else:
            how = "Set by the office under s55(4); it must fall before the statutory last day."
        explanations.append(DateExplanation("Chief constable's comments due", comments_due, how))
    return explanations


def days_left(target: dt.date, today: dt.date) -> int:
    return (target - today).days
