"""Whom a finding is for, and by when, as the report words it: the words mapped to `Finding.addressee` and a date.

`report_text.addressee_and_timescale` finds the words ("chief constables", "By 31 March 2025"); this module says
what they mean:

- `addressee_choice` maps the words to an `Addressee`: chief constables, police and crime commissioners, the Home
  Office, the National Police Chiefs' Council (or NPCC), the College of Policing, or the force (the force, the
  constabulary, the service, or a force the inspection names). Where a sentence names two ("Chief constables and
  police and crime commissioners should"), the first named wins. Words that match none are kept as Other with the
  words themselves; no words, no addressee.
- `timescale_due_on` reads a date from the timescale: "By 31 March 2025" is that day; "By March 2025" and "by the end
  of March 2025" the month's last day; "before 1 April 2025" the day before; "within six months" (or 3 months, 28
  days, 12 weeks, a year) counts from the report's publication day, as its recipients read it. Anything else
  ("immediately", "as soon as possible") has no date: the person checking the findings can give one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable

from inspections.models import Addressee

_ADDRESSEES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (Addressee.CHIEF_CONSTABLES, re.compile(r"\bchief\s+(?:constables?|officers?)\b", re.IGNORECASE)),
    (
        Addressee.COMMISSIONERS,
        re.compile(
            r"\bpolice(?:,\s*fire)?\s+and\s+crime\s+commissioners?\b|\bPCCs?\b|\blocal\s+policing\s+bod(?:y|ies)\b",
            re.IGNORECASE,
        ),
    ),
    (Addressee.HOME_OFFICE, re.compile(r"\bhome\s+office\b|\bhome\s+secretary\b", re.IGNORECASE)),
    (Addressee.NPCC, re.compile(r"\bnational\s+police\s+chiefs['’]?\s+council\b|\bNPCC\b", re.IGNORECASE)),
    (Addressee.COLLEGE, re.compile(r"\bcollege\s+of\s+policing\b", re.IGNORECASE)),
    (
        Addressee.FORCE,
        re.compile(r"^(?:the\s+)?(?:force|constabulary|police\s+service|service)\b", re.IGNORECASE),
    ),
)

_MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}
_MONTH = "|".join(name for name in calendar.month_name if name)
_BY_DAY = re.compile(
    rf"\b(?P<word>by|before)\s+(?:the\s+end\s+of\s+)?(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+)?"
    rf"(?P<month>{_MONTH})\s+(?P<year>\d{{4}})\b",
    re.IGNORECASE,
)
_END_OF = re.compile(r"\bby\s+the\s+end\s+of\b", re.IGNORECASE)
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24,
}  # fmt: skip
_WITHIN = re.compile(
    r"\bwithin\s+(?:the\s+next\s+)?(?P<count>\d{1,3}|[a-z]+(?:-[a-z]+)?)\s+(?P<unit>days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)


def addressee_choice(words: str, *, force_names: Iterable[str] = ()) -> tuple[str, str]:
    """(`Addressee` value, the words for Other) for the words a finding's sentence addresses; ("", "") for none."""
    words = " ".join(words.split())
    if not words:
        return "", ""
    first: tuple[int, str] | None = None
    for choice, pattern in _ADDRESSEES:
        match = pattern.search(words)
        if match and (first is None or match.start() < first[0]):
            first = (match.start(), choice)
    for name in force_names:
        stem = re.sub(r"\s+(?:police|constabulary)$", "", name.strip(), flags=re.IGNORECASE)
        match = re.search(rf"\b{re.escape(stem)}\b", words, re.IGNORECASE) if stem else None
        if match and (first is None or match.start() < first[0]):
            first = (match.start(), Addressee.FORCE)
    if first is not None:
        return str(first[1]), ""
    return str(Addressee.OTHER), words[:200]


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; a day the later month lacks (31 August + 6 months) becomes its last day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def timescale_due_on(timescale: str, *, published_on: dt.date | None) -> dt.date | None:
    """The date a timescale sets (see the module's docstring), or None where it sets none."""
    text = " ".join(timescale.split())
    match = _BY_DAY.search(text)
    if match:
        year, month = int(match["year"]), _MONTHS[match["month"].casefold()]
        try:
            if match["day"] and not _END_OF.search(match.group(0)):
                day = dt.date(year, month, int(match["day"]))
            else:
                day = _last_day(year, month)
                if match["word"].casefold() == "before":
                    day = dt.date(year, month, 1)
        except ValueError:
            return None  # "31 February": not a day; the person checking gives the right one
        return day - dt.timedelta(days=1) if match["word"].casefold() == "before" else day
    match = _WITHIN.search(text)
    if match and published_on is not None:
        count_text = match["count"].casefold()
        count = int(count_text) if count_text.isdigit() else _NUMBERS.get(count_text)
        if not count:
            return None
        unit = match["unit"].casefold().rstrip("s")
        if unit == "day":
            return published_on + dt.timedelta(days=count)
        if unit == "week":
            return published_on + dt.timedelta(weeks=count)
        return add_months(published_on, count * (12 if unit == "year" else 1))
    return None
