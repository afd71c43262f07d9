#!/usr/bin/env python
"""`make bench`: the figures of docs/bench.md, measured on a national-scale PostgreSQL database.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/s55bench .venv/bin/python demo/bench.py [--requests 50]

Creates the database if it does not exist, migrates it, seeds it with `seed_bench` if it holds no response, then
prints one table:

- the dashboard (`/`) and the Django admin changelist of responses, side by side on the same rows, for the busiest
  body's user and for the national superuser; the response page (`/responses/<id>/`) over a sample of that body's
  responses, beside the admin change page of the same responses: p50 and p95 server time and the most queries of
  any request, after warm-up, through the Django test client in this process (no network, no web server);
- the register export and a ~1,000,000-row audit export (`export_register`, `export_audit --from …`), each run in a
  process of its own: rows per second of the command itself (the process's whole time, start-up included, is shown
  beside it) and the process's peak RSS;
- the reminder sweep over every open response on today's date: planning (one set-based pass), delivery of what
  falls due today (to an in-memory mail backend), and a repeat sweep as every REMINDER_SWEEP_MINUTES will run it.
  The sweeps run inside a transaction that is rolled back, so the bench can be run again with the same result.

Settings: config.settings_test (DEBUG off, the production middleware and templates; fast password hashing, which
no request here uses) pointed at BENCH_DATABASE_URL.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/s55bench"


@dataclass
class Row:
    measure: str
    p50: str = ""
    p95: str = ""
    queries: str = ""
    throughput: str = ""
    peak_rss: str = ""
    target: str = ""
    verdict: str = ""


# --- set-up ------------------------------------------------------------------------------------------------------
def configure(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    os.environ.setdefault("VAR_DIR", str(ROOT / "var" / "bench"))
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))


def ensure_database(url: str) -> None:
    """CREATE DATABASE if the one named in `url` does not exist (connecting to the `postgres` database to do it)."""
    from urllib.parse import urlsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"The bench needs PostgreSQL; BENCH_DATABASE_URL is {url!r}.")
    name = parts.path.lstrip("/")
    try:
        psycopg.connect(url).close()
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise SystemExit(f"Cannot connect to {parts.hostname}:{parts.port}: {exc}") from None
        maintenance = parts._replace(path="/postgres").geturl()
        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"Created database {name}.", file=sys.stderr)


def describe_machine() -> list[str]:
    import django
    import psutil
    from django.db import connection

    cpu = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"- machine: {os.cpu_count()} CPUs (`nproc`), {psutil.virtual_memory().total / 2**30:.1f} GiB memory, {cpu}",
        f"- PostgreSQL {pg_version} on {connection.settings_dict['HOST'] or 'a local socket'}; "
        f"Python {platform.python_version()}, Django {django.get_version()}; load average at start {load}",
    ]


def dataset() -> tuple[str, dict[str, int]]:
    from audit.models import AuditEntry
    from inspections.models import Inspection
    from notifications.models import OutboxEmail
    from responses.models import FindingResponse, Response

    counts = {
        "inspections": Inspection.objects.count(),
        "responses": Response.objects.count(),
        "open": Response.objects.open().count(),
        "explanations": FindingResponse.objects.count(),
        "audit": AuditEntry.objects.count(),
        "outbox": OutboxEmail.objects.count(),
    }
    text = (
        f"- data: {counts['inspections']:,} inspections, {counts['responses']:,} responses ({counts['open']:,} open), "
        f"{counts['explanations']:,} finding explanations, {counts['audit']:,} audit entries, "
        f"{counts['outbox']:,} outbox emails"
    )
    return text, counts


# --- measuring ------------------------------------------------------------------------------------------------------
def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def percentile(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


@dataclass
class PageFigures:
    p50: float
    p95: float
    queries: int
    requests: int


def time_pages(client: Any, urls: Sequence[str], requests: int, budget: float = 60.0) -> PageFigures:
    """GET each url in turn `requests` times after a warm-up; server time and queries of every request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls[:3]:
        client.get(url)
    times: list[float] = []
    queries: list[int] = []
    began = time.monotonic()
    for i in range(requests):
        # A page that takes seconds (the admin at national scale) gets a time budget, not the full count.
        if i >= 10 and time.monotonic() - began > budget:
            break
        url = urls[i % len(urls)]
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}.")
        times.append(elapsed)
        queries.append(len(captured))
    return PageFigures(statistics.median(times), percentile(times, 95), max(queries), len(times))


def page_row(measure: str, figures: PageFigures, target: str, ok: bool | None) -> Row:
    verdict = "" if ok is None else ("✅" if ok else "❌")
    measure = f"{measure}, {figures.requests} requests"
    return Row(measure, ms(figures.p50), ms(figures.p95), str(figures.queries), target=target, verdict=verdict)


def meets_page_target(figures: PageFigures) -> bool:
    return figures.p95 < 0.050 and figures.queries <= 10


