"""A response as a Word document: the published one (for the body's website and the HMICFRS monitoring portal) and
the staff's draft.

Rendered from a `snapshot.PublicDocument`, the same data as the public page (templates/published/document.html)
and in the same order, which follows the reference response: the inspection's facts, key findings, grades,
findings with the body's explanations, the chief constable's comments, the body's comments and its response to
them, the office-use steps that were done, and the signatory who approved it. A draft says "DRAFT — not published"
in its header, its footer and its first heading. The same document gives the same bytes: the package's dates are the
version's, not the clock's.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Pt

from responses import deadlines
from responses.snapshot import FindingSection, PublicDocument

DATE_FORMAT = "%-d %B %Y"
DRAFT_MARK = "DRAFT — not published"


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


def _add_findings(doc: DocxDocument, section: FindingSection) -> None:
    doc.add_heading(section.heading, level=2)
    if not section.items:
        doc.add_paragraph(section.none_text)
        return
    doc.add_paragraph(section.count_sentence)
    for finding in section.items:
        doc.add_heading(f"{finding.kind} {finding.number}", level=3)
        _add_text(doc, finding.text)
        if finding.explanation:
            doc.add_paragraph().add_run("Our response").bold = True
            _add_text(doc, finding.explanation)


def _mark_draft(doc: DocxDocument) -> None:
    section = doc.sections[0]
    for part in (section.header, section.footer):
        paragraph = part.paragraphs[0]
        paragraph.text = DRAFT_MARK
        paragraph.runs[0].bold = True


def _fixed_dates(data: bytes, moment: dt.datetime) -> bytes:
    """The package again with every entry dated `moment`: zip entries otherwise carry the second they were written."""
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def response_docx(document: PublicDocument, *, public_url: str = "", moment: dt.datetime | None = None) -> bytes:
    """The Word document of `document`, dated `moment` (the version's publication; a draft's is now)."""
    moment = moment or dt.datetime.now(dt.UTC)
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"  # type: ignore[attr-defined]
    normal.font.size = Pt(11)  # type: ignore[attr-defined]
    properties = doc.core_properties
    properties.title = f"{document.body}: response to {document.inspection_title}"
    properties.author = properties.last_modified_by = document.body
    properties.created = properties.modified = moment.replace(tzinfo=None)
    properties.revision = 1
    if document.draft:
        properties.title = f"{DRAFT_MARK}: {properties.title}"
        _mark_draft(doc)

    doc.add_heading(f"{DRAFT_MARK}: {document.title}" if document.draft else document.title, level=1)
    if document.updated_on:
        doc.add_paragraph(f"Updated on {document.updated_on.strftime(DATE_FORMAT)}: {document.update_reason}")
    doc.add_paragraph(document.intro)

    published = document.inspection_published_on
    _add_fact(doc, "Inspection title:", document.inspection_title)
    _add_fact(doc, "Published on:", published.strftime(DATE_FORMAT) if published else "Not recorded")
    _add_fact(doc, "Publication types:", ", ".join(document.publication_types) or "None recorded")
    _add_fact(doc, "Police forces:", ", ".join(document.forces) or "None recorded")
    _add_fact(doc, "Link to report:", document.report_url or "Not recorded")
    _add_fact(
        doc,
        "Section 55 response deadline:",
        document.deadline.strftime(DATE_FORMAT) if document.deadline else deadlines.NO_STATUTORY_DEADLINE,
    )

    doc.add_heading("Key findings", level=2)
    _add_text(doc, document.key_findings, empty="No key findings recorded.")
    if document.grades:
        doc.add_paragraph(document.grades_intro)
        for grade in document.grades:
            paragraph = doc.add_paragraph(style="List Bullet")
            paragraph.add_run(grade["grade"]).bold = True
            paragraph.add_run(f" {grade['area']}.")

    for section in document.shown_sections:
        _add_findings(doc, section)

    doc.add_heading(document.cc_heading, level=2)
    if document.cc_comments:
        _add_text(doc, document.cc_comments)
    elif document.cc_comments_not_received:
        doc.add_paragraph("The chief constable's comments were not received by the date set.")
    doc.add_heading(document.body_heading, level=2)
    _add_text(doc, document.body_comments)
    if document.response_to_cc:
        doc.add_heading("Response to the chief constable's comments", level=2)
        _add_text(doc, document.response_to_cc)

    if document.office_use:
        doc.add_heading("For office use only", level=2)
        for step in document.office_use:
            doc.add_paragraph(f"{step.label}: done {step.done_on.strftime(DATE_FORMAT)}.", style="List Bullet")

    if document.draft:
        doc.add_paragraph(f"{DRAFT_MARK}.")
    elif document.published_on:
        closing = f"Published on {document.published_on.strftime(DATE_FORMAT)}"
        doc.add_paragraph(f"{closing}{f' at {public_url}' if public_url else ''}.")
    if document.signatory_name and document.approved_on:
        # The document ends with who signed it off.
        doc.add_paragraph(f"Approved for publication on {document.approved_on.strftime(DATE_FORMAT)} by")
        doc.add_paragraph().add_run(document.signatory_name).bold = True
        doc.add_paragraph(document.signatory_title)

    buffer = io.BytesIO()
    doc.save(buffer)
    return _fixed_dates(buffer.getvalue(), moment)
