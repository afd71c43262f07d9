"""Every figure of the Panel report checked against the history of conftest.py, counted by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.models import Action
from reports import selectors
from reports.selectors import Scope, median, percent
from tests.reports.conftest import TODAY, History

pytestmark = pytest.mark.django_db
D = dt.date
PERIOD = {"start": D(2016, 1, 1), "end": TODAY, "today": TODAY}


def figures(row: selectors.Timeliness) -> tuple[int, ...]:
    return (row.received, row.not_required, row.no_deadline, row.published, row.on_time, row.late, row.overdue)


def test_one_body_by_year_counted_by_hand(history: History) -> None:
    report = selectors.panel_report(scope=Scope(body=history.a), **PERIOD)
    by_year = {row.label: row for row in report.years}
    assert list(by_year) == ["2016", "2023", "2024"]
    # received, not required, no statutory deadline, published, on time, late, overdue
    assert figures(by_year["2016"]) == (1, 0, 1, 1, 0, 0, 0)
    assert figures(by_year["2023"]) == (3, 1, 0, 2, 1, 1, 0)
    assert figures(by_year["2024"]) == (4, 0, 0, 2, 2, 0, 1)
    # The pre-2017 response has no rate; 2023: 1 of (1 on time + 1 late); 2024: 2 of (2 + 1 overdue), the one not
    # yet due left out; the not-required one is in no rate.
    assert [by_year[y].on_time_percent for y in ("2016", "2023", "2024")] == [None, 50, 67]
    # Days from report to response: 2016 44; 2023 40 and 75; 2024 41 and 30.
    assert [(r.days_counted, r.median_days, r.worst_days) for r in report.years] == [
        (1, 44, 44),
        (2, 57.5, 75),
        (2, 35.5, 41),
    ]
    total = report.all_years
    assert figures(total) == (8, 1, 1, 5, 3, 1, 1)
    assert total.on_time_percent == 60  # 3 of 5
    assert (total.days_counted, total.median_days, total.worst_days) == (5, 41, 75)  # 30 40 41 44 75


def test_all_bodies_add_body_b_and_a_body_sees_only_its_own(history: History) -> None:
    everyone = selectors.panel_report(scope=Scope(body=None), **PERIOD)
    year_2024 = next(row for row in everyone.years if row.label == "2024")
    assert figures(year_2024) == (5, 0, 0, 3, 2, 1, 1)
    assert year_2024.on_time_percent == 50  # 2 of (2 + 1 late + 1 overdue)
    assert (year_2024.median_days, year_2024.worst_days) == (41, 74)  # 30 41 74
    assert figures(everyone.all_years) == (9, 1, 1, 6, 3, 2, 1)
    body_b = selectors.panel_report(scope=Scope(body=history.b), **PERIOD)
    assert figures(body_b.all_years) == (1, 0, 0, 1, 0, 1, 0)


def test_the_period_is_by_the_day_the_report_was_published(history: History) -> None:
    report = selectors.panel_report(scope=Scope(body=history.a), start=D(2023, 6, 1), end=D(2024, 4, 1), today=TODAY)
    assert [row.label for row in report.years] == ["2023", "2024"]
    # Custody 2023 (1 June) and the thematic; Vetting 2024 and Crime data 2024 (1 April): both ends included.
    assert figures(report.all_years) == (4, 1, 0, 3, 2, 1, 0)


def test_actions_by_status_rag_overdue_and_repeats(history: History) -> None:
    actions = selectors.panel_report(scope=Scope(body=history.a), **PERIOD).actions
    assert {t.key: t.count for t in actions.by_status} == {
        "awaiting_allocation": 1,
        "being_progressed": 3,
        "blocked": 1,
        "pending_sign_off": 0,
        "complete": 1,
        "nfa": 1,
    }
    assert (actions.total, actions.open) == (7, 5)
    # Red: a date passed, and one set red by hand (blocked, due today: amber by the rule). Amber: due in 21 days,
    # and no target date. Green: June 2025.
    assert {t.key: t.count for t in actions.by_rag} == {"red": 2, "amber": 2, "green": 1}
    # Due today is not overdue; 1 December is 19 days overdue.
    assert actions.overdue == 1 == Action.objects.filter(body=history.a).overdue(TODAY).count()
    assert [(row.finding, row.days_overdue, row.target_date) for row in actions.overdue_rows] == [
        ("Recommendation 1", 19, D(2024, 12, 1))
    ]
    assert (actions.repeated, actions.repeated_open) == (1, 1)
    assert [row.repeats for row in actions.repeated_rows] == ["PEEL 2016: Area for improvement 1"]
    everyone = selectors.panel_report(scope=Scope(body=None), **PERIOD).actions
    assert (everyone.total, everyone.open, everyone.overdue) == (8, 6, 2)
    assert [row.body for row in everyone.overdue_rows] == ["Suffolk OPCC", "Norfolk OPCC"]  # the longest first


def test_a_period_without_reports_has_no_rows_and_no_rates(history: History) -> None:
    report = selectors.panel_report(scope=Scope(body=history.a), start=D(2019, 1, 1), end=D(2019, 12, 31), today=TODAY)
    assert report.years == []
    assert figures(report.all_years) == (0, 0, 0, 0, 0, 0, 0)
    assert report.all_years.on_time_percent is None
    assert report.all_years.median_days is None
    assert report.actions.total == 0


def test_percent_rounds_halves_up_and_median_takes_the_middle() -> None:
    assert [percent(1, 8), percent(2, 3), percent(1, 3), percent(0, 0)] == [13, 67, 33, None]
    assert median({5: 1}) == 5
    assert median({1: 1, 3: 1}) == 2
    assert median({1: 2, 9: 1}) == 1
    assert median({}) is None


def test_the_rag_spans_give_what_the_rule_gives_for_every_day(history: History) -> None:
    """The report counts RAG by spans of target dates; for every day around today the span's date rates as the day."""
    from actions.models import AMBER_DAYS
    from actions.rag import derived_rag

    _case, dates = selectors._rag_buckets(TODAY)
    for offset in range(-3, 40):
        day = TODAY + dt.timedelta(days=offset)
        span = "past" if day < TODAY else "soon" if offset <= AMBER_DAYS else "later"
        for status in ("being_progressed", "blocked"):
            assert derived_rag(status=status, target_date=day, today=TODAY) == derived_rag(
                status=status, target_date=dates[span], today=TODAY
            )