@dataclass
class ProcessFigures:
    seconds: float  # the export itself, inside the process
    wall_seconds: float  # the whole process, Python and Django start-up included
    peak_rss_mb: float
    rows: int


def run_export(args: list[str]) -> ProcessFigures:
    """Run a manage.py export command in a process of its own (this script, as `--child`): the time of the export
    itself, of the whole process, its peak RSS and the rows it wrote."""
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "export.csv"
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, __file__, "--child", *args, "--output", str(output)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=os.environ.copy(),
        )
        stdout, stderr = process.communicate()
        # communicate() reaped the child; getrusage(RUSAGE_CHILDREN) would give the largest child so far, so the
        # child reports its own peak (ru_maxrss: KiB on Linux) along with its timing.
        wall = time.perf_counter() - started
        if process.returncode != 0:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{stderr.decode()}")
        report = json.loads(stdout.decode().strip().splitlines()[-1])
        with output.open(encoding="utf-8", newline="") as file:
            rows = sum(1 for _ in csv.reader(file)) - 1
    return ProcessFigures(report["seconds"], wall, report["peak_rss_kib"] / 1024, rows)


def child_export(args: list[str]) -> int:
    """In the export's own process: run the command, then print its time and this process's peak RSS as JSON."""
    import resource

    import django
    from django.core.management import call_command

    django.setup()
    started = time.perf_counter()
    call_command(*args, stderr=open(os.devnull, "w"))  # noqa: SIM115 - closed at exit
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_rss_kib": peak}))
    return 0


def export_row(measure: str, figures: ProcessFigures) -> Row:
    rate = figures.rows / figures.seconds
    ok = rate >= 50_000 and figures.peak_rss_mb < 150
    return Row(
        f"{measure}: {figures.rows:,} rows in {figures.seconds:.1f} s ({figures.wall_seconds:.1f} s with start-up)",
        throughput=f"{rate:,.0f} rows/s",
        peak_rss=f"{figures.peak_rss_mb:.0f} MB",
        target="≥ 50,000 rows/s, < 150 MB",
        verdict="✅" if ok else "❌",
    )


def audit_from_date(rows_wanted: int) -> dt.date:
    """The first day from which the audit export has at least `rows_wanted` rows (one row per changed field)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (timestamp AT TIME ZONE %s)::date AS day,
                   sum(CASE WHEN jsonb_typeof(changes) = 'object'
                            THEN greatest(1, (SELECT count(*) FROM jsonb_object_keys(changes))) ELSE 1 END)
            FROM audit_auditentry GROUP BY 1 ORDER BY 1 DESC
            """,
            ["Europe/London"],
        )
        total = 0
        first = dt.date.today()
        for day, rows in cursor.fetchall():
            first, total = day, total + rows
            if total >= rows_wanted:
                break
    return first


