"""Read a report's findings and graded judgments from its text: the PDF's, or text pasted from it.

The inspectorate numbers its findings under headings of their own — "Recommendation 2", "Area for improvement 1",
"Cause of concern" (often unnumbered) — with the finding's text after the heading, on the same line after a colon or
in the lines that follow. PEEL reports state each graded judgment as a line of its own: "Requires improvement at
responding to the public". `read_report` finds both; it never invents a finding, and what it finds is a proposal:
the staff page shows it to be checked before anything is saved. A judgment is read from a list of them (two or
more such lines together), so a sentence of prose that happens to begin "Good at …" is not taken for one.

A finding's text runs from its heading to the end of the paragraph that finishes a sentence, so a finding split
across a page break (or a column) is read whole, and a recommendation's list ("chief constables should: • …; • ….")
is kept with it. It stops early at the next finding's heading.

PDFs are read by pdfminer.six, whose layout analysis reads a two-column page column by column. A page's furniture
— its number, a running header or footer repeated on most pages — is dropped before the findings are read, so it
never ends up inside a finding split across pages.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any

from inspections.models import FindingKind, GradeValue

_KINDS = {
    "recommendation": FindingKind.RECOMMENDATION,
    "area for improvement": FindingKind.AREA_FOR_IMPROVEMENT,
    "cause of concern": FindingKind.CAUSE_OF_CONCERN,
}
# A finding's heading: capitalised, the kind in the singular, a number (a cause of concern may have none), then the
# end of the line or a separator and the text. "Recommendations" (a section) and "recommendation 2 was…" (prose) are
# not headings.
_HEADING = re.compile(
    r"^(?P<kind>Recommendation|Area\s+for\s+improvement|Cause\s+of\s+concern)"
    r"(?:\s+(?P<number>\d{1,3}))?"
    r"(?:\s*$|\s*[:.–—-]\s*(?P<rest>.*)$)",
    re.IGNORECASE,
)
_GRADES = {value.label.casefold(): value.value for value in GradeValue}
_GRADE_LINE = re.compile(
    r"^(?:[-•*–]\s+)?(?:\*\*)?(?P<grade>Outstanding|Good|Adequate|Requires\s+improvement|Inadequate)(?:\*\*)?"
    r"(?:\s+(?:at|in|with|for)\s+|\s*:\s*)(?P<area>\S.{2,150}?)\s*\.?$",
    re.IGNORECASE,
)
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
_BULLET = re.compile(r"^[•▪◦·*-]\s*")
_ENDS_SENTENCE = re.compile(r"[.!?][\"'”’)\]]*$")

# Who a finding is addressed to, and by when: "By 31 March 2025, chief constables should …".
_TIMESCALE_LEAD = re.compile(
    r"^(?P<when>(?:by|before|within|from|with immediate effect|immediately|as soon as)[^,]{0,60}),\s*", re.IGNORECASE
)
_ADDRESSEE = re.compile(
    r"^(?P<who>(?:all\s+|every\s+)?[A-Za-z][\w'’ ,&-]{1,80}?)\s+(?:should|must|needs? to|is to|are to|will need to)\b",
)
_TIMESCALE_INSIDE = re.compile(
    r"\b(?P<when>(?:by|before)\s+(?:\d{1,2}\s+)?(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\s+\d{4}|within\s+(?:\w+\s+){1,2}(?:days|weeks|months|years?))\b",
    re.IGNORECASE,
)


class ReportUnreadable(Exception):
    """The PDF could not be read; the message says why, for the person who uploaded it."""


@dataclass
class FoundFinding:
    kind: str  # a FindingKind value
    number: int | None
    text: str
    addressee: str = ""  # "chief constables", "the Home Office": who the sentence names, where it names one
    timescale: str = ""  # "By 31 March 2025", "within six months": where the sentence gives one


@dataclass
class FoundGrade:
    grade: str  # a GradeValue value
    area: str


@dataclass
class ReportFindings:
    findings: list[FoundFinding] = field(default_factory=list)
    grades: list[FoundGrade] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for finding in self.findings if finding.kind == kind)


# --- PDF to text ---------------------------------------------------------------------------------------------------
def pdf_pages(source: bytes | IO[bytes]) -> list[str]:
    """The text of each page of a PDF, in reading order (paragraphs separated by a blank line)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer

    stream: Any = io.BytesIO(source) if isinstance(source, bytes) else source
    pages: list[str] = []
    try:
        for layout in extract_pages(stream, laparams=LAParams()):
            boxes = [
                _Box(element.x0, element.x1, element.y1, element.get_text().strip())
                for element in layout
                if isinstance(element, LTTextContainer) and element.get_text().strip()
            ]
            pages.append("\n\n".join(box.text for box in reading_order(boxes, width=layout.width)))
    except Exception as error:  # noqa: BLE001 (pdfminer raises many unrelated types for a damaged or locked file)
        raise ReportUnreadable(
            f"The file could not be read as a PDF ({type(error).__name__}). Paste the report's text instead."
        ) from None
    if not any(page.strip() for page in pages):
        raise ReportUnreadable(
            "The PDF has no text in it to read (it may be scanned images). Paste the report's text instead."
        )
    return pages


@dataclass
class _Box:
    x0: float
    x1: float
    top: float  # PDF coordinates: larger is higher on the page
    text: str


