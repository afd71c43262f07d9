"""`manage.py seed_bench`: a national-scale dataset for `make bench` (docs/bench.md).

    manage.py seed_bench [--responses 100000] [--explanations-per-response 10] [--audit-rows 2000000]
                         [--years 10] [--seed 55] [--password PW] [--database-url URL]

What it makes, on top of the reference data of `loaddemo --no-demo` (43 forces, 43 bodies, all made active):
ten years of inspections (single-force, regional joint and national thematic reports) giving about `--responses`
responses; about `--explanations-per-response` findings per inspection, each explained by every responding body
(FindingResponse); the office-use checklist of published responses; the reminders already sent (the outbox as it
stands at the end of yesterday); and about `--audit-rows` audit entries carrying body_id, response_id and JSON changes,
in time order. Statuses follow the dates as in life: most old responses are complete, the reports of the last 56 days
are being worked on, and a few older responses are overdue stragglers. One bench user per body (`bench-<force>`, an
editor with admin access) and a national superuser (`bench-national`). Passwords are unusable unless `--password`.

How it stays fast: rows are generated once, as tuples with ids allocated here, spooled per table, then loaded with
PostgreSQL COPY (or batched INSERTs on SQLite, for small test runs) in one transaction. Nothing goes through model
save(), so no django-auditlog signal fires (the rest runs inside `disable_auditlog()` too); the audit entries are
written directly, as the ones auditlog writes would read.

Refuses a database that already holds responses, unless they are a previous bench dataset (then nothing happens).
"""

from __future__ import annotations

import datetime as dt
import heapq
import io
import json
import pickle
import random
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any
from zoneinfo import ZoneInfo

from auditlog.context import disable_auditlog
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from accounts.models import Role, User
from audit.models import AuditEntry
from inspections.models import (
    Finding,
    FindingKind,
    Force,
    Grade,
    GradeValue,
    Inspection,
    LocalPolicingBody,
    PublicationType,
)
from notifications.emails import reminder_subject
from notifications.models import OutboxEmail, OutboxStatus, ReminderKind
from notifications.planner import reminder_key
from responses import deadlines
from responses.models import ChecklistItem, ChecklistStep, FindingResponse, Progress, Response, Status

LONDON = ZoneInfo("Europe/London")
NATIONAL_USERNAME = "bench-national"
USER_PREFIX = "bench-"
IMPORT_LABEL = "command:import_inspections"
EN_DASH = "\u2013"
DAY = dt.timedelta(days=1)

# (publication type, share of inspections, how many forces: 1, "joint" (2-6) or "all")
INSPECTION_KINDS: list[tuple[str, float, str]] = [
    ("PEEL", 0.16, "1"),
    ("Custody", 0.14, "1"),
    ("Crime data integrity", 0.10, "1"),
    ("Child protection", 0.10, "1"),
    ("Vetting", 0.08, "1"),
    ("Counter-corruption", 0.08, "1"),
    ("Spotlight", 0.05, "1"),
    ("Joint", 0.22, "joint"),
    ("Thematic", 0.055, "all"),
    ("Super-complaint", 0.015, "all"),
]
PEEL_AREAS = [
    "Investigating crime",
    "Preventing crime",
    "Treatment of the public",
    "Protecting vulnerable people",
    "Managing offenders",
    "Developing a positive workplace",
    "Good use of resources",
    "Responding to the public",
    "Recording data about crime",
]
TOPICS = [
    "the response to domestic abuse",
    "digital forensics",
    "vetting and counter-corruption",
    "the use of stop and search",
    "children in custody",
    "serious and organised crime",
    "neighbourhood policing",
    "call handling and response times",
    "the management of registered sex offenders",
    "violence against women and girls",
    "fraud and cyber crime",
    "the police response to missing children",
]
PROSE = (
    "the force should review its processes and make sure that officers and staff understand how to record "
    "and investigate safeguard vulnerable supervise and share information with partner agencies so that "
    "victims receive a consistent service across every area it serves"
)
WORDS = PROSE.split()


