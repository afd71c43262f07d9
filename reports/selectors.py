"""The figures of the Police and Crime Panel's report, computed from the responses (and their actions) of one body or
of every body, over the reports published in a period. docs/panel-report.md defines each figure in words.

The unit is a response: one body's answer to one inspection report. A report falls in the period, and in a year,
by the day HMICFRS published it (day 1 of the 56 days). Every count is taken by the database in one grouped query
per table, so a national report over ten years costs the same few queries as one body's.

On-time rates count only responses that had a statutory deadline and were required:

- a response closed as *not required* (the force clearly not the subject, or covered by another response) is left
  out, and counted in its own column;
- a response to a report published before 2 May 2017 (`responses.deadlines.COMMENCEMENT`) had no statutory
  deadline, so it can be neither on time nor late; it is counted in its own column.

Of the rest, a response is *on time* when it was published on or before the statutory last day, *late* when
published after it, and *overdue* when still unpublished after it (as of `today`). The rate is on time ÷ (on time +
late + overdue): a response still inside its 56 days is not yet decided and is in none of them.

The actions (`actions.models.Action`, one per answered finding) are those of the same responses, as they stand
today: counted by status, the open ones by RAG (the rule of `actions.rag`), the overdue ones (`ActionQuerySet.overdue`)
and those that repeat an earlier report's finding.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import ExtractYear

from actions.models import AMBER_DAYS, OPEN_ACTION_STATUSES, Action, ActionStatus, Rag
from actions.rag import action_rag
from core.scoping import EVERY_BODY, body_scope
from inspections.models import LocalPolicingBody
from responses.deadlines import COMMENCEMENT
from responses.models import Response, Status

NOT_REQUIRED = Q(status=Status.NOT_REQUIRED)
PUBLISHED = Q(published_on__isnull=False)
HAS_DEADLINE = Q(statutory_last_day__isnull=False)


def percent(part: int, whole: int) -> int | None:
    """`part` of `whole` as a whole percentage, halves rounded up (2 of 3 is 67); None when there is no whole."""
    if not whole:
        return None
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def median(histogram: dict[int, int]) -> float | None:
    """The median of values given as {value: how many}; the mean of the middle two when the count is even."""
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())

    def nth(n: int) -> int:  # the n-th value (from 0) in order
        seen = 0
        for value, count in ordered:
            seen += count
            if n < seen:
                return value
        raise IndexError(n)  # pragma: no cover - n < total

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


@dataclass
class Timeliness:
    """The responses to the reports of one year (or of the whole period), counted as the module docstring says."""

    label: str
    received: int = 0
    not_required: int = 0
    no_deadline: int = 0  # required, but the report came before 2 May 2017
    published: int = 0  # every published response, pre-2017 ones included
    on_time: int = 0
    late: int = 0
    overdue: int = 0  # unpublished, required, the statutory last day passed
    days: dict[int, int] = field(default_factory=dict)  # days from report to response: {days: how many}

    @property
    def decided(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def on_time_percent(self) -> int | None:
        return percent(self.on_time, self.decided)

    @property
    def days_counted(self) -> int:
        return sum(self.days.values())

    @property
    def median_days(self) -> float | None:
        return median(self.days)

    @property
    def worst_days(self) -> int | None:
        return max(self.days) if self.days else None

    def add(self, other: Timeliness) -> None:
        for name in ("received", "not_required", "no_deadline", "published", "on_time", "late", "overdue"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for days, count in other.days.items():
            self.days[days] = self.days.get(days, 0) + count


@dataclass(frozen=True)
class Scope:
    """Whose responses the report covers: one body, or every body (`body` None)."""

    body: LocalPolicingBody | None

    @property
    def name(self) -> str:
        return self.body.display_name if self.body else "All bodies"

    def responses(self) -> QuerySet[Response]:
        queryset = Response.objects.all()
        return queryset if self.body is None else queryset.filter(body=self.body)


def scope_for(*, user: Any, body: LocalPolicingBody | None) -> Scope | None:
    """The report a user may see: a body's staff always their own body (whatever they asked for); the national
    superuser the body they picked, or every body; anyone else none."""
    scope = body_scope(user)
    if scope is None:
        return None
    if scope is EVERY_BODY:
        return Scope(body=body)
    return Scope(body=LocalPolicingBody.objects.get(pk=scope))


def _days_since_report() -> ExpressionWrapper:
    return ExpressionWrapper(F("published_on") - F("inspection__published_on"), output_field=DurationField())


def _as_days(value: Any) -> int:
    # A date difference comes back as a timedelta (or, on some backends, microseconds).
    return value.days if isinstance(value, dt.timedelta) else int(value) // 86_400_000_000


def timeliness(*, scope: Scope, start: dt.date, end: dt.date, today: dt.date) -> list[Timeliness]:
    """One row per year of report publication from `start` to `end` (both included) that has a response, oldest
    first, each counted as the module docstring says. Two queries."""
    responses = scope.responses().filter(inspection__published_on__gte=start, inspection__published_on__lte=end)
    required = ~NOT_REQUIRED
    counts = (
        responses.annotate(year=ExtractYear("inspection__published_on"))
        .values("year")
        .annotate(
            received=Count("id"),
            not_required=Count("id", filter=NOT_REQUIRED),
            no_deadline=Count("id", filter=required & ~HAS_DEADLINE),
            published=Count("id", filter=PUBLISHED),
            on_time=Count("id", filter=PUBLISHED & HAS_DEADLINE & Q(published_on__lte=F("statutory_last_day"))),
            late=Count("id", filter=PUBLISHED & HAS_DEADLINE & Q(published_on__gt=F("statutory_last_day"))),
            overdue=Count("id", filter=required & ~PUBLISHED & HAS_DEADLINE & Q(statutory_last_day__lt=today)),
        )
        .order_by("year")
    )
    rows = {
        entry["year"]: Timeliness(
            label=str(entry["year"]),
            received=entry["received"],
            not_required=entry["not_required"],
            no_deadline=entry["no_deadline"],
            published=entry["published"],
            on_time=entry["on_time"],
            late=entry["late"],
            overdue=entry["overdue"],
        )
        for entry in counts
    }
    # The days from report to response, as a histogram per year: few rows whatever the number of responses.
    spans = (
        responses.filter(PUBLISHED)
        .annotate(year=ExtractYear("inspection__published_on"), span=_days_since_report())
        .values("year", "span")
        .annotate(n=Count("id"))
        .order_by()
    )
    for entry in spans:
        row = rows[entry["year"]]
        days = _as_days(entry["span"])
        row.days[days] = row.days.get(days, 0) + entry["n"]
    return [rows[year] for year in sorted(rows)]


def total(rows: list[Timeliness], label: str = "All years") -> Timeliness:
    result = Timeliness(label=label)
    for row in rows:
        result.add(row)
    return result


# --- the actions ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tally:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class ActionRow:
    """One overdue action, or one repeated finding, as the report lists it."""

    body: str
    inspection: str
    published_on: dt.date
    finding: str
    text: str
    status: str
    owner: str
    target_date: dt.date | None
    days_overdue: int | None
    repeats: str


@dataclass
class ActionFigures:
    total: int
    open: int
    by_status: list[Tally]  # every status, open ones first, in the tracker's order
    by_rag: list[Tally]  # open actions: red, amber, green
    overdue: int
    overdue_rows: list[ActionRow]  # the longest overdue first, at most LISTED
    repeated: int
    repeated_open: int
    repeated_rows: list[ActionRow]  # at most LISTED

    @property
    def overdue_listed_all(self) -> bool:
        return len(self.overdue_rows) == self.overdue

    @property
    def repeated_listed_all(self) -> bool:
        return len(self.repeated_rows) == self.repeated


LISTED = 50  # rows listed under "overdue actions" and "repeated findings"; the counts are of all of them


def _rag_buckets(today: dt.date) -> tuple[Case, dict[str, dt.date | None]]:
    """A CASE that sorts target dates into the spans the RAG rule tells apart, and for each span one date in it:
    `actions.rag.action_rag` rates the span's date, so the rule keeps its one home and the database only counts."""
    soon = today + dt.timedelta(days=AMBER_DAYS)
    case = Case(
        When(target_date__isnull=True, then=Value("none")),
        When(target_date__lt=today, then=Value("past")),
        When(target_date__lte=soon, then=Value("soon")),
        default=Value("later"),
        output_field=CharField(),
    )
    dates = {"none": None, "past": today - dt.timedelta(days=1), "soon": today, "later": soon + dt.timedelta(days=1)}
    return case, dates