def timed_queries(action: Callable[[], Any]) -> tuple[float, int, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
    return elapsed, len(captured), result


def bench_sweep(open_count: int) -> list[Row]:
    from django.db import transaction
    from django.test.utils import override_settings
    from django.utils import timezone

    from notifications.delivery import deliver_due
    from notifications.planner import plan_reminders
    from notifications.services import reminders_sweep

    today = timezone.localdate()
    rows = []
    memory_mail = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with override_settings(MAILERS=memory_mail), transaction.atomic():
        seconds, queries, plan = timed_queries(lambda: plan_reminders(today))
        rows.append(
            Row(
                f"Reminder sweep, planning over all {open_count:,} open responses: {plan.planned:,} due today",
                p50=f"{seconds:.2f} s",
                queries=str(queries),
                target="< 5 s, set-based",
                verdict="✅" if seconds < 5 and queries < 100 else "❌",
            )
        )
        seconds, queries, report = timed_queries(lambda: deliver_due(today=today))
        per_email = seconds / report.sent if report.sent else 0
        rows.append(
            Row(
                f"Reminder sweep, delivering them: {report.sent:,} emails (in-memory backend)",
                p50=f"{seconds:.2f} s",
                queries=str(queries),
                throughput=f"{per_email * 1000:.1f} ms/email",
                target="one claim per batch of 50, one mark per email",
            )
        )
        seconds, queries, _run = timed_queries(lambda: reminders_sweep(today=today, actor="bench"))
        rows.append(
            Row(
                "Reminder sweep, repeated (every REMINDER_SWEEP_MINUTES; nothing new)",
                p50=f"{seconds:.2f} s",
                queries=str(queries),
                target="< 5 s, set-based",
                verdict="✅" if seconds < 5 and queries < 100 else "❌",
            )
        )
        transaction.set_rollback(True)
    return rows


# --- the bench ------------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        configure(os.environ["DATABASE_URL"])
        return child_export(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--requests", type=int, default=50, help="Requests per page measured (after warm-up).")
    parser.add_argument("--responses", type=int, default=100_000, help="Seed size, if the database is empty.")
    parser.add_argument("--explanations-per-response", type=int, default=10)
    parser.add_argument("--audit-rows", type=int, default=2_000_000)
    parser.add_argument("--audit-export-rows", type=int, default=1_000_000)
    parser.add_argument("--skip-exports", action="store_true", help="Pages and sweep only.")
    parser.add_argument("--output", type=Path, help="Also write the table (markdown) to this file.")
    args = parser.parse_args(argv)

    configure(args.database_url)
    ensure_database(args.database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import User
    from responses.models import Response

    call_command("migrate", interactive=False, verbosity=0)
    if not Response.objects.exists():
        call_command(
            "seed_bench",
            responses=args.responses,
            explanations_per_response=args.explanations_per_response,
            audit_rows=args.audit_rows,
        )
    machine = describe_machine()
    data_line, counts = dataset()
    print("\n".join([*machine, data_line]), file=sys.stderr)

    national = User.objects.get(username="bench-national")
    busiest = (
        Response.objects.values("body_id").annotate(n=django.db.models.Count("id")).order_by("-n", "body_id").first()
    )
    if busiest is None:
        raise SystemExit("No responses to measure.")
    body_user = User.objects.filter(body_id=busiest["body_id"], username__startswith="bench-").first()
    if body_user is None:
        raise SystemExit("No bench user for the busiest body: was this database seeded by seed_bench?")

    rows: list[Row] = []
    for label, user, count in (
        ("body user", body_user, busiest["n"]),
        ("national superuser", national, counts["responses"]),
    ):
        client = Client()
        client.force_login(user)
        dashboard = time_pages(client, ["/"], args.requests)
        admin = time_pages(client, ["/admin/responses/response/"], args.requests)
        rows.append(
            page_row(
                f"Dashboard `/`, {label} ({count:,} responses)",
                dashboard,
                "p95 < 50 ms, ≤ 10 queries",
                meets_page_target(dashboard),
            )
        )
        rows.append(
            page_row(
                f"Django admin changelist, same user and rows ({count:,} responses)",
                admin,
                "dashboard no slower",
                dashboard.p95 <= admin.p95,
            )
        )
    client = Client()
    client.force_login(body_user)
    ids = list(Response.objects.filter(body_id=body_user.body_id).values_list("id", flat=True))
    sample = random.Random(55).sample(ids, min(len(ids), args.requests))
    detail = time_pages(client, [f"/responses/{pk}/" for pk in sample], args.requests)
    change = time_pages(client, [f"/admin/responses/response/{pk}/change/" for pk in sample], args.requests)
    rows.append(
        page_row(
            f"Response page `/responses/<id>/`, body user, {len(sample)} responses",
            detail,
            "p95 < 50 ms, ≤ 10 queries",
            meets_page_target(detail),
        )
    )
    rows.append(page_row("Django admin change page, same responses", change, "for comparison", None))
    # The Police and Crime Panel's report over ten years of reports (docs/panel-report.md), for the busiest body's
    # user and for the national superuser (all bodies).
    ten_years = f"/reports/panel/?from={dt.date.today().year - 10}-01-01&to={dt.date.today().isoformat()}"
    for label, user in (("body user", body_user), ("national superuser, all bodies", national)):
        client = Client()
        client.force_login(user)
        panel = time_pages(client, [ten_years], args.requests)
        ok = panel.p95 < 0.200
        rows.append(page_row(f"Panel report `/reports/panel/`, ten years, {label}", panel, "p95 < 200 ms", ok))
    # The actions tracker (docs/actions.md), its first page, for the busiest body's user and the national superuser.
    for label, user in (("body user", body_user), ("national superuser", national)):
        client = Client()
        client.force_login(user)
        tracker = time_pages(client, ["/actions/"], args.requests)
        rows.append(
            page_row(
                f"Actions tracker `/actions/`, {label}",
                tracker,
                "p95 < 50 ms, ≤ 10 queries",
                meets_page_target(tracker),
            )
        )

    if not args.skip_exports:
        rows.append(export_row("Register export (`export_register`)", run_export(["export_register"])))
        since = audit_from_date(args.audit_export_rows)
        rows.append(
            export_row(
                f"Audit export (`export_audit --from {since}`)",
                run_export(["export_audit", "--from", since.isoformat()]),
            )
        )
    rows.extend(bench_sweep(counts["open"]))

    table = render(rows)
    print(table)
    if args.output:
        args.output.write_text("\n".join([*machine, data_line, "", table, ""]), encoding="utf-8")
    return 0 if all(row.verdict != "❌" for row in rows) else 1


def render(rows: list[Row]) -> str:
    header = ["measure", "p50 / time", "p95", "queries", "throughput", "peak RSS", "target", ""]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] * len(header)) + "|",
    ]
    for row in rows:
        cells = [row.measure, row.p50, row.p95, row.queries, row.throughput, row.peak_rss, row.target, row.verdict]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
