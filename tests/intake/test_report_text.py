"""Findings and graded judgments read from a report's text, pasted or taken from its PDF (`intake.report_text`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspections.models import FindingKind
from intake.report_text import addressee_and_timescale, read_report, without_furniture
from tests.intake.report_fixtures import AREAS_FOR_IMPROVEMENT, GRADES, response_document

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "norfolk-peel-2024-section55-response.txt"


def test_a_response_document_gives_its_17_areas_for_improvement_and_9_grades_exactly() -> None:
    found = read_report(response_document())

    assert [(f.kind, f.number) for f in found.findings] == [(FindingKind.AREA_FOR_IMPROVEMENT, n) for n in range(1, 18)]
    assert [f.text for f in found.findings] == AREAS_FOR_IMPROVEMENT
    assert [(g.grade, g.area) for g in found.grades] == GRADES


def test_prose_that_mentions_a_recommendation_is_not_one() -> None:
    found = read_report(response_document())

    assert found.count(FindingKind.RECOMMENDATION) == 0
    assert found.count(FindingKind.CAUSE_OF_CONCERN) == 0


def test_the_reference_response_gives_17_areas_for_improvement_9_grades_and_no_recommendations() -> None:
    if not REFERENCE.exists():
        pytest.skip(f"the reference document is not at {REFERENCE}")

    found = read_report(REFERENCE.read_text(encoding="utf-8"))

    assert found.count(FindingKind.AREA_FOR_IMPROVEMENT) == 17
    assert [f.number for f in found.findings] == list(range(1, 18))
    assert found.count(FindingKind.RECOMMENDATION) == 0
    assert len(found.grades) == 9
    assert [g.grade for g in found.grades] == [
        "outstanding", "good", "adequate", "adequate", "adequate", "adequate",
        "requires_improvement", "requires_improvement", "requires_improvement",
    ]  # fmt: skip
    assert found.grades[6].area == "Responding to the public"


def test_a_finding_with_its_text_on_the_heading_line_is_read() -> None:
    found = read_report("Recommendation 1: The force should publish its data.\nArea for improvement 1 – Train staff.")

    assert [(f.kind, f.number, f.text) for f in found.findings] == [
        (FindingKind.RECOMMENDATION, 1, "The force should publish its data."),
        (FindingKind.AREA_FOR_IMPROVEMENT, 1, "Train staff."),
    ]


def test_a_finding_split_over_lines_and_a_hyphenated_word_is_read_whole() -> None:
    text = (
        "Recommendation 3\n\nBy 30 June 2026, chief constables should review how they share infor-\nmation with\n\n"
        "schools about children at risk.\n\nSomething else entirely."
    )

    [finding] = read_report(text).findings

    assert finding.text == (
        "By 30 June 2026, chief constables should review how they share information with schools about children at "
        "risk."
    )


def test_a_recommendation_with_a_list_keeps_its_list() -> None:
    text = (
        "Recommendation 1\n\nWithin six months, the Home Office should:\n\n• publish guidance on data sharing;\n\n"
        "• fund a national register.\n\nOur findings"
    )

    [finding] = read_report(text).findings

    assert finding.text == (
        "Within six months, the Home Office should:\n• publish guidance on data sharing;\n• fund a national register."
    )
    assert (finding.addressee, finding.timescale) == ("the Home Office", "Within six months")


def test_an_unnumbered_cause_of_concern_is_numbered_in_order() -> None:
    text = (
        "Cause of concern\n\nThe force does not identify vulnerable callers.\n\n"
        "Recommendations\n\nRecommendation 1\n\nThe force should train its call handlers.\n\n"
        "Cause of concern\n\nThe force's custody records are incomplete."
    )

    found = read_report(text)

    assert [(f.kind, f.number) for f in found.findings] == [
        (FindingKind.CAUSE_OF_CONCERN, 1),
        (FindingKind.RECOMMENDATION, 1),
        (FindingKind.CAUSE_OF_CONCERN, 2),
    ]


def test_a_finding_listed_again_in_an_annex_is_read_once() -> None:
    text = (
        "Area for improvement 1\n\nThe force should act.\n\nAnnex A\n\nArea for improvement 1\n\nThe force should act."
    )

    assert len(read_report(text).findings) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("By 31 March 2026, chief constables should make sure of it.", ("chief constables", "By 31 March 2026")),
        ("With immediate effect, the Home Office should act.", ("the Home Office", "With immediate effect")),
        (
            "The College of Policing should update its guidance by 1 May 2026.",
            ("the College of Policing", "by 1 May 2026"),
        ),
        ("All chief constables must report within three months.", ("all chief constables", "within three months")),
        ("Forces are doing well.", ("", "")),
    ],
)
def test_the_addressee_and_timescale_are_read_where_the_sentence_gives_them(
    text: str, expected: tuple[str, str]
) -> None:
    assert addressee_and_timescale(text) == expected


def test_page_numbers_and_running_headers_are_dropped_but_findings_are_kept() -> None:
    pages = [f"A report title\n\nArea for improvement {n}\n\nText {n}.\n\n{n}" for n in range(1, 4)]

    kept = without_furniture(pages)

    assert kept[0].split() == ["Area", "for", "improvement", "1", "Text", "1."]


def test_text_with_no_findings_gives_none() -> None:
    found = read_report("A report about something.\n\nIt makes no recommendations.")

    assert found.findings == [] and found.grades == []