def _action_row(action: Action, *, today: dt.date) -> ActionRow:
    finding = action.finding
    repeats = action.repeats
    return ActionRow(
        body=action.body.display_name,
        inspection=action.response.inspection.title,
        published_on=action.response.inspection.published_on,
        finding=str(finding),
        text=finding.text,
        status=action.get_status_display(),
        owner=action.owner_label,
        target_date=action.target_date,
        days_overdue=(today - action.target_date).days
        if action.target_date is not None and action.is_overdue(today)
        else None,
        repeats=f"{repeats.inspection.title}: {repeats}" if repeats else "",
    )


def action_figures(*, scope: Scope, start: dt.date, end: dt.date, today: dt.date) -> ActionFigures:
    """The actions of the responses to reports published in the period, as they stand today. Three queries: the
    counts, and the two lists."""
    actions = Action.objects.filter(
        response__inspection__published_on__gte=start, response__inspection__published_on__lte=end
    )
    if scope.body is not None:
        actions = actions.filter(body=scope.body)
    bucket, bucket_dates = _rag_buckets(today)
    # One grouped pass gives every count: by status, RAG span, and whether the finding repeats an earlier one.
    repeat = Case(When(repeats__isnull=True, then=Value(False)), default=Value(True), output_field=BooleanField())
    grouped = (
        actions.annotate(bucket=bucket, repeat=repeat)
        .values("status", "rag_override", "bucket", "repeat")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_status: dict[str, int] = defaultdict(int)
    by_rag: dict[str, int] = defaultdict(int)
    overdue_count = repeated = repeated_open = 0
    for entry in grouped:
        is_open = entry["status"] in OPEN_ACTION_STATUSES
        by_status[entry["status"]] += entry["n"]
        if entry["repeat"]:
            repeated += entry["n"]
            repeated_open += entry["n"] if is_open else 0
        if is_open:
            # Open with the target date passed: what ActionQuerySet.overdue selects (the test holds them equal).
            overdue_count += entry["n"] if entry["bucket"] == "past" else 0
            rag = action_rag(
                status=entry["status"],
                target_date=bucket_dates[entry["bucket"]],
                override=entry["rag_override"],
                today=today,
            )
            by_rag[rag] += entry["n"]
    related = ("body", "finding", "response__inspection", "owner", "repeats__inspection")
    overdue = actions.overdue(today)
    overdue_rows = [
        _action_row(a, today=today) for a in overdue.select_related(*related).order_by("target_date", "id")[:LISTED]
    ]
    repeated_rows = [
        _action_row(a, today=today)
        for a in actions.filter(repeats__isnull=False)
        .select_related(*related)
        .order_by("response__inspection__published_on", "finding__kind", "finding__number", "id")[:LISTED]
    ]
    open_count = sum(by_status[s] for s in OPEN_ACTION_STATUSES)
    return ActionFigures(
        total=sum(by_status.values()),
        open=open_count,
        by_status=[Tally(s.value, str(s.label), by_status[s.value]) for s in ActionStatus],
        by_rag=[Tally(r.value, str(r.label), by_rag[r.value]) for r in (Rag.RED, Rag.AMBER, Rag.GREEN)],
        overdue=overdue_count,
        overdue_rows=overdue_rows,
        repeated=repeated,
        repeated_open=repeated_open,
        repeated_rows=repeated_rows,
    )


@dataclass
class PanelReport:
    scope: Scope
    start: dt.date
    end: dt.date
    today: dt.date
    years: list[Timeliness]
    all_years: Timeliness
    actions: ActionFigures
    commencement: dt.date = COMMENCEMENT

    @property
    def title(self) -> str:
        return f"Report to the Police and Crime Panel: {self.scope.name}"


def panel_report(*, scope: Scope, start: dt.date, end: dt.date, today: dt.date) -> PanelReport:
    years = timeliness(scope=scope, start=start, end=end, today=today)
    return PanelReport(
        scope=scope,
        start=start,
        end=end,
        today=today,
        years=years,
        all_years=total(years),
        actions=action_figures(scope=scope, start=start, end=end, today=today),
    )


def bodies_for_choice() -> QuerySet[LocalPolicingBody]:
    """The bodies the national superuser can pick: those with any response."""
    return LocalPolicingBody.objects.filter(responses__isnull=False).distinct().order_by("name")
