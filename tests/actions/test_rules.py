"""The pure rules: a timescale as a date, and the RAG rating at its boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.models import AMBER_DAYS, ActionStatus, Rag
from actions.rag import action_rag, derived_rag
from actions.timescales import timescale_due_on

D = dt.date
PUBLISHED = D(2024, 9, 24)


@pytest.mark.parametrize(
    ("timescale", "expected"),
    [
        ("within three months", D(2024, 12, 24)),
        ("Within 6 months of publication", D(2025, 3, 24)),
        ("within 90 days", D(2024, 12, 23)),
        ("within a year", D(2025, 9, 24)),
        ("by January 2024", D(2024, 1, 31)),
        ("by February 2024", D(2024, 2, 29)),
        ("by the end of March 2025", D(2025, 3, 31)),
        ("by 15 March 2025", D(2025, 3, 15)),
        ("as soon as possible", None),
        ("", None),
    ],
)
def test_a_timescale_becomes_a_due_date(timescale: str, expected: dt.date | None) -> None:
    assert timescale_due_on(timescale, published_on=PUBLISHED) == expected


def test_within_months_keeps_a_month_end_in_its_month() -> None:
    assert timescale_due_on("within one month", published_on=D(2024, 1, 31)) == D(2024, 2, 29)


TODAY = D(2025, 6, 10)


def test_rag_is_amber_on_the_due_day_itself() -> None:
    assert derived_rag(status=ActionStatus.BEING_PROGRESSED, target_date=TODAY, today=TODAY) == Rag.AMBER


def test_rag_is_red_one_day_late() -> None:
    late = TODAY - dt.timedelta(days=1)
    assert derived_rag(status=ActionStatus.BEING_PROGRESSED, target_date=late, today=TODAY) == Rag.RED


def test_rag_turns_green_beyond_the_amber_window() -> None:
    edge = TODAY + dt.timedelta(days=AMBER_DAYS)
    assert derived_rag(status=ActionStatus.BEING_PROGRESSED, target_date=edge, today=TODAY) == Rag.AMBER
    beyond = edge + dt.timedelta(days=1)
    assert derived_rag(status=ActionStatus.BEING_PROGRESSED, target_date=beyond, today=TODAY) == Rag.GREEN


def test_blocked_is_never_green_and_closed_is_closed() -> None:
    far = TODAY + dt.timedelta(days=365)
    assert derived_rag(status=ActionStatus.BLOCKED, target_date=far, today=TODAY) == Rag.AMBER
    assert derived_rag(status=ActionStatus.COMPLETE, target_date=TODAY - dt.timedelta(1), today=TODAY) == Rag.CLOSED
    assert derived_rag(status=ActionStatus.AWAITING_ALLOCATION, target_date=None, today=TODAY) == Rag.AMBER


def test_an_override_wins_while_open_but_not_once_closed() -> None:
    far = TODAY + dt.timedelta(days=365)
    assert action_rag(status=ActionStatus.BEING_PROGRESSED, target_date=far, override=Rag.RED, today=TODAY) == Rag.RED
    assert action_rag(status=ActionStatus.NO_FURTHER_ACTION, target_date=far, override=Rag.RED, today=TODAY) == (
        Rag.CLOSED
    )
