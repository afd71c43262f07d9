"""What the public sees of a response, as data.

`content_of` turns the working text (a `selectors.ResponseDocument`) into plain JSON: every part the public page,
its Word document and its PDF show, already worded (the title, the headings, the grades as phrases), so a version
frozen today reads the same in ten years whatever the code then says. `PublicDocument.from_content` reads it back
for the renderers. `content_parts` names each part, so a working text can be compared with what was published
(`changed_parts`).

The office-use steps are not part of it: they record what the office did with the response after it went public
(ticked on the day each was done), so the current version shows the steps done, from the checklist.

The format is versioned (`FORMAT`): a reader of a later format must still read every earlier one. Format 2 adds
`signatory`: who approved the text for publication, and on which day (None in format 1, and while unapproved).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inspections.models import Grade
    from responses.selectors import ResponseDocument

FORMAT = 2

#: The kinds of finding, in the order the document lists them: (content key, heading, sentence when there are none).
FINDING_SECTIONS = (
    ("causes_of_concern", "Causes of concern", ""),
    ("recommendations", "Recommendations", "There are no recommendations made."),
    ("areas_for_improvement", "Areas for improvement", "There are no areas for improvement made."),
)


def grade_phrase(grade: Grade) -> tuple[str, str]:
    """("Outstanding", "at recording data about crime"), as the reference lists grades."""
    area = grade.area[:1].lower() + grade.area[1:]
    return grade.get_grade_display(), f"at {area}"


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _finding(finding_response: Any) -> dict[str, Any]:
    return {
        "kind": finding_response.kind_label,
        "number": finding_response.finding.number,
        "text": finding_response.finding.text,
        "explanation": finding_response.explanation.strip(),
    }


def content_of(document: ResponseDocument) -> dict[str, Any]:
    """Every part of the response the public sees, as JSON (dates ISO), from the working text."""
    response = document.response
    inspection = response.inspection
    return {
        "format": FORMAT,
        "title": document.title,
        "intro": document.intro,
        "body": response.body.name,
        "force": response.body.force.name,
        "inspection": {
            "title": inspection.title,
            "published_on": _date(inspection.published_on),
            "publication_types": list(document.publication_types),
            "forces": list(document.forces),
            "report_url": inspection.report_url,
            "deadline": _date(response.deadline),
        },
        "key_findings": inspection.key_findings.strip(),
        "grades_intro": document.grades_intro,
        "grades": [dict(zip(("grade", "area"), grade_phrase(grade), strict=True)) for grade in document.grades],
        "causes_of_concern": [_finding(fr) for fr in document.causes_of_concern],
        "recommendations": [_finding(fr) for fr in document.recommendations],
        "areas_for_improvement": [_finding(fr) for fr in document.areas_for_improvement],
        "cc_heading": document.cc_heading,
        "cc_comments": response.cc_comments.strip(),
        "cc_comments_not_received": bool(response.cc_comments_not_received and not response.cc_comments.strip()),
        "body_heading": document.body_heading,
        "body_comments": response.body_comments.strip(),
        "response_to_cc": response.response_to_cc.strip(),
        "published_on": _date(response.published_on),
        "signatory": _signatory(response),
    }


def _signatory(response: Any) -> dict[str, str] | None:
    if not response.approved_on:
        return None
    return {
        "name": response.approved_signatory_name,
        "title": response.approved_signatory_title,
        "approved_on": response.approved_on.isoformat(),
    }


#: The parts of the content that are not its text: an approval approves the rest, whatever these say.
NOT_TEXT = ("published_on", "signatory")


def text_hash(content: dict[str, Any]) -> str:
    """The hash of what an approval approves: the content without its publication date and its signatory."""
    return content_hash({key: value for key, value in content.items() if key not in NOT_TEXT})


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 of the content written as canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- reading it back ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PublicFinding:
    kind: str
    number: int
    text: str
    explanation: str


@dataclass(frozen=True)
class FindingSection:
    key: str
    heading: str
    none_text: str
    items: list[PublicFinding]

    @property
    def count_sentence(self) -> str:
        """The reference's wording: "2 recommendations are made within the report, as follows:"."""
        count = len(self.items)
        noun = f"{self.items[0].kind.lower()} is" if count == 1 else f"{self.heading.lower()} are"
        return f"{count} {noun} made within the report, as follows:"


@dataclass(frozen=True)
class DoneStep:
    """An office-use step that was done, and on which day."""

    label: str
    done_on: dt.date


