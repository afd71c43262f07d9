"""notifications/planner.py: which outbox rows the policy asks for, and that planning is idempotent and set-based."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import OutboxEmail, ReminderKind
from notifications.planner import latest_due_conditions, plan_reminders, policy_tracks
from responses import services
from responses.models import Response
from tests.factories import BodyFactory, make_response
from tests.notifications.conftest import People

D = dt.date
PUBLISHED = D(2024, 9, 24)  # statutory last day 18 Nov 2024, comments due 22 Oct 2024
LAST_DAY = D(2024, 11, 18)


def rows(**filters: Any) -> list[tuple[str, str, dt.date, str]]:
    return sorted(
        (r.kind, r.recipient, r.due_on, r.status) for r in OutboxEmail.objects.filter(**filters).order_by("id")
    )


def test_policy_offsets_match_the_issue(settings: Any) -> None:
    last_day, comments, checklist = policy_tracks()
    assert last_day.offsets(until=30) == [-28, -14, -7, -3, -1, 0, 1, 2, 3, 4, 5, 6, 7, 14, 21, 28]
    assert comments.offsets(until=30) == [-3, 0, 7, 14, 21, 28]
    assert checklist.offsets(until=30) == [7, 14, 21, 28]


@pytest.mark.parametrize("every", [1, 3, 7])
def test_latest_due_conditions_pick_the_latest_reminder_day_for_every_date(settings: Any, every: int) -> None:
    """Brute force: for each about-date, the condition that matches names the latest policy day not after today."""
    settings.REMINDER_POLICY = {**settings.REMINDER_POLICY, "overdue_every_days": every}
    track = policy_tracks()[0]
    today = D(2024, 3, 31)  # across a month end and the leap day
    for x in range(-60, 120):
        about = today - dt.timedelta(days=x)
        offsets = [o for o in track.offsets(until=x) if o <= x]
        expected = about + dt.timedelta(days=max(offsets)) if offsets else None
        matches = [
            due
            for q, due in latest_due_conditions(track, today, min_about=today - dt.timedelta(days=400))
            if _matches(q, about)
        ]
        assert matches == ([expected] if expected else []), (x, about, matches, expected)


def _matches(q: Any, about: dt.date) -> bool:
    """Evaluate one of the planner's simple Q objects against a date in Python."""
    (lookup, value), *rest = q.children
    conditions = [(lookup, value), *rest]
    for lookup, value in conditions:
        op = lookup.split("__", 1)[1] if "__" in lookup else "exact"
        if op == "exact" and about != value:
            return False
        if op == "lte" and not about <= value:
            return False
        if op == "in" and about not in value:
            return False
        if op == "week_day" and about.isoweekday() % 7 + 1 != value:
            return False
    return True


def test_nothing_is_planned_before_the_first_reminder_day(people: People, response_of: Callable[..., Response]) -> None:
    response_of(published_on=PUBLISHED)
    plan_reminders(D(2024, 10, 18))
    assert not OutboxEmail.objects.exists()


def test_reminder_goes_to_owner_and_shared_inbox(people: People, response_of: Callable[..., Response]) -> None:
    response = response_of(published_on=PUBLISHED)
    plan_reminders(LAST_DAY - dt.timedelta(days=28))
    assert rows(kind="last_day") == [
        ("last_day", people.inbox, D(2024, 10, 21), "pending"),
        ("last_day", "owner@opcc.example", D(2024, 10, 21), "pending"),
    ]
    owner_row = OutboxEmail.objects.get(recipient="owner@opcc.example", kind="last_day")
    assert owner_row.user == people.owner
    assert owner_row.about_date == LAST_DAY
    assert owner_row.key == f"last_day:{response.pk}:2024-11-18:2024-10-21:owner@opcc.example"
    assert owner_row.subject.startswith("28 days left: Section 55 response to")


def test_planning_twice_on_the_same_day_adds_nothing(people: People, response_of: Callable[..., Response]) -> None:
    response_of(published_on=PUBLISHED)
    plan_reminders(D(2024, 10, 21))
    first = rows()
    plan_reminders(D(2024, 10, 21))
    assert rows() == first


def test_overdue_reminders_also_go_to_the_escalation_list(people: People, response_of: Callable[..., Response]) -> None:
    response_of(published_on=PUBLISHED)
    plan_reminders(LAST_DAY + dt.timedelta(days=1))
    assert {r.recipient for r in OutboxEmail.objects.filter(kind=ReminderKind.OVERDUE)} == {
        "owner@opcc.example",
        people.inbox,
        people.escalation,
    }


