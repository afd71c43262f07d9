"""Import a register: a body's Section 55 history, read in the register export's own columns.

The inverse of `exports.register`. The file is a CSV (UTF-8) or an XLSX workbook (its first sheet) whose header
names the register's columns (`responses.register_columns`): `inspection, publication_types, force, body,
published_on, deadline, statutory_last_day, status, days_left`, one column per checklist step (its key) holding the
ISO date the step was done, `published_url`, `response_published_on`, `days_late`, `owner` and `note`.
Only `inspection, publication_types, force, body, published_on` are required; every other column may be left out.

What a row records, each through the `responses.services` function that records it in the app:

- the inspection (found by title and publication date as the inspections importer finds it; created, with the
  responses of the active bodies of its forces, when it is not recorded) and the body's response to it;
- `owner` (a username or email address of a user of that body): `response_set_owner`;
- `deadline`, where it differs from the HMICFRS form's rule: `response_override_deadline`;
- each step's date: `checklist_tick` (for `published_on_website`, with `published_url` as its evidence);
- `response_published_on` and `published_url`: `response_record_published`, history, without the checks a live
  publication must pass, and never reminded about;
- `status` `not_required` with the reason in `note`: `response_close_not_required`.

The derived columns (`statutory_last_day`, `days_left`, `days_late`, and `status` but for `not_required`) are
ignored. An empty cell records nothing: what is recorded stays as it is.

Rules: every row is checked before anything is written, and any problem (a RowProblem: line, column, message)
means nothing is written. Each value is compared with what is recorded and only a difference is written, so
importing the same file again changes nothing. Every change is made inside `audit_reason(IMPORT_REASON)`, so the
audit trail says where it came from; the caller names the actor (`command:import_register`, or the web user).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from audit.context import audit_reason
from core.csv import FORMULA_TRIGGERS
from core.dates import long_date, parse_day
from core.scoping import EVERY_BODY, body_scope
from inspections.models import Force, Inspection, LocalPolicingBody, PublicationType
from intake.forms import InspectionRowForm
from intake.importer import RowProblem
from intake.selectors import same_inspection, title_key
from responses import deadlines, services
from responses.models import OVERDUE, ChecklistItem, ChecklistStep, Response, Status
from responses.register_columns import (
    DERIVED_COLUMNS,
    REGISTER_COLUMNS,
    REGISTER_LAST_COLUMN,
    REGISTER_TAIL_COLUMNS,
)

IMPORT_REASON = "as recorded in the imported register"
MAX_ROWS = 100_000
# An open response whose statutory last day passed more than this many days before the import is old history
# that was never closed: it will be reminded about as overdue, so the preview counts them.
LONG_PAST_DAYS = 56
REQUIRED_COLUMNS = ("inspection", "publication_types", "force", "body", "published_on")
# Free text, kept as written (the export's leading apostrophe before a formula sign is taken off again). Every
# other column holds a name, a date, a status, a username or an address, none of which starts with a formula sign.
TEXT_COLUMNS = frozenset({"inspection", "note"})
WEBSITE_STEP = "published_on_website"
PUBLISHED_STATUSES = frozenset({Status.PUBLISHED, Status.COMPLETE})
# The inspection form's fields, by the register column that fills them.
_FORM_COLUMNS = {"title": "inspection", "published_on": "published_on", "publication_types": "publication_types"}
_validate_url = URLValidator(schemes=["http", "https"])
_URL_MAX_LENGTH = Response._meta.get_field("published_url").max_length or 500


class RegisterFileError(Exception):
    """The file cannot be read as a register at all (not CSV UTF-8, not a workbook)."""


# --- reading the file ---------------------------------------------------------------------------------------------
@dataclass
class RawRow:
    line: int
    cells: dict[str, str]
    extra: bool = False  # more values than the header has columns


@dataclass
class RegisterTable:
    header: list[str]
    rows: list[RawRow]
    too_many_rows_at: int | None = None  # the line of the first row over MAX_ROWS


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_rows(header_and_rows: Iterable[tuple[int, Sequence[str]]]) -> RegisterTable:
    rows = iter(header_and_rows)
    try:
        _, first = next(rows)
    except StopIteration:
        return RegisterTable(header=[], rows=[])
    header = [name.strip().lower() for name in first]
    table = RegisterTable(header=header, rows=[])
    for line, values in rows:
        if not any(value.strip() for value in values):
            continue
        if len(table.rows) == MAX_ROWS:
            table.too_many_rows_at = line
            break
        cells = {name: value for name, value in zip(header, values, strict=False) if name}
        extra = len(values) > len(header) and any(value.strip() for value in values[len(header) :])
        table.rows.append(RawRow(line=line, cells=cells, extra=extra))
    return table


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for values in reader:
            yield reader.line_num, values
    except csv.Error as exc:
        raise RegisterFileError(f"line {reader.line_num}: this is not valid CSV ({exc})") from None


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise RegisterFileError(f"this is not an Excel workbook (.xlsx) ({exc})") from None
    try:
        sheet = book.worksheets[0]
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, [_xlsx_text(value) for value in values]
    finally:
        book.close()


def read_register_file(name: str, content: bytes) -> RegisterTable:
    """The header and rows of a register file: CSV or XLSX, by the name's extension."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == "xlsx":
        return _read_rows(_xlsx_rows(content))
    if suffix != "csv":
        raise RegisterFileError("give a .csv or .xlsx file (the register export's own formats)")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegisterFileError(f"this is not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8'") from None
    if "\x00" in text:
        raise RegisterFileError("the file contains NUL characters; save it as 'CSV UTF-8'")
    return _read_rows(_csv_rows(text))


