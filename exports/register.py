"""The response register as CSV and XLSX (the writers are in `core.csv`).

Columns (DESIGN.md, "The surface others rely on"): `inspection, publication_types, force, body, published_on,
deadline, statutory_last_day, status, days_left`, then one column per checklist step (its key; the ISO date the step
was done, empty if not done), in step order, then `published_url`.

- `published_on` is the report's publication date (the date the deadlines count from);
- `force` is the force of the responding body; `body` its full name;
- `status` is the stored status, or `overdue` while open past the statutory last day;
- `days_left` counts to the statutory last day (negative once past it); empty once the response is published.
- `deadline`, `statutory_last_day` and `days_left` are empty for a report published before 2 May 2017, when the
  56-day rule did not yet apply; such a response is never `overdue`.

Rows come soonest statutory last day first, or in the `ordering` given (the dashboard's sort and work order:
`responses.filters.ResponseFilter.ordering`). On PostgreSQL the database writes the CSV itself
(`core.csv.copy_csv`); elsewhere `core.csv.csv_stream` does.

The workbook (`register_xlsx`) has the same columns. With `for_people` (the download) they are headed in words
("Statutory last day"; a step by its label), a status reads as its label ("Ready to publish") and the owner by name;
without it (the command's workbook, which the register import reads back) the header and values are the CSV's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from itertools import chain, islice
from typing import IO, Any

from django.core.exceptions import EmptyResultSet
from django.db.models import F, Max, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from accounts.models import User
from core.csv import copy_csv, csv_stream, header_line, neutralise, sql_csv_text, uses_postgres_writer
from inspections.models import Force, Inspection, LocalPolicingBody, PublicationType
from responses import deadlines
from responses.models import OPEN_STATUSES, OVERDUE, ChecklistItem, ChecklistStep, Response, Status
from responses.register_columns import (
    REGISTER_COLUMN_LABELS,
    REGISTER_COLUMNS,
    REGISTER_LAST_COLUMN,
    REGISTER_TAIL_COLUMNS,
)

REGISTER_CHUNK_SIZE = 2000
# The register's own order, when no other is asked for (and the SQL writer's ORDER BY, below, spelled out).
REGISTER_ORDER = (F("statutory_last_day").asc(nulls_last=True), "inspection__title", "body__name", "id")
STATUS_LABELS = {OVERDUE: "Overdue", **{status: str(label) for status, label in Status.choices}}


# --- the register ---------------------------------------------------------------------------------------------------
def register_steps() -> list[ChecklistStep]:
    return list(ChecklistStep.objects.order_by("order", "id"))


def register_header(steps: Sequence[ChecklistStep], *, for_people: bool = False) -> list[str]:
    if for_people:
        label = REGISTER_COLUMN_LABELS.__getitem__
        return [
            *map(label, REGISTER_COLUMNS),
            *(step.label for step in steps),
            label(REGISTER_LAST_COLUMN),
            *map(label, REGISTER_TAIL_COLUMNS),
        ]
    return [*REGISTER_COLUMNS, *(step.key for step in steps), REGISTER_LAST_COLUMN, *REGISTER_TAIL_COLUMNS]


def register_values(
    responses: QuerySet[Response], steps: Sequence[ChecklistStep], ordering: Sequence[Any] | None = None
) -> QuerySet[Response, tuple[Any, ...]]:
    """One row of plain values per response, from one query, with the date each checklist step was done by
    conditional aggregation over the done items. No model instances: the rows stream from one server-side cursor."""
    done_on = {
        f"step_{step.pk}": Max("checklist_items__done_on", filter=Q(checklist_items__step_id=step.pk)) for step in steps
    }
    # Over the chosen responses by id, not on `responses` itself: a caller's filter through a join (checklist items,
    # publication types) would otherwise narrow the aggregates, or repeat rows.
    chosen = Response.objects.filter(pk__in=responses.order_by().values("pk"))
    return (
        chosen.annotate(**done_on)
        .order_by(*(ordering or REGISTER_ORDER))
        .values_list(
            "inspection_id",
            "inspection__title",
            "body__force__name",
            "body__name",
            "inspection__published_on",
            "deadline",
            "statutory_last_day",
            "status",
            "published_url",
            "published_on",
            "owner__username",
            "not_required_reason",
            "owner__first_name",
            "owner__last_name",
            *done_on,
        )
    )


def register_publication_types(responses: QuerySet[Response]) -> dict[int, str]:
    """Each inspection's publication types, joined in name order, for the inspections of these responses: one
    query, and one short string per inspection (thousands, not one per row)."""
    names: dict[int, list[str]] = defaultdict(list)
    links = Inspection.publication_types.through.objects.filter(inspection_id__in=responses.values("inspection_id"))
    for inspection_id, name in links.order_by("publicationtype__name").values_list(
        "inspection_id", "publicationtype__name"
    ):
        names[inspection_id].append(name)
    return {inspection_id: "; ".join(kinds) for inspection_id, kinds in names.items()}


def register_rows(
    responses: QuerySet[Response],
    *,
    today: dt.date,
    steps: Sequence[ChecklistStep] | None = None,
    ordering: Sequence[Any] | None = None,
    for_people: bool = False,
) -> Iterator[list[Any]]:
    """One row per response, typed (dates as dates, days_left as int); the writers format them. `for_people`: the
    status as its label and the owner by name."""
    steps = register_steps() if steps is None else steps
    types = register_publication_types(responses)
    for row in register_values(responses, steps, ordering).iterator(chunk_size=REGISTER_CHUNK_SIZE):
        inspection_id, title, force, body, published_on, deadline, last_day, status, url = row[:9]
        response_published_on, owner, note, first_name, last_name = row[9:14]
        is_open = status in OPEN_STATUSES
        # Overdue from the day after the statutory last day: on the day itself the response is still in time.
        status = OVERDUE if is_open and last_day is not None and today > last_day else status
        if for_people:
            status = STATUS_LABELS.get(status, status)
            owner = f"{first_name} {last_name}".strip() or owner
        yield [
            title,
            types.get(inspection_id, ""),
            force,
            body,
            published_on,
            deadline,
            last_day,
            status,
            deadlines.days_left(last_day, today) if is_open else None,
            *row[14:],
            url,
            response_published_on,
            deadlines.days_late(last_day, response_published_on),
            owner,
            note,
        ]


def register_csv(
    responses: QuerySet[Response], *, today: dt.date, ordering: Sequence[Any] | None = None
) -> Iterator[str]:
    steps = register_steps()
    if uses_postgres_writer():
        return register_csv_postgres(responses, today=today, steps=steps, ordering=ordering)
    return register_csv_python(responses, today=today, steps=steps, ordering=ordering)


def register_csv_python(
    responses: QuerySet[Response],
    *,
    today: dt.date,
    steps: Sequence[ChecklistStep] | None = None,
    ordering: Sequence[Any] | None = None,
) -> Iterator[str]:
    steps = register_steps() if steps is None else steps
    return csv_stream(register_header(steps), register_rows(responses, today=today, steps=steps, ordering=ordering))


def register_csv_postgres(
    responses: QuerySet[Response],
    *,
    today: dt.date,
    steps: Sequence[ChecklistStep] | None = None,
    ordering: Sequence[Any] | None = None,
) -> Iterator[str]:
    """The register written by PostgreSQL: the rows of `register_rows`, in its order, as `csv_stream` writes them."""
    steps = register_steps() if steps is None else steps
    yield header_line(register_header(steps))
    try:
        if ordering:
            # Each chosen response with its place in the order asked for, numbered by the database with the very
            # expressions the Python writer orders by, so both writers list the rows alike.
            chosen_ids = Response.objects.filter(pk__in=responses.order_by().values("pk"))
            positions = chosen_ids.order_by().annotate(position=Window(RowNumber(), order_by=list(ordering)))
            chosen, chosen_params = positions.values("id", "position").query.sql_with_params()
        else:
            chosen, chosen_params = responses.order_by().values("id").query.sql_with_params()
    except EmptyResultSet:  # responses.none(): a user without a body
        return
    sql = _register_sql(steps, chosen, ordered=bool(ordering))
    yield from copy_csv(sql, [today, today, *chosen_params])


def _register_sql(steps: Sequence[ChecklistStep], chosen: str, *, ordered: bool = False) -> str:
    """One row per response of `chosen` (SQL selecting response ids; with `ordered`, ids and their `position`); two
    parameters (today) come before its own."""
    open_statuses = ", ".join(f"'{status}'" for status in OPEN_STATUSES)  # enum values: lower-case letters and _
    done_on = "".join(
        f", max(done_on) FILTER (WHERE step_id = {int(step.pk)}) AS step_{n}" for n, step in enumerate(steps)
    )
    step_columns = "".join(f", c.step_{n}" for n in range(len(steps)))
    if ordered:
        chosen_rows = f"JOIN ({chosen}) o ON o.id = r.id ORDER BY o.position"
    else:
        chosen_rows = f"WHERE r.id IN ({chosen}) ORDER BY r.statutory_last_day NULLS LAST, i.title, b.name, r.id"
    # Only table names, constants and step ids are formatted in; every value a user chose is a parameter.
    return f"""
        SELECT {sql_csv_text("i.title")}, {sql_csv_text("pt.names")}, {sql_csv_text("f.name")},
               {sql_csv_text("b.name")}, i.published_on, r.deadline, r.statutory_last_day,
               CASE WHEN r.status IN ({open_statuses}) AND r.statutory_last_day < %s::date THEN '{OVERDUE}'
                    ELSE r.status END,
               CASE WHEN r.status IN ({open_statuses}) THEN r.statutory_last_day - %s::date END
               {step_columns},
               {sql_csv_text("r.published_url")},
               r.published_on,
               CASE WHEN r.published_on IS NOT NULL AND r.statutory_last_day IS NOT NULL
                    THEN greatest(r.published_on - r.statutory_last_day, 0) END,
               {sql_csv_text("u.username")},
               {sql_csv_text("r.not_required_reason")}
        FROM {Response._meta.db_table} r
        JOIN {Inspection._meta.db_table} i ON i.id = r.inspection_id
        JOIN {LocalPolicingBody._meta.db_table} b ON b.id = r.body_id
        JOIN {Force._meta.db_table} f ON f.id = b.force_id
        LEFT JOIN {User._meta.db_table} u ON u.id = r.owner_id
        LEFT JOIN (
            SELECT l.inspection_id, string_agg(k.name, '; ' ORDER BY k.name) AS names
            FROM {Inspection.publication_types.through._meta.db_table} l
            JOIN {PublicationType._meta.db_table} k ON k.id = l.publicationtype_id
            GROUP BY l.inspection_id
        ) pt ON pt.inspection_id = r.inspection_id
        LEFT JOIN (
            SELECT response_id {done_on} FROM {ChecklistItem._meta.db_table} GROUP BY response_id
        ) c ON c.response_id = r.id
        {chosen_rows}
    """  # noqa: S608


# Column widths, in characters: fitted to the header and the first rows (write-only mode sets them before any row
# is written), within these bounds; a date column is as wide as a date.
XLSX_SAMPLE_ROWS = 200
XLSX_MIN_WIDTH, XLSX_MAX_WIDTH, XLSX_DATE_WIDTH = 8, 60, 12


def register_xlsx(
    responses: QuerySet[Response],
    *,
    today: dt.date,
    file: IO[bytes],
    ordering: Sequence[Any] | None = None,
    for_people: bool = False,
) -> None:
    """Write the register as an .xlsx workbook to `file`: a frozen header row (and first column) with a filter on
    it, the columns fitted to their content. openpyxl's write-only mode keeps rows on disk, not in memory; the
    workbook can only be zipped once complete, so the caller streams the finished file."""
    steps = register_steps()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Register")
    sheet.freeze_panes = "B2"
    header = register_header(steps, for_people=for_people)
    rows = register_rows(responses, today=today, steps=steps, ordering=ordering, for_people=for_people)
    sample = list(islice(rows, XLSX_SAMPLE_ROWS))
    for n, width in enumerate(_column_widths(header, sample), start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    sheet.append([_xlsx_cell(sheet, name) for name in header])
    count = 1
    for row in chain(sample, rows):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        count += 1
    # The filter's range is written when the sheet is closed, so it can cover every row written.
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count}"
    workbook.save(file)


def _column_widths(header: Sequence[str], sample: Sequence[Sequence[Any]]) -> list[float]:
    widths = []
    for n, name in enumerate(header):
        values = [row[n] for row in sample if row[n] is not None]
        if values and all(isinstance(value, dt.date) for value in values):
            content = XLSX_DATE_WIDTH
        else:
            content = max((len(str(value)) for value in values), default=0)
        # Room for the filter's drop-down arrow beside the header.
        widths.append(float(min(max(len(name) + 3, content + 1, XLSX_MIN_WIDTH), XLSX_MAX_WIDTH)))
    return widths


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
