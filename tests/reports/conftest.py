"""A small history, counted by hand in tests/reports/test_panel_figures.py: eight responses of body A (Norfolk) from
2016 to 2024 (a pre-2017 one, on time, late, not required, overdue, not yet due), one of body B (Suffolk), and
their actions. "Today" is 20 December 2024."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from actions.models import Action, ActionStatus
from inspections.models import FindingKind, LocalPolicingBody
from responses import services
from responses.models import FindingResponse, Response
from tests.browser.conftest import browser  # noqa: F401  (the shared Chromium fixture, for test_browser.py)
from tests.factories import BodyFactory, ForceFactory, make_response

D = dt.date
TODAY = D(2024, 12, 20)


@dataclass
class History:
    a: LocalPolicingBody
    b: LocalPolicingBody
    responses: dict[str, Response]


def _publish(response: Response, day: dt.date) -> Response:
    return services.response_record_published(response=response, published_on=day, reason="The office's register")


def _action(response: Response, kind: str, number: int, **fields: Any) -> Action:
    finding_response = FindingResponse.objects.get(response=response, finding__kind=kind, finding__number=number)
    action, _ = Action.objects.get_or_create(
        finding_response=finding_response,
        defaults={"body_id": response.body_id, "response": response, "finding": finding_response.finding},
    )
    Action.objects.filter(pk=action.pk).update(**fields)
    action.refresh_from_db()
    return action


@pytest.fixture
def history(db: Any) -> History:
    a = BodyFactory(force=ForceFactory(name="Norfolk"))
    b = BodyFactory(force=ForceFactory(name="Suffolk"))
    r: dict[str, Response] = {}
    # 2016, before the 56-day rule: published after 44 days, no statutory deadline.
    r["pre2017"] = _publish(
        make_response(body=a, published_on=D(2016, 6, 1), afis=1, title="PEEL 2016"), D(2016, 7, 15)
    )
    # 2023: on time (last day 25 April; 40 days), late (last day 26 July; 75 days), not required.
    r["on_time_2023"] = _publish(
        make_response(body=a, published_on=D(2023, 3, 1), recommendations=2, afis=1, title="PEEL 2023"), D(2023, 4, 10)
    )
    r["late_2023"] = _publish(make_response(body=a, published_on=D(2023, 6, 1), title="Custody 2023"), D(2023, 8, 15))
    r["not_required"] = services.response_close_not_required(
        response=make_response(body=a, published_on=D(2023, 9, 1), title="A thematic not about Norfolk"),
        reason="Norfolk is clearly not the subject.",
    )
    # 2024: on time (last day 5 March; 41 days), on time (last day 26 May; 30 days), overdue (last day 28 July),
    # not yet due (last day 14 January 2025).
    r["on_time_2024"] = _publish(
        make_response(body=a, published_on=D(2024, 1, 10), recommendations=1, title="Vetting 2024"), D(2024, 2, 20)
    )
    r["quick_2024"] = _publish(
        make_response(body=a, published_on=D(2024, 4, 1), recommendations=1, afis=1, title="Crime data 2024"),
        D(2024, 5, 1),
    )
    r["overdue"] = make_response(body=a, published_on=D(2024, 6, 3), title="Spotlight 2024")
    r["not_yet_due"] = make_response(body=a, published_on=D(2024, 11, 20), title="Joint 2024")
    # Body B: late (last day 27 March; 74 days).
    r["b_late"] = _publish(
        make_response(body=b, published_on=D(2024, 2, 1), recommendations=1, title="Suffolk PEEL 2024"),
        D(2024, 4, 15),
    )

    signed = timezone.now()
    earlier_afi = r["pre2017"].finding_responses.get().finding
    rec, afi = FindingKind.RECOMMENDATION, FindingKind.AREA_FOR_IMPROVEMENT
    # Body A's seven actions: open ones red (overdue, and one set red by hand), amber (due in 21 days; no date), green.
    _action(r["on_time_2023"], rec, 1, status=ActionStatus.BEING_PROGRESSED, target_date=D(2024, 12, 1))
    _action(r["on_time_2023"], rec, 2, status=ActionStatus.COMPLETE, signed_off_at=signed)
    _action(
        r["on_time_2023"], afi, 1, status=ActionStatus.BEING_PROGRESSED, target_date=D(2025, 1, 10), repeats=earlier_afi
    )
    _action(r["on_time_2024"], rec, 1, status=ActionStatus.AWAITING_ALLOCATION, target_date=None)
    _action(r["quick_2024"], rec, 1, status=ActionStatus.BEING_PROGRESSED, target_date=D(2025, 6, 1))
    _action(
        r["quick_2024"],
        afi,
        1,
        status=ActionStatus.BLOCKED,
        blocked_on="The force's new system",
        target_date=TODAY,
        rag_override="red",
        rag_override_reason="The system will not arrive in time.",
    )
    _action(r["pre2017"], afi, 1, status=ActionStatus.NO_FURTHER_ACTION)
    # Body B's one action: overdue.
    _action(r["b_late"], rec, 1, status=ActionStatus.BEING_PROGRESSED, target_date=D(2024, 1, 1))
    for response in r.values():
        response.refresh_from_db()
    return History(a=a, b=b, responses=r)
