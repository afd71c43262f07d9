"""A finding's timescale, as the report words it, turned into a due date. Pure functions.

- "within three months" (or "within 6 weeks", "within 90 days", "within a year") counts from the report's
  publication day: published 24 September 2024 + three months = 24 December 2024 (a month end is kept within its
  month: 31 January + one month = 28 or 29 February).
- "by January 2024" means by the **end** of that month: 31 January 2024 (the report gives the month as the last one
  in which the work may be done). "by 15 March 2025" is that day.
- Anything else gives no date (None): the officer sets the due date by hand.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24,
}  # fmt: skip
MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_WITHIN = re.compile(r"\bwithin\s+(?P<n>\d+|[a-z-]+)\s+(?P<unit>day|week|month|year)s?\b")
_BY_MONTH = re.compile(r"\bby\s+(?:the\s+end\s+of\s+)?(?P<month>[a-z]+)\s+(?P<year>\d{4})\b")
_BY_DAY = re.compile(r"\bby\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[a-z]+)\s+(?P<year>\d{4})\b")


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def timescale_due_on(timescale: str, *, published_on: dt.date) -> dt.date | None:
    """The due date `timescale` sets for a report published on `published_on`, or None if it sets none."""
    text = " ".join(timescale.lower().split())
    if match := _BY_DAY.search(text):
        month = MONTHS.get(match["month"])
        if month:
            try:
                return dt.date(int(match["year"]), month, int(match["day"]))
            except ValueError:
                return None
    if match := _BY_MONTH.search(text):
        month = MONTHS.get(match["month"])
        if month:
            year = int(match["year"])
            return dt.date(year, month, calendar.monthrange(year, month)[1])
    if match := _WITHIN.search(text):
        raw = match["n"]
        n = int(raw) if raw.isdigit() else NUMBERS.get(raw)
        if not n:
            return None
        unit = match["unit"]
        if unit == "day":
            return published_on + dt.timedelta(days=n)
        if unit == "week":
            return published_on + dt.timedelta(weeks=n)
        if unit == "month":
            return add_months(published_on, n)
        return add_months(published_on, 12 * n)
    return None
