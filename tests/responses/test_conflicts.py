"""Conflicts are per part: a save is refused only when the part it edits (that finding's explanation, the comments,
the dates, one checklist step) changed after the form was loaded, and the refusal names who saved it and when."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEntry
from core.dates import long_date
from inspections.models import FindingKind
from responses import services
from responses.models import ChecklistStep, FindingResponse, Response
from tests.factories import BodyFactory, ForceFactory, UserFactory, make_response

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def response(steps: Any) -> Response:
    body = BodyFactory(force=ForceFactory(name="Norfolk"))
    return make_response(body=body, published_on=dt.date(2024, 9, 24), recommendations=2)


def signed_in(response: Response, first: str, last: str) -> Client:
    client = Client()
    user = UserFactory(body=response.body, role=Role.EDITOR, first_name=first, last_name=last)
    client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def ann(response: Response) -> Client:
    return signed_in(response, "Ann", "Clerk")


@pytest.fixture
def tom(response: Response) -> Client:
    return signed_in(response, "Tom", "Hayward")


def recommendation(response: Response, number: int) -> FindingResponse:
    return response.finding_responses.get(finding__kind=FindingKind.RECOMMENDATION, finding__number=number)


def hidden(html: str, form_start: str = "") -> dict[str, str]:
    """The hidden version and part state of the first form after `form_start` on the page."""
    html = html[html.index(form_start) :] if form_start else html
    found = dict(re.findall(r'<input type="hidden" name="([\w-]+)" id="[^"]*" value="([^"]*)"', html))
    return {name: value for name, value in found.items() if name.endswith(("version", "part_state"))}


def load_finding(client: Client, response: Response, finding: FindingResponse) -> tuple[str, dict[str, str]]:
    url = reverse("finding_edit", args=[response.pk, finding.pk])
    return url, hidden(client.get(url).content.decode())


def explanation_of(finding: FindingResponse) -> str:
    return FindingResponse.objects.get(pk=finding.pk).explanation


def test_conflict_on_another_finding_is_not_a_conflict(response: Response, ann: Client, tom: Client) -> None:
    one, two = recommendation(response, 1), recommendation(response, 2)
    url_one, loaded_one = load_finding(ann, response, one)
    url_two, loaded_two = load_finding(tom, response, two)
    assert loaded_one["part_state"] and loaded_one["version"] == loaded_two["version"]

    assert tom.post(url_two, {**loaded_two, "explanation": "Tom's explanation"}).status_code == 302
    saved = ann.post(url_one, {**loaded_one, "explanation": "Ann's explanation"}, follow=True)

    assert [str(m) for m in saved.context["messages"]] == ["Explanation of Recommendation 1 saved."]
    assert explanation_of(one) == "Ann's explanation"
    assert explanation_of(two) == "Tom's explanation"


def test_conflict_names_who_saved(response: Response, ann: Client, tom: Client) -> None:
    one = recommendation(response, 1)
    url, loaded = load_finding(ann, response, one)
    _, loaded_by_tom = load_finding(tom, response, one)
    assert tom.post(url, {**loaded_by_tom, "explanation": "Tom's explanation"}).status_code == 302
    saved_at = timezone.localtime(AuditEntry.objects.filter(object_pk=str(one.pk)).latest("timestamp").timestamp)

    refused = ann.post(url, {**loaded, "explanation": "Ann's explanation"})
    html = refused.content.decode()

    assert refused.status_code == 200
    when = f"{saved_at:%H:%M} on {long_date(saved_at.date())}"
    assert f"Tom Hayward changed the explanation of Recommendation 1 at {when}." in html
    assert "Ann&#x27;s explanation" in html  # what she typed is kept
    assert explanation_of(one) == "Tom's explanation"
    # The page now carries the current version and part: saving again, having checked, succeeds.
    again = ann.post(url, {**hidden(html, "<form"), "explanation": "Ann's explanation"})
    assert again.status_code == 302
    assert explanation_of(one) == "Ann's explanation"


def test_a_ticked_step_does_not_stale_the_comments(response: Response, ann: Client, tom: Client) -> None:
    comments_url = reverse("response_edit_comments", args=[response.pk])
    loaded = hidden(ann.get(comments_url).content.decode(), "<form")
    step = ChecklistStep.objects.get(key="forwarded_to_chief_constable")
    step_url = reverse("checklist_step", args=[response.pk, step.key])
    tick = hidden(
        tom.get(step_url).content.decode(), 'action="' + reverse("checklist_tick", args=[response.pk, step.key])
    )
    today = timezone.localdate()
    ticked = tom.post(
        reverse("checklist_tick", args=[response.pk, step.key]),
        {
            **tick,
            "done_on-day": today.day,
            "done_on-month": today.month,
            "done_on-year": today.year,
            "evidence_reference": "Emailed to the chief's office",
        },
    )
    assert ticked.status_code == 302

    saved = ann.post(comments_url, {**loaded, "body_comments": "The commissioner welcomes the report."})

    assert saved.status_code == 302
    assert Response.objects.get(pk=response.pk).body_comments == "The commissioner welcomes the report."


def test_the_same_step_ticked_meanwhile_is_a_conflict(response: Response, ann: Client, tom: Client) -> None:
    step = ChecklistStep.objects.get(key="forwarded_to_panel")
    tick_url = reverse("checklist_tick", args=[response.pk, step.key])
    page = reverse("checklist_step", args=[response.pk, step.key])
    ann_form = hidden(ann.get(page).content.decode(), 'action="' + tick_url)
    tom_form = hidden(tom.get(page).content.decode(), 'action="' + tick_url)
    data = {"done_on-day": "1", "done_on-month": "10", "done_on-year": "2024"}
    assert tom.post(tick_url, {**tom_form, **data, "evidence_reference": "Tom's email"}).status_code == 302

    refused = ann.post(tick_url, {**ann_form, **data, "evidence_reference": "Ann's email"})

    assert refused.status_code == 200
    assert "Tom Hayward changed the step “Response forwarded to the Police and Crime Panel”" in refused.content.decode()
    assert response.checklist_items.get(step=step).evidence_reference == "Tom's email"


def test_the_dates_are_one_part(response: Response, ann: Client, tom: Client) -> None:
    due_url = reverse("response_edit_comments_due", args=[response.pk])
    loaded = hidden(ann.get(due_url).content.decode(), "<form")
    services.response_set_comments_due(response=response, comments_due=dt.date(2024, 10, 20))

    refused = ann.post(
        due_url, {**loaded, "comments_due-day": "25", "comments_due-month": "10", "comments_due-year": "2024"}
    )

    assert refused.status_code == 200
    assert "changed the dates" in refused.content.decode()
    assert Response.objects.get(pk=response.pk).comments_due == dt.date(2024, 10, 20)


def test_a_form_without_its_part_is_refused_on_any_change(response: Response, ann: Client) -> None:
    """A post that carries only the version (a script, a page loaded before parts existed) keeps the old rule."""
    one, two = recommendation(response, 1), recommendation(response, 2)
    version = response.version
    services.finding_response_explain(finding_response=two, explanation="Meanwhile")
    url = reverse("finding_edit", args=[response.pk, one.pk])
    refused = ann.post(url, {"version": version, "explanation": "Ann's explanation"})
    assert refused.status_code == 200
    assert "Someone else saved a change to this response while you were editing it" in refused.content.decode()
    assert explanation_of(one) == ""


def test_the_service_refuses_a_stale_part_and_allows_a_fresh_one(response: Response) -> None:
    one, two = recommendation(response, 1), recommendation(response, 2)
    version = response.version
    state_one = services_part_state(one)
    services.finding_response_explain(finding_response=one, explanation="First")
    with pytest.raises(services.EditConflict) as conflict:
        services.finding_response_explain(
            finding_response=one, explanation="Second", expected_version=version, expected_part=state_one
        )
    assert conflict.value.what == "the explanation of Recommendation 1"
    assert conflict.value.who == "the system" or conflict.value.who
    services.finding_response_explain(
        finding_response=two, explanation="Other", expected_version=version, expected_part=services_part_state(two)
    )
    assert explanation_of(two) == "Other"


def services_part_state(finding: FindingResponse) -> str:
    from responses.services._base import part_explanation

    return part_explanation(finding).state()
