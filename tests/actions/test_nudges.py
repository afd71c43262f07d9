"""The nudges' schedule, with time frozen: one digest per owner, none after closure, none twice."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection

from accounts.models import User
from actions import services
from actions.models import Action, ActionStatus
from actions.planner import plan_action_emails
from inspections.models import LocalPolicingBody
from notifications.models import OutboxEmail, OutboxStatus, ReminderKind
from notifications.services import reminders_sweep
from tests.conftest import using_postgres
from tests.factories import UserFactory, make_response

D = dt.date


@pytest.fixture
def owned(body: LocalPolicingBody, editor: User) -> list[Action]:
    make_response(body=body, recommendations=2, afis=1)
    actions = list(Action.objects.all())
    for action in actions:
        services.action_assign_owner(action=action, user=editor, owner=editor)
    services.action_set_target_date(action=actions[0], user=editor, target_date=D(2025, 3, 10), reason="Plan")
    return actions


def kinds(**filters: Any) -> list[tuple[str, str, dt.date]]:
    return sorted(OutboxEmail.objects.filter(**filters).values_list("kind", "recipient", "due_on"))


def test_one_update_digest_per_owner_per_month(owned: list[Action], editor: User) -> None:
    plan_action_emails(D(2025, 3, 5))
    plan_action_emails(D(2025, 3, 20))
    assert kinds(kind=ReminderKind.ACTION_UPDATE) == [("action_update", editor.email, D(2025, 3, 1))]
    plan_action_emails(D(2025, 4, 2))
    assert len(kinds(kind=ReminderKind.ACTION_UPDATE)) == 2


def test_an_overdue_notice_the_day_after_the_target_date(owned: list[Action]) -> None:
    plan_action_emails(D(2025, 3, 10))
    assert kinds(kind=ReminderKind.ACTION_OVERDUE) == []
    plan_action_emails(D(2025, 3, 11))
    assert [k[2] for k in kinds(kind=ReminderKind.ACTION_OVERDUE)] == [D(2025, 3, 11)]


def test_no_nudge_after_closure(owned: list[Action], editor: User) -> None:
    plan_action_emails(D(2025, 3, 11))
    for action in owned:
        services.action_set_status(action=action, user=editor, status=ActionStatus.NO_FURTHER_ACTION, note="Done")
    plan_action_emails(D(2025, 3, 12))
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {OutboxStatus.CANCELLED}
    plan_action_emails(D(2025, 4, 12))
    assert OutboxEmail.objects.exclude(status=OutboxStatus.CANCELLED).count() == 0


def test_the_weekly_summary_goes_to_the_office_admins(owned: list[Action], body: LocalPolicingBody) -> None:
    admin = UserFactory(username="admin", email="admin@opcc.example", body=body, role="admin")
    plan_action_emails(D(2025, 3, 12))  # a Wednesday
    plan_action_emails(D(2025, 3, 16))  # the Sunday of the same week
    assert kinds(kind=ReminderKind.OFFICE_SUMMARY) == [("office_summary", admin.email, D(2025, 3, 10))]


def test_the_sweep_sends_one_digest_listing_the_open_actions(owned: list[Action], editor: User) -> None:
    with time_machine.travel(dt.datetime(2025, 3, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        reminders_sweep(today=D(2025, 3, 5), actor="test")
        reminders_sweep(today=D(2025, 3, 5), actor="test")
    digests = [m for m in mail.outbox if m.subject.startswith("Update request")]
    assert len(digests) == 1
    assert digests[0].to == [editor.email]
    assert digests[0].subject == "Update request: 3 open actions"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_each_nudge_once(require_postgres: None, body: LocalPolicingBody) -> None:
    editor = UserFactory(username="pg-editor", email="pg@opcc.example", body=body)
    make_response(body=body, recommendations=3)
    for action in Action.objects.all():
        services.action_assign_owner(action=action, user=editor, owner=editor)
    barrier = threading.Barrier(2)

    def sweep() -> None:
        try:
            barrier.wait()
            reminders_sweep(today=D(2025, 3, 5), actor="test")
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert OutboxEmail.objects.filter(kind=ReminderKind.ACTION_UPDATE).count() == 1
    assert [m.subject for m in mail.outbox].count("Update request: 3 open actions") == 1
    assert using_postgres()


def test_the_cycle_is_configurable(owned: list[Action], editor: User, settings: Any) -> None:
    settings.ACTIONS_UPDATE_CYCLE = "weekly"
    plan_action_emails(D(2025, 3, 5))  # a Wednesday
    plan_action_emails(D(2025, 3, 12))
    assert [k[2] for k in kinds(kind=ReminderKind.ACTION_UPDATE)] == [D(2025, 3, 3), D(2025, 3, 10)]