# --- spooling rows and loading them ------------------------------------------------------------------------------
class Table:
    """One database table: its columns in order, defaults for the columns a row does not set, and a row spool."""

    def __init__(self, model: type[models.Model], spool: Spool, now: dt.datetime) -> None:
        self.model = model
        self.name = str(model._meta.db_table)
        fields = model._meta.concrete_fields
        self.columns = [str(f.column) for f in fields]
        self.index = {f.attname: i for i, f in enumerate(fields)}
        self.json_columns = {i for i, f in enumerate(fields) if isinstance(f, models.JSONField)}
        self.defaults = [self._default(f, now) for f in fields]
        self.spool = spool
        self.count = 0

    @staticmethod
    def _default(f: models.Field[Any, Any], now: dt.datetime) -> Any:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return now
        if f.primary_key:
            return None
        value = f.get_default()
        return json.dumps(value) if isinstance(f, models.JSONField) and value is not None else value

    def add(self, **values: Any) -> None:
        row = list(self.defaults)
        index = self.index
        for name, value in values.items():
            row[index[name]] = value
        for i in self.json_columns:
            if isinstance(row[i], dict | list):
                row[i] = json.dumps(row[i], separators=(",", ":"))
        self.spool.add(row)
        self.count += 1


class Spool:
    def add(self, row: Sequence[Any]) -> None:
        raise NotImplementedError

    def load(self, table: Table, progress: tqdm[Any]) -> None:
        raise NotImplementedError


class CopySpool(Spool):
    """Rows pickled in batches to a temporary file, then streamed in with COPY (psycopg formats each row in C):
    flat memory, whatever the row count."""

    def __init__(self, batch_size: int = 10_000) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by load()
        self.batch: list[Sequence[Any]] = []
        self.batch_size = batch_size

    def add(self, row: Sequence[Any]) -> None:
        self.batch.append(row)
        if len(self.batch) >= self.batch_size:
            self._dump()

    def _dump(self) -> None:
        pickle.dump(self.batch, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.batch = []

    def load(self, table: Table, progress: tqdm[Any]) -> None:
        if self.batch:
            self._dump()
        self.file.seek(0)
        columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {connection.ops.quote_name(table.name)} ({columns}) FROM STDIN") as copy:
                while True:
                    try:
                        # Our own file, written just above by this process: nothing untrusted is unpickled.
                        batch = pickle.load(self.file)  # noqa: S301
                    except EOFError:
                        break
                    for row in batch:
                        copy.write_row(row)
                    progress.update(len(batch))
        self.file.close()


class InsertSpool(Spool):
    """Rows kept in memory and inserted in batches: for SQLite and small datasets."""

    def __init__(self, batch_size: int = 2000) -> None:
        self.rows: list[Sequence[Any]] = []
        self.batch_size = batch_size

    def add(self, row: Sequence[Any]) -> None:
        self.rows.append(row)

    def load(self, table: Table, progress: tqdm[Any]) -> None:
        adapt = connection.ops.adapt_datetimefield_value

        def db_value(value: Any) -> Any:
            if isinstance(value, dt.datetime):
                return adapt(value)
            if isinstance(value, dt.date):
                return value.isoformat()
            return value

        columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
        placeholders = ", ".join(["%s"] * len(table.columns))
        # Table and column names come from the models' own metadata, quoted; the values are parameters.
        sql = f"INSERT INTO {connection.ops.quote_name(table.name)} ({columns}) VALUES ({placeholders})"  # noqa: S608
        with connection.cursor() as cursor:
            for start in range(0, len(self.rows), self.batch_size):
                batch = [[db_value(v) for v in row] for row in self.rows[start : start + self.batch_size]]
                cursor.executemany(sql, batch)
                progress.update(len(batch))
        self.rows = []


# --- the plan ---------------------------------------------------------------------------------------------------------
@dataclass
class PlannedInspection:
    published_on: dt.date
    type_name: str
    force_ids: list[int]
    national: bool


@dataclass
class Counts:
    inspections: int = 0
    responses: int = 0
    finding_responses: int = 0
    audit_entries: int = 0
    outbox: int = 0
    checklist_items: int = 0
    findings: int = 0
    open_responses: int = 0


class Command(BaseCommand):
    help = "Fill an empty database with a national-scale bench dataset (see docs/bench.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--responses", type=int, default=100_000, help="About this many responses.")
        parser.add_argument(
            "--explanations-per-response", type=int, default=10, help="Findings per inspection (mean), each explained."
        )
        parser.add_argument("--audit-rows", type=int, default=2_000_000, help="About this many audit entries.")
        parser.add_argument("--years", type=int, default=10, help="Inspections published over this many years.")
        parser.add_argument("--seed", type=int, default=55, help="Random seed: the same seed gives the same data.")
        parser.add_argument("--password", default="", help="Password of the bench users (default: unusable).")
        parser.add_argument(
            "--database-url", default="", help="Seed this database (migrated first) instead of DATABASE_URL."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["database_url"]:
            _use_database(options["database_url"])
            call_command("migrate", interactive=False, verbosity=0)
        if options["responses"] < 1 or options["explanations_per_response"] < 1 or options["years"] < 1:
            raise CommandError("--responses, --explanations-per-response and --years must be at least 1.")
        existing = Response.objects.count()
        if existing:
            if User.objects.filter(username=NATIONAL_USERNAME).exists():
                self.stdout.write(f"Already seeded: {existing:,} responses. Nothing to do.")
                return
            raise CommandError(
                f"The database already holds {existing:,} responses that are not a bench dataset; seed_bench fills "
                "an empty database only (e.g. createdb s55bench, then --database-url postgres://.../s55bench)."
            )
        started = time.monotonic()
        call_command("loaddemo", no_demo=True, verbosity=0, stdout=io.StringIO())
        self.verbosity = options["verbosity"]
        seeder = Seeder(
            responses=options["responses"],
            findings=options["explanations_per_response"],
            audit_rows=options["audit_rows"],
            years=options["years"],
            seed=options["seed"],
            password=options["password"],
            quiet=self.verbosity < 1,
        )
        with disable_auditlog():
            counts = seeder.run()
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Fresh statistics and visibility maps, as autovacuum would leave them on a live database.
            with connection.cursor() as cursor:
                for model in (Response, FindingResponse, AuditEntry, ChecklistItem, Inspection, Finding, OutboxEmail):
                    cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {counts.inspections:,} inspections, {counts.findings:,} findings, {counts.responses:,} "
                f"responses ({counts.open_responses:,} open), {counts.finding_responses:,} explanations, "
                f"{counts.checklist_items:,} checklist ticks, {counts.outbox:,} reminders already sent, "
                f"{counts.audit_entries:,} audit entries in {time.monotonic() - started:.0f} s."
            )
        )


