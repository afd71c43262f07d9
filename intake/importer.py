"""Import inspections from a CSV file: every row is validated before anything is written."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import IO

from dateutil import parser as date_parser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from inspections.models import Force, Inspection, PublicationType
from responses import services

COLUMNS = ("title", "published_on", "publication_types", "forces", "report_url")
ALL_FORCES = {"all", "all forces"}
MAX_URL_LENGTH = 500
_url_validator = URLValidator(schemes=["http", "https"])


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


@dataclass
class ImportResult:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    created: list[Inspection] = field(default_factory=list)
    unchanged: list[ParsedRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_date(raw: str) -> dt.date:
    """Accept ISO dates (2024-09-24) and written ones (24 September 2024, 24/09/2024 read day first)."""
    text = raw.strip()
    if not text:
        raise ValueError("a date is required, e.g. 2024-09-24 or 24 September 2024")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        parsed = date_parser.parse(text, dayfirst=True, default=dt.datetime(1, 1, 1))
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"'{text}' is not a real date ({exc}); write it as 2024-09-24 or 24 September 2024") from None
    if parsed.year == 1:
        raise ValueError(f"'{text}' has no year; write it as 2024-09-24 or 24 September 2024")
    return parsed.date()


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(";") if part.strip()]


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
        key = (parsed.title.casefold(), parsed.published_on)
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
        for column in COLUMNS:
            if "\x00" in (row.get(column) or ""):
                problems.append(RowProblem(line, column, "contains a NUL character; save the file as CSV UTF-8"))
                row[column] = (row.get(column) or "").replace("\x00", "")
        title = (row.get("title") or "").strip()
        if not title:
            problems.append(RowProblem(line, "title", "the title is empty"))
        elif len(title) > 300:
            problems.append(RowProblem(line, "title", f"the title is {len(title)} characters; at most 300"))
        published_on = None
        try:
            published_on = parse_date(row.get("published_on") or "")
        except ValueError as exc:
            problems.append(RowProblem(line, "published_on", str(exc)))
        types: list[PublicationType] = []
        type_names = _split(row.get("publication_types") or "")
        if not type_names:
            problems.append(RowProblem(line, "publication_types", "at least one publication type is required"))
        for name in type_names:
            found = self.types.get(name.casefold())
            if found is None:
                problems.append(
                    RowProblem(
                        line, "publication_types", f"unknown publication type '{name}'; add it in the admin first"
                    )
                )
            else:
                types.append(found)
        forces: list[Force] = []
        force_names = _split(row.get("forces") or "")
        is_national = any(name.casefold() in ALL_FORCES for name in force_names)
        if not force_names:
            problems.append(
                RowProblem(line, "forces", "at least one force is required (or 'All' for a national report)")
            )
        elif is_national:
            forces = list({f.pk: f for f in self.forces.values()}.values())
        else:
            for name in force_names:
                force = self.forces.get(name.casefold())
                if force is None:
                    problems.append(RowProblem(line, "forces", f"unknown force '{name}'"))
                else:
                    forces.append(force)
        report_url = (row.get("report_url") or "").strip()
        if len(report_url) > MAX_URL_LENGTH:
            problems.append(
                RowProblem(line, "report_url", f"the address is {len(report_url)} characters; at most {MAX_URL_LENGTH}")
            )
        elif report_url:
            try:
                _url_validator(report_url)
            except ValidationError:
                problems.append(
                    RowProblem(
                        line, "report_url", f"'{report_url[:80]}' is not a web address starting http:// or https://"
                    )
                )
        if len(problems) > before or published_on is None:
            return None
        return ParsedRow(line, title, published_on, types, forces, is_national, report_url)

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


def import_csv_text(text: str, *, dry_run: bool = False) -> ImportResult:
    importer = InspectionImporter()
    result = importer.read(io.StringIO(text, newline=""))
    if result.ok and not dry_run:
        importer.save(result)
    return result