def test_invalid_escalation_address_is_skipped_not_sent(people: People, response_of: Callable[..., Response]) -> None:
    people.body.escalation_emails = "ok@force.example\nnot an address\nx@y.example\r\nBcc: evil@example.com"
    people.body.save()
    response_of(published_on=PUBLISHED)
    plan_reminders(LAST_DAY + dt.timedelta(days=1))
    assert {r.recipient for r in OutboxEmail.objects.all()} == {
        "owner@opcc.example",
        people.inbox,
        "ok@force.example",
        "x@y.example",
    }


def test_missed_days_are_caught_up_once_with_the_latest_reminder_only(
    people: People, response_of: Callable[..., Response]
) -> None:
    response_of(published_on=PUBLISHED)
    # No worker ran between 28 days before and 5 days before: only the 7-day reminder is due, once.
    plan_reminders(LAST_DAY - dt.timedelta(days=5))
    assert {(r.kind, r.due_on) for r in OutboxEmail.objects.filter(kind="last_day")} == {
        ("last_day", LAST_DAY - dt.timedelta(days=7))
    }


def test_an_unsent_earlier_reminder_is_superseded_by_a_later_one(
    people: People, response_of: Callable[..., Response]
) -> None:
    response_of(published_on=PUBLISHED)
    plan_reminders(LAST_DAY - dt.timedelta(days=14))  # planned, never delivered (say the mail server was down)
    plan_reminders(LAST_DAY - dt.timedelta(days=7))
    assert rows(due_on=LAST_DAY - dt.timedelta(days=14)) == [
        ("last_day", people.inbox, D(2024, 11, 4), "superseded"),
        ("last_day", "owner@opcc.example", D(2024, 11, 4), "superseded"),
    ]
    pending = OutboxEmail.objects.filter(status="pending", kind="last_day")
    assert set(pending.values_list("due_on", flat=True)) == {D(2024, 11, 11)}


def test_overdue_after_the_first_week_is_weekly(people: People, response_of: Callable[..., Response]) -> None:
    response_of(published_on=PUBLISHED)
    days_with_rows = []
    for k in range(1, 30):
        today = LAST_DAY + dt.timedelta(days=k)
        before = OutboxEmail.objects.filter(kind="overdue").count()
        plan_reminders(today)
        if OutboxEmail.objects.filter(kind="overdue").count() > before:
            days_with_rows.append(k)
    assert days_with_rows == [1, 2, 3, 4, 5, 6, 7, 14, 21, 28]


def test_publishing_cancels_pending_last_day_reminders(people: People, response_of: Callable[..., Response]) -> None:
    response = response_of(published_on=PUBLISHED)
    plan_reminders(D(2024, 11, 11))
    Response.objects.filter(pk=response.pk).update(published_on=D(2024, 11, 12), status="published")
    plan_reminders(D(2024, 11, 12))
    assert set(OutboxEmail.objects.filter(kind="last_day").values_list("status", flat=True)) == {"cancelled"}


def test_a_corrected_publication_date_cancels_old_rows_and_plans_new_keys(
    people: People, response_of: Callable[..., Response]
) -> None:
    response = response_of(published_on=PUBLISHED)
    plan_reminders(D(2024, 11, 11))  # 7 days before 18 Nov
    services.inspection_correct_published_on(
        inspection=response.inspection, published_on=D(2024, 9, 27), reason="HMICFRS republished the report"
    )
    plan_reminders(D(2024, 11, 11))
    assert rows(about_date=LAST_DAY) == [
        ("last_day", people.inbox, D(2024, 11, 11), "cancelled"),
        ("last_day", "owner@opcc.example", D(2024, 11, 11), "cancelled"),
    ]
    # The new last day is 21 Nov: on 11 Nov the latest reminder of the new schedule is the 14-day one (7 Nov).
    assert rows(about_date=D(2024, 11, 21)) == [
        ("last_day", people.inbox, D(2024, 11, 7), "pending"),
        ("last_day", "owner@opcc.example", D(2024, 11, 7), "pending"),
    ]