def _parse_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@dataclass
class PublicDocument:
    """A response as the public reads it: from a published version's content, or from the working text (a draft)."""

    title: str
    intro: str
    body: str
    force: str
    inspection_title: str
    inspection_published_on: dt.date | None
    publication_types: list[str]
    forces: list[str]
    report_url: str
    deadline: dt.date | None
    key_findings: str
    grades_intro: str
    grades: list[dict[str, str]]
    sections: list[FindingSection]
    cc_heading: str
    cc_comments: str
    cc_comments_not_received: bool
    body_heading: str
    body_comments: str
    response_to_cc: str
    published_on: dt.date | None
    # Who approved it for publication (format 2 on; None before, and for an unapproved draft).
    signatory_name: str = ""
    signatory_title: str = ""
    approved_on: dt.date | None = None
    # Not in the content: what the office has done with it so far, whether this is the working text, and for a
    # correction its day and reason (kept on the version's row).
    office_use: list[DoneStep] = field(default_factory=list)
    draft: bool = False
    updated_on: dt.date | None = None
    update_reason: str = ""

    @classmethod
    def from_content(
        cls,
        content: dict[str, Any],
        *,
        office_use: list[DoneStep] | None = None,
        draft: bool = False,
        updated_on: dt.date | None = None,
        update_reason: str = "",
    ) -> PublicDocument:
        inspection = content["inspection"]
        signatory = content.get("signatory") or {}
        return cls(
            title=content["title"],
            intro=content["intro"],
            body=content["body"],
            force=content["force"],
            inspection_title=inspection["title"],
            inspection_published_on=_parse_date(inspection["published_on"]),
            publication_types=list(inspection["publication_types"]),
            forces=list(inspection["forces"]),
            report_url=inspection["report_url"],
            deadline=_parse_date(inspection["deadline"]),
            key_findings=content["key_findings"],
            grades_intro=content["grades_intro"],
            grades=list(content["grades"]),
            sections=[
                FindingSection(key, heading, none_text, [PublicFinding(**item) for item in content[key]])
                for key, heading, none_text in FINDING_SECTIONS
            ],
            cc_heading=content["cc_heading"],
            cc_comments=content["cc_comments"],
            cc_comments_not_received=content["cc_comments_not_received"],
            body_heading=content["body_heading"],
            body_comments=content["body_comments"],
            response_to_cc=content["response_to_cc"],
            published_on=_parse_date(content["published_on"]),
            signatory_name=signatory.get("name", ""),
            signatory_title=signatory.get("title", ""),
            approved_on=_parse_date(signatory.get("approved_on")),
            office_use=office_use or [],
            draft=draft,
            updated_on=updated_on,
            update_reason=update_reason,
        )

    @property
    def shown_sections(self) -> list[FindingSection]:
        """Causes of concern only when the report has some; recommendations and areas for improvement always."""
        return [section for section in self.sections if section.items or section.none_text]

    @property
    def many_forces(self) -> bool:
        return len(self.forces) > 6


# --- comparing -------------------------------------------------------------------------------------------------------
def _lines(*values: str | None) -> str:
    return "\n".join(value for value in values if value)


def content_parts(content: dict[str, Any]) -> list[tuple[str, str]]:
    """Each part of the content with the name an officer knows it by, in the document's order, as plain text."""
    inspection = content["inspection"]
    parts = [
        ("Title", content["title"]),
        (
            "The inspection's facts",
            _lines(
                f"Inspection title: {inspection['title']}",
                f"Published on: {inspection['published_on']}",
                f"Publication types: {', '.join(inspection['publication_types'])}",
                f"Police forces: {', '.join(inspection['forces'])}",
                f"Link to report: {inspection['report_url']}",
                f"Section 55 response deadline: {inspection['deadline'] or 'none'}",
            ),
        ),
        ("Key findings", content["key_findings"]),
        ("Grades", "\n".join(f"{grade['grade']} {grade['area']}" for grade in content["grades"])),
    ]
    for key, _heading, _none in FINDING_SECTIONS:
        for item in content[key]:
            name = f"{item['kind']} {item['number']}"
            parts.append((f"{name}: the finding", item["text"]))
            parts.append((f"{name}: our response", item["explanation"]))
    not_received = "The chief constable's comments were not received by the date set."
    parts += [
        (
            "Chief constable's comments",
            content["cc_comments"] or (not_received if content["cc_comments_not_received"] else ""),
        ),
        ("The body's comments", content["body_comments"]),
        ("Response to the chief constable's comments", content["response_to_cc"]),
        ("Publication date", content["published_on"] or ""),
    ]
    return parts


@dataclass(frozen=True)
class PartChange:
    label: str
    published: str
    now: str


def changed_parts(published: dict[str, Any], now: dict[str, Any]) -> list[PartChange]:
    """The parts that differ between a published version's content and the working text, in the document's order;
    a part only one side has (a finding added to the report, say) shows as empty on the other."""
    before, after = dict(content_parts(published)), content_parts(now)
    changes = [PartChange(label, before.get(label, ""), text) for label, text in after if before.get(label, "") != text]
    labels = {label for label, _ in after}
    changes += [PartChange(label, text, "") for label, text in before.items() if label not in labels and text]
    return changes
