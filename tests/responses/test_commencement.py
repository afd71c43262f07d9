"""The law as it stood on the day: the 56-day rule of s55(5A) applies to reports published from 2 May 2017
(SI 2017/399, reg 4(a)). Before that a report has no statutory last day and no form deadline, is never overdue
and never reminded about."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from exports.register import register_rows
from notifications.models import OutboxEmail
from notifications.planner import plan_reminders
from responses import deadlines, services
from responses.models import Response
from tests.factories import UserFactory, make_response

D = dt.date


@pytest.mark.parametrize(
    ("published", "last_day", "form_deadline"),
    [
        (D(2017, 5, 1), None, None),  # the day before commencement
        (D(2016, 7, 14), None, None),  # a 2016 PEEL report
        (D(2014, 3, 27), None, None),
        (D(2017, 5, 2), D(2017, 6, 26), D(2017, 6, 27)),  # commencement day: the rule applies
        (D(2024, 9, 24), D(2024, 11, 18), D(2024, 11, 19)),  # the reference response
    ],
)
def test_the_deadlines_follow_the_law_in_force_on_the_day_of_publication(
    published: dt.date, last_day: dt.date | None, form_deadline: dt.date | None
) -> None:
    assert deadlines.statutory_last_day(published) == last_day
    assert deadlines.form_deadline(published) == form_deadline
    assert deadlines.has_statutory_deadline(published) is (last_day is not None)


def test_the_commencement_date_is_2_may_2017() -> None:
    assert D(2017, 5, 2) == deadlines.COMMENCEMENT


def test_a_report_before_commencement_has_no_default_comments_due_date() -> None:
    assert deadlines.default_comments_due(D(2017, 5, 1)) is None
    assert deadlines.default_comments_due(D(2017, 5, 2)) == D(2017, 5, 30)


def test_the_explanation_says_there_is_no_statutory_deadline_and_why() -> None:
    explained = deadlines.explain_dates(
        published_on=D(2016, 7, 14),
        deadline=None,
        deadline_overridden=False,
        override_reason="",
        last_day=None,
        comments_due=None,
    )
    assert [(e.label, e.value) for e in explained] == [("Statutory last day", None)]
    assert explained[0].how == (
        "No statutory deadline: this report was published before the 56-day rule came into force on 2 May 2017."
    )


@pytest.mark.django_db
def test_a_response_to_a_2016_report_is_stored_without_deadlines_and_is_never_overdue() -> None:
    response = make_response(published_on=D(2016, 7, 14), recommendations=1)
    assert (response.statutory_last_day, response.deadline, response.comments_due) == (None, None, None)
    today = D(2024, 11, 10)
    assert not response.is_overdue(today)
    assert response.days_left(today) is None
    assert not Response.objects.overdue(today).exists()
    assert not Response.objects.due_within(today).exists()


@pytest.mark.django_db
def test_a_response_without_a_statutory_deadline_is_never_reminded_about() -> None:
    old = make_response(published_on=D(2016, 7, 14), recommendations=1)
    recent = make_response(published_on=D(2024, 9, 24), recommendations=1)
    for day in (D(2016, 9, 7), D(2017, 1, 1), D(2024, 11, 18), D(2024, 11, 25)):
        plan_reminders(day)
    reminded = set(OutboxEmail.objects.values_list("response_id", flat=True))
    assert old.pk not in reminded
    assert recent.pk in reminded


@pytest.mark.django_db
def test_its_deadline_cannot_be_overridden() -> None:
    response = make_response(published_on=D(2016, 7, 14))
    with pytest.raises(ValidationError, match="no deadline to override"):
        services.response_override_deadline(response=response, deadline=D(2016, 8, 14), reason="Local convention")


@pytest.mark.django_db
def test_the_register_leaves_its_deadlines_and_days_left_blank() -> None:
    make_response(published_on=D(2016, 7, 14), title="PEEL 2016")
    rows = list(register_rows(Response.objects.all(), today=D(2024, 11, 10)))
    title, _types, _force, _body, published, deadline, last_day, status, days_left = rows[0][:9]
    assert (title, published, deadline, last_day, status, days_left) == (
        "PEEL 2016",
        D(2016, 7, 14),
        None,
        None,
        "not_started",
        None,
    )


@pytest.mark.django_db
def test_the_response_page_says_there_is_no_statutory_deadline() -> None:
    user = UserFactory()
    response = make_response(body=user.body, published_on=D(2016, 7, 14))
    client = Client()
    client.force_login(user)
    with time_machine.travel(dt.datetime(2024, 11, 10, 9, tzinfo=dt.UTC), tick=False):
        page = client.get(reverse("response_detail", args=[response.pk])).content.decode()
        dashboard = client.get(reverse("dashboard")).content.decode()
    assert "No statutory deadline: this report was published before the 56-day rule came into force" in page
    assert "No statutory deadline" in dashboard
    assert "Overdue" not in dashboard.split("<tbody", 1)[1]


@pytest.mark.django_db
def test_send_reminders_lists_nothing_for_history_before_commencement() -> None:
    make_response(published_on=D(2016, 7, 14), recommendations=1)
    out = io.StringIO()
    call_command("send_reminders", "--today", "2016-09-07", "--dry-run", stdout=out)
    assert "Overdue" not in out.getvalue()
    assert OutboxEmail.objects.count() == 0


@pytest.mark.django_db
def test_correcting_a_date_across_commencement_moves_the_response_in_and_out_of_the_rule() -> None:
    response = make_response(published_on=D(2017, 5, 3))
    services.response_override_deadline(response=response, deadline=D(2017, 7, 10), reason="Agreed with HMICFRS")
    inspection = response.inspection
    services.inspection_correct_published_on(inspection=inspection, published_on=D(2017, 4, 28), reason="Typo")
    response.refresh_from_db()
    assert (response.statutory_last_day, response.deadline, response.deadline_overridden) == (None, None, False)
    services.inspection_correct_published_on(inspection=inspection, published_on=D(2017, 5, 2), reason="Typo again")
    response.refresh_from_db()
    assert (response.statutory_last_day, response.deadline) == (D(2017, 6, 26), D(2017, 6, 27))
    assert response.comments_due == D(2017, 5, 30)
