"""The Word document of a response, read back with python-docx: the reference's content in the reference's order;
only the office-use steps that were done; a draft marked as one."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from docx import Document

from inspections.models import FindingKind, Grade, GradeValue
from responses import selectors, services
from responses.docx import DRAFT_MARK, response_docx
from responses.models import ChecklistStep, Response
from tests.factories import BodyFactory, ForceFactory, approve, make_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def response(steps: Any) -> Response:
    body = BodyFactory(force=ForceFactory(name="Norfolk"), name="Norfolk Police and Crime Commissioner")
    response = make_response(
        body=body, published_on=dt.date(2024, 9, 24), recommendations=1, afis=2, title="PEEL 2023 to 2025"
    )
    inspection = response.inspection
    inspection.key_findings = "First paragraph.\n\nSecond paragraph,\nwith a line break."
    inspection.report_url = "https://hmicfrs.example/peel-norfolk"
    inspection.save()
    Grade.objects.create(
        inspection=inspection, force=body.force, area="Recording data about crime", grade=GradeValue.OUTSTANDING
    )
    for finding_response in response.finding_responses.all():
        finding_response.explanation = f"Explanation of {finding_response.finding}"
        finding_response.save()
    response.cc_comments = "The chief constable's first paragraph.\n\nAnd a second."
    response.body_comments = "The commissioner's comments."
    response.response_to_cc = "Thanks."
    response.save()
    services.checklist_tick(
        response=response,
        step=ChecklistStep.objects.get(key="forwarded_to_chief_constable"),
        user=None,
        done_on=dt.date(2024, 11, 1),
    )
    approve(response)
    return services.response_publish(response=response, published_on=dt.date(2024, 11, 15))


def read(response: Response, *, draft: bool = False) -> Any:
    """The published Word document (its latest version), or with `draft` the working text's."""
    document = selectors.response_document(response)
    if draft:
        data = response_docx(selectors.draft_document(document))
    else:
        version = selectors.published_version(response=response)
        public = selectors.public_document(version, document=document)
        data = response_docx(public, public_url="https://s55.example/published/x/", moment=version.published_at)
    return Document(io.BytesIO(data))


def test_paragraphs_follow_the_reference_order(response: Response) -> None:
    text = [p.text for p in read(response).paragraphs]
    expected = [
        "Norfolk Police and Crime Commissioner's response to an inspection published by His Majesty's Inspectorate "
        "of Constabulary and Fire & Rescue Services (HMICFRS)",
        "Inspection title:",
        "PEEL 2023 to 2025",
        "Published on:",
        "24 September 2024",
        "Publication types:",
        "PEEL",
        "Police forces:",
        "Norfolk",
        "Link to report:",
        "https://hmicfrs.example/peel-norfolk",
        "Section 55 response deadline:",
        "19 November 2024",
        "Key findings",
        "First paragraph.",
        "Second paragraph,\nwith a line break.",
        "HMICFRS graded Norfolk as follows:",
        "Outstanding at recording data about crime.",
        "Recommendations",
        "1 recommendation is made within the report, as follows:",
        "Recommendation 1",
        "Do thing 1",
        "Our response",
        "Explanation of Recommendation 1",
        "Areas for improvement",
        "2 areas for improvement are made within the report, as follows:",
        "Area for improvement 1",
        "AFI 1",
        "Our response",
        "Explanation of Area for improvement 1",
        "Area for improvement 2",
        "Chief constable's response to the report and any recommendations or areas for improvement",
        "The chief constable's first paragraph.",
        "And a second.",
        "Norfolk Police and Crime Commissioner's response to the report and any recommendations or areas for "
        "improvement",
        "The commissioner's comments.",
        "Response to the chief constable's comments",
        "Thanks.",
        "For office use only",
        "Response forwarded to the chief constable: done 1 November 2024.",
        "Published on 15 November 2024 at https://s55.example/published/x/.",
    ]
    position = -1
    for line in expected:
        assert line in text[position + 1 :], f"{line!r} missing or out of order"
        position = text.index(line, position + 1)
    assert not any(DRAFT_MARK in line for line in text)


def test_only_the_office_use_steps_that_were_done_are_listed_with_their_dates(response: Response) -> None:
    text = "\n".join(p.text for p in read(response).paragraphs)
    assert "Response forwarded to the chief constable: done 1 November 2024." in text
    for undone in ("Police and Crime Panel", "published on the OPCC website", "monitoring portal", "Home Secretary"):
        assert undone not in text


def test_without_any_step_done_there_is_no_office_use_section(steps: Any) -> None:
    text = [p.text for p in read(make_response(afis=1), draft=True).paragraphs]
    assert "For office use only" not in text


def test_a_draft_says_draft_in_its_header_footer_and_first_heading(response: Response) -> None:
    doc = read(response, draft=True)
    section = doc.sections[0]
    assert [p.text for p in section.header.paragraphs] == [DRAFT_MARK]
    assert [p.text for p in section.footer.paragraphs] == [DRAFT_MARK]
    first_heading = next(p for p in doc.paragraphs if p.style.name == "Heading 1")
    assert first_heading.text.startswith(f"{DRAFT_MARK}: Norfolk Police and Crime Commissioner's response")
    assert doc.core_properties.title.startswith(DRAFT_MARK)
    assert not any(p.text.startswith("Published on 15 November 2024") for p in doc.paragraphs)


def test_the_published_document_has_no_draft_marking(response: Response) -> None:
    doc = read(response)
    section = doc.sections[0]
    assert all(DRAFT_MARK not in p.text for p in (*section.header.paragraphs, *section.footer.paragraphs))
    assert not doc.core_properties.title.startswith(DRAFT_MARK)


def test_headings_and_bold_grades_are_styled(response: Response) -> None:
    doc = read(response)
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0][0] == "Heading 1"
    assert ("Heading 2", "Recommendations") in headings
    assert ("Heading 3", "Area for improvement 2") in headings
    grade = next(p for p in doc.paragraphs if p.text.startswith("Outstanding at"))
    assert grade.style.name == "List Bullet"
    assert grade.runs[0].bold and grade.runs[0].text == "Outstanding"
    assert doc.core_properties.title == "Norfolk Police and Crime Commissioner: response to PEEL 2023 to 2025"


def test_no_recommendations_says_so_like_the_reference(steps: Any) -> None:
    response = make_response(afis=1)
    text = [p.text for p in read(response, draft=True).paragraphs]
    assert "There are no recommendations made." in text


def test_comments_not_received_are_stated(response: Response) -> None:
    response.cc_comments = ""
    response.cc_comments_not_received = True
    response.save()
    text = [p.text for p in read(response, draft=True).paragraphs]
    assert "The chief constable's comments were not received by the date set." in text


def test_control_characters_and_markup_are_kept_as_plain_text(response: Response) -> None:
    finding_response = response.finding_responses.get(finding__kind=FindingKind.RECOMMENDATION)
    finding_response.explanation = "<b>Not bold</b> & =SUM(A1)"
    finding_response.save()
    text = [p.text for p in read(response, draft=True).paragraphs]
    assert "<b>Not bold</b> & =SUM(A1)" in text
