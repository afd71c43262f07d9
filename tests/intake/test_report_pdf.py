"""Findings read from a report's PDF: PDFs made by the tests in the inspectorate's layouts give exactly the findings
put in them — one column or two, a finding split across pages, recommendations to chief constables and the Home
Office — and a file that is not a readable PDF says so."""

from __future__ import annotations

import pytest

from inspections.models import FindingKind, GradeValue
from intake.report_text import FoundFinding, ReportUnreadable, pdf_pages, read_pdf
from tests.intake.report_fixtures import AREAS_FOR_IMPROVEMENT, GRADES, ReportPDF

AFI = FindingKind.AREA_FOR_IMPROVEMENT
REC = FindingKind.RECOMMENDATION
LABELS = {value.value: value.label for value in GradeValue}


def test_a_one_column_peel_report_gives_its_grades_and_areas_for_improvement() -> None:
    pdf = ReportPDF("Westshire Constabulary: PEEL 2025")
    judgments = "\n\n".join(f"{LABELS[grade]} at {area.lower()}" for grade, area in GRADES)
    pdf.page_with("Our judgments\n\n" + judgments)
    for start in range(0, 17, 6):
        pdf.page_with(
            "\n\n".join(
                f"Area for improvement {n}\n\n{AREAS_FOR_IMPROVEMENT[n - 1]}"
                for n in range(start + 1, min(start + 7, 18))
            )
        )

    found = read_pdf(pdf.data())

    assert [(f.kind, f.number, f.text) for f in found.findings] == [
        (AFI, n, text) for n, text in enumerate(AREAS_FOR_IMPROVEMENT, start=1)
    ]
    assert [(g.grade, g.area) for g in found.grades] == GRADES


def test_two_column_pages_are_read_column_by_column() -> None:
    pdf = ReportPDF()
    pdf.page_with(
        "Area for improvement 1\n\nThe force should answer non-emergency calls sooner, so that fewer callers give up "
        "before they are answered.\n\nArea for improvement 2\n\nThe force should review open investigations monthly.",
        "Area for improvement 3\n\nThe force should record why each stop and search took place.\n\n"
        "Area for improvement 4\n\nThe force should publish its use of force data every quarter.",
        full="Areas for improvement",
    )

    found = read_pdf(pdf.data())

    assert [(f.number, f.text) for f in found.findings] == [
        (
            1,
            "The force should answer non-emergency calls sooner, so that fewer callers give up before they are "
            "answered.",
        ),
        (2, "The force should review open investigations monthly."),
        (3, "The force should record why each stop and search took place."),
        (4, "The force should publish its use of force data every quarter."),
    ]


def test_a_finding_split_across_pages_is_read_whole_without_the_running_header_or_page_number() -> None:
    pdf = ReportPDF("A thematic inspection of missing children")
    pdf.page_with("Some findings of the inspection are set out below.\n\nRecommendation 1\n\nBy 30 September 2026, "
                  "chief constables should make sure that every report of a missing child is")  # fmt: skip
    pdf.page_with("risk assessed by a trained supervisor within an hour.\n\nRecommendation 2\n\nThe force should act.")
    pdf.page_with("Conclusion\n\nThat is all.")

    found = read_pdf(pdf.data())

    assert [(f.number, f.text) for f in found.findings] == [
        (
            1,
            "By 30 September 2026, chief constables should make sure that every report of a missing child is risk "
            "assessed by a trained supervisor within an hour.",
        ),
        (2, "The force should act."),
    ]


def test_recommendations_to_chief_constables_and_to_the_home_office_name_their_addressee_and_timescale() -> None:
    pdf = ReportPDF("A national inspection of vetting")
    pdf.page_with(
        "Recommendation 1\n\nBy 31 March 2026, chief constables should check the vetting status of every officer.\n\n"
        "Recommendation 2\n\nWithin six months, the Home Office should bring in a statutory code of practice for "
        "vetting.\n\nRecommendation 3\n\nWith immediate effect, the College of Policing should update its guidance."
    )

    found = read_pdf(pdf.data())

    assert found.findings == [
        FoundFinding(
            REC,
            1,
            "By 31 March 2026, chief constables should check the vetting status of every officer.",
            "chief constables",
            "By 31 March 2026",
        ),
        FoundFinding(
            REC,
            2,
            "Within six months, the Home Office should bring in a statutory code of practice for vetting.",
            "the Home Office",
            "Within six months",
        ),
        FoundFinding(
            REC,
            3,
            "With immediate effect, the College of Policing should update its guidance.",
            "the College of Policing",
            "With immediate effect",
        ),
    ]


def test_a_file_that_is_not_a_pdf_is_refused_with_a_reason() -> None:
    with pytest.raises(ReportUnreadable, match="could not be read as a PDF"):
        pdf_pages(b"%PDF-1.7 but nothing of a PDF follows")


def test_a_pdf_without_text_asks_for_the_text_instead() -> None:
    pdf = ReportPDF("")
    pdf.add_page()

    with pytest.raises(ReportUnreadable, match="no text in it to read"):
        pdf_pages(pdf.data())
