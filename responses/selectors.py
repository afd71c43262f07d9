"""Reads the staff and public pages share. Every response a signed-in user reaches comes through
`response_for_user`, which is where another body's response becomes a 404."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, StringAgg, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEntry
from core.scoping import EVERY_BODY, body_scope
from inspections.models import FindingKind, Force, Grade, PublicationType
from responses.models import (
    COMMENT_FIELDS,
    DUE_SOON,
    DUE_SOON_DAYS,
    OPEN_STATUSES,
    OVERDUE,
    ChecklistItem,
    ChecklistStep,
    CoveringLetter,
    FindingResponse,
    PublishedVersion,
    Response,
    ResponseQuerySet,
    Status,
    StatusTally,
    due_within,
    overdue_on,
)
from responses.snapshot import DoneStep, PartChange, PublicDocument, changed_parts, content_of

# --- one response ------------------------------------------------------------------------------------
# Names joined in one value, and split again: the report's publication types and forces come with the response's
# own row instead of a query each. The unit separator cannot occur in a name typed into a form.
NAMES_DELIMITER = "\x1f"


def _names_of(model: Any, relation: str) -> Subquery:
    return Subquery(
        model.objects.filter(**{relation: OuterRef("inspection_id")})
        .order_by()
        .values(relation)
        .annotate(names=StringAgg("name", delimiter=Value(NAMES_DELIMITER)))
        .values("names")
    )


def _response_queryset() -> ResponseQuerySet:
    letters = CoveringLetter.objects.filter(response=OuterRef("pk")).order_by().values("response")
    return Response.objects.select_related(
        "inspection", "body", "body__force", "owner", "covered_by__inspection"
    ).annotate(
        publication_type_names=_names_of(PublicationType, "inspections"),
        force_names=_names_of(Force, "inspections"),
        letters_made=Coalesce(Subquery(letters.annotate(n=Count("pk")).values("n")), 0),
    )


def _split_names(joined: str | None) -> list[str]:
    return sorted(joined.split(NAMES_DELIMITER), key=str.casefold) if joined else []


def response_for_user(*, user: Any, pk: int) -> Response:
    """The response if `user` may see it; 404 otherwise, so another body's drafts are not even confirmed to exist."""
    return get_object_or_404(_response_queryset().for_user(user), pk=pk)


def finding_response_for(*, response: Response, pk: int) -> FindingResponse:
    finding_response = get_object_or_404(
        FindingResponse.objects.select_related("finding").filter(response=response), pk=pk
    )
    finding_response.response = response
    return finding_response


def step_by_key(key: str) -> ChecklistStep:
    return get_object_or_404(ChecklistStep, key=key)


def published_response(*, slug: str) -> Response:
    """A published response, for anyone; a draft (or an unknown slug) is a 404."""
    response = _response_queryset().filter(slug=slug, published_on__isnull=False).first()
    if response is None:
        raise Http404("No published response at this address.")
    return response


def owner_choices(response: Response) -> QuerySet[User]:
    return User.objects.filter(body_id=response.body_id, is_active=True).order_by("first_name", "last_name", "username")


# --- the document: what a response page and the published page show --------------------------------------
@dataclass
class ChecklistRow:
    step: ChecklistStep
    item: ChecklistItem | None

    @property
    def is_done(self) -> bool:
        return self.item is not None and self.item.is_done


