"""notifications/selectors.py: the batch form of "what is still open" agrees with the responses services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from notifications.selectors import open_work
from responses import rules, services
from responses.models import Response
from tests.notifications.conftest import People


def test_open_work_matches_open_required_steps_and_unexplained_recommendations(
    people: People, response_of: Callable[..., Response], steps: Any, frozen: Callable[[dt.datetime], None]
) -> None:
    first = response_of(title="First", recommendations=3, afis=2)
    second = response_of(title="Second", recommendations=1)
    services.checklist_tick(response=first, step=steps[1], user=people.owner, done_on=dt.date.today())
    services.checklist_tick(response=first, step=steps[4], user=people.owner, done_on=dt.date.today())  # optional
    fr = first.finding_responses.get(finding__kind="recommendation", finding__number=2)
    services.finding_response_explain(finding_response=fr, explanation="Done.")
    blank = second.finding_responses.get()
    blank.explanation = "  \n"
    blank.save()

    work = open_work([first.pk, second.pk])
    for response in (first, second):
        assert work[response.pk].steps == [s.label for s in rules.open_required_steps(response)]
        assert work[response.pk].unexplained == [
            (f.number, f.text) for f in rules.unexplained_recommendations(response)
        ]
    assert [n for n, _ in work[first.pk].unexplained] == [1, 3]
    assert len(work[first.pk].steps) == 3
