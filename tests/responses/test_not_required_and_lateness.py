"""A response closed as not required (the force is clearly not the subject, or another response covers it) is never
reminded about; a response published after the statutory last day says so, with the reason asked for."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from exports.register import register_rows
from notifications.models import OutboxEmail
from notifications.planner import plan_reminders
from responses import services
from responses.models import Response, Status
from tests.factories import UserFactory, approve, make_response

pytestmark = pytest.mark.django_db
D = dt.date
NOW = dt.datetime(2024, 12, 20, 10, tzinfo=dt.UTC)


def publishable(response: Response) -> Response:
    services.response_update_comments(response=response, cc_comments_not_received=True, body_comments="Ours.")
    return Response.objects.get(pk=response.pk)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_closing_as_not_required_needs_a_reason_and_stops_every_reminder() -> None:
    response = make_response(published_on=D(2024, 9, 24), recommendations=1)
    with pytest.raises(ValidationError, match="Say why no response is required"):
        services.response_close_not_required(response=response, reason="  ")
    services.response_close_not_required(response=response, reason="Norfolk is clearly not the subject.")
    response.refresh_from_db()
    assert response.status == Status.NOT_REQUIRED
    for day in (D(2024, 10, 22), D(2024, 11, 18), D(2024, 11, 25)):
        plan_reminders(day)
    assert not OutboxEmail.objects.filter(response=response).exists()
    assert not Response.objects.overdue(D(2024, 11, 25)).exists()


def test_covered_by_another_response_of_the_body_gives_its_own_reason() -> None:
    user = UserFactory()
    national = make_response(body=user.body, title="A national thematic")
    repeat = make_response(body=user.body, title="The force report that repeats it")
    services.response_close_not_required(response=repeat, reason="", covered_by=national)
    repeat.refresh_from_db()
    assert repeat.not_required_reason == "Covered by the response to A national thematic"
    assert repeat.covered_by == national


def test_a_response_of_another_body_cannot_cover_it() -> None:
    response = make_response()
    other = make_response()
    with pytest.raises(ValidationError, match="same body"):
        services.response_close_not_required(response=response, reason="Covered", covered_by=other)


def test_reopening_brings_the_reminders_back() -> None:
    response = make_response(published_on=D(2024, 9, 24))
    services.response_close_not_required(response=response, reason="Not the subject.")
    services.response_reopen(response=response, reason="HMICFRS asked for a response after all.")
    response.refresh_from_db()
    assert response.status == Status.NOT_STARTED
    plan_reminders(D(2024, 11, 18))
    assert OutboxEmail.objects.filter(response=response).exists()


def test_a_published_response_cannot_be_closed_as_not_required() -> None:
    response = publishable(make_response(published_on=D(2024, 9, 24)))
    approve(response)
    services.response_publish(response=response, published_on=D(2024, 11, 1))
    with pytest.raises(ValidationError, match="published"):
        services.response_close_not_required(response=response, reason="Not the subject.")


def test_the_staff_page_closes_it_and_the_register_carries_the_note() -> None:
    user = UserFactory()
    response = make_response(body=user.body)
    client = signed_in(user)
    page = client.post(
        reverse("response_not_required", args=[response.pk]),
        {"version": response.version, "reason": "Clearly not about Norfolk."},
        follow=True,
    )
    assert "Closed as not required: Clearly not about Norfolk." in page.content.decode()
    row = next(register_rows(Response.objects.filter(pk=response.pk), today=D(2024, 11, 10)))
    assert row[7] == "not_required"
    assert row[-1] == "Clearly not about Norfolk."


def test_a_viewer_cannot_close_a_response() -> None:
    viewer = UserFactory(role="viewer")
    response = make_response(body=viewer.body)
    page = signed_in(viewer).post(
        reverse("response_not_required", args=[response.pk]), {"version": response.version, "reason": "No."}
    )
    assert page.status_code == 403
    response.refresh_from_db()
    assert response.status != Status.NOT_REQUIRED


def test_publishing_after_the_statutory_last_day_asks_why_and_keeps_the_reason() -> None:
    response = publishable(make_response(published_on=D(2024, 9, 24)))  # last day 18 November 2024
    with pytest.raises(ValidationError) as refused:
        approve(response)
        services.response_publish(response=response, published_on=D(2024, 11, 25))
    assert refused.value.message_dict["late_reason"] == [
        "This is 7 days after the statutory last day (18 November 2024): say why, for the record."
    ]
    approve(response)
    services.response_publish(response=response, published_on=D(2024, 11, 25), late_reason="Comments came late.")
    response.refresh_from_db()
    assert (response.late_reason, response.days_late()) == ("Comments came late.", 7)


def test_publishing_on_the_last_day_is_on_time() -> None:
    response = publishable(make_response(published_on=D(2024, 9, 24)))
    approve(response)
    services.response_publish(response=response, published_on=D(2024, 11, 18))
    response.refresh_from_db()
    assert (response.days_late(), response.late_reason) == (0, "")


def test_the_response_page_and_the_register_say_how_late() -> None:
    user = UserFactory()
    response = publishable(make_response(body=user.body, published_on=D(2024, 9, 24)))
    approve(response)
    services.response_publish(response=response, published_on=D(2024, 11, 25), late_reason="Comments came late.")
    with time_machine.travel(NOW, tick=False):
        page = signed_in(user).get(reverse("response_detail", args=[response.pk])).content.decode()
    assert "Published 7 days after the statutory last day. Reason recorded: Comments came late." in page
    row = next(register_rows(Response.objects.filter(pk=response.pk), today=D(2024, 12, 20)))
    assert row[-4:-2] == [D(2024, 11, 25), 7]
