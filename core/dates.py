"""Date checks that several forms and services share, worded for the person who typed the date."""

from __future__ import annotations

import datetime as dt

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
