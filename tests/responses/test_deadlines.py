import datetime as dt

import pytest

from responses import deadlines

D = dt.date


@pytest.mark.parametrize(
    ("published", "last_day", "form_deadline"),
    [
        # The reference document: published 24 Sep 2024, form deadline 19 Nov 2024.
        (D(2024, 9, 24), D(2024, 11, 18), D(2024, 11, 19)),
        # Month end: 31 January.
        (D(2025, 1, 31), D(2025, 3, 27), D(2025, 3, 28)),
        # Year end: the period runs into the next year.
        (D(2024, 12, 31), D(2025, 2, 24), D(2025, 2, 25)),
        (D(2024, 11, 15), D(2025, 1, 9), D(2025, 1, 10)),
        # Leap day inside the period (2024 is a leap year), and published on the leap day itself.
        (D(2024, 2, 1), D(2024, 3, 27), D(2024, 3, 28)),
        (D(2024, 2, 29), D(2024, 4, 24), D(2024, 4, 25)),
        # Same dates a year later, without the leap day: one day later in the calendar.
        (D(2025, 2, 1), D(2025, 3, 28), D(2025, 3, 29)),
    ],
)
def test_statutory_last_day_is_day_56_counting_publication_day(
    published: dt.date, last_day: dt.date, form_deadline: dt.date
) -> None:
    assert deadlines.statutory_last_day(published) == last_day
    assert deadlines.form_deadline(published) == form_deadline
    # Day 1 is publication day, so the last lawful day is the 56th day of the period.
    assert len([published + dt.timedelta(days=n) for n in range((last_day - published).days + 1)]) == 56


def test_no_shift_for_weekends() -> None:
    # 6 Oct 2024 + 55 days is Saturday 30 Nov 2024: the statute does not move it to a working day.
    published = D(2024, 10, 6)
    assert deadlines.statutory_last_day(published).weekday() == 5  # Saturday: not moved


def test_default_comments_due_uses_setting_and_stays_before_last_day(settings) -> None:  # type: ignore[no-untyped-def]
    settings.S55_COMMENTS_DUE_DAYS = 28
    assert deadlines.default_comments_due(D(2024, 9, 24)) == D(2024, 10, 22)
    settings.S55_COMMENTS_DUE_DAYS = 90  # misconfigured: clamp to the day before the last day
    assert deadlines.default_comments_due(D(2024, 9, 24)) < deadlines.statutory_last_day(D(2024, 9, 24))


def test_explanations_show_the_arithmetic() -> None:
    explanations = deadlines.explain_dates(
        published_on=D(2024, 9, 24),
        deadline=D(2024, 11, 19),
        deadline_overridden=False,
        override_reason="",
        last_day=D(2024, 11, 18),
        comments_due=None,
    )
    by_label = {e.label: e for e in explanations}
    assert "24 September 2024 + 55 days = 18 November 2024" in by_label["Statutory last day"].how
    assert "24 September 2024 + 56 days = 19 November 2024" in by_label["Section 55 response deadline"].how
