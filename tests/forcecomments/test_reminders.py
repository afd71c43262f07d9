"""Reminders to the force contact, 3 days before and on the comments-due date, with time frozen: delivered through a
real SMTP conversation (aiosmtpd on loopback), planned once, stopped when comments arrive or the link is revoked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from forcecomments import services
from forcecomments.planner import plan_force_reminders, reminder_day
from notifications.models import OutboxEmail, OutboxStatus, ReminderKind
from notifications.tasks import sweep_reminders
from responses import services as response_services
from tests.forcecomments.conftest import COMMENTS_DUE, World, invite, link_paths
from tests.notifications.conftest import SmtpServer, london

pytestmark = pytest.mark.django_db
D = dt.date
CONTACTS = {"cc.office@norfolk.police.example", "staff.officer@norfolk.police.example"}
Travel = Callable[[dt.datetime], None]


def _force_mail(server: SmtpServer) -> list[tuple[str, str]]:
    """(subject, recipient) of each message the SMTP server took for a force contact."""
    return [(str(m["Subject"]), str(m["To"])) for m in server.sink.messages if str(m["To"]) in CONTACTS]


def _sweep(frozen: Travel, day: D) -> dict[str, Any]:
    frozen(london(day, 7))
    result: dict[str, Any] = sweep_reminders.enqueue().return_value
    return result


def test_the_force_contact_is_reminded_3_days_before_and_on_the_due_date_over_smtp(
    world: World, smtp_server: SmtpServer, frozen: Travel
) -> None:
    smtp_server.start()
    frozen(london(D(2024, 10, 1), 10))
    invite(world)
    _sweep(frozen, D(2024, 10, 1))
    title = "PEEL 2024"
    assert sorted(_force_mail(smtp_server)) == sorted((f"Invitation to comment: {title}", to) for to in CONTACTS)
    invitation_mail = next(m for m in smtp_server.sink.messages if str(m["To"]) in CONTACTS)
    assert [part.get_content_type() for part in invitation_mail.walk()][1:] == ["text/plain", "text/html"]
    assert "/comments/" in invitation_mail.get_payload()[0].get_payload(decode=True).decode()

    by_day: dict[D, list[tuple[str, str]]] = {}
    for day in (D(2024, 10, 18), D(2024, 10, 19), D(2024, 10, 19), D(2024, 10, 20), D(2024, 10, 22), D(2024, 10, 23)):
        before = len(_force_mail(smtp_server))
        _sweep(frozen, day)
        by_day.setdefault(day, []).extend(_force_mail(smtp_server)[before:])
    assert by_day[D(2024, 10, 18)] == []
    assert sorted(by_day[D(2024, 10, 19)]) == sorted(
        (f"Chief constable's comments due in 3 days: {title}", to) for to in CONTACTS
    )  # and only once, though the sweep ran twice that day
    assert by_day[D(2024, 10, 20)] == []
    assert sorted(by_day[D(2024, 10, 22)]) == sorted(
        (f"Chief constable's comments due today: {title}", to) for to in CONTACTS
    )
    assert by_day[D(2024, 10, 23)] == []
    rows = OutboxEmail.objects.filter(kind=ReminderKind.FORCE_REMINDER)
    assert rows.count() == 4 and set(rows.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert {row.body_id for row in rows} == {world.body.pk}


def test_reminders_stop_when_the_comments_arrive(world: World, smtp_server: SmtpServer, frozen: Travel) -> None:
    smtp_server.start()
    frozen(london(D(2024, 10, 1), 10))
    paths = link_paths(invite(world))
    _sweep(frozen, D(2024, 10, 19))
    assert len([s for s, _ in _force_mail(smtp_server) if "due in 3 days" in s]) == 2

    frozen(london(D(2024, 10, 20), 9))
    page = Client().post(
        paths["cc.office@norfolk.police.example"],
        {"name": "Sam", "email": "sam@norfolk.police.example", "cc_comments": "Our comments."},
    )
    assert page.status_code == 302
    before = len(_force_mail(smtp_server))
    _sweep(frozen, D(2024, 10, 22))
    assert _force_mail(smtp_server)[before:] == []  # neither contact is reminded once one has sent the comments
    assert OutboxEmail.objects.filter(kind=ReminderKind.FORCE_REMINDER).count() == 2


def test_a_planned_reminder_is_cancelled_when_comments_arrive_or_the_link_is_revoked(
    world: World, frozen: Travel
) -> None:
    frozen(london(D(2024, 10, 1), 10))
    invitation = invite(world)
    paths = link_paths(invitation)
    frozen(london(D(2024, 10, 19), 7))
    assert plan_force_reminders(D(2024, 10, 19)) == (2, 0)
    assert plan_force_reminders(D(2024, 10, 19)) == (0, 0)  # idempotent
    Client().post(
        paths["cc.office@norfolk.police.example"],
        {"name": "Sam", "email": "sam@norfolk.police.example", "cc_comments": "Our comments."},
    )
    reminders = OutboxEmail.objects.filter(kind=ReminderKind.FORCE_REMINDER)
    assert set(reminders.values_list("status", flat=True)) == {OutboxStatus.CANCELLED}
    assert plan_force_reminders(D(2024, 10, 22)) == (0, 0)

    # A revoked link is not reminded about either.
    reminders.delete()
    from forcecomments.models import Submission

    Submission.objects.all().delete()
    assert plan_force_reminders(D(2024, 10, 22)) == (2, 0)
    services.invitation_revoke(invitation=invitation, user=world.editor)
    assert set(reminders.values_list("status", flat=True)) == {OutboxStatus.CANCELLED}
    assert plan_force_reminders(D(2024, 10, 22)) == (0, 0)


def test_comments_recorded_by_the_office_or_a_moved_due_date_replan_the_reminders(world: World, frozen: Travel) -> None:
    frozen(london(D(2024, 10, 1), 10))
    invite(world)
    frozen(london(D(2024, 10, 19), 7))
    assert plan_force_reminders(D(2024, 10, 19)) == (2, 0)
    # The office moves the due date a week on: the pending reminders are cancelled, new ones follow the new date.
    response_services.response_set_comments_due(response=world.fresh(), comments_due=COMMENTS_DUE + dt.timedelta(7))
    assert plan_force_reminders(D(2024, 10, 19)) == (0, 2)
    assert plan_force_reminders(D(2024, 10, 26)) == (2, 0)
    # The comments came by other means and the office recorded them: no more reminders.
    response_services.response_update_comments(response=world.fresh(), cc_comments="Sent by letter.")
    assert plan_force_reminders(D(2024, 10, 29)) == (0, 2)


@pytest.mark.parametrize(
    ("invited", "today", "expected"),
    [
        (D(2024, 10, 1), D(2024, 10, 18), None),
        (D(2024, 10, 1), D(2024, 10, 19), D(2024, 10, 19)),
        (D(2024, 10, 1), D(2024, 10, 21), D(2024, 10, 19)),
        (D(2024, 10, 1), D(2024, 10, 22), D(2024, 10, 22)),
        (D(2024, 10, 1), D(2024, 10, 23), None),
        (D(2024, 10, 19), D(2024, 10, 19), None),  # invited that very day: the invitation is the reminder
        (D(2024, 10, 20), D(2024, 10, 22), D(2024, 10, 22)),
    ],
)
def test_the_reminder_day(invited: D, today: D, expected: D | None) -> None:
    assert reminder_day(due=COMMENTS_DUE, invited=invited, today=today) == expected