def _use_database(url: str) -> None:
    """Point the default connection at `url` for the rest of this process."""
    import dj_database_url
    from django.conf import settings
    from django.db import connections

    connections["default"].close()
    config = dj_database_url.parse(url)
    settings.DATABASES["default"] = config
    connections.settings["default"] = connections.configure_settings({"default": config})["default"]
    del connections["default"]


class Seeder:
    def __init__(
        self, *, responses: int, findings: int, audit_rows: int, years: int, seed: int, password: str, quiet: bool
    ) -> None:
        self.target_responses = responses
        self.findings_mean = findings
        self.audit_target = audit_rows
        self.years = years
        self.rng = random.Random(seed)
        self.password = password
        self.quiet = quiet
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.counts = Counts()
        self.seq = 0
        self.texts: dict[tuple[int, int], list[str]] = {}

    # --- orchestration ---------------------------------------------------------------------------------------
    def run(self) -> Counts:
        with transaction.atomic():
            self.prepare()
            plan = self.plan_inspections()
            self.generate(plan)
            self.load()
        with transaction.atomic():
            self.mark_reminders_sent()
        return self.counts

    def progress(self, total: int, desc: str, unit: str) -> tqdm[Any]:
        return tqdm(total=total, desc=desc, unit=unit, unit_scale=True, disable=self.quiet, leave=True, smoothing=0.1)

    # --- reference data and people ---------------------------------------------------------------------------
    def prepare(self) -> None:
        LocalPolicingBody.objects.filter(active=False).update(active=True)
        self.bodies = {b.force_id: b for b in LocalPolicingBody.objects.select_related("force")}
        missing = Force.objects.exclude(pk__in=self.bodies).count()
        if missing:
            raise CommandError(f"{missing} forces have no local policing body; run loaddemo first.")
        self.force_ids = sorted(self.bodies)
        self.types = {t.name: t.pk for t in PublicationType.objects.all()}
        steps = list(ChecklistStep.objects.order_by("order", "id"))
        self.required_steps = [s for s in steps if s.required]
        self.optional_steps = [s for s in steps if not s.required]
        password = make_password(self.password or None)
        users = [
            User(
                username=f"{USER_PREFIX}{body.force.slug}",
                email=f"bench@{body.force.slug}.example",
                first_name="Bench",
                last_name=body.force.name,
                body=body,
                role=Role.EDITOR,
                is_staff=True,
                password=password,
            )
            for body in self.bodies.values()
        ]
        users.append(
            User(
                username=NATIONAL_USERNAME,
                email="bench-national@example.org",
                first_name="National",
                last_name="Administrator",
                is_staff=True,
                is_superuser=True,
                password=password,
            )
        )
        User.objects.bulk_create(users)
        self.users = {u.body_id: u for u in User.objects.filter(username__startswith=USER_PREFIX, body__isnull=False)}
        self.national = User.objects.get(username=NATIONAL_USERNAME)
        ct = ContentType.objects.get_for_model
        self.ct: dict[type[models.Model], int] = {
            m: ct(m).pk for m in (Inspection, Response, FindingResponse, ChecklistItem)
        }

        spool = CopySpool if connection.vendor == "postgresql" else InsertSpool
        now = self.now
        self.tables: dict[str, Table] = {
            "inspection": Table(Inspection, spool(), now),
            "types": Table(Inspection.publication_types.through, spool(), now),
            "forces": Table(Inspection.forces.through, spool(), now),
            "grade": Table(Grade, spool(), now),
            "finding": Table(Finding, spool(), now),
            "response": Table(Response, spool(), now),
            "finding_response": Table(FindingResponse, spool(), now),
            "checklist": Table(ChecklistItem, spool(), now),
            "outbox": Table(OutboxEmail, spool(), now),
            "audit": Table(AuditEntry, spool(), now),
        }
        self.next_id = {key: _max_id(table.model) + 1 for key, table in self.tables.items()}

    def new_id(self, key: str) -> int:
        value = self.next_id[key]
        self.next_id[key] = value + 1
        return value

    # --- which inspections, when ------------------------------------------------------------------------------
    def plan_inspections(self) -> list[PlannedInspection]:
        rng = self.rng
        # The bench measures today's rules: reports from before the 56-day rule (2 May 2017) have no deadlines.
        first = max(self.today - dt.timedelta(days=365 * self.years), deadlines.COMMENCEMENT)
        span = (self.today - first).days
        names = [k[0] for k in INSPECTION_KINDS]
        weights = [k[1] for k in INSPECTION_KINDS]
        reach = {k[0]: k[2] for k in INSPECTION_KINDS}
        planned: list[PlannedInspection] = []
        total = 0
        while total < self.target_responses:
            name = rng.choices(names, weights)[0]
            if reach[name] == "all":
                forces = list(self.force_ids)
            elif reach[name] == "joint":
                forces = rng.sample(self.force_ids, rng.randint(2, 6))
            else:
                forces = [rng.choice(self.force_ids)]
            if total + len(forces) > self.target_responses and len(forces) > 1:
                forces = forces[: self.target_responses - total]
            published = first + dt.timedelta(days=rng.randint(0, span))
            planned.append(PlannedInspection(published, name, sorted(forces), reach[name] == "all"))
            total += len(forces)
        planned.sort(key=lambda p: p.published_on)
        self.planned_responses = total
        return planned

    # --- generating every row ---------------------------------------------------------------------------------
    def generate(self, plan: list[PlannedInspection]) -> None:
        # Audit entries per response: what remains of the target after one entry per inspection, spread evenly.
        self.per_response = max(self.audit_target - len(plan), 0) / self.planned_responses
        self.response_index = 0
        # Audit entries wait here, in time order, for their ids: entries are numbered in the order they happened.
        self.pending: list[tuple[dt.datetime, int, dict[str, Any]]] = []
        with self.progress(self.planned_responses, "generating", " responses") as bar:
            for number, planned in enumerate(plan, start=1):
                self.flush_audit(before=_at(planned.published_on, 0, 0))
                made = self.inspection(number, planned)
                bar.update(made)
        self.flush_audit(before=None)

    def flush_audit(self, *, before: dt.datetime | None) -> None:
        table = self.tables["audit"]
        while self.pending and (before is None or self.pending[0][0] < before):
            timestamp, _seq, values = heapq.heappop(self.pending)
            table.add(id=self.new_id("audit"), timestamp=timestamp, **values)
            self.counts.audit_entries += 1

    def audit(self, timestamp: dt.datetime, **values: Any) -> None:
        timestamp = min(timestamp, self.now)
        self.seq += 1
        heapq.heappush(self.pending, (timestamp, self.seq, values))

    def text(self, low: int, high: int) -> str:
        """Prose of low to high words, drawn from a pool made once (generating it each time was the slowest part)."""
        pool = self.texts.get((low, high))
        if pool is None:
            pool = self.texts[(low, high)] = []
            for _ in range(200):
                n, start = self.rng.randint(low, high), self.rng.randrange(len(WORDS))
                pool.append(" ".join(WORDS[(start + i) % len(WORDS)] for i in range(n)).capitalize() + ".")
        return self.rng.choice(pool)

    def inspection(self, number: int, planned: PlannedInspection) -> int:
        rng, t = self.rng, self.tables
        inspection_id = self.new_id("inspection")
        published = planned.published_on
        if planned.national:
            title = f"{planned.type_name}: a national inspection of {rng.choice(TOPICS)} (report {number})"
        elif len(planned.force_ids) > 1:
            title = f"Joint inspection of {rng.choice(TOPICS)} in {len(planned.force_ids)} forces (report {number})"
        else:
            force = self.bodies[planned.force_ids[0]].force.name
            title = f"{planned.type_name} {EN_DASH} An inspection of {force} (report {number})"
        created = _at(published, 8, rng.randint(0, 59))
        t["inspection"].add(
            id=inspection_id,
            title=title,
            published_on=published,
            is_national=planned.national,
            report_url=f"https://hmicfrs.example/reports/{number}",
            key_findings=self.text(30, 80),
            created_at=created,
            updated_at=created,
        )
        self.counts.inspections += 1
        t["types"].add(
            id=self.new_id("types"), inspection_id=inspection_id, publicationtype_id=self.types[planned.type_name]
        )
        for force_id in planned.force_ids:
            t["forces"].add(id=self.new_id("forces"), inspection_id=inspection_id, force_id=force_id)
        self.audit(
            created,
            action=AuditEntry.Action.CREATE,
            content_type_id=self.ct[Inspection],
            object_pk=str(inspection_id),
            object_id=inspection_id,
            object_repr=f"{title} ({published:%d %b %Y})",
            changes={"title": [None, title], "published_on": [None, published.isoformat()]},
            actor_label=IMPORT_LABEL,
        )
        if planned.type_name == "PEEL":
            for order, area in enumerate(PEEL_AREAS):
                t["grade"].add(
                    id=self.new_id("grade"),
                    inspection_id=inspection_id,
                    force_id=planned.force_ids[0],
                    area=area,
                    grade=rng.choice(GradeValue.values),
                    order=order,
                )
        findings = self.findings(inspection_id)
        for force_id in planned.force_ids:
            self.response(inspection_id, title, published, self.bodies[force_id], findings)
        return len(planned.force_ids)

    def findings(self, inspection_id: int) -> list[tuple[int, str, int]]:
        rng, mean = self.rng, self.findings_mean
        count = rng.randint(max(1, mean // 2), mean + mean // 2) if mean > 1 else 1
        numbers: dict[str, int] = {}
        made = []
        for _ in range(count):
            roll = rng.random()
            kind = (
                FindingKind.CAUSE_OF_CONCERN
                if roll < 0.05
                else FindingKind.RECOMMENDATION
                if roll < 0.35
                else FindingKind.AREA_FOR_IMPROVEMENT
            )
            numbers[kind] = numbers.get(kind, 0) + 1
            finding_id = self.new_id("finding")
            self.tables["finding"].add(
                id=finding_id, inspection_id=inspection_id, kind=kind, number=numbers[kind], text=self.text(12, 40)
            )
            made.append((finding_id, str(kind), numbers[kind]))
        self.counts.findings += count
        return made

    # --- one response and its history --------------------------------------------------------------------------
    def status_for(self, published: dt.date) -> str:
        rng = self.rng
        age = (self.today - published).days
        if age <= 55:
            progress = age / 56 + rng.uniform(-0.25, 0.25)
            if progress < 0.15:
                return Status.NOT_STARTED
            if progress < 0.35:
                return Status.AWAITING_CHIEF_CONSTABLE
            if progress < 0.75:
                return Status.DRAFTING
            if progress < 0.9:
                return Status.READY
            return Status.PUBLISHED
        straggler = 0.03 if age < 365 else 0.002
        if rng.random() < straggler:
            return rng.choice([Status.AWAITING_CHIEF_CONSTABLE, Status.DRAFTING, Status.DRAFTING, Status.READY])
        return Status.PUBLISHED

    def response(
        self,
        inspection_id: int,
        title: str,
        published: dt.date,
        body: LocalPolicingBody,
        findings: list[tuple[int, str, int]],
    ) -> None:
        rng, t, today = self.rng, self.tables, self.today
        response_id = self.new_id("response")
        last_day = deadlines.statutory_last_day(published)
        comments_due = deadlines.default_comments_due(published)
        assert last_day is not None and comments_due is not None  # every bench report is after commencement
        owner = self.users[body.pk] if rng.random() < 0.7 else None
        actor = owner or self.users[body.pk]
        status = self.status_for(published)
        rank = list(Status).index(Status(status))
        scope = {"body_id": body.pk, "response_id": response_id}
        repr_ = f"{body.display_name}: {title}"
        events: list[tuple[dt.datetime, dict[str, Any]]] = []

        def change(
            when: dt.datetime, model: type[models.Model], pk: int, text: str, action: int, **changes: Any
        ) -> None:
            events.append(
                (
                    when,
                    {
                        "action": action,
                        "content_type_id": self.ct[model],
                        "object_pk": str(pk),
                        "object_id": pk,
                        "object_repr": text,
                        "changes": changes,
                        "additional_data": scope,
                        **scope,
                        **(
                            {"actor_id": actor.pk, "actor_email": actor.email, "remote_addr": "10.55.0.1"}
                            if action == AuditEntry.Action.UPDATE
                            else {"actor_label": IMPORT_LABEL}
                        ),
                    },
                )
            )

        created = _at(published, 8, rng.randint(0, 59))
        row: dict[str, Any] = {
            "id": response_id,
            "inspection_id": inspection_id,
            "body_id": body.pk,
            "owner_id": owner.pk if owner else None,
            "status": status,
            "deadline": deadlines.form_deadline(published),
            "statutory_last_day": last_day,
            "comments_due": comments_due,
            "created_at": created,
        }
        change(
            created,
            Response,
            response_id,
            repr_,
            AuditEntry.Action.CREATE,
            inspection=[None, inspection_id],
            body=[None, body.pk],
            deadline=[None, row["deadline"].isoformat()],
            statutory_last_day=[None, last_day.isoformat()],
            comments_due=[None, comments_due.isoformat()],
            status=[None, Status.NOT_STARTED.value],
        )
        previous = Status.NOT_STARTED.value

        def step_status(when: dt.datetime, new: str, **changes: Any) -> None:
            nonlocal previous
            if new != previous:
                changes["status"] = [previous, new]
                previous = new
            change(when, Response, response_id, repr_, AuditEntry.Action.UPDATE, **changes)

        # Published: the day it went out (mostly before the last day, some late), never after today.
        published_on = None
        if status == Status.PUBLISHED:
            if (today - published).days <= 55:
                published_on = today - dt.timedelta(days=rng.randint(0, 3))
            else:
                published_on = last_day - dt.timedelta(days=rng.randint(0, 14))
                if rng.random() < 0.08:
                    published_on = last_day + dt.timedelta(days=rng.randint(1, 30))
            published_on = max(min(published_on, today), published + DAY)
        end = _at(published_on, 16, 0) if published_on else self.now
        cursor = created

        def later(limit_days: int) -> dt.datetime:
            nonlocal cursor
            room = max((end - cursor).total_seconds(), 60.0)
            cursor = cursor + dt.timedelta(seconds=rng.uniform(0.05, 1.0) * min(room / 3, limit_days * 86400))
            return min(cursor, end)

        if rank >= 1:
            invited = min(published + dt.timedelta(days=rng.randint(1, 5)), today)
            row["cc_invited_on"] = invited
            step_status(later(5), Status.AWAITING_CHIEF_CONSTABLE, cc_invited_on=[None, invited.isoformat()])
        explained: dict[int, str] = {}
        finding_rows = []
        for finding_id, kind, number in findings:
            fr_id = self.new_id("finding_response")
            finding_rows.append((fr_id, finding_id, kind, number))
            change(
                created + dt.timedelta(seconds=1),
                FindingResponse,
                fr_id,
                f"Explanation of {FindingKind(kind).label} {number}",
                AuditEntry.Action.CREATE,
                response=[None, response_id],
                finding=[None, finding_id],
                progress=[None, Progress.OPEN.value],
            )
        if rank >= 2:
            when = later(20)
            if rng.random() < 0.85 or comments_due >= today:
                received = min(max(when.astimezone(LONDON).date(), published + DAY), today)
                row |= {"cc_comments": self.text(60, 160), "cc_comments_received_on": received}
                step_status(
                    when,
                    Status.DRAFTING,
                    cc_comments=["", row["cc_comments"]],
                    cc_comments_received_on=[None, received.isoformat()],
                )
            else:
                row["cc_comments_not_received"] = True
                step_status(when, Status.DRAFTING, cc_comments_not_received=[False, True])
            for fr_id, _finding_id, kind, number in finding_rows:
                if rank >= 3 or rng.random() < 0.5:
                    explained[fr_id] = self.text(20, 70)
                    change(
                        later(10),
                        FindingResponse,
                        fr_id,
                        f"Explanation of {FindingKind(kind).label} {number}",
                        AuditEntry.Action.UPDATE,
                        explanation=["", explained[fr_id]],
                    )
        if rank >= 3:
            row |= {"body_comments": self.text(80, 200), "response_to_cc": self.text(30, 90)}
            change(
                later(5),
                Response,
                response_id,
                repr_,
                AuditEntry.Action.UPDATE,
                body_comments=["", row["body_comments"]],
                response_to_cc=["", row["response_to_cc"]],
            )
            ready_at = later(3)
            row["ready_at"] = ready_at
            step_status(ready_at, Status.READY, ready_at=[None, ready_at.isoformat()])
        complete = False
        if published_on is not None:
            slug = f"{slugify(body.display_name)}-{response_id}"
            url = f"{body.website_url or 'https://opcc.example'}/s55/{response_id}"
            row |= {"published_on": published_on, "published_url": url, "slug": slug}
            step_status(
                _at(published_on, 11, rng.randint(0, 59)),
                Status.PUBLISHED,
                published_on=[None, published_on.isoformat()],
                published_url=["", url],
            )
            steps = list(self.required_steps)
            settled_days = (today - published_on).days
            # Steps still open: usual in the first weeks, rare after a year (they would be nagged weekly for ever).
            if settled_days < 30 or rng.random() < (0.03 if settled_days < 365 else 0.002):
                steps = rng.sample(steps, rng.randint(0, len(steps) - 1 if steps else 0))
            complete = len(steps) == len(self.required_steps)
            if complete and rng.random() < 0.5:
                steps += self.optional_steps
            last_tick = None
            for step in steps:
                done_on = min(published_on + dt.timedelta(days=rng.randint(0, 14)), today)
                item_id = self.new_id("checklist")
                t["checklist"].add(
                    id=item_id,
                    response_id=response_id,
                    step_id=step.pk,
                    done_on=done_on,
                    done_by_id=actor.pk,
                    evidence_url=url if step.key == "published_on_website" else "",
                    evidence_reference=f"PORTAL-{response_id}" if step.key == "submitted_to_portal" else "",
                    updated_at=_at(done_on, 12, 0),
                )
                self.counts.checklist_items += 1
                when = _at(done_on, 12, rng.randint(0, 59))
                last_tick = max(last_tick or when, when)
                change(
                    when,
                    ChecklistItem,
                    item_id,
                    f"{step.label}: done {done_on.isoformat()}",
                    AuditEntry.Action.CREATE,
                    response=[None, response_id],
                    step=[None, step.pk],
                    done_on=[None, done_on.isoformat()],
                )
            if complete and last_tick:
                step_status(last_tick + dt.timedelta(seconds=1), Status.COMPLETE)
        row["status"] = Status.COMPLETE.value if complete else status
        row["updated_at"] = max((when for when, _ in events), default=created)
        t["response"].add(**row)
        self.counts.responses += 1
        if row["status"] in (Status.NOT_STARTED, Status.AWAITING_CHIEF_CONSTABLE, Status.DRAFTING, Status.READY):
            self.counts.open_responses += 1

        old = (today - published).days > 365
        for fr_id, finding_id, _kind, _number in finding_rows:
            progress = Progress.OPEN
            if complete and old:
                progress = rng.choice(
                    [Progress.COMPLETE, Progress.COMPLETE, Progress.IN_PROGRESS, Progress.NO_FURTHER_ACTION]
                )
            t["finding_response"].add(
                id=fr_id,
                response_id=response_id,
                finding_id=finding_id,
                explanation=explained.get(fr_id, ""),
                progress=progress,
                updated_at=row["updated_at"],
            )
        self.counts.finding_responses += len(finding_rows)
        self.sent_history(response_id, title, last_day, published_on, body, owner)
        self.add_audit(events, finding_rows, response_id, repr_, scope, actor, created, end)

    def add_audit(
        self,
        events: list[tuple[dt.datetime, dict[str, Any]]],
        finding_rows: list[tuple[int, int, str, int]],
        response_id: int,
        repr_: str,
        scope: dict[str, int],
        actor: User,
        created: dt.datetime,
        end: dt.datetime,
    ) -> None:
        """Keep this response's share of the audit target: sample its events down, or add progress notes."""
        rng = self.rng
        index = self.response_index
        self.response_index += 1
        quota = int((index + 1) * self.per_response) - int(index * self.per_response)
        if quota <= 0:
            return
        if len(events) > quota:
            keep = sorted(rng.sample(range(1, len(events)), quota - 1))
            events = [events[0], *(events[i] for i in keep)]
        span = max((end - created).total_seconds(), 60.0)
        while len(events) < quota and finding_rows:
            fr_id, _finding_id, kind, number = rng.choice(finding_rows)
            old, new = rng.sample([p.value for p in Progress], 2)
            events.append(
                (
                    created + dt.timedelta(seconds=rng.uniform(60, span)),
                    {
                        "action": AuditEntry.Action.UPDATE,
                        "content_type_id": self.ct[FindingResponse],
                        "object_pk": str(fr_id),
                        "object_id": fr_id,
                        "object_repr": f"Explanation of {FindingKind(kind).label} {number}",
                        "changes": {"progress": [old, new]},
                        "additional_data": scope,
                        **scope,
                        "actor_id": actor.pk,
                        "actor_email": actor.email,
                        "remote_addr": "10.55.0.2",
                    },
                )
            )
        for when, values in events:
            self.audit(when, **values)

    def sent_history(
        self,
        response_id: int,
        title: str,
        last_day: dt.date,
        published_on: dt.date | None,
        body: LocalPolicingBody,
        owner: User | None,
    ) -> None:
        """The "days left" reminders sent before the response was published (or before today, if it is open)."""
        stop = published_on or self.today
        recipients = [(body.shared_inbox, None)] + ([(owner.email, owner.pk)] if owner else [])
        for days in (28, 14, 7, 3, 1, 0):
            due = last_day - dt.timedelta(days=days)
            if due >= stop:
                break
            subject = reminder_subject(kind=ReminderKind.LAST_DAY, title=title, about=last_day, day=due)
            sent_at = _at(due, 7, 0)
            for address, user_id in recipients:
                self.tables["outbox"].add(
                    id=self.new_id("outbox"),
                    key=reminder_key(
                        ReminderKind.LAST_DAY, response_id, last_day.isoformat(), due.isoformat(), address
                    ),
                    kind=ReminderKind.LAST_DAY,
                    response_id=response_id,
                    recipient=address,
                    user_id=user_id,
                    due_on=due,
                    about_date=last_day,
                    subject=subject,
                    status=OutboxStatus.SENT,
                    attempts=1,
                    sent_at=sent_at,
                    message_id=f"<bench.{response_id}.{due:%Y%m%d}.{user_id or 0}@s55.example>",
                    claimed_by="bench",
                    created_at=sent_at,
                )
                self.counts.outbox += 1

    # --- loading ----------------------------------------------------------------------------------------------
    def load(self) -> None:
        total = sum(table.count for table in self.tables.values())
        with self.progress(total, "loading", " rows") as bar:
            for table in self.tables.values():
                bar.set_postfix_str(table.name)
                table.spool.load(table, bar)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [t.model for t in self.tables.values()]):
                cursor.execute(sql)
            if connection.vendor == "postgresql":
                # Statistics now: the planner's first sweep (mark_reminders_sent) runs before autovacuum would
                # notice, and without them PostgreSQL picks nested loops over the whole outbox.
                for table in self.tables.values():
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(table.name)}")

    def mark_reminders_sent(self) -> None:
        """The outbox as a sweep run yesterday would have left it: every reminder due so far planned and sent."""
        from notifications.planner import plan_reminders

        plan_reminders(self.today - DAY)
        sent = OutboxEmail.objects.filter(status=OutboxStatus.PENDING).update(
            status=OutboxStatus.SENT, sent_at=self.now - DAY, attempts=1, claimed_by="bench"
        )
        self.counts.outbox += sent


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    # In UTC: arithmetic and comparisons between datetimes sharing a zone are wall-clock, wrong across BST changes.
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON).astimezone(dt.UTC)


def _max_id(model: type[models.Model]) -> int:
    return int(model._base_manager.aggregate(m=Max("pk"))["m"] or 0)
