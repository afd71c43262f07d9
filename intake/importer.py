"""Import inspections from a CSV file: every row is validated before anything is written.

Each row is checked by `intake.forms.InspectionRowForm` (the Inspection model's own fields and validators); a
problem is reported as line, column and message, and any problem means nothing is written. A row that repeats
another row, or a recorded inspection (the same day, the same title but for case, spacing and dash style), is a
problem; a row recorded with exactly its title and date is a re-import and changes nothing.

A valid file is written in batches of at most `BATCH_SIZE` rows, each in bulk (a few INSERTs) in a transaction
of its own, so that a large import does not hold the database's write lock from start to end: on SQLite, which has
one write lock for the whole database, the importer pauses briefly after each batch and the requests waiting for
the lock go first. To the person importing it is still all or nothing: if a batch cannot be written, the batches
written before it are removed again (`responses.services.creation.inspection_withdraw`) and the problem says so."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, router, transaction
from django.db.models import ManyToManyField, ProtectedError
from django.db.models.signals import post_save

from audit.context import collecting_entries
from audit.services import entry_m2m_added
from core.dates import parse_day
from inspections.models import Force, Inspection, PublicationType
from intake.forms import InspectionRowForm
from intake.selectors import same_inspection, title_key
from responses import services
from responses.services.creation import inspection_withdraw

logger = logging.getLogger(__name__)

COLUMNS = ("title", "published_on", "publication_types", "forces", "report_url")
# Rows written per transaction, at most: a batch of this many takes a fraction of a second, which is how long it
# keeps others waiting for SQLite's write lock.
BATCH_SIZE = 500
# After each batch on SQLite: longer than the 100 ms a connection waiting for the write lock sleeps between tries,
# so every request that queued behind a batch gets the lock before the next batch takes it.
SQLITE_PAUSE_SECONDS = 0.11


@dataclass
class RowProblem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass
class ParsedRow:
    line: int
    title: str
    published_on: dt.date
    types: list[PublicationType]
    forces: list[Force]
    is_national: bool
    report_url: str
    recorded: Inspection | None = None  # already recorded with exactly this title and date: importing is a no-op
    differences: tuple[str, ...] = ()  # what the row says otherwise than the recorded inspection


@dataclass
class ImportResult:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    created: list[Inspection] = field(default_factory=list)
    unchanged: list[ParsedRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class InspectionImporter:
    def __init__(self) -> None:
        self.types: dict[str, PublicationType] = {}
        for t in PublicationType.objects.all():
            self.types[t.name.casefold()] = t
            self.types[t.slug.casefold()] = t
        self.forces: dict[str, Force] = {}
        for f in Force.objects.all():
            self.forces[f.name.casefold()] = f
            self.forces[f.slug.casefold()] = f
        self._published: dict[dt.date, list[Inspection]] = {}
        self._lines = (0, 0)  # the first and last line of the batch being written

    def _find_recorded(self, title: str, published_on: dt.date) -> Inspection | None:
        if published_on not in self._published:
            self._published[published_on] = list(Inspection.objects.filter(published_on=published_on).order_by("pk"))
        return same_inspection(self._published[published_on], title=title)

    def _load_recorded(self, rows: Sequence[tuple[int, dict[str, str | None]]]) -> None:
        """The recorded inspections of every publication date in the file, in a few queries instead of one a row."""
        days: set[dt.date] = set()
        for _line, row in rows:
            try:
                days.add(parse_day(str(row.get("published_on") or ""), day_of="publication"))
            except ValidationError:
                continue  # the row's own check reports it
        days -= set(self._published)
        ordered = sorted(days)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            for day in chunk:
                self._published[day] = []
            for inspection in Inspection.objects.filter(published_on__in=chunk).order_by("pk"):
                self._published[inspection.published_on].append(inspection)

    def read(self, stream: IO[str]) -> ImportResult:
        result = ImportResult()
        reader = csv.DictReader(stream)
        try:
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
        except csv.Error as exc:
            result.problems.append(RowProblem(1, "-", f"this is not valid CSV ({exc})"))
            return result
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            result.problems.append(
                RowProblem(1, ", ".join(missing), f"missing column(s); the header must be: {', '.join(COLUMNS)}")
            )
            return result
        reader.fieldnames = header
        rows: list[tuple[int, dict[str, str | None]]] = []
        broken: RowProblem | None = None
        try:
            for row in reader:
                rows.append((reader.line_num, row))
        except csv.Error as exc:
            broken = RowProblem(reader.line_num, "-", f"this is not valid CSV ({exc})")
        self._load_recorded(rows)
        seen: dict[tuple[str, dt.date], int] = {}
        for line, row in rows:
            self._read_row(line, row, seen, result)
        if broken is not None:
            result.problems.append(broken)
        return result

    def _read_row(
        self, line: int, row: dict[str, str | None], seen: dict[tuple[str, dt.date], int], result: ImportResult
    ) -> None:
        if all(not (v or "").strip() for k, v in row.items() if k is not None):
            return  # blank line
        parsed = self._parse_row(line, row, result.problems)
        if parsed is None:
            return
        key = (title_key(parsed.title), parsed.published_on)
        if key in seen:
            result.problems.append(
                RowProblem(line, "title", f"duplicate of line {seen[key]} (same title and publication date)")
            )
            return
        seen[key] = line
        result.rows.append(parsed)

    def _parse_row(self, line: int, row: dict[str, str | None], problems: list[RowProblem]) -> ParsedRow | None:
        before = len(problems)
        if row.get(None):  # type: ignore[call-overload]
            problems.append(RowProblem(line, "-", "more values than columns; quote values that contain commas"))
        values = {}
        for column in COLUMNS:
            value = row.get(column) or ""
            if "\x00" in value:
                problems.append(RowProblem(line, column, "contains a NUL character; save the file as CSV UTF-8"))
                value = value.replace("\x00", "")
            values[column] = value
        form = _RowForm(values, types=self.types, forces=self.forces, find_recorded=self._find_recorded)
        if not form.is_valid():
            problems.extend(RowProblem(line, column, message) for column, message in form.problems(COLUMNS))
        if len(problems) > before:
            return None
        data = form.cleaned_data
        parsed = ParsedRow(
            line,
            data["title"],
            data["published_on"],
            data["publication_types"],
            data["forces"],
            data["is_national"],
            data["report_url"],
        )
        if form.recorded is not None:
            parsed.recorded = form.recorded
            parsed.differences = _differences(parsed, form.recorded)
        return parsed

    def save(self, result: ImportResult, *, batch_size: int = BATCH_SIZE) -> ImportResult:
        """Write the valid rows in batches, each its own transaction; all or nothing (see the module's docstring)."""
        if not result.ok:
            raise ValueError("refusing to import a file with problems")
        rows = result.rows
        done = 0
        while done < len(rows):
            if done:
                self._between_batches()
            try:
                with transaction.atomic():
                    created, done = self._write_batch(rows, done, result, size=batch_size)
            except Exception as exc:  # whatever stopped the batch, the batches before it are undone
                logger.exception("Import stopped at lines %s to %s", *self._lines)
                self._undo(result, failed_at=self._lines, error=exc)
                return result
            result.created.extend(created)
        return result

    def _write_batch(
        self, rows: Sequence[ParsedRow], start: int, result: ImportResult, *, size: int
    ) -> tuple[list[Inspection], int]:
        """Write rows from `start` on, at most `size` of them: (those created, where to go on).

        The batch is written in bulk — the inspections, their publication types and forces, and the responses they
        open each in one INSERT — with the same audit entries as one at a time (the signals a save sends are sent
        for each; `collecting_entries` writes their entries in one INSERT)."""
        batch = rows[start : start + size]
        candidates = Inspection.objects.filter(
            title__in={row.title for row in batch}, published_on__in={row.published_on for row in batch}
        )
        present = set(candidates.values_list("title", "published_on"))
        to_write: list[ParsedRow] = []
        for row in batch:
            if (row.title, row.published_on) in present:
                result.unchanged.append(row)  # recorded with exactly this title and date: a re-import
            else:
                to_write.append(row)
        if to_write:
            self._lines = (to_write[0].line, to_write[-1].line)
            with collecting_entries():
                created = self._write_bulk(to_write)
        else:
            created = []
        return created, start + len(batch)

    def _write_bulk(self, rows: Sequence[ParsedRow]) -> list[Inspection]:
        inspections = Inspection.objects.bulk_create(
            [
                Inspection(
                    title=row.title,
                    published_on=row.published_on,
                    report_url=row.report_url,
                    is_national=row.is_national,
                )
                for row in rows
            ]
        )
        using = router.db_for_write(Inspection)
        for inspection in inspections:
            post_save.send(
                sender=Inspection, instance=inspection, created=True, update_fields=None, raw=False, using=using
            )
        for field_name in ("publication_types", "forces"):
            field = Inspection._meta.get_field(field_name)
            assert isinstance(field, ManyToManyField)
            through: Any = field.remote_field.through
            source, target = field.m2m_column_name(), field.m2m_reverse_name()
            chosen = [getattr(row, "types" if field_name == "publication_types" else "forces") for row in rows]
            through.objects.bulk_create(
                [
                    through(**{source: inspection.pk, target: item.pk})
                    for inspection, items in zip(inspections, chosen, strict=True)
                    for item in items
                ]
            )
            for inspection, items in zip(inspections, chosen, strict=True):
                entry_m2m_added(instance=inspection, field_name=field_name, added=items)
        forces_of = {
            inspection.pk: {force.pk for force in row.forces} for inspection, row in zip(inspections, rows, strict=True)
        }
        services.inspections_open_responses(inspections=inspections, forces_of=forces_of)
        return inspections

    def _between_batches(self) -> None:
        """On SQLite, whose one write lock covers the whole database, the requests waiting for it go first."""
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            time.sleep(SQLITE_PAUSE_SECONDS)

    def _undo(self, result: ImportResult, *, failed_at: tuple[int, int], error: Exception) -> None:
        """A batch failed: remove what the batches before it wrote, and say so."""
        kept: list[Inspection] = []
        for inspection in result.created:
            try:
                inspection_withdraw(inspection=inspection)
            except (ProtectedError, DatabaseError):
                kept.append(inspection)
        written = len(result.created)
        first, last = failed_at
        where = "this row" if first == last else f"the rows of lines {first} to {last}"
        message = f"{where} could not be written ({type(error).__name__}: {error})."
        if written and not kept:
            message += f" The {written} inspection(s) written before it were removed again: nothing was imported."
        elif kept:
            names = "; ".join(str(i) for i in kept[:5]) + (" …" if len(kept) > 5 else "")
            message += (
                f" Of the {written} inspection(s) written before it, {len(kept)} could not be removed again because "
                f"they are in use ({names}): remove them in the admin, or import the file again once the problem "
                "is solved (they are then left as they are)."
            )
        else:
            message += " Nothing was imported."
        result.problems.append(RowProblem(first, "-", message))
        result.created = kept


class _RowForm(InspectionRowForm):
    """The row form with the recorded inspections of the file's dates loaded first (`_load_recorded`): a row that
    matches none of them cannot repeat one, so the unique constraint is not checked again per row."""

    def validate_constraints(self) -> None:
        pass


def _differences(row: ParsedRow, recorded: Inspection) -> tuple[str, ...]:
    differ = []
    if {t.pk for t in row.types} != set(recorded.publication_types.values_list("pk", flat=True)):
        differ.append("publication types")
    forces = set(recorded.forces.values_list("pk", flat=True))
    if {f.pk for f in row.forces} != forces or row.is_national != recorded.is_national:
        differ.append("forces")
    if row.report_url != recorded.report_url:
        differ.append("report address")
    return tuple(differ)


def import_csv_text(text: str, *, dry_run: bool = False, batch_size: int = BATCH_SIZE) -> ImportResult:
    importer = InspectionImporter()
    result = importer.read(io.StringIO(text, newline=""))
    if result.ok and not dry_run:
        importer.save(result, batch_size=batch_size)
    return result