def cell_value(column: str, raw: str) -> str:
    """What a cell says, read back from the export: the export writes a leading apostrophe before a formula sign.

    A text column gets back exactly what was exported. In any other column one leading apostrophe (a spreadsheet's
    mark for text) is dropped, and a value that still starts with a formula sign is refused: no date, status,
    name, username or address starts with one."""
    if column in TEXT_COLUMNS:
        if raw.startswith("'") and raw[1:].startswith(FORMULA_TRIGGERS):
            raw = raw[1:]
        return raw.strip()
    value = raw[1:] if raw.startswith("'") else raw
    if value.startswith(FORMULA_TRIGGERS) or value.strip().startswith(FORMULA_TRIGGERS):
        shown = value.strip()[:40]
        raise ValidationError(f"'{shown}' looks like a spreadsheet formula, which a {column} cannot be")
    return value.strip()


# --- the plan -----------------------------------------------------------------------------------------------------
@dataclass
class NewInspection:
    line: int
    title: str
    published_on: dt.date
    types: list[PublicationType]
    forces: dict[int, Force] = field(default_factory=dict)
    created: Inspection | None = None


@dataclass
class RowPlan:
    """One row of the file: the response it is about, and what importing it writes."""

    line: int
    title: str
    published_on: dt.date
    body: LocalPolicingBody
    inspection: Inspection | None  # recorded
    new_inspection: NewInspection | None  # created by this import
    response_id: int | None  # recorded
    owner: User | None = None
    deadline: dt.date | None = None  # an override to record
    restore_deadline: bool = False
    ticks: list[tuple[ChecklistStep, dt.date]] = field(default_factory=list)
    evidence_url: str = ""
    publication: tuple[dt.date, str] | None = None
    not_required: str = ""
    changes: list[str] = field(default_factory=list)
    open_long_past: bool = False

    @property
    def creates_response(self) -> bool:
        return self.response_id is None

    @property
    def changed(self) -> bool:
        return bool(self.changes)


