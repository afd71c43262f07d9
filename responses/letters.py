"""The s55(6) covering letters: the copies of a published response that go to HMICFRS and to the Home Secretary.

A letter says the date, the addressee block (settings.S55_LETTER_ADDRESSEES), the response's title, where it is
published, and who signed the response off (the signatory of its latest published version). It is made as a Word
document (python-docx) and a PDF (WeasyPrint, tagged, like the response's own PDF), both from one `LetterText`, and
kept as made on a `CoveringLetter` row: the office-use step it is evidence for links the very letter that went.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from docx import Document
from docx.shared import Pt

from responses.docx import _fixed_dates
from responses.models import LetterRecipient, PublishedVersion, Response
from responses.pdf import html_to_pdf
from responses.snapshot import PublicDocument

DATE_FORMAT = "%-d %B %Y"

SALUTATIONS = {
    LetterRecipient.HMICFRS: "Dear Chief Inspector",
    LetterRecipient.HOME_SECRETARY: "Dear Home Secretary",
}


@dataclass(frozen=True)
class LetterText:
    """Everything a covering letter says, in its order."""

    body: str
    letter_date: dt.date
    addressee: list[str]
    salutation: str
    subject: str
    paragraphs: list[str]
    signatory_name: str
    signatory_title: str

    @property
    def title(self) -> str:
        return f"{self.body}: {self.subject}"


def addressee_block(recipient: str) -> list[str]:
    lines = settings.S55_LETTER_ADDRESSEES.get(recipient) or [LetterRecipient(recipient).label]
    return [line.strip() for line in lines if line.strip()]


def letter_text(
    *,
    response: Response,
    version: PublishedVersion,
    pub: PublicDocument,
    recipient: str,
    letter_date: dt.date,
    public_url: str,
) -> LetterText:
    """The letter to `recipient` sending `version` of `response` (`pub`, as the public reads it), dated
    `letter_date`; `public_url` is where it is published (the body's own page, if recorded, comes first)."""
    where = response.published_url or public_url
    published_on = pub.published_on or response.published_on
    report_on = pub.inspection_published_on
    paragraphs = [
        (
            f"Section 55 of the Police Act 1996 requires {pub.body} to publish its comments on the HMICFRS report "
            f"“{pub.inspection_title}”"
            + (f", published on {report_on.strftime(DATE_FORMAT)}" if report_on else "")
            + ", the chief constable's comments, and its response to them, and to send a copy to "
            + ("His Majesty's Chief Inspector of Constabulary" if recipient == LetterRecipient.HMICFRS else "you")
            + " (section 55(6))."
        ),
        (
            f"I enclose a copy of that response. It was published on "
            f"{published_on.strftime(DATE_FORMAT) if published_on else 'the date shown in it'}"
            f"{f' at {where}' if where else ''}."
        ),
    ]
    if version.is_correction:
        paragraphs.append(
            f"This is version {version.number} of the response, updated on "
            f"{version.published_on.strftime(DATE_FORMAT)}: {version.reason}"
        )
    if public_url and public_url != where:
        paragraphs.append(f"The response, with every earlier version, is also at {public_url}.")
    paragraphs.append("Yours sincerely,")
    return LetterText(
        body=pub.body,
        letter_date=letter_date,
        addressee=addressee_block(recipient),
        salutation=SALUTATIONS[LetterRecipient(recipient)],
        subject=f"Section 55 response to {pub.inspection_title}",
        paragraphs=paragraphs,
        signatory_name=pub.signatory_name,
        signatory_title=pub.signatory_title,
    )


def _moment(letter: LetterText) -> dt.datetime:
    return dt.datetime.combine(letter.letter_date, dt.time(9, 0), tzinfo=dt.UTC)


def letter_docx(letter: LetterText) -> bytes:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"  # type: ignore[attr-defined]
    normal.font.size = Pt(11)  # type: ignore[attr-defined]
    properties = doc.core_properties
    properties.title = letter.title
    properties.author = properties.last_modified_by = letter.body
    properties.created = properties.modified = _moment(letter).replace(tzinfo=None)
    properties.revision = 1
    doc.add_paragraph(letter.body).runs[0].bold = True
    doc.add_paragraph(letter.letter_date.strftime(DATE_FORMAT))
    address = doc.add_paragraph()
    for i, line in enumerate(letter.addressee):
        run = address.add_run(line)
        if i < len(letter.addressee) - 1:
            run.add_break()
    doc.add_paragraph(f"{letter.salutation},")
    doc.add_heading(letter.subject, level=1)
    for paragraph in letter.paragraphs:
        doc.add_paragraph(paragraph)
    doc.add_paragraph().add_run(letter.signatory_name).bold = True
    doc.add_paragraph(letter.signatory_title)
    buffer = io.BytesIO()
    doc.save(buffer)
    return _fixed_dates(buffer.getvalue(), _moment(letter))


def letter_pdf(letter: LetterText) -> bytes:
    html = render_to_string("published/letter_pdf.html", {"letter": letter, "moment": _moment(letter)})
    return html_to_pdf(html, moment=_moment(letter))