@dataclass
class ResponseDocument:
    """A response's content in the order of the reference document (see /published/<slug>/ and the DOCX)."""

    response: Response
    publication_types: list[str]
    forces: list[str]
    grades: list[Grade]
    causes_of_concern: list[FindingResponse]
    recommendations: list[FindingResponse]
    areas_for_improvement: list[FindingResponse]
    checklist: list[ChecklistRow]
    unexplained_recommendations: list[FindingResponse] = field(default_factory=list)

    # The document's wording, shared by the public page and the DOCX so the two cannot drift apart.
    @property
    def title(self) -> str:
        return (
            f"{self.response.body.name}'s response to an inspection published by His Majesty's Inspectorate of "
            "Constabulary and Fire & Rescue Services (HMICFRS)"
        )

    intro = (
        "Section 55 of the Police Act 1996, as amended by section 37 of the Policing and Crime Act 2017, requires a "
        "local policing body to publish its comments on every HMICFRS inspection report about its force, the chief "
        "constable's comments and its response to them, within 56 days of the report's publication."
    )

    @property
    def cc_heading(self) -> str:
        return "Chief constable's response to the report and any recommendations or areas for improvement"

    @property
    def body_heading(self) -> str:
        return f"{self.response.body.name}'s response to the report and any recommendations or areas for improvement"

    @property
    def grades_intro(self) -> str:
        return f"HMICFRS graded {self.response.body.force.name} as follows:"

    @property
    def checklist_done(self) -> int:
        return sum(1 for row in self.checklist if row.step.required and row.is_done)

    @property
    def checklist_required(self) -> int:
        return sum(1 for row in self.checklist if row.step.required)


def response_document(response: Response) -> ResponseDocument:
    inspection = response.inspection
    findings = list(
        response.finding_responses.select_related("finding")
        .annotate(update_count=Count("updates"))
        .order_by("finding__kind", "finding__number")
    )
    by_kind: dict[str, list[FindingResponse]] = defaultdict(list)
    kinds = {kind: str(label) for kind, label in FindingKind.choices}
    for finding_response in findings:
        finding_response.response = response
        # For the page: plain text, worked out once (a template would translate the label three times a finding).
        finding_response.kind_label = kinds.get(finding_response.finding.kind, finding_response.finding.kind)  # type: ignore[attr-defined]
        finding_response.edit_url = reverse("finding_edit", args=[response.pk, finding_response.pk])  # type: ignore[attr-defined]
        by_kind[finding_response.finding.kind].append(finding_response)
    items = {item.step_id: item for item in response.checklist_items.select_related("done_by")}
    recommendations = by_kind[FindingKind.RECOMMENDATION]
    return ResponseDocument(
        response=response,
        publication_types=(
            _split_names(response.publication_type_names)
            if hasattr(response, "publication_type_names")
            else [t.name for t in inspection.publication_types.all()]
        ),
        forces=(
            _split_names(response.force_names)
            if hasattr(response, "force_names")
            else [f.name for f in inspection.forces.all()]
        ),
        grades=list(Grade.objects.filter(inspection=inspection, force_id=response.body.force_id)),
        causes_of_concern=by_kind[FindingKind.CAUSE_OF_CONCERN],
        recommendations=recommendations,
        areas_for_improvement=by_kind[FindingKind.AREA_FOR_IMPROVEMENT],
        checklist=[ChecklistRow(step, items.get(step.pk)) for step in ChecklistStep.objects.all()],
        unexplained_recommendations=[fr for fr in recommendations if not fr.explanation.strip()],
    )


# --- published versions: what the public sees -------------------------------------------------------------
def published_versions(response: Response) -> list[PublishedVersion]:
    """Every version of a published response, oldest first, without their content (for the lists of versions)."""
    return list(response.published_versions.defer("content").select_related("published_by").order_by("number"))


def published_version(*, response: Response, number: int | None = None) -> PublishedVersion:
    """Version `number` of a published response (None: the latest); 404 if there is none, which is what a
    publication recorded from an imported register has: the tracker never published its text."""
    versions = PublishedVersion.objects.filter(response=response)
    version = versions.order_by("-number").first() if number is None else versions.filter(number=number).first()
    if version is None:
        raise Http404("No published version at this address.")
    version.response = response
    return version


def latest_version(response: Response) -> PublishedVersion | None:
    return PublishedVersion.objects.filter(response=response).order_by("-number").first()


def done_steps(document: ResponseDocument) -> list[DoneStep]:
    """The office-use steps actually done, with their dates, in checklist order: all the public is told of them."""
    return [DoneStep(row.step.label, row.item.done_on) for row in document.checklist if row.item and row.item.done_on]


