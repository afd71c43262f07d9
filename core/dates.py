"""Date checks that several forms and services share, worded for the person who typed the date."""

from __future__ import annotations

import calendar
import datetime as dt
import re

import holidays
from django.core.exceptions import ValidationError
from django.utils import timezone


def in_future(day: dt.date | None) -> bool:
    """After today, the local date (Europe/London)."""
    return day is not None and day > timezone.localdate()


def future_error(what: str) -> str:
    return f"{what} cannot be in the future."


def refuse_future(day: dt.date | None, *, field: str, what: str) -> None:
    """Refuse a date after today: `what` names it, e.g. "The publication date"."""
    if in_future(day):
        raise ValidationError({field: future_error(what)})


def long_date(day: dt.date) -> str:
    """24 September 2024 — the way the statute's dates are written on every page and email."""
    return f"{day.day} {day:%B %Y}"


def a_year_after(day: dt.date) -> dt.date:
    """The same day a year later (29 February gives 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def refuse_outside(day: dt.date, *, earliest: dt.date, latest: dt.date, what: str) -> None:
    """Refuse a date before `earliest` or after `latest`, naming the range: `what` names it, e.g. "The publication
    date"."""
    if not earliest <= day <= latest:
        raise ValidationError(
            f"{what} must be between {long_date(earliest)} and {long_date(latest)}.",
            code="out_of_range",
            params={"earliest": earliest, "latest": latest},
        )


# The ways a day may be typed. Each names the day, the month and the year in full, so nothing is guessed: "03/04/2017"
# is 3 April (read day first, as in the UK), and a date without its day, or with a two-digit year, is refused.
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTHS = {
    **{name.casefold(): number for number, name in enumerate(MONTH_NAMES, start=1)},
    **{name[:3].casefold(): number for number, name in enumerate(MONTH_NAMES, start=1)},
    "sept": 9,
}
_ISO = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})", re.ASCII)  # 2024-09-24
_DAY_FORMATS = (
    _ISO,
    # 24 September 2024, 24 Sept 2024, 24-Sep-2024
    re.compile(r"(?P<day>\d{1,2})([ -])(?P<month_name>[a-z]+)\.?\2(?P<year>\d{4})", re.ASCII | re.IGNORECASE),
    re.compile(r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})", re.ASCII),  # 24/09/2024
    re.compile(r"(?P<day>\d{1,2})-(?P<month>\d{1,2})-(?P<year>\d{4})", re.ASCII),  # 24-09-2024
)
_TWO_DIGIT_YEAR = re.compile(r"\d{1,2}([/-])\d{1,2}\1\d{2}|\d{1,2}([ -])[a-z]+\.?\2\d{2}", re.ASCII | re.IGNORECASE)
_NO_DAY = re.compile(r"(?:(?P<month_name>[a-z]+)\.?,? )?\d{4}|\d{4}-\d{1,2}|\d{1,2}[/-]\d{4}", re.ASCII | re.IGNORECASE)
HOW_TO_WRITE = "write it as 2024-09-24, 24 September 2024 or 24/09/2024"


def parse_day(text: str, *, day_of: str) -> dt.date:
    """Read a day typed by a person, or raise a ValidationError that says what is wrong with it.

    Accepted: 2024-09-24, 24 September 2024, 24 Sep 2024 (or Sept, or 24-Sep-2024), 24/09/2024 and 24-09-2024, all
    day first. Refused, each with its reason: a date without a day ("June 2013"), a two-digit year, a day that does
    not exist (31/02/2024).
    `day_of` completes the message for a date without a day, e.g. "publication": "give the day of publication".
    """
    typed = " ".join(text.split())
    shown = typed if len(typed) <= 40 else typed[:40] + "…"
    if not typed:
        raise ValidationError(f"a date is required; {HOW_TO_WRITE}", code="required")
    for pattern in _DAY_FORMATS:
        match = pattern.fullmatch(typed)
        if match is None:
            continue
        parts = match.groupdict()
        if "month_name" in parts:
            month = _MONTHS.get(parts["month_name"].casefold())
            if month is None:
                raise ValidationError(
                    f"'{shown}': '{parts['month_name']}' is not a month; {HOW_TO_WRITE}", code="invalid"
                )
        else:
            month = int(parts["month"])
        return _real_day(int(parts["year"]), month, int(parts["day"]), shown=shown, day_first=pattern is not _ISO)
    if _TWO_DIGIT_YEAR.fullmatch(typed):
        raise ValidationError(
            f"'{shown}' has a two-digit year; write the year in full, e.g. 24/09/2024", code="two_digit_year"
        )
    no_day = _NO_DAY.fullmatch(typed)
    if no_day and (no_day["month_name"] is None or no_day["month_name"].casefold() in _MONTHS):
        raise ValidationError(f"'{shown}' has no day: give the day of {day_of} (e.g. 24 September 2024)", code="no_day")
    raise ValidationError(f"'{shown}' is not a date; {HOW_TO_WRITE}", code="invalid")


def _real_day(year: int, month: int, day: int, *, shown: str, day_first: bool) -> dt.date:
    if not 1 <= month <= 12:
        reason = f"there is no month {month}"
        if day_first and 1 <= day <= 12:
            reason += " (dates are read day first)"
    elif year < dt.MINYEAR:
        reason = f"there is no year {year}"
    else:
        last = calendar.monthrange(year, month)[1]
        if 1 <= day <= last:
            return dt.date(year, month, day)
        reason = f"{MONTH_NAMES[month - 1]} {year} has {last} days"
    raise ValidationError(f"'{shown}' is not a real date: {reason}", code="not_real")


# England and Wales bank holidays (the `holidays` package: its UK calendar for England, which Wales shares).
_BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG")


def bank_holiday(day: dt.date) -> str:
    """The name of the England and Wales bank holiday on `day`, or ""."""
    return str(_BANK_HOLIDAYS.get(day) or "")


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not bank_holiday(day)


def last_working_day_before(day: dt.date) -> dt.date:
    earlier = day - dt.timedelta(days=1)
    while not is_working_day(earlier):
        earlier -= dt.timedelta(days=1)
    return earlier


def working_day_hint(day: dt.date | None) -> str:
    """For an internal date that falls when the office is shut: "Sunday 6 December: the last working day before is
    Friday 4 December" (with the bank holiday's name where it is one). "" on a working day. A hint only: no date is
    moved, and the statute's dates get none (s55(5A) does not shift)."""
    if day is None or is_working_day(day):
        return ""
    closed = bank_holiday(day)
    before = last_working_day_before(day)
    what = f"{day:%A} {day.day} {day:%B}" + (f" ({closed})" if closed else "")
    return f"{what}: the last working day before is {before:%A} {before.day} {before:%B}"
