"""Import inspections from a CSV file: every row is validated before anything is written.

Each row is checked by `intake.forms.InspectionRowForm` (the Inspection model's own fields and validators); a
problem is reported as line, column and message, and any problem means nothing is written. A row that repeats
another row, or a recorded inspection (the same day, the same title but for case, spacing and dash style), is a
problem; a row recorded with exactly its title and date is a re-import and changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction

from inspections.models import Force, Inspection, PublicationType
from intake.forms import InspectionRowForm
from intake.selectors import same_inspection, title_key
from responses import services

COLUMNS = ("title", "published_on", "publication_types", "forces", "report_url")


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

    def _find_recorded(self, title: str, published_on: dt.date) -> Inspection | None:
        if published_on not in self._published:
            self._published[published_on] = list(Inspection.objects.filter(published_on=published_on).order_by("pk"))
        return same_inspection(self._published[published_on], title=title)

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
        seen: dict[tuple[str, dt.date], int] = {}
        try:
            for row in reader:
                self._read_row(reader.line_num, row, seen, result)
        except csv.Error as exc:
            result.problems.append(RowProblem(reader.line_num, "-", f"this is not valid CSV ({exc})"))
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
        form = InspectionRowForm(values, types=self.types, forces=self.forces, find_recorded=self._find_recorded)
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

    @transaction.atomic
    def save(self, result: ImportResult) -> ImportResult:
        if not result.ok:
            raise ValueError("refusing to import a file with problems")
        for row in result.rows:
            if Inspection.objects.filter(title=row.title, published_on=row.published_on).exists():
                result.unchanged.append(row)
                continue
            inspection = Inspection.objects.create(
                title=row.title, published_on=row.published_on, report_url=row.report_url, is_national=row.is_national
            )
            inspection.publication_types.set(row.types)
            inspection.forces.set(row.forces)
            services.inspection_sync_responses(inspection=inspection)
            result.created.append(inspection)
        return result


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


def import_csv_text(text: str, *, dry_run: bool = False) -> ImportResult:
    importer = InspectionImporter()
    result = importer.read(io.StringIO(text, newline=""))
    if result.ok and not dry_run:
        importer.save(result)
    return result