def public_document(version: PublishedVersion, *, document: ResponseDocument | None = None) -> PublicDocument:
    """A published version as the public reads it. With `document` (the current version only), the office-use steps
    done so far; an earlier version was replaced, and its page says so instead."""
    return PublicDocument.from_content(
        version.content,
        office_use=done_steps(document) if document else [],
        updated_on=version.published_on if version.is_correction else None,
        update_reason=version.reason if version.is_correction else "",
    )


def draft_document(document: ResponseDocument) -> PublicDocument:
    """The working text as the public would read it if it were published now: the draft Word document."""
    return PublicDocument.from_content(content_of(document), office_use=done_steps(document), draft=True)


@dataclass(frozen=True)
class SincePublication:
    """How the working text of a published response differs from its latest published version."""

    version: PublishedVersion
    changes: list[PartChange]


def since_publication(document: ResponseDocument) -> SincePublication | None:
    """None while the response has no published version."""
    version = latest_version(document.response)
    if version is None:
        return None
    return SincePublication(version, changed_parts(version.content, content_of(document)))


# --- the timeline ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TimelineChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class TimelineEntry:
    timestamp: dt.datetime
    actor: str
    title: str
    changes: list[TimelineChange]
    reason: str


_ACTIONS = {
    AuditEntry.Action.CREATE: "added",
    AuditEntry.Action.UPDATE: "changed",
    AuditEntry.Action.DELETE: "removed",
}
_OBJECT_NAMES = {
    "response": "Response",
    "findingresponse": "Explanation",
    "checklistitem": "Checklist",
    "findingupdate": "Progress update",
    "publishedversion": "Published version",
}
_USER_FIELDS = ("owner", "done_by")
_HIDDEN_FIELDS = {"id", "response", "finding_response", "created_at", "updated_at", "version", "slug", "body"}


def _display(value: Any) -> str:
    if value is None or value == "None":
        return ""
    text = str(value)
    if len(text) >= 10 and text[4:5] == "-" and text[7:8] == "-" and text[:4].isdigit():
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text).strftime("%-d %B %Y")
            moment = dt.datetime.fromisoformat(text)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.strftime("%-d %B %Y at %H:%M")
        except ValueError:
            pass
    return text


@functools.cache
def _field_label(model: type | None, name: str) -> str:
    """A field's verbose name (models do not change while the process runs: worked out once per field)."""
    fields = {field.name: field for field in model._meta.get_fields()} if model is not None else {}  # type: ignore[attr-defined]
    # A field since removed from the model keeps its stored name.
    return str(getattr(fields.get(name), "verbose_name", name.replace("_", " ")))


def _entry_title(entry: AuditEntry, model_name: str) -> str:
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    if model_name == "checklistitem":
        step = entry.object_repr.split(":", 1)[0]
        if "done_on" in changes:
            old, new = (_display(v) for v in changes["done_on"])
            if new and not old:
                return f"Ticked: {step}"
            if old and not new:
                return f"Unticked: {step}"
        return f"Checklist changed: {step}"
    if model_name == "findingresponse":
        finding = entry.object_repr.removeprefix("Explanation of ")
        if entry.action == AuditEntry.Action.CREATE:
            return f"{finding} added to the response"
        return f"{finding}: explanation {_ACTIONS.get(entry.action, 'changed')}"
    if model_name == "findingupdate":
        return "Progress update added"
    if model_name == "publishedversion":
        number = entry.object_repr.removeprefix("Version ")
        return f"Version {number} published" + (" (a correction)" if number != "1" else "")
    if model_name == "response" and entry.action == AuditEntry.Action.CREATE:
        return "Response created"
    if model_name == "response":
        return _response_change_title(changes)
    return f"{_OBJECT_NAMES.get(model_name, model_name)} {_ACTIONS.get(entry.action, 'changed')}"