@dataclass
class ImportPlan:
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    new_inspections: list[NewInspection] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed_rows(self) -> list[RowPlan]:
        return [row for row in self.rows if row.changed]

    @property
    def unchanged_count(self) -> int:
        return sum(1 for row in self.rows if not row.changed)

    @property
    def responses_created(self) -> int:
        return sum(1 for row in self.rows if row.creates_response)

    @property
    def responses_changed(self) -> int:
        return sum(1 for row in self.rows if row.changed and not row.creates_response)

    @property
    def open_long_past(self) -> int:
        return sum(1 for row in self.rows if row.open_long_past)

    def summary(self) -> str:
        verb = "created" if self.written else "would be created"
        return (
            f"{len(self.new_inspections)} inspection(s) and {self.responses_created} response(s) {verb}, "
            f"{self.responses_changed} response(s) {'changed' if self.written else 'would be changed'}, "
            f"{self.unchanged_count} row(s) already as recorded."
        )

    def long_past_warning(self) -> str:
        n = self.open_long_past
        if not n:
            return ""
        return (
            f"{n} response(s) in this file will be open with a statutory last day more than {LONG_PAST_DAYS} days "
            "ago: they will be reminded about as overdue (to the owner, the shared inbox and the escalation "
            "addresses) from the next reminder run. Close them first: give response_published_on for those that "
            "were published, or the status not_required with the reason in note."
        )


@dataclass
class _Recorded:
    """What is recorded of one response, as far as a register row can say."""

    pk: int
    owner_id: int | None
    deadline: dt.date | None
    deadline_overridden: bool
    published_on: dt.date | None
    published_url: str
    not_required_reason: str
    done: dict[int, dt.date] = field(default_factory=dict)  # step id -> done on


_RECORDED_FIELDS = (
    "pk",
    "inspection_id",
    "body_id",
    "owner_id",
    "deadline",
    "deadline_overridden",
    "published_on",
    "published_url",
    "not_required_reason",
)


