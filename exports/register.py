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

On PostgreSQL the database writes the CSV itself (`core.csv.copy_csv`); elsewhere `core.csv.csv_stream` does.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import IO, Any

from django.core.exceptions import EmptyResultSet
from django.db.models import F, Max, Q, QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from accounts.models import User
from core.csv import copy_csv, csv_stream, header_line, neutralise, sql_csv_text, uses_postgres_writer
from inspections.models import Force, Inspection, LocalPolicingBody, PublicationType
from responses import deadlines
from responses.models import OPEN_STATUSES, OVERDUE, ChecklistItem, ChecklistStep, Response
from responses.register_columns import REGISTER_COLUMNS, REGISTER_LAST_COLUMN, REGISTER_TAIL_COLUMNS

REGISTER_CHUNK_SIZE = 2000


# --- the register ---------------------------------------------------------------------------------------------------
def register_steps() -> list[ChecklistStep]:
    return list(ChecklistStep.objects.order_by("order", "id"))


def register_header(steps: Sequence[ChecklistStep]) -> list[str]:
    return [*REGISTER_COLUMNS, *(step.key for step in steps), REGISTER_LAST_COLUMN, *REGISTER_TAIL_COLUMNS]


def register_values(
    responses: QuerySet[Response], steps: Sequence[ChecklistStep]
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
        .order_by(F("statutory_last_day").asc(nulls_last=True), "inspection__title", "body__name", "id")
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
    responses: QuerySet[Response], *, today: dt.date, steps: Sequence[ChecklistStep] | None = None
) -> Iterator[list[Any]]:
    """One row per response, typed (dates as dates, days_left as int); the writers format them."""
    steps = register_steps() if steps is None else steps
    types = register_publication_types(responses)
    for row in register_values(responses, steps).iterator(chunk_size=REGISTER_CHUNK_SIZE):
        inspection_id, title, force, body, published_on, deadline, last_day, status, url = row[:9]
        response_published_on, owner, note = row[9:12]
        is_open = status in OPEN_STATUSES
        yield [
            title,
            types.get(inspection_id, ""),
            force,
            body,
            published_on,
            deadline,
            last_day,
            OVERDUE if is_open and last_day is not None and today > last_day else status,
            deadlines.days_left(last_day, today) if is_open else None,
            *row[12:],
            url,
            response_published_on,
            deadlines.days_late(last_day, response_published_on),
            owner,
            note,
        ]


def register_csv(responses: QuerySet[Response], *, today: dt.date) -> Iterator[str]:
    steps = register_steps()
    if uses_postgres_writer():
        return register_csv_postgres(responses, today=today, steps=steps)
    return register_csv_python(responses, today=today, steps=steps)


def register_csv_python(
    responses: QuerySet[Response], *, today: dt.date, steps: Sequence[ChecklistStep] | None = None
) -> Iterator[str]:
    steps = register_steps() if steps is None else steps
    return csv_stream(register_header(steps), register_rows(responses, today=today, steps=steps))


def register_csv_postgres(
    responses: QuerySet[Response], *, today: dt.date, steps: Sequence[ChecklistStep] | None = None
) -> Iterator[str]:
    """The register written by PostgreSQL: the rows of `register_rows`, in its order, as `csv_stream` writes them."""
    steps = register_steps() if steps is None else steps
    yield header_line(register_header(steps))
    try:
        chosen, chosen_params = responses.order_by().values("id").query.sql_with_params()
    except EmptyResultSet:  # responses.none(): a user without a body
        return
    yield from copy_csv(_register_sql(steps, chosen), [today, today, *chosen_params])


def _register_sql(steps: Sequence[ChecklistStep], chosen: str) -> str:
    """One row per response of `chosen` (SQL selecting response ids); two parameters (today) come before its own."""
    open_statuses = ", ".join(f"'{status}'" for status in OPEN_STATUSES)  # enum values: lower-case letters and _
    done_on = "".join(
        f", max(done_on) FILTER (WHERE step_id = {int(step.pk)}) AS step_{n}" for n, step in enumerate(steps)
    )
    step_columns = "".join(f", c.step_{n}" for n in range(len(steps)))
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
        WHERE r.id IN ({chosen})
        ORDER BY r.statutory_last_day NULLS LAST, i.title, b.name, r.id
    """  # noqa: S608


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