def reading_order(boxes: list[_Box], *, width: float) -> list[_Box]:
    """The page's text boxes in the order a person reads them: top to bottom, and on a two-column stretch of the
    page the whole left column before the right one. A box across the middle (a heading or paragraph the width of
    the page) ends one stretch of columns and starts the next."""
    middle, slack = width / 2, width * 0.03
    ordered: list[_Box] = []
    left: list[_Box] = []
    right: list[_Box] = []
    for box in sorted(boxes, key=lambda b: (-b.top, b.x0)):
        if box.x1 <= middle + slack:
            left.append(box)
        elif box.x0 >= middle - slack:
            right.append(box)
        else:
            ordered += left + right + [box]
            left, right = [], []
    return ordered + left + right


def without_furniture(pages: list[str]) -> list[str]:
    """The pages without their page numbers and the short lines repeated on most pages (running headers, footers)."""

    def key(line: str) -> str:
        return " ".join(line.split()).casefold()

    seen_on = Counter(
        k for page in pages for k in {key(line) for line in page.splitlines() if line.strip() and len(line) <= 120}
    )
    threshold = max(2, math.ceil(len(pages) / 2))
    furniture = {
        k for k, count in seen_on.items() if count >= threshold and not _HEADING.match(k) and not _GRADE_LINE.match(k)
    }
    kept = []
    for page in pages:
        lines = [
            line
            for line in page.splitlines()
            if not (line.strip() and (key(line) in furniture or _PAGE_NUMBER.match(line.strip())))
        ]
        kept.append("\n".join(lines))
    return kept


# --- text to findings ----------------------------------------------------------------------------------------------
def _clean(line: str) -> str:
    return " ".join(line.replace("**", "").replace("\u00ad", "").split())


def _join(parts: list[str]) -> str:
    """Lines of one finding joined into its text: a word hyphenated at a line's end is put back together."""
    text = ""
    for part in parts:
        if not text:
            text = part
        elif _BULLET.match(part):
            text += "\n" + part
        elif re.search(r"[a-z]-$", text) and part[:1].islower():
            text = text[:-1] + part
        else:
            text += " " + part
    return text.strip()


def addressee_and_timescale(text: str) -> tuple[str, str]:
    """Who the finding's first sentence addresses and by when, where it says: ('chief constables', 'By 31 March
    2025'); empty strings where it does not."""
    first = text.split("\n")[0]
    timescale = ""
    lead = _TIMESCALE_LEAD.match(first)
    if lead:
        timescale = lead["when"].strip()
        first = first[lead.end() :]
    who = _ADDRESSEE.match(first)
    addressee = ""
    if who and len(who["who"].split()) <= 10:
        words = who["who"].strip(" ,").split()
        # "The Home Office" → "the Home Office"; "Chief constables" → "chief constables"; "College of Policing" kept.
        if words[0] in ("The", "All", "Every") or all(word.islower() for word in words[1:]):
            words[0] = words[0][0].lower() + words[0][1:]
        addressee = " ".join(words)
    if not timescale:
        inside = _TIMESCALE_INSIDE.search(text)
        timescale = inside["when"] if inside else ""
    return addressee, timescale


def _grade_line(line: str) -> re.Match[str] | None:
    return None if line.endswith(":") else _GRADE_LINE.match(line)


def _neighbour(lines: list[str], i: int, step: int) -> str:
    """The nearest line before (step -1) or after (+1) line i that is not blank."""
    i += step
    while 0 <= i < len(lines) and not lines[i]:
        i += step
    return lines[i] if 0 <= i < len(lines) else ""


def read_report(text: str | list[str]) -> ReportFindings:
    """The findings (in the order the report gives them) and the graded judgments in a report's text.

    `text` is the whole text, or a list of its pages (a PDF's: their furniture is dropped first). A finding repeated
    later (an annex listing them again) is read once; so is a graded judgment.
    """
    pages = without_furniture(text) if isinstance(text, list) else [text]
    lines = [_clean(line) for line in "\n\n".join(pages).replace("\f", "\n\n").splitlines()]
    found = ReportFindings()
    seen: set[tuple[str, int]] = set()
    unnumbered: Counter[str] = Counter()
    graded: set[str] = set()
    i = 0
    while i < len(lines):
        line = lines[i]
        heading = _HEADING.match(line)
        if heading is None or not line[:1].isupper():
            grade = _grade_line(line)
            if grade and (_grade_line(_neighbour(lines, i, -1)) or _grade_line(_neighbour(lines, i, +1))):
                area = re.sub(r"^(?:its|their)\s+", "", grade["area"].strip().rstrip("."), flags=re.IGNORECASE)
                area = area[:1].upper() + area[1:]
                if area.casefold() not in graded:
                    graded.add(area.casefold())
                    found.grades.append(FoundGrade(_GRADES[" ".join(grade["grade"].split()).casefold()], area))
            i += 1
            continue
        kind = _KINDS[" ".join(heading["kind"].split()).casefold()]
        number = int(heading["number"]) if heading["number"] else None
        if number is None and kind != FindingKind.CAUSE_OF_CONCERN:
            i += 1  # "Recommendation" alone is a section's heading, not a finding
            continue
        parts = [heading["rest"]] if heading["rest"] else []
        i += 1
        while i < len(lines):
            line = lines[i]
            if _HEADING.match(line) and line[:1].isupper():
                break
            if not line:
                if parts and _ENDS_SENTENCE.search(parts[-1]):
                    break
                i += 1
                continue
            parts.append(line)
            i += 1
        body = _join(parts)
        if not body:
            continue
        if number is None:
            unnumbered[kind] += 1
            number = unnumbered[kind]
        if (kind, number) in seen:
            continue
        seen.add((kind, number))
        addressee, timescale = addressee_and_timescale(body)
        found.findings.append(FoundFinding(kind, number, body, addressee, timescale))
    return found


def read_pdf(source: bytes | IO[bytes]) -> ReportFindings:
    return read_report(pdf_pages(source))