def test_settled_comments_cancel_comment_reminders(people: People, response_of: Callable[..., Response]) -> None:
    response = response_of(published_on=PUBLISHED)
    plan_reminders(D(2024, 10, 19))
    assert rows(kind="comments_due")
    response.cc_comments = "The chief constable welcomes the report."
    response.save()
    plan_reminders(D(2024, 10, 22))
    assert set(OutboxEmail.objects.filter(kind="comments_due").values_list("status", flat=True)) == {"cancelled"}


def test_whitespace_is_not_comments(people: People, response_of: Callable[..., Response]) -> None:
    response = response_of(published_on=PUBLISHED)
    response.cc_comments = " \n\t "
    response.save()
    plan_reminders(D(2024, 10, 22))
    assert {r.status for r in OutboxEmail.objects.filter(kind="comments_due")} == {"pending"}


def test_checklist_nags_weekly_per_open_required_step(
    people: People, response_of: Callable[..., Response], steps: Any
) -> None:
    response = response_of(published_on=PUBLISHED)
    Response.objects.filter(pk=response.pk).update(published_on=D(2024, 11, 1), status="published")
    services.checklist_tick(response=response, step=steps[0], user=people.owner, done_on=D(2024, 11, 1))
    plan_reminders(D(2024, 11, 7))
    assert not OutboxEmail.objects.filter(kind="checklist").exists()
    plan_reminders(D(2024, 11, 8))
    nagged = {(r.step.key, r.recipient) for r in OutboxEmail.objects.filter(kind="checklist")}
    assert nagged == {(s.key, who) for s in steps[1:4] for who in ("owner@opcc.example", people.inbox)}
    # Ticking a step cancels its pending nag and no other.
    services.checklist_tick(response=response, step=steps[1], user=people.owner, done_on=D(2024, 11, 8))
    plan_reminders(D(2024, 11, 8))
    assert {r.step.key for r in OutboxEmail.objects.filter(kind="checklist", status="cancelled")} == {steps[1].key}
    assert {r.step.key for r in OutboxEmail.objects.filter(kind="checklist", status="pending")} == {
        steps[2].key,
        steps[3].key,
    }


def test_inactive_owner_and_inactive_body_get_nothing(people: People, response_of: Callable[..., Response]) -> None:
    response_of(published_on=PUBLISHED)
    people.owner.is_active = False
    people.owner.save()
    plan_reminders(D(2024, 10, 21))
    assert {r.recipient for r in OutboxEmail.objects.all()} == {people.inbox}
    people.body.active = False
    people.body.save()
    plan_reminders(D(2024, 11, 4))
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"cancelled"}


def test_planning_is_set_based_the_query_count_does_not_grow_with_responses(db: Any, steps: Any) -> None:
    def queries_to_plan(today: dt.date) -> int:
        with CaptureQueriesContext(connection) as ctx:
            plan_reminders(today)
        return len(ctx.captured_queries)

    body = BodyFactory()
    for n in range(3):
        make_response(body=body, published_on=PUBLISHED + dt.timedelta(days=n), title=f"Small {n}")
    small = queries_to_plan(D(2024, 11, 20))
    OutboxEmail.objects.all().delete()
    for n in range(3, 40):
        make_response(body=body, published_on=PUBLISHED + dt.timedelta(days=n % 9), title=f"Big {n}")
    big = queries_to_plan(D(2024, 11, 20))
    assert OutboxEmail.objects.count() > 40
    assert big == small
    # Nothing new to plan: a handful of queries, none per response.
    assert queries_to_plan(D(2024, 11, 20)) <= small


def test_a_complete_response_gets_no_checklist_nags(people: People, response_of: Callable[..., Response]) -> None:
    response = response_of(published_on=PUBLISHED)
    Response.objects.filter(pk=response.pk).update(published_on=D(2024, 11, 1), status="complete")
    plan_reminders(D(2024, 11, 15))
    assert not OutboxEmail.objects.exists()


def test_a_user_deactivated_after_planning_is_not_sent_their_pending_reminders(
    people: People, response_of: Callable[..., Response]
) -> None:
    response_of(published_on=PUBLISHED, settle_comments=True)
    plan_reminders(D(2024, 10, 21))
    people.owner.is_active = False
    people.owner.save()
    plan_reminders(D(2024, 10, 21))
    assert rows() == [
        ("last_day", people.inbox, D(2024, 10, 21), "pending"),
        ("last_day", "owner@opcc.example", D(2024, 10, 21), "cancelled"),
    ]
