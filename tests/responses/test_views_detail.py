"""The response page: the reference document's content in its order, the dates explained, the checklist, the
timeline read from the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from inspections.models import Finding, FindingKind, Grade, GradeValue
from responses import services
from responses.models import ChecklistStep, Response
from tests.factories import BodyFactory, ForceFactory, UserFactory, make_response

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def response(steps: Any) -> Response:
    body = BodyFactory(force=ForceFactory(name="Norfolk"))
    response = make_response(body=body, published_on=dt.date(2024, 9, 24), recommendations=1, afis=2)
    inspection = response.inspection
    inspection.key_findings = "Crime recording is outstanding.\n\nResponse times need to improve."
    inspection.save()
    Grade.objects.create(
        inspection=inspection, force=body.force, area="Recording data about crime", grade=GradeValue.OUTSTANDING
    )
    Finding.objects.create(inspection=inspection, kind=FindingKind.CAUSE_OF_CONCERN, number=1, text="A concern")
    services.response_sync_findings(response=response)
    response.cc_comments = "The chief constable welcomes the report."
    response.body_comments = "The commissioner's own comments."
    response.response_to_cc = "Thanks to the chief constable."
    response.save()
    return response


@pytest.fixture
def editor(response: Response) -> Any:
    return UserFactory(body=response.body, role=Role.EDITOR, first_name="Tom", last_name="Hayward")


def page(user: Any, response: Response) -> str:
    client = Client()
    client.force_login(user, backend=BACKEND)
    result = client.get(reverse("response_detail", args=[response.pk]))
    assert result.status_code == 200
    return result.content.decode()


def test_shows_the_reference_documents_content_in_its_order(response: Response, editor: Any) -> None:
    html = page(editor, response)
    order = [
        "Inspection title",
        "Published on",
        "Publication types",
        "Police forces",
        "Link to report",
        "Section 55 response deadline",
        "Key findings",
        "Crime recording is outstanding.",
        "<strong>Outstanding</strong> at recording data about crime",
        "Causes of concern",
        "Recommendations",
        "Recommendation 1",
        "Do thing 1",
        "Areas for improvement",
        "Area for improvement 2",
        "Chief constable&#x27;s response to the report",
        "The chief constable welcomes the report.",
        "Police and Crime Commissioner&#x27;s response to the report",
        "The commissioner&#x27;s own comments.",
        "Response to the chief constable's comments",
        "Thanks to the chief constable.",
        "For office use only",
        "What happened",
    ]
    start = html.index('id="inspection"')
    missing = [text for text in order if text not in html[start:]]
    assert not missing
    positions = [html.index(text, start) for text in order]
    assert positions == sorted(positions)


def test_shows_both_dates_and_how_each_was_worked_out(response: Response, editor: Any) -> None:
    html = page(editor, response)
    assert "Monday 18 November 2024" in html  # statutory last day: published + 55
    assert "Tuesday 19 November 2024" in html  # HMICFRS form deadline: published + 56
    assert "so day 56 is 24 September 2024 + 55 days = 18 November 2024" in html
    assert "As the HMICFRS form states: 24 September 2024 + 56 days = 19 November 2024" in html


def test_flags_an_unexplained_recommendation(response: Response, editor: Any) -> None:
    html = page(editor, response)
    assert "Explanation needed" in html
    assert "Missing: Recommendation 1." in html
    recommendation = response.finding_responses.get(finding__kind=FindingKind.RECOMMENDATION)
    assert reverse("finding_edit", args=[response.pk, recommendation.pk]) in html


def test_checklist_is_a_task_list_with_evidence(response: Response, editor: Any) -> None:
    services.checklist_tick(
        response=response,
        step=ChecklistStep.objects.get(key="forwarded_to_panel"),
        user=editor,
        done_on=dt.date(2024, 11, 1),
        evidence_reference="Sent to the scrutiny officer",
    )
    html = page(editor, response)
    checklist = html[html.index('id="checklist"') : html.index('id="timeline"')]
    assert checklist.count('<li class="govuk-task-list__item') == 5
    assert "Done on 1 November 2024 by Tom Hayward. Sent to the scrutiny officer" in checklist
    assert "1 of 4 required steps done" in checklist
    assert reverse("checklist_step", args=[response.pk, "forwarded_to_panel"]) in checklist


def test_timeline_reads_who_did_what_when_from_the_audit_trail(response: Response, editor: Any) -> None:
    client = Client()
    client.force_login(editor, backend=BACKEND)
    client.post(
        reverse("checklist_tick", args=[response.pk, "forwarded_to_chief_constable"]),
        {"version": response.version, "done_on": "2024-10-01", "evidence_reference": "Emailed the staff officer"},
    )
    response.refresh_from_db()
    client.post(
        reverse("response_edit_deadline", args=[response.pk]),
        {
            "version": response.version,
            "deadline": "2024-11-29",
            "after_statutory_confirmed": "on",
            "reason": "Agreed with HMICFRS",
        },
    )
    html = page(editor, response)
    timeline = html[html.index('id="timeline"') :]
    assert "Ticked: Response forwarded to the chief constable" in timeline
    assert "by Tom Hayward" in timeline
    assert "19 November 2024</span> → 29 November 2024" in timeline
    assert "Reason: Agreed with HMICFRS" in timeline
    assert "Response created" in timeline


def test_text_is_escaped_not_rendered_as_html(response: Response, editor: Any) -> None:
    response.body_comments = '<script>alert("x")</script>\nSecond line'
    response.save()
    html = page(editor, response)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>Second line" in html


def test_editor_sees_the_edit_links_and_publishing_buttons(response: Response, editor: Any) -> None:
    html = page(editor, response)
    for name in ("response_edit_comments", "response_edit_owner", "response_edit_deadline", "response_publish"):
        assert reverse(name, args=[response.pk]) in html, name
    assert "Mark ready to publish" in html


def test_an_open_response_page_takes_at_most_ten_queries_whatever_its_size(
    response: Response, editor: Any, django_assert_max_num_queries: Any
) -> None:
    """Open (so the publishing checks run), with an unexplained recommendation: still ten queries, and the same
    number with five times the findings and a longer timeline."""
    client = Client()
    client.force_login(editor, backend=BACKEND)
    url = reverse("response_detail", args=[response.pk])
    with django_assert_max_num_queries(10) as small:
        assert "Missing: Recommendation 1" in client.get(url).content.decode()
    for n in range(2, 11):
        Finding.objects.create(inspection=response.inspection, kind=FindingKind.RECOMMENDATION, number=n, text="Do")
    services.response_sync_findings(response=response)
    services.response_set_comments_due(
        response=response, comments_due=response.statutory_last_day - dt.timedelta(days=5)
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert "Recommendation 10" in client.get(url).content.decode()


def test_a_published_response_page_takes_at_most_ten_queries(
    response: Response, editor: Any, django_assert_max_num_queries: Any
) -> None:
    """Published, so the page compares the text with the published version and lists the covering letters: the
    report's publication types, its forces and the letters made come with the response's own row."""
    from tests.factories import approve

    for finding_response in response.finding_responses.select_related("finding"):
        if finding_response.finding.kind == FindingKind.RECOMMENDATION:
            services.finding_response_explain(finding_response=finding_response, explanation="We will.")
    approve(response)
    services.response_publish(response=response, published_on=dt.date(2024, 10, 1), user=editor)
    client = Client()
    client.force_login(editor, backend=BACKEND)
    with django_assert_max_num_queries(10):
        html = client.get(reverse("response_detail", args=[response.pk])).content.decode()
    assert "Norfolk" in html