def _chunks[T](items: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _InspectionForm(InspectionRowForm):
    """The inspections importer's row form. An import loads every recorded inspection of the file's publication
    dates first, so a row that matches none of them cannot repeat one: the database is not asked again per row."""

    def validate_constraints(self) -> None:
        pass


_Refuse = Callable[[str, str], None]  # (column, message): a problem on the row being checked


class RegisterImport:
    """Check a register file against what is recorded, then (if nothing is wrong) write what it adds.

    `user`: who imports on the web, limited to their own body's rows (a national superuser: any body's); None for
    the command, which may import any body's.
    """

    def __init__(self, *, user: Any = None) -> None:
        self.user = user
        self.scope = EVERY_BODY if user is None else body_scope(user)
        self.today = timezone.localdate()
        self.steps = {step.key: step for step in ChecklistStep.objects.order_by("order", "id")}
        self.types: dict[str, PublicationType] = {}
        for kind in PublicationType.objects.all():
            self.types[kind.name.casefold()] = kind
            self.types[kind.slug.casefold()] = kind
        self.forces: dict[str, Force] = {}
        for force in Force.objects.all():
            self.forces[force.name.casefold()] = force
            self.forces[force.slug.casefold()] = force
        self.bodies: dict[str, LocalPolicingBody] = {}
        for body in LocalPolicingBody.objects.select_related("force"):
            self.bodies.setdefault(body.name.casefold(), body)
        for body in LocalPolicingBody.objects.select_related("force").exclude(short_name=""):
            self.bodies.setdefault(body.short_name.casefold(), body)
        self._published: dict[dt.date, list[Inspection]] = {}
        self._owners: dict[str, list[User]] = {}
        self._recorded: dict[tuple[int, int], _Recorded] = {}
        self._inspection_forces: dict[int, set[int]] = {}

    # --- the header ---------------------------------------------------------------------------------------------
    def known_columns(self) -> list[str]:
        return [*REGISTER_COLUMNS, *self.steps, REGISTER_LAST_COLUMN, *REGISTER_TAIL_COLUMNS]

    def _check_header(self, header: list[str], problems: list[RowProblem]) -> bool:
        if not any(header):
            problems.append(
                RowProblem(
                    1,
                    "-",
                    f"the file is empty; the first line must name the columns, e.g. {', '.join(REGISTER_COLUMNS)}",
                )
            )
            return False
        known = set(self.known_columns())
        seen: set[str] = set()
        for name in header:
            if not name:
                continue
            if name in seen:
                problems.append(RowProblem(1, name, "this column is named twice"))
            seen.add(name)
            if name not in known:
                problems.append(
                    RowProblem(
                        1,
                        name,
                        "unknown column: neither a register column nor a checklist step's key (the steps are "
                        f"{', '.join(self.steps)})",
                    )
                )
        missing = [name for name in REQUIRED_COLUMNS if name not in seen]
        if missing:
            problems.append(
                RowProblem(
                    1, ", ".join(missing), f"missing column(s); a register row needs {', '.join(REQUIRED_COLUMNS)}"
                )
            )
        return not problems

    # --- lookups, loaded once per import ------------------------------------------------------------------------
    def _load_recorded(self, dates: set[dt.date], bodies: set[int]) -> None:
        for chunk in _chunks(sorted(dates)):
            for inspection in Inspection.objects.filter(published_on__in=chunk).order_by("pk"):
                self._published.setdefault(inspection.published_on, []).append(inspection)
                self._inspection_forces[inspection.pk] = set()
        links = Inspection.forces.through.objects
        for id_chunk in _chunks(list(self._inspection_forces)):
            for inspection_id, force_id in links.filter(inspection_id__in=id_chunk).values_list(
                "inspection_id", "force_id"
            ):
                self._inspection_forces[inspection_id].add(force_id)
        if not bodies:
            return
        responses = Response.objects.filter(body_id__in=bodies)
        by_pk: dict[int, _Recorded] = {}
        for day_chunk in _chunks(sorted(dates)):
            for response in responses.filter(inspection__published_on__in=day_chunk).only(*_RECORDED_FIELDS):
                recorded = _Recorded(
                    pk=response.pk,
                    owner_id=response.owner_id,
                    deadline=response.deadline,
                    deadline_overridden=response.deadline_overridden,
                    published_on=response.published_on,
                    published_url=response.published_url,
                    not_required_reason=response.not_required_reason,
                )
                self._recorded[(response.inspection_id, response.body_id)] = recorded
                by_pk[response.pk] = recorded
        for id_chunk in _chunks(list(by_pk)):
            items = ChecklistItem.objects.filter(response_id__in=id_chunk, done_on__isnull=False)
            for item in items.only("response_id", "step_id", "done_on"):
                if item.done_on is not None:
                    by_pk[item.response_id].done[item.step_id] = item.done_on

    def _forces_of(self, inspection: Inspection) -> set[int]:
        """The forces of a recorded inspection of the file's dates (loaded with them)."""
        return self._inspection_forces.get(inspection.pk, set())

    def _find_recorded(self, title: str, published_on: dt.date) -> Inspection | None:
        return same_inspection(self._published.get(published_on, []), title=title)

    def _owner(self, value: str) -> list[User]:
        if value not in self._owners:
            found = list(User.objects.filter(username=value))
            if not found:
                found = list(User.objects.filter(Q(username__iexact=value) | Q(email__iexact=value)))
            self._owners[value] = found
        return self._owners[value]

    # --- checking -----------------------------------------------------------------------------------------------
    def check(self, table: RegisterTable) -> ImportPlan:
        plan = ImportPlan()
        if not self._check_header(table.header, plan.problems):
            return plan
        if table.too_many_rows_at is not None:
            plan.problems.append(
                RowProblem(
                    table.too_many_rows_at,
                    "-",
                    f"the file has more than {MAX_ROWS:,} rows; import it in parts of at most {MAX_ROWS:,} rows",
                )
            )
            return plan
        values = [self._values(row, plan.problems) for row in table.rows]
        dates, bodies = set(), set()
        for cells, _ in values:
            day = _quiet_day(cells.get("published_on", ""))
            if day is not None:
                dates.add(day)
            body = self.bodies.get(cells.get("body", "").casefold())
            if body is not None:
                bodies.add(body.pk)
        self._load_recorded(dates, bodies)
        seen: dict[tuple[str, dt.date, int], int] = {}
        new: dict[tuple[str, dt.date], NewInspection] = {}
        for row, (cells, unreadable) in zip(table.rows, values, strict=True):
            if row.extra:
                plan.problems.append(RowProblem(row.line, "-", "more values than columns; quote values with commas"))
            row_problems: list[RowProblem] = []
            parsed = self._check_row(row.line, cells, row_problems, new)
            # A cell already refused is not refused again for being empty.
            plan.problems.extend(p for p in row_problems if p.column not in unreadable)
            if parsed is None or unreadable:
                continue
            key = (title_key(parsed.title), parsed.published_on, parsed.body.pk)
            if key in seen:
                plan.problems.append(
                    RowProblem(row.line, "inspection", f"duplicate of line {seen[key]} (same inspection and body)")
                )
                continue
            seen[key] = row.line
            plan.rows.append(parsed)
        plan.new_inspections = list(new.values())
        first_rows = {id(row.new_inspection): row for row in reversed(plan.rows) if row.new_inspection}
        for inspection in plan.new_inspections:
            if id(inspection) in first_rows:
                first_rows[id(inspection)].changes.insert(0, "new inspection")
        if plan.problems:
            plan.rows = []
            plan.new_inspections = []
        return plan

    def _values(self, row: RawRow, problems: list[RowProblem]) -> tuple[dict[str, str], set[str]]:
        """The row's cells as read (derived columns left out), and the columns whose cell was refused."""
        values: dict[str, str] = {}
        unreadable: set[str] = set()
        for column, raw in row.cells.items():
            if column in DERIVED_COLUMNS:
                continue
            try:
                values[column] = cell_value(column, raw)
            except ValidationError as error:
                problems.append(RowProblem(row.line, column, error.messages[0]))
                values[column] = ""
                unreadable.add(column)
        return values, unreadable

    def _day(self, line: int, column: str, text: str, problems: list[RowProblem], *, day_of: str) -> dt.date | None:
        if not text:
            return None
        try:
            return parse_day(text, day_of=day_of)
        except ValidationError as error:
            problems.append(RowProblem(line, column, error.messages[0]))
            return None

    def _done_day(
        self, line: int, column: str, text: str, published_on: dt.date, problems: list[RowProblem], *, what: str
    ) -> dt.date | None:
        """A day something was done about the report: not before it was published, not after today."""
        day = self._day(line, column, text, problems, day_of=what)
        if day is None:
            return None
        if day < published_on:
            problems.append(
                RowProblem(
                    line,
                    column,
                    f"{long_date(day)} is before the report was published ({long_date(published_on)})",
                )
            )
            return None
        if day > self.today:
            problems.append(RowProblem(line, column, f"{long_date(day)} is in the future"))
            return None
        return day

    def _check_row(
        self,
        line: int,
        cells: dict[str, str],
        problems: list[RowProblem],
        new: dict[tuple[str, dt.date], NewInspection],
    ) -> RowPlan | None:
        before = len(problems)
        body = self._check_body(line, cells, problems)
        form = _InspectionForm(
            {
                "title": cells.get("inspection", ""),
                "published_on": cells.get("published_on", ""),
                "publication_types": cells.get("publication_types", ""),
                "forces": cells.get("force", ""),
                "report_url": "",
            },
            types=self.types,
            forces=self.forces,
            find_recorded=self._find_recorded,
        )
        if not form.is_valid():
            for name, message in form.problems(("title", "published_on", "publication_types", "forces")):
                column = "force" if name == "forces" else _FORM_COLUMNS.get(name, name)
                problems.append(RowProblem(line, column, message))
        if len(problems) > before or body is None:
            return None
        data = form.cleaned_data
        title, published_on, types = data["title"], data["published_on"], data["publication_types"]
        forces = data["forces"]
        if data["is_national"] or len(forces) != 1 or forces[0].pk != body.force_id:
            problems.append(
                RowProblem(line, "force", f"{body.name} answers for {body.force.name}, not {cells.get('force')}")
            )
            return None
        recorded = form.recorded
        new_inspection = None
        if recorded is None:
            key = (title_key(title), published_on)
            new_inspection = new.get(key)
            if new_inspection is None:
                new_inspection = new[key] = NewInspection(line, title, published_on, types)
            elif new_inspection.title != title:
                problems.append(
                    RowProblem(
                        line,
                        "inspection",
                        f"the same inspection as line {new_inspection.line} ('{new_inspection.title}') spelled "
                        "differently; spell it the same on every row",
                    )
                )
                return None
            elif {t.pk for t in types} != {t.pk for t in new_inspection.types}:
                problems.append(
                    RowProblem(
                        line,
                        "publication_types",
                        f"differ from line {new_inspection.line}'s for the same inspection",
                    )
                )
                return None
            new_inspection.forces[body.force_id] = body.force
        elif not recorded.is_national and body.force_id not in self._forces_of(recorded):
            problems.append(
                RowProblem(
                    line,
                    "force",
                    f"the recorded inspection '{recorded.title}' ({long_date(recorded.published_on)}) is not about "
                    f"{body.force.name}; add the force to it in the admin first",
                )
            )
            return None
        existing = None if recorded is None else self._recorded.get((recorded.pk, body.pk))
        plan = RowPlan(
            line=line,
            title=title,
            published_on=published_on,
            body=body,
            inspection=recorded,
            new_inspection=new_inspection,
            response_id=existing.pk if existing else None,
        )
        if existing is None:
            plan.changes.append(f"new response for {body.display_name}")
        self._check_response(plan, cells, existing, problems)
        if len(problems) > before:
            return None
        return plan

    def _check_body(self, line: int, cells: dict[str, str], problems: list[RowProblem]) -> LocalPolicingBody | None:
        name = cells.get("body", "")
        if not name:
            problems.append(RowProblem(line, "body", "the body is empty"))
            return None
        body = self.bodies.get(name.casefold())
        if body is None:
            problems.append(RowProblem(line, "body", f"unknown body '{name[:80]}'"))
            return None
        if self.scope is None or (self.scope is not EVERY_BODY and self.scope != body.pk):
            mine = getattr(getattr(self.user, "body", None), "name", "no body")
            problems.append(
                RowProblem(line, "body", f"this row is {body.name}'s; you can import only {mine}'s history")
            )
            return None
        if not body.active:
            problems.append(
                RowProblem(
                    line,
                    "body",
                    f"{body.name} is not active in this deployment, so it has no responses; make it active in the "
                    "admin first",
                )
            )
            return None
        return body

    def _check_response(
        self, plan: RowPlan, cells: dict[str, str], existing: _Recorded | None, problems: list[RowProblem]
    ) -> None:
        """What the row records about its response, compared with what is recorded: the differences go into `plan`."""

        def refuse(column: str, message: str) -> None:
            problems.append(RowProblem(plan.line, column, message))

        self._check_owner(plan, cells.get("owner", ""), existing, refuse)
        deadline = self._day(plan.line, "deadline", cells.get("deadline", ""), problems, day_of="the deadline")
        if deadline is not None:
            self._check_deadline(plan, deadline, existing, refuse)
        status = cells.get("status", "")
        if status and status not in {*Status.values, OVERDUE}:
            refuse("status", f"unknown status '{status[:40]}'; one of {', '.join(Status.values)}")
        url = _checked_url(cells.get("published_url", ""), refuse)
        plan.evidence_url = url
        published = self._done_day(
            plan.line,
            "response_published_on",
            cells.get("response_published_on", ""),
            plan.published_on,
            problems,
            what="the response's publication",
        )
        if published is not None:
            self._check_publication(plan, published, url, status, existing, refuse)
        elif not cells.get("response_published_on") and not (existing and existing.published_on):
            if status in PUBLISHED_STATUSES:
                refuse(
                    "response_published_on",
                    f"the status is {status} but the day the body published its response is empty",
                )
            elif url:
                refuse(
                    "response_published_on",
                    "published_url is given but the day the body published its response is empty",
                )
        if status == Status.NOT_REQUIRED:
            self._check_not_required(plan, cells.get("note", ""), existing, refuse)
        for key, step in self.steps.items():
            done = self._done_day(
                plan.line, key, cells.get(key, ""), plan.published_on, problems, what=f"'{step.label}'"
            )
            if done is not None and (existing is None or existing.done.get(step.pk) != done):
                plan.ticks.append((step, done))
                plan.changes.append(f"{step.label}: {long_date(done)}")
        # Open, and long past its last day: it will be reminded about.
        last_day = deadlines.statutory_last_day(plan.published_on)
        closed = bool(existing and (existing.published_on or existing.not_required_reason))
        stays_open = not (published or plan.not_required or closed)
        plan.open_long_past = bool(
            stays_open and last_day is not None and last_day < self.today - dt.timedelta(days=LONG_PAST_DAYS)
        )

    def _check_owner(self, plan: RowPlan, name: str, existing: _Recorded | None, refuse: _Refuse) -> None:
        if not name:
            return
        owners = self._owner(name)
        ours = [user for user in owners if user.body_id == plan.body.pk]
        shown = name[:80]
        if not owners:
            refuse("owner", f"no user '{shown}'; give a username or email address")
        elif not ours:
            theirs = owners[0].body.name if owners[0].body is not None else "no body"
            refuse("owner", f"'{shown}' works for {theirs}, not {plan.body.name}")
        elif len(ours) > 1:
            refuse("owner", f"'{shown}' is the email address of several users; give the username")
        elif existing is None or existing.owner_id != ours[0].pk:
            plan.owner = ours[0]
            plan.changes.append(f"owner: {ours[0].username}")

    def _check_deadline(self, plan: RowPlan, deadline: dt.date, existing: _Recorded | None, refuse: _Refuse) -> None:
        """A deadline other than the HMICFRS form's is an override; the form's own date undoes one."""
        published_on = plan.published_on
        if not deadlines.has_statutory_deadline(published_on):
            refuse("deadline", f"{deadlines.NO_STATUTORY_DEADLINE} Leave the deadline empty.")
            return
        form_deadline = deadlines.form_deadline(published_on)
        recorded = (existing.deadline, existing.deadline_overridden) if existing else (form_deadline, False)
        if deadline == form_deadline:
            if recorded[1]:
                plan.restore_deadline = True
                plan.changes.append(f"deadline back to the HMICFRS form date, {long_date(deadline)}")
        elif not published_on < deadline <= published_on + dt.timedelta(days=services.MAX_OVERRIDE_DAYS):
            refuse(
                "deadline",
                f"{long_date(deadline)}: a deadline must fall after the report's publication "
                f"({long_date(published_on)}) and within a year of it",
            )
        elif recorded != (deadline, True):
            plan.deadline = deadline
            plan.changes.append(f"deadline overridden: {long_date(deadline)}")

    def _check_publication(
        self, plan: RowPlan, published: dt.date, url: str, status: str, existing: _Recorded | None, refuse: _Refuse
    ) -> None:
        if status == Status.NOT_REQUIRED:
            refuse("status", "a response cannot be both published and not required")
        elif existing and existing.not_required_reason:
            refuse(
                "response_published_on",
                "the recorded response is closed as not required; open it again in the app first",
            )
        else:
            url = url or (existing.published_url if existing and existing.published_on else "")
            was = (existing.published_on, existing.published_url) if existing else (None, "")
            if was != (published, url):
                plan.publication = (published, url)
                what = "published on" if was[0] is None else "publication corrected to"
                plan.changes.append(f"{what} {long_date(published)}" + (f" at {url}" if url else ""))

    def _check_not_required(self, plan: RowPlan, note: str, existing: _Recorded | None, refuse: _Refuse) -> None:
        if not note:
            refuse("note", "a not-required response needs the reason in note")
        elif existing is not None and existing.published_on is not None:
            refuse("status", "the recorded response is published; it cannot be not required")
        elif existing is None or existing.not_required_reason != note:
            plan.not_required = note
            plan.changes.append(f"closed as not required: {note[:80]}")

    # --- writing ------------------------------------------------------------------------------------------------
    def save(self, plan: ImportPlan) -> ImportPlan:
        """Write what `plan` adds, all or nothing. A refusal by a service (what is recorded changed since the check)
        rolls everything back and becomes the plan's problem."""
        if not plan.ok:
            raise ValueError("refusing to import a file with problems")
        line = 0
        try:
            with transaction.atomic(), audit_reason(IMPORT_REASON):
                for new in plan.new_inspections:
                    line = new.line
                    new.created = Inspection.objects.create(title=new.title, published_on=new.published_on)
                    new.created.publication_types.set(new.types)
                    new.created.forces.set(new.forces.values())
                    services.inspection_sync_responses(inspection=new.created)
                for row in plan.rows:
                    line = row.line
                    if row.changed:
                        self._save_row(row)
        except ValidationError as error:
            plan.problems.append(RowProblem(line, "-", "; ".join(error.messages)))
            return plan
        plan.written = True
        return plan

    def _save_row(self, row: RowPlan) -> None:
        inspection = row.inspection or (row.new_inspection.created if row.new_inspection else None)
        assert inspection is not None
        responses = Response.objects.select_related("inspection", "body")
        response = responses.filter(inspection=inspection, body=row.body).first()
        if response is None:
            response = services.response_create(inspection=inspection, body=row.body)
        if row.owner is not None:
            services.response_set_owner(response=response, owner=row.owner)
        if row.restore_deadline:
            services.response_restore_deadline(response=response, reason=IMPORT_REASON)
        if row.deadline is not None:
            services.response_override_deadline(response=response, deadline=row.deadline, reason=IMPORT_REASON)
        for step, done_on in row.ticks:
            services.checklist_tick(
                response=response,
                step=step,
                user=None,
                done_on=done_on,
                evidence_url=row.evidence_url if step.key == WEBSITE_STEP else "",
                note=IMPORT_REASON,
            )
        if row.publication is not None:
            published_on, url = row.publication
            services.response_record_published(
                response=response, published_on=published_on, published_url=url, reason=IMPORT_REASON
            )
        if row.not_required:
            services.response_close_not_required(response=response, reason=row.not_required)


def _checked_url(url: str, refuse: _Refuse) -> str:
    """The response's web address, or "" (refused) when it is not one."""
    if not url:
        return ""
    try:
        _validate_url(url)
        if len(url) > _URL_MAX_LENGTH:
            raise ValidationError(f"longer than {_URL_MAX_LENGTH} characters")
    except ValidationError as error:
        refuse("published_url", f"'{url[:80]}' is not a web address starting http:// or https:// ({error.messages[0]})")
        return ""
    return url


def _quiet_day(text: str) -> dt.date | None:
    try:
        return parse_day(text, day_of="publication") if text else None
    except ValidationError:
        return None


def check_register(name: str, content: bytes, *, user: Any = None) -> tuple[RegisterImport, ImportPlan]:
    """Read and check a register file; nothing is written."""
    importer = RegisterImport(user=user)
    try:
        table = read_register_file(name, content)
    except RegisterFileError as error:
        plan = ImportPlan()
        plan.problems.append(RowProblem(1, "-", str(error)))
        return importer, plan
    return importer, importer.check(table)


def import_register(name: str, content: bytes, *, user: Any = None, dry_run: bool = False) -> ImportPlan:
    """Check a register file and, if nothing is wrong and it is not a dry run, write what it adds."""
    importer, plan = check_register(name, content, user=user)
    if plan.ok and not dry_run:
        importer.save(plan)
    return plan
