"""Report text and PDFs for the findings tests, written for them in the inspectorate's layouts (none of it is taken
from a real report): a response document listing a PEEL report's grades and areas for improvement, and PDFs made
with fpdf2 — one column or two, findings split across pages under a running header, recommendations addressed to
chief constables and to the Home Office."""

from __future__ import annotations

from fpdf import FPDF

# Seventeen areas for improvement of an imaginary constabulary, in the order of the report.
AREAS_FOR_IMPROVEMENT = [
    "The constabulary should record the ethnicity of every person it stops.",
    "The constabulary should check that each use of force is written up on the day it happens.",
    "The constabulary should reach emergency calls within the times it has set itself.",
    "The constabulary should answer more of its non-emergency calls before the caller rings off.",
    "The constabulary should review how it handles calls it has graded for a response within a day.",
    "The constabulary should give complex investigations to officers trained to carry them out.",
    "The constabulary should tell victims promptly when the outcome of their case changes.",
    "The constabulary should make more use of protective orders when a suspect is released on bail.",
    "The constabulary should oversee every domestic abuse incident, whatever its assessed risk.",
    "The constabulary should make sure its safeguarding hub has the staff to meet its demand.",
    "The constabulary should lower the number of offenders each offender manager supervises.",
    "The constabulary should train the staff who manage sexual offenders in the digital tools they need.",
    "The constabulary should reassess the risk a suspect poses whenever new information arrives.",
    "The constabulary should give new supervisors the training their role needs.",
    "The constabulary should make its annual appraisals useful to the people who receive them.",
    "The constabulary should understand the demand it faces and plan its workforce to meet it.",
    "The constabulary should invest in technology that saves its officers time.",
]
GRADES = [
    ("outstanding", "Recording data about crime"),
    ("good", "Preventing crime"),
    ("adequate", "Treatment of the public"),
    ("adequate", "Investigating crime"),
    ("adequate", "Developing a positive workplace"),
    ("adequate", "Leadership and force management"),
    ("requires_improvement", "Responding to the public"),
    ("requires_improvement", "Protecting vulnerable people"),
    ("requires_improvement", "Managing offenders"),
]


def response_document() -> str:
    """A Section 55 response in the layout of the reference document: facts, key findings (prose that mentions
    recommendations and areas for improvement without being one), the judgments, the findings, the replies."""
    afis = "\n\n".join(f"Area for Improvement {n}:\n\n{text}" for n, text in enumerate(AREAS_FOR_IMPROVEMENT, start=1))
    return f"""

The Commissioner's response to an inspection report

Inspection Title:

Police effectiveness, efficiency and legitimacy – An inspection of Westshire Constabulary

Published on:

3 March 2025

Key Findings

The inspectorate found a constabulary that records crime very well. Its last report made one recommendation about
call handling; Recommendation 1 of that report has since been closed. It also found that
areas for improvement from the last inspection had mostly been met.

Good at preventing crime was the judgment two years ago too.

The inspectorate judged that Westshire Constabulary is:

- **Outstanding** at recording data about crime.

- **Good** at preventing crime.
- **Adequate** with their treatment of the public.
- **Adequate** at investigating crime.
- **Adequate** at developing a positive workplace.
- **Adequate** with leadership and force management.
- **Requires improvement** at responding to the public.
- **Requires improvement** at protecting vulnerable people.
- **Requires improvement** at managing offenders.

Recommendations

There are no recommendations made.

Areas For Improvement

17 areas for improvement are made within the report, and are detailed as follows:

{afis}

Chief Constable response to report and any Recommendations/Areas for Improvement

I welcome the report. Area for improvement 3 is already being addressed by a new deployment model, and
recommendation 2 of the previous report is complete.

PCC response to report and any Recommendations/Areas for Improvement

I will hold the Chief Constable to account for each area for improvement at my public accountability meetings.

For Office Use Only:

- Response forwarded to the Chief Constable.
"""


class ReportPDF(FPDF):
    """An A4 report page by page, with a running header and a page number on each page."""

    def __init__(self, header: str = "Westshire Constabulary: thematic inspection") -> None:
        super().__init__(format="A4")
        self.running_header = header
        self.set_auto_page_break(False)
        self.set_font("Helvetica", size=10)

    def page_with(self, *columns: str, full: str = "") -> None:
        """A page: `full` across its width at the top, then one text per column (one or two)."""
        self.add_page()
        self.set_xy(10, 10)
        self.cell(0, 5, self.running_header)
        y = 25
        if full:
            self.set_xy(10, y)
            self.multi_cell(190, 5, full, align="L")
            y = self.get_y() + 8
        width = 190 if len(columns) == 1 else 90
        for i, text in enumerate(columns):
            self.set_xy(10 + i * 100, y)
            self.multi_cell(width, 5, text, align="L")
        self.set_xy(100, 285)
        self.cell(10, 5, str(self.page_no()))

    def data(self) -> bytes:
        return bytes(self.output())
