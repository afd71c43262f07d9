"""What a reminder says: who owns the response and why the reader receives it; before publication every blocker to
publishing and none of the steps that follow it; after, the open office-use steps; the body's kind in its words;
HTML with a main landmark and one heading."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from inspections.models import BodyKind
from notifications.delivery import deliver_due
from notifications.models import OutboxEmail
from notifications.planner import plan_reminders
from responses.models import Response
from tests.notifications.conftest import People, london

D = dt.date
PUBLISHED = D(2024, 9, 24)  # statutory last day 18 November 2024
WEEK_BEFORE = D(2024, 11, 11)
DAY_AFTER = D(2024, 11, 19)


@pytest.fixture
def send(frozen: Callable[[dt.datetime], None]) -> Callable[[dt.date], dict[str, Any]]:
    """Plan and deliver the reminders of `day`; the messages by recipient."""

    def run(day: dt.date) -> dict[str, Any]:
        frozen(london(day, 9))
        plan_reminders(day)
        deliver_due(today=day)
        return {message.to[0]: message for message in mail.outbox}

    return run


def html_of(message: Any) -> str:
    return str(message.alternatives[0].content)


def test_the_escalation_copy_says_who_owns_the_response_and_why_the_reader_receives_it(
    people: People, response_of: Callable[..., Response], send: Callable[[dt.date], dict[str, Any]]
) -> None:
    people.owner.first_name, people.owner.last_name = "Olive", "Owner"
    people.owner.save()
    response_of(published_on=PUBLISHED, recommendations=1)
    messages = send(DAY_AFTER)
    assert set(messages) >= {people.escalation, people.inbox, people.owner.email}
    escalation = messages[people.escalation]
    for part in (escalation.body, html_of(escalation)):
        assert "Owner: Olive Owner" in part
        assert "because the response is overdue" in part
    assert "because you own this response" in messages[people.owner.email].body
    assert "as the shared inbox of" in messages[people.inbox].body
    assert "because the response is overdue" not in messages[people.inbox].body


def test_before_publication_the_email_lists_every_blocker_and_no_later_step(
    people: People, response_of: Callable[..., Response], send: Callable[[dt.date], dict[str, Any]]
) -> None:
    response_of(published_on=PUBLISHED, recommendations=2)
    message = send(DAY_AFTER)[people.inbox]
    for part in (message.body, html_of(message).replace("&#x27;", "'")):
        assert "Still stopping publication" in part
        assert "Recommendation 1 has no explanation (s55(5B))" in part
        assert "Recommendation 2 has no explanation (s55(5B))" in part
        assert "The chief constable's comments are not recorded" in part
        assert "The Commissioner's own comments on the report are not written (s55(5))." in part
        assert "Office-use steps still open" not in part
        assert "HMICFRS monitoring portal" not in part


def test_a_blocker_put_right_is_no_longer_listed(
    people: People, response_of: Callable[..., Response], send: Callable[[dt.date], dict[str, Any]]
) -> None:
    response = response_of(published_on=PUBLISHED, recommendations=0)
    response.cc_comments = "The chief constable welcomes the report."
    response.save()
    body = send(DAY_AFTER)[people.inbox].body
    assert "The chief constable's comments are not recorded" not in body
    assert "own comments on the report are not written" in body


def test_after_publication_the_open_steps_are_listed_and_no_blocker(
    people: People, response_of: Callable[..., Response], send: Callable[[dt.date], dict[str, Any]]
) -> None:
    response = response_of(published_on=PUBLISHED, settle_comments=True)
    Response.objects.filter(pk=response.pk).update(
        published_on=D(2024, 11, 1), body_comments="Comments", status="published"
    )
    messages = send(WEEK_BEFORE)
    assert messages, "a published response with open steps is reminded about"
    body = next(iter(messages.values())).body
    assert "Office-use steps still open" in body or "is still to do" in body
    assert "Still stopping publication" not in body


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        (BodyKind.PCC, "The Commissioner's own comments"),
        (BodyKind.PFCC, "The Commissioner's own comments"),
        (BodyKind.MAYOR, "The Mayor's own comments"),
        (BodyKind.COMMON_COUNCIL, "The Common Council's own comments"),
    ],
)
def test_the_body_is_named_by_its_kind(
    people: People,
    response_of: Callable[..., Response],
    send: Callable[[dt.date], dict[str, Any]],
    kind: str,
    words: str,
) -> None:
    people.body.kind = kind
    people.body.save()
    response_of(published_on=PUBLISHED)
    assert words in send(DAY_AFTER)[people.inbox].body


def test_the_html_has_a_main_landmark_and_one_heading(
    people: People, response_of: Callable[..., Response], send: Callable[[dt.date], dict[str, Any]]
) -> None:
    response_of(published_on=PUBLISHED, recommendations=1)
    html = html_of(send(DAY_AFTER)[people.inbox])
    assert html.count("<main>") == 1 and html.count("</main>") == 1
    assert len(re.findall(r"<h[1-6]\b", html)) == 1
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert heading is not None and "overdue" in heading.group(1)
    assert html.index("<main>") < html.index("<h1") < html.index("</main>")
    assert OutboxEmail.objects.filter(recipient=people.inbox).exists()


@pytest.mark.parametrize(
    ("kind", "explanation", "comments"),
    [
        (BodyKind.PCC, "The Commissioner&#x27;s explanation", "The Commissioner&#x27;s response to the report"),
        (BodyKind.MAYOR, "The Mayor&#x27;s explanation", "The Mayor&#x27;s response to the report"),
        (
            BodyKind.COMMON_COUNCIL,
            "The Common Council&#x27;s explanation",
            "The Common Council&#x27;s response to the report",
        ),
    ],
)
def test_the_staff_pages_name_the_body_by_its_kind(
    people: People, response_of: Callable[..., Response], client: Any, kind: str, explanation: str, comments: str
) -> None:
    from django.urls import reverse

    from accounts.models import Role
    from tests.factories import UserFactory

    people.body.kind = kind
    people.body.save()
    response = response_of(published_on=PUBLISHED, recommendations=1)
    client.force_login(UserFactory(body=people.body, role=Role.EDITOR))
    finding = response.finding_responses.get()
    assert explanation in client.get(reverse("finding_edit", args=[response.pk, finding.pk])).content.decode()
    assert comments in client.get(reverse("response_edit_comments", args=[response.pk])).content.decode()
    assert "body&#x27;s" not in client.get(reverse("response_edit_comments", args=[response.pk])).content.decode()
