"""The PDF of a response, read back with pypdf: the public page's content in reading order, a tagged PDF with its
title and language, page numbers and the report's address written out; a draft marked on every page."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Role
from inspections.models import FindingKind
from responses import services
from responses.docx import DRAFT_MARK
from responses.models import ChecklistStep, Response
from tests.factories import BodyFactory, ForceFactory, UserFactory, approve, make_response

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def response(steps: Any) -> Response:
    body = BodyFactory(force=ForceFactory(name="Norfolk"), name="Norfolk Police and Crime Commissioner")
    response = make_response(
        body=body, published_on=dt.date(2024, 9, 24), recommendations=2, afis=1, title="PEEL 2023 to 2025"
    )
    inspection = response.inspection
    inspection.report_url = "https://hmicfrs.example/peel-norfolk"
    inspection.key_findings = "The force records crime well."
    inspection.save()
    services.response_update_comments(
        response=response,
        cc_comments="The chief constable welcomes the report.",
        body_comments="The commissioner will hold the force to account.",
        response_to_cc="",
    )
    for finding_response in response.finding_responses.all():
        services.finding_response_explain(
            finding_response=finding_response, explanation=f"Our action on {finding_response.finding}."
        )
    services.checklist_tick(
        response=Response.objects.get(pk=response.pk),
        step=ChecklistStep.objects.get(key="forwarded_to_chief_constable"),
        user=None,
        done_on=dt.date(2024, 11, 1),
    )
    approve(Response.objects.get(pk=response.pk))
    return services.response_publish(response=Response.objects.get(pk=response.pk), published_on=dt.date(2024, 11, 15))


def _reader(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_published_pdf_has_the_public_pages_content_in_reading_order(response: Response) -> None:
    download = Client().get(reverse("published_response_pdf", args=[response.slug]))
    assert download["Content-Type"] == "application/pdf"
    assert f'filename="{response.slug}.pdf"' in download["Content-Disposition"]
    text = _flat(_text(_reader(download.content)))
    order = [
        "Norfolk Police and Crime Commissioner's response to an inspection published by His Majesty's Inspectorate",
        "Inspection title PEEL 2023 to 2025",
        "Published on 24 September 2024",
        "Section 55 response deadline 19 November 2024",
        "Key findings The force records crime well.",
        "2 recommendations are made within the report, as follows:",
        "Recommendation 1 Do thing 1 Our response Our action on Recommendation 1.",
        "Recommendation 2 Do thing 2 Our response Our action on Recommendation 2.",
        "Area for improvement 1 AFI 1 Our response Our action on Area for improvement 1.",
        "The chief constable welcomes the report.",
        "The commissioner will hold the force to account.",
        "For office use only",
        "Response forwarded to the chief constable: done 1 November 2024.",
        "Published by Norfolk Police and Crime Commissioner on 15 November 2024.",
    ]
    positions = [text.index(line) for line in order]
    assert positions == sorted(positions)
    assert "Police and Crime Panel" not in text and "Home Secretary" not in text
    assert DRAFT_MARK not in text


def test_the_pdf_is_tagged_with_its_title_language_page_numbers_and_the_reports_address(response: Response) -> None:
    reader = _reader(Client().get(reverse("published_response_pdf", args=[response.slug])).content)
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert reader.metadata is not None
    assert reader.metadata.title == "PEEL 2023 to 2025: response by Norfolk Police and Crime Commissioner"
    assert reader.metadata.author == "Norfolk Police and Crime Commissioner"
    pages = len(reader.pages)
    assert f"Page 1 of {pages}" in reader.pages[0].extract_text()
    # The link's address written out after its text (a long address may wrap).
    assert "PEEL2023to2025(https://hmicfrs.example/peel-norfolk)" in re.sub(r"\s+", "", _text(reader))
    # The headings are the bookmarks: the title, and under it each section.
    title, sections = reader.outline[0], reader.outline[1]
    assert title.title.startswith("Norfolk Police and Crime Commissioner's response to an inspection")
    assert {"Key findings", "Recommendations", "Areas for improvement"} <= {
        item.title for item in sections if not isinstance(item, list)
    }


def test_the_published_pdf_stays_as_published_when_the_text_is_edited(response: Response) -> None:
    url = reverse("published_response_pdf", args=[response.slug])
    before = Client().get(url).content
    services.finding_response_explain(
        finding_response=response.finding_responses.get(finding__kind=FindingKind.RECOMMENDATION, finding__number=1),
        explanation="A different plan.",
    )
    after = Client().get(url).content
    assert after == before
    assert "A different plan." not in _text(_reader(after))


def test_a_draft_pdf_says_draft_on_every_page_and_in_its_title_and_file_name(response: Response) -> None:
    client = Client()
    client.force_login(UserFactory(body=response.body, role=Role.VIEWER), backend=BACKEND)
    draft = make_response(body=response.body, recommendations=1, title="A draft inspection")
    download = client.get(reverse("response_pdf", args=[draft.pk]))
    assert download.status_code == 200
    assert f'filename="response-{draft.pk}-draft.pdf"' in download["Content-Disposition"]
    reader = _reader(download.content)
    for page in reader.pages:
        assert page.extract_text().count(DRAFT_MARK) >= 2  # the top and the foot of the page
    assert reader.metadata is not None and reader.metadata.title.startswith(f"{DRAFT_MARK}: A draft inspection")
    assert f"{DRAFT_MARK}: Norfolk Police and Crime Commissioner's response" in _flat(_text(reader))


def test_another_bodys_draft_pdf_is_404(response: Response) -> None:
    client = Client()
    client.force_login(UserFactory(role=Role.EDITOR), backend=BACKEND)
    assert client.get(reverse("response_pdf", args=[response.pk])).status_code == 404