def _response_change_title(changes: dict[str, Any]) -> str:
    def set_now(name: str) -> bool | None:
        values = changes.get(name)
        if not isinstance(values, list | tuple) or len(values) != 2:
            return None
        return bool(_display(values[1]))

    if set_now("published_on"):
        return "Published"
    if set(changes) == {"ready_at"}:
        return "Marked ready to publish" if set_now("ready_at") else "No longer marked ready to publish"
    if set(changes) == {"status"}:
        return "Status changed"
    if set(changes) == {"owner"}:
        return "Owner changed"
    if set(changes) <= {"deadline", "deadline_overridden", "deadline_override_reason"}:
        return "Section 55 response deadline changed"
    if set(changes) == {"comments_due"}:
        return "Chief constable's comments-due date changed"
    if set(changes) <= set(COMMENT_FIELDS):
        return "Comments changed"
    return "Response changed"


def response_timeline(response: Response, *, limit: int = 200) -> list[TimelineEntry]:
    """What happened to a response, newest first, read from the audit trail."""
    entries = (
        AuditEntry.objects.filter(response_id=response.pk)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")[:limit]
    )
    entries = list(entries)
    names = _user_names(entries)
    timeline = []
    for entry in entries:
        content_type: ContentType = entry.content_type
        model = content_type.model_class()
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        if (
            content_type.model == "checklistitem"
            and entry.action == AuditEntry.Action.CREATE
            and not _display((changes.get("done_on") or [None, None])[-1])
        ):
            continue  # the empty row a first tick creates; the tick itself is the next entry
        rows = []
        if entry.action != AuditEntry.Action.CREATE:
            for name, values in changes.items():
                if name in _HIDDEN_FIELDS or not isinstance(values, list | tuple) or len(values) != 2:
                    continue
                old, new = (_display(v) for v in values)
                if name in _USER_FIELDS:
                    old, new = (names.get(v, v) for v in (old, new))
                if name == "status":
                    old, new = (Status(v).label if v in Status.values else v for v in (old, new))
                rows.append(TimelineChange(_field_label(model, name), old, new))
        timeline.append(
            TimelineEntry(
                timestamp=entry.timestamp,
                actor=(entry.actor.get_full_name() or entry.actor.username) if entry.actor else entry.actor_display,
                title=_entry_title(entry, content_type.model),
                changes=rows,
                reason=entry.reason,
            )
        )
    return timeline


def _user_names(entries: list[AuditEntry]) -> dict[str, str]:
    """Names of the users an entry's owner or done_by changes point at, in one query."""
    pks = {
        str(value)
        for entry in entries
        if isinstance(entry.changes, dict)
        for name in _USER_FIELDS
        for value in (entry.changes.get(name) or [])
        if str(value).isdigit()
    }
    users = User.objects.filter(pk__in=pks) if pks else User.objects.none()
    return {str(user.pk): user.get_full_name() or user.username for user in users}


# --- the dashboard ---------------------------------------------------------------------------------------
def dashboard_responses(*, user: Any) -> ResponseQuerySet:
    """The user's responses with everything a dashboard row shows, in one query for a page of them.

    Checklist progress and the publication types' names are correlated subqueries rather than JOINs, GROUP BYs or a
    prefetch, so a COUNT and the filters run on the plain table and only the rows of the page pay for them.
    """
    return _dashboard_queryset().all().for_user(user)


@functools.cache
def _dashboard_queryset() -> ResponseQuerySet:
    """Built once per process (resolving the subqueries took longer than running the page's query) and never
    evaluated itself: every use starts from a copy (`.all()`)."""
    done = (
        ChecklistItem.objects.filter(response=OuterRef("pk"), step__required=True, done_on__isnull=False)
        .order_by()
        .values("response")
        .annotate(n=Count("pk"))
        .values("n")
    )
    required = ChecklistStep.objects.filter(required=True).order_by().values("required").annotate(n=Count("pk"))
    type_names = (
        PublicationType.objects.filter(inspections=OuterRef("inspection_id"))
        .order_by()
        .values("inspections")
        .annotate(names=StringAgg("name", delimiter=Value(", "), order_by=_by_name()))
        .values("names")
    )
    return (
        Response.objects.select_related("inspection", "body", "owner")
        .annotate(
            checklist_done=Coalesce(Subquery(done), 0),
            checklist_required=Coalesce(Subquery(required.values("n")), 0),
            publication_type_names=Subquery(type_names),
        )
        .order_by("statutory_last_day", "id")
    )


