"""A published response as a Word document (for the body's website and the HMICFRS monitoring portal).

Same content and order as the public page (templates/published/response.html), which follows the reference
response: the inspection's facts, key findings, grades, findings with the body's explanations, the chief
constable's comments, the body's comments and its response to them, and the office-use checklist.
"""

from __future__ import annotations

import io
import re

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Pt

from responses import deadlines
from responses.models import FindingResponse
from responses.selectors import ResponseDocument, grade_phrase

DATE_FORMAT = "%-d %B %Y"


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if part.strip()]


def _add_text(doc: DocxDocument, text: str, *, empty: str = "") -> None:
    """Blank lines separate paragraphs; a single line break stays a line break, as on the web page."""
    parts = _paragraphs(text)
    if not parts and empty:
        doc.add_paragraph(empty).runs[0].italic = True
    for part in parts:
        paragraph = doc.add_paragraph()
        lines = part.split("\n")
        for i, line in enumerate(lines):
            run = paragraph.add_run(line.strip())
            if i < len(lines) - 1:
                run.add_break()


def _add_fact(doc: DocxDocument, label: str, value: str) -> None:
    doc.add_paragraph().add_run(label).bold = True
    doc.add_paragraph(value)


def _add_findings(doc: DocxDocument, heading: str, items: list[FindingResponse], none_text: str) -> None:
    doc.add_heading(heading, level=2)
    if not items:
        doc.add_paragraph(none_text)
        return
    count = len(items)
    noun = f"{items[0].finding.get_kind_display().lower()} is" if count == 1 else f"{heading.lower()} are"
    doc.add_paragraph(f"{count} {noun} made within the report, as follows:")
    for finding_response in items:
        finding = finding_response.finding
        doc.add_heading(f"{finding.get_kind_display()} {finding.number}", level=3)
        _add_text(doc, finding.text)
        if finding_response.explanation.strip():
            doc.add_paragraph().add_run("Our response").bold = True
            _add_text(doc, finding_response.explanation)


def response_docx(document: ResponseDocument, *, public_url: str = "") -> bytes:
    response = document.response
    inspection = response.inspection
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"  # type: ignore[attr-defined]
    normal.font.size = Pt(11)  # type: ignore[attr-defined]
    doc.core_properties.title = f"{response.body.name}: response to {inspection.title}"
    doc.core_properties.author = response.body.name

    doc.add_heading(document.title, level=1)
    doc.add_paragraph(document.intro)

    _add_fact(doc, "Inspection title:", inspection.title)
    _add_fact(doc, "Published on:", inspection.published_on.strftime(DATE_FORMAT))
    _add_fact(doc, "Publication types:", ", ".join(document.publication_types) or "None recorded")
    _add_fact(doc, "Police forces:", ", ".join(document.forces) or "None recorded")
    _add_fact(doc, "Link to report:", inspection.report_url or "Not recorded")
    _add_fact(
        doc,
        "Section 55 response deadline:",
        response.deadline.strftime(DATE_FORMAT) if response.deadline else deadlines.NO_STATUTORY_DEADLINE,
    )

    doc.add_heading("Key findings", level=2)
    _add_text(doc, inspection.key_findings, empty="No key findings recorded.")
    if document.grades:
        doc.add_paragraph(document.grades_intro)
        for grade in document.grades:
            value, area = grade_phrase(grade)
            paragraph = doc.add_paragraph(style="List Bullet")
            paragraph.add_run(value).bold = True
            paragraph.add_run(f" {area}.")

    if document.causes_of_concern:
        _add_findings(doc, "Causes of concern", document.causes_of_concern, "")
    _add_findings(doc, "Recommendations", document.recommendations, "There are no recommendations made.")
    _add_findings(
        doc, "Areas for improvement", document.areas_for_improvement, "There are no areas for improvement made."
    )

    doc.add_heading(document.cc_heading, level=2)
    if response.cc_comments.strip():
        _add_text(doc, response.cc_comments)
    elif response.cc_comments_not_received:
        doc.add_paragraph("The chief constable's comments were not received by the date set.")
    doc.add_heading(document.body_heading, level=2)
    _add_text(doc, response.body_comments)
    if response.response_to_cc.strip():
        doc.add_heading("Response to the chief constable's comments", level=2)
        _add_text(doc, response.response_to_cc)

    doc.add_heading("For office use only", level=2)
    for row in document.checklist:
        done = (
            f": done {row.item.done_on.strftime(DATE_FORMAT)}" if row.is_done and row.item and row.item.done_on else ""
        )
        doc.add_paragraph(f"{row.step.label}{done}.", style="List Bullet")

    if response.published_on:
        closing = f"Published on {response.published_on.strftime(DATE_FORMAT)}"
        doc.add_paragraph(f"{closing}{f' at {public_url}' if public_url else ''}.")

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
