"""Publishing: the s55 checks gate "ready" and "publish", each failure named; publishing makes a public page and a
Word document; drafts stay private."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from accounts.models import Role
from inspections.models import FindingKind
from responses import services
from responses.models import ChecklistStep, Response, Status
from tests.factories import BodyFactory, ForceFactory, UserFactory, approve, make_response

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def response(steps: Any) -> Response:
    body = BodyFactory(force=ForceFactory(name="Norfolk"))
    published = timezone.localdate() - dt.timedelta(days=60)
    return make_response(body=body, published_on=published, recommendations=2, afis=1, title="Child protection")


@pytest.fixture
def client(response: Response) -> Client:
    client = Client()
    client.force_login(UserFactory(body=response.body, role=Role.EDITOR), backend=BACKEND)
    return client


def make_publishable(response: Response) -> Response:
    for finding_response in response.finding_responses.filter(finding__kind=FindingKind.RECOMMENDATION):
        finding_response.explanation = f"Action on {finding_response.finding}"
        finding_response.save()
    response.cc_comments = "The chief constable accepts the recommendations."
    response.body_comments = "The commissioner welcomes the report."
    response.save()
    return approve(Response.objects.get(pk=response.pk))


def test_mark_ready_lists_each_failed_check_in_an_error_summary(client: Client, response: Response) -> None:
    result = client.post(reverse("response_mark_ready", args=[response.pk]), {"version": response.version})
    html = result.content.decode()
    assert result.status_code == 200
    summary = html[html.index("govuk-error-summary") : html.index("</ul>", html.index("govuk-error-summary"))]
    assert "Missing: Recommendation 1, Recommendation 2." in summary
    assert "Record the chief constable&#x27;s comments" in summary
    assert "Add the Commissioner&#x27;s own comments on the report (s55(5))." in summary
    assert 'href="#publishing"' in summary
    assert Response.objects.get(pk=response.pk).ready_at is None


def test_mark_ready_when_every_check_passes(client: Client, response: Response) -> None:
    response = make_publishable(response)
    result = client.post(reverse("response_mark_ready", args=[response.pk]), {"version": response.version}, follow=True)
    assert [str(m) for m in result.context["messages"]] == ["Marked ready to publish: every check passed."]
    assert Response.objects.get(pk=response.pk).status == Status.READY
    assert "No longer ready to publish" in result.content.decode()
    version = Response.objects.get(pk=response.pk).version
    back = client.post(reverse("response_unmark_ready", args=[response.pk]), {"version": version})
    assert back.status_code == 302
    assert Response.objects.get(pk=response.pk).ready_at is None


def test_publishing_with_an_unexplained_recommendation_names_it(client: Client, response: Response) -> None:
    response = make_publishable(response)
    finding = response.finding_responses.get(finding__kind=FindingKind.RECOMMENDATION, finding__number=2)
    finding.explanation = ""
    finding.save()
    today = timezone.localdate().isoformat()
    html = client.post(
        reverse("response_publish", args=[response.pk]), {"version": response.version, "published_on": today}
    ).content.decode()
    assert "Missing: Recommendation 2." in html
    assert "govuk-error-summary" in html
    assert Response.objects.get(pk=response.pk).published_on is None


def test_publishing_makes_a_public_page_and_a_word_document(client: Client, response: Response) -> None:
    response = make_publishable(response)
    today = timezone.localdate()
    result = client.post(
        reverse("response_publish", args=[response.pk]),
        {
            "version": response.version,
            "published_on": today.isoformat(),
            "published_url": "",
            "late_reason": "Comments arrived late.",
        },
        follow=True,
    )
    assert [str(m) for m in result.context["messages"]] == [
        f"Published on {today:%-d %B %Y}. The public page, the Word document and the PDF are ready."
    ]
    published = Response.objects.get(pk=response.pk)
    assert published.status == Status.PUBLISHED and published.slug

    public = Client()  # signed out
    page = public.get(reverse("published_response", args=[published.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Child protection" in html and "Action on Recommendation 2" in html
    assert "The commissioner welcomes the report." in html

    download = public.get(reverse("published_response_docx", args=[published.slug]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert f'filename="{published.slug}.docx"' in download["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(download.content)).paragraphs)
    assert "Action on Recommendation 1" in text


def test_publication_date_cannot_be_in_the_future_or_before_the_report(client: Client, response: Response) -> None:
    response = make_publishable(response)
    url = reverse("response_publish", args=[response.pk])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert b"cannot be in the future" in client.post(url, {"version": 1, "published_on": tomorrow}).content
    before = response.inspection.published_on - dt.timedelta(days=1)
    html = client.post(url, {"version": response.version, "published_on": before}).content
    assert b"cannot be published before the report" in html
    assert Response.objects.get(pk=response.pk).published_on is None


def test_drafts_have_no_public_page(response: Response) -> None:
    response = make_publishable(response)
    Response.objects.filter(pk=response.pk).update(slug="a-draft")
    public = Client()
    assert public.get(reverse("published_response", args=["a-draft"])).status_code == 404
    assert public.get(reverse("published_response_docx", args=["a-draft"])).status_code == 404
    assert public.get(reverse("published_response", args=["nothing-here"])).status_code == 404


def test_staff_can_download_a_draft_as_a_word_document(client: Client, response: Response) -> None:
    download = client.get(reverse("response_docx", args=[response.pk]))
    assert download.status_code == 200
    assert f'filename="response-{response.pk}-draft.docx"' in download["Content-Disposition"]


def test_public_page_is_laid_out_like_the_reference(client: Client, response: Response) -> None:
    response = make_publishable(response)
    client.post(
        reverse("response_publish", args=[response.pk]),
        {"version": response.version, "published_on": timezone.localdate().isoformat(), "late_reason": "Late."},
    )
    services.checklist_tick(
        response=Response.objects.get(pk=response.pk),
        step=ChecklistStep.objects.get(key="forwarded_to_chief_constable"),
        user=None,
        done_on=timezone.localdate(),
    )
    slug = Response.objects.get(pk=response.pk).slug
    html = Client().get(reverse("published_response", args=[slug])).content.decode()
    order = [
        "Section 55 of the Police Act 1996",
        "Inspection title",
        "Published on",
        "Publication types",
        "Police forces",
        "Link to report",
        "Section 55 response deadline",
        "Key findings",
        "Recommendations",
        "2 recommendations are made within the report, as follows:",
        "Areas for improvement",
        "Chief constable&#x27;s response",
        "Police and Crime Commissioner&#x27;s response to the report",
        "For office use only",
        "Response forwarded to the chief constable",
    ]
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions)
    assert "Police and Crime Panel" not in html and "Home Secretary" not in html  # steps not done are not stated
    # A public page: no staff navigation, no edit links, the body's name in the header.
    assert "Sign out" not in html and "/responses/" not in html
    assert 'class="app-header__body-name">Norfolk OPCC<' in html