def _by_name() -> str | None:
    # SQLite before 3.44 cannot order inside an aggregate: there the names come in the order they were linked.
    return "name" if connection.features.supports_aggregate_order_by_clause else None


# --- how a response's state reads ------------------------------------------------------------------------
_TAG_CLASSES = {
    Status.NOT_STARTED: "not-started",
    Status.AWAITING_CHIEF_CONSTABLE: "drafting",
    Status.DRAFTING: "drafting",
    Status.READY: "published",
    Status.PUBLISHED: "published",
    Status.COMPLETE: "complete",
    Status.NOT_REQUIRED: "not-started",
}


def status_key(response: Response, today: dt.date) -> tuple[str, str]:
    """(label, modifier) of the tag a response shows: lateness first, then its stored status."""
    if response.is_overdue(today):
        return "Overdue", "overdue"
    left = response.days_left(today)
    if response.is_open and left == 0:
        return "Due today", "due-soon"  # the statutory last day itself: still in time, overdue from tomorrow
    if response.is_open and left is not None and left <= DUE_SOON_DAYS:
        return f"Due within {DUE_SOON_DAYS} days", "due-soon"
    status = Status(response.status)
    return str(status.label), _TAG_CLASSES[status]


def days_left_text(days: int | None) -> str:
    if days is None:
        return "No statutory deadline"
    if days == 0:
        return "Last day today"
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    return f"{-days} day{'s' if days != -1 else ''} late"


@dataclass(frozen=True)
class DashboardRow:
    """One dashboard row: the values its cells show, which the template formats."""

    url: str
    title: str
    publication_types: str
    body: str
    published: dt.date  # the inspection's publication
    deadline: dt.date | None  # |date writes nothing for a missing one
    statutory_last_day: dt.date | None
    is_open: bool
    days_left: int | None  # while it is open
    response_published: dt.date | None
    status_label: str
    status_modifier: str
    checklist_done: int
    checklist_required: int
    owner: str


def dashboard_rows(responses: Any, *, today: dt.date) -> list[DashboardRow]:
    """The rows of a page of `dashboard_responses`."""
    rows = []
    for response in responses:
        label, modifier = status_key(response, today)
        owner = response.owner
        rows.append(
            DashboardRow(
                url=response.get_absolute_url(),
                title=response.inspection.title,
                publication_types=response.publication_type_names or "",
                body=response.body.display_name,
                published=response.inspection.published_on,
                deadline=response.deadline,
                statutory_last_day=response.statutory_last_day,
                is_open=response.is_open,
                days_left=response.days_left(today) if response.is_open else None,
                response_published=response.published_on,
                status_label=label,
                status_modifier=modifier,
                checklist_done=response.checklist_done,
                checklist_required=response.checklist_required,
                owner=(owner.get_full_name() or owner.username) if owner else "",
            )
        )
    return rows


@dataclass(frozen=True)
class StatusCount:
    key: str
    label: str
    count: int


