"""The Panel report as an .xlsx workbook (openpyxl): one sheet per table of the page, headed in words, each note
under its table as the page has it. Text cells are neutralised as every export's are (`core.csv.neutralise`) and typed
as text, so no inspection title or owner's name can become a formula; numbers and dates are written as they are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.csv import neutralise
from reports import notes
from reports.selectors import ActionRow, PanelReport, Timeliness

BOLD = Font(bold=True)


def _value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | dt.date):
        return value
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def _sheet(
    workbook: Workbook, title: str, heading: str, header: Sequence[str], rows: Sequence[Sequence[Any]], note: str = ""
) -> Worksheet:
    sheet = workbook.create_sheet(title)
    sheet.append([_value(heading)])
    sheet["A1"].font = BOLD
    sheet.append([])
    sheet.append([_value(name) for name in header])
    for cell in sheet[3]:
        cell.font = BOLD
    for row in rows:
        sheet.append([_value(value) for value in row])
    for row_cells in sheet.iter_rows(min_row=4):
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    if note:
        sheet.append([])
        sheet.append([_value(note)])
    for n, name in enumerate(header, start=1):
        widest = max([len(str(name)), *(len(str(row[n - 1])) for row in rows if row[n - 1] is not None)])
        sheet.column_dimensions[get_column_letter(n)].width = min(max(widest + 2, 10), 60)
    sheet.freeze_panes = "A4"
    return sheet


def _timeliness_rows(report: PanelReport) -> list[Timeliness]:
    return [*report.years, report.all_years]


def _action_rows(rows: list[ActionRow], *, repeats: bool) -> list[list[Any]]:
    return [
        [
            row.body,
            row.inspection,
            row.published_on,
            row.finding,
            row.text,
            row.status,
            row.owner,
            row.repeats if repeats else row.target_date,
            *([] if repeats else [row.days_overdue]),
        ]
        for row in rows
    ]


def panel_xlsx(report: PanelReport, *, file: IO[bytes]) -> None:
    workbook = Workbook()
    about = workbook.active
    assert about is not None
    about.title = "About"
    for line in (
        report.title,
        f"Reports published from {report.start:%d %B %Y} to {report.end:%d %B %Y}",
        f"Figures as at {report.today:%d %B %Y}",
    ):
        about.append([_value(line)])
    about["A1"].font = BOLD
    about.column_dimensions["A"].width = 100

    years = _timeliness_rows(report)
    _sheet(
        workbook,
        "Reports received",
        "Reports received and responses published, by year of the report",
        ["Year", "Reports received", "Not required", "No statutory deadline (before 2 May 2017)", "Published"],
        [[r.label, r.received, r.not_required, r.no_deadline, r.published] for r in years],
        notes.RECEIVED,
    )
    _sheet(
        workbook,
        "On time",
        "Responses published on time, by year of the report",
        ["Year", "On time", "Late", "Overdue, not published", "Counted", "On time (%)"],
        [[r.label, r.on_time, r.late, r.overdue, r.decided, r.on_time_percent] for r in years],
        notes.ON_TIME,
    )
    _sheet(
        workbook,
        "Days to respond",
        "Days from report to response, by year of the report",
        ["Year", "Responses published", "Median days", "Longest (days)"],
        [[r.label, r.days_counted, r.median_days, r.worst_days] for r in years],
        notes.DAYS,
    )
    actions = report.actions
    _sheet(
        workbook,
        "Actions",
        "Actions by status, and open actions by RAG rating",
        ["Status or RAG", "Actions"],
        [
            *([f"Status: {t.label}", t.count] for t in actions.by_status),
            *([f"Open, RAG: {t.label}", t.count] for t in actions.by_rag),
            ["All actions", actions.total],
            ["Open actions", actions.open],
            ["Overdue actions", actions.overdue],
            ["Repeated findings", actions.repeated],
            ["Repeated findings still open", actions.repeated_open],
        ],
        notes.ACTIONS,
    )
    _sheet(
        workbook,
        "Overdue actions",
        f"Overdue actions: {actions.overdue}",
        ["Body", "Inspection", "Report published", "Finding", "Text", "Status", "Owner", "Target date", "Days overdue"],
        _action_rows(actions.overdue_rows, repeats=False),
        notes.listed(len(actions.overdue_rows), actions.overdue),
    )
    _sheet(
        workbook,
        "Repeated findings",
        f"Repeated findings: {actions.repeated}",
        ["Body", "Inspection", "Report published", "Finding", "Text", "Status", "Owner", "Repeats"],
        _action_rows(actions.repeated_rows, repeats=True),
        notes.listed(len(actions.repeated_rows), actions.repeated),
    )
    workbook.save(file)
