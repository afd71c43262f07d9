"""The date rules of s55 of the Police Act 1996, as pure functions.

s55(5A): publish "before the end of the period of 56 days beginning with the day on which the report is
published". Day 1 is publication day, so the last lawful day is published + 55 days. The HMICFRS response form
states a deadline of published + 56 days. No shifting for weekends or bank holidays: the statute doesn't.

Commencement: s55(5A)-(5B) were inserted by s37 of the Policing and Crime Act 2017 and came into force on
2 May 2017 (The Policing and Crime Act 2017 (Commencement No. 1 and Transitional Provisions) Regulations 2017,
SI 2017/399, regulation 4(a)). A report published before that day has no statutory last day and no form deadline
(offices then kept local conventions); both are None, and such a response is never overdue nor reminded about.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

STATUTORY_PERIOD_DAYS = 56
# The first publication day the 56-day rule covers (SI 2017/399, reg 4(a)).
COMMENCEMENT = dt.date(2017, 5, 2)
NO_STATUTORY_DEADLINE = (
    "No statutory deadline: this report was published before the 56-day rule came into force on 2 May 2017."
)


def has_statutory_deadline(published_on: dt.date) -> bool:
    return published_on >= COMMENCEMENT


def statutory_last_day(published_on: dt.date) -> dt.date | None:
    if not has_statutory_deadline(published_on):
        return None
    return published_on + dt.timedelta(days=STATUTORY_PERIOD_DAYS - 1)


def form_deadline(published_on: dt.date) -> dt.date | None:
    if not has_statutory_deadline(published_on):
        return None
    return published_on + dt.timedelta(days=STATUTORY_PERIOD_DAYS)


def default_comments_due(published_on: dt.date) -> dt.date | None:
    """The office's standard s55(4) date; none before commencement, when there is no last day to fall before."""
    if not has_statutory_deadline(published_on):
        return None
    days = min(settings.S55_COMMENTS_DUE_DAYS, STATUTORY_PERIOD_DAYS - 2)
    return published_on + dt.timedelta(days=days)


@dataclass(frozen=True)
class DateExplanation:
    label: str
    value: dt.date | None
    how: str


def explain_dates(
    *,
    published_on: dt.date,
    deadline: dt.date | None,
    deadline_overridden: bool,
    override_reason: str,
    last_day: dt.date | None,
    comments_due: dt.date | None,
) -> list[DateExplanation]:
    """How each date of a response was worked out, in words an officer can check by hand."""
    fmt = "%-d %B %Y"
    published = published_on.strftime(fmt)
    if last_day is None or deadline is None:
        explanations = [DateExplanation("Statutory last day", None, NO_STATUTORY_DEADLINE)]
        if comments_due is not None:
            how = "Set by the office under s55(4)."
            explanations.append(DateExplanation("Chief constable's comments due", comments_due, how))
        return explanations
    explanations = [
        DateExplanation(
            "Statutory last day",
            last_day,
            f"Report published {published}. s55(5A) allows 56 days beginning with the day of publication, "
            f"so day 56 is {published} + 55 days = {last_day.strftime(fmt)}.",
        )
    ]
    if deadline_overridden:
        form_date = (published_on + dt.timedelta(days=STATUTORY_PERIOD_DAYS)).strftime(fmt)
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


def days_late(last_day: dt.date | None, published_on: dt.date | None) -> int | None:
    """Days a response was published after the statutory last day: 0 when on time; None while unpublished or when
    the report has no statutory deadline."""
    if last_day is None or published_on is None:
        return None
    return max((published_on - last_day).days, 0)


def days_left(target: dt.date | None, today: dt.date) -> int | None:
    return None if target is None else (target - today).days