def status_counts(*, user: Any, today: dt.date) -> list[StatusCount]:
    """How many of the user's responses are in each state, in two queries. Keys match the filter's status values.

    The count per status comes from the status tally on PostgreSQL (kept by triggers: a few hundred rows, however
    many responses), else from one count over the user's responses; then late and due-soon are counted over the open
    statuses only, a small range of response_status_lastday_idx (a few per cent of the rows at national scale).
    """
    mine = Response.objects.for_user(user).order_by()
    by_status = tallied_by_status(user) if connection.vendor == "postgresql" else counted_by_status(mine)
    lateness = mine.filter(status__in=OPEN_STATUSES).aggregate(
        **{
            OVERDUE: Count("status", filter=overdue_on(today)),
            DUE_SOON: Count("status", filter=due_within(today, DUE_SOON_DAYS)),
        }
    )
    counts = dict.fromkeys([OVERDUE, DUE_SOON, *Status.values], 0)
    counts.update((status, n) for status, n in by_status if status in Status.values)
    counts.update(lateness)
    labels = {OVERDUE: "Overdue", DUE_SOON: f"Due within {DUE_SOON_DAYS} days", **dict(Status.choices)}
    return [StatusCount(key, str(labels[key]), count) for key, count in counts.items()]


def counted_by_status(responses: QuerySet[Response]) -> list[tuple[str, int]]:
    """(status, how many) over `responses`, counted live."""
    # Count("status"), not Count("pk"): the status is in the index, the primary key is not.
    return list(responses.order_by().values("status").annotate(n=Count("status")).values_list("status", "n"))


def tallied_by_status(user: Any) -> list[tuple[str, int]]:
    """(status, how many) of the responses `user` may see, read from the status tally (PostgreSQL only)."""
    scope = body_scope(user)
    if scope is None:
        return []
    tally = StatusTally.objects.all() if scope is EVERY_BODY else StatusTally.objects.filter(body_id=scope)
    return list(tally.order_by().values("status").annotate(total=Sum("n")).values_list("status", "total"))


def counted(counts: list[StatusCount], status: str | None, *, finished: bool = True) -> int:
    """How many responses the dashboard lists with this status filter (None: all; with `finished` False, all the
    open ones), read from `status_counts`."""
    if status:
        return next(item.count for item in counts if item.key == status)
    statuses = Status.values if finished else OPEN_STATUSES
    return sum(item.count for item in counts if item.key in statuses)


# --- the deadline calendar ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CalendarEvent:
    response: Response
    label: str
    overdue: bool


@dataclass
class CalendarDay:
    date: dt.date | None
    events: list[CalendarEvent] = field(default_factory=list)


@dataclass
class CalendarMonth:
    first: dt.date
    weeks: list[list[CalendarDay]]

    @property
    def events(self) -> list[tuple[dt.date, CalendarEvent]]:
        return [(day.date, event) for week in self.weeks for day in week if day.date for event in day.events]


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def deadline_calendar(
    *, user: Any, today: dt.date, months: int = 3, start: dt.date | None = None
) -> list[CalendarMonth]:
    """The open responses' statutory last days and chief constable comments-due dates, month by month."""
    first = (start or today).replace(day=1)
    end = add_months(first, months)
    responses = (
        Response.objects.for_user(user)
        .open()
        .filter(
            Q(statutory_last_day__gte=first, statutory_last_day__lt=end)
            | Q(comments_due__gte=first, comments_due__lt=end)
        )
        .select_related("inspection")
        .order_by("statutory_last_day", "id")
    )
    events: dict[dt.date, list[CalendarEvent]] = defaultdict(list)
    for response in responses:
        last_day = response.statutory_last_day
        if last_day is not None and first <= last_day < end:
            events[last_day].append(CalendarEvent(response, "Statutory last day", last_day < today))
        if response.comments_due and first <= response.comments_due < end and not response.cc_comments_settled():
            events[response.comments_due].append(
                CalendarEvent(response, "Chief constable's comments due", response.comments_due < today)
            )
    result = []
    cal = calendar.Calendar(firstweekday=calendar.MONDAY)
    for n in range(months):
        month_start = add_months(first, n)
        weeks = [
            [
                CalendarDay(day, events.get(day, [])) if day.month == month_start.month else CalendarDay(None)
                for day in week
            ]
            for week in cal.monthdatescalendar(month_start.year, month_start.month)
        ]
        result.append(CalendarMonth(month_start, weeks))
    return result
