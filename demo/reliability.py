#!/usr/bin/env python
"""`make reliability`: the embedded default (SQLite) under load and its reminders through failures; the figures of
docs/bench.md.

    .venv/bin/python demo/reliability.py [--rows 10000] [--clients 8] [--only a,b,c]

Everything runs in a temporary directory: a SQLite database made by `manage.py migrate` and `loaddemo`, gunicorn
(config/gunicorn.py) on a free loopback port, and an SMTP server (aiosmtpd) in this process. Three scenarios:

a. **An import while people work.** `import_inspections` of a file of `--rows` rows while `--clients` clients,
   signed in as the demo editor over real HTTP, open responses' comments pages and save them (one request a second
   each), and reminder sweeps (`send_reminders`) run one after another. Prints the import's time, the requests
   made, those that failed (a 5xx, no answer, or "database is locked"; the target is none) and the requests'
   times. A save refused because another client saved the same response first is a conflict, not a failure.
b. **A worker killed while it sends.** A backlog of reminders goes to an SMTP server that takes `--smtp-delay`
   seconds a message; the sending `send_reminders` is killed (SIGKILL) a few messages in, and another worker then
   sweeps every `--sweep-every` seconds. Prints how many reminders were lost (target none), sent twice (each copy
   with the same Message-ID), and how long the rows the killed worker held took to be sent (target: two minutes).
c. **An SMTP outage.** With the server down for `--outage` seconds the sweeps (every 10 s) send nothing, spend no
   attempts and hold the backlog back; after the server is back, the first sweep must send all of it.

The rows imported in (a) are reports published before 2 May 2017, so they add responses but no reminders.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import html.parser
import http.cookiejar
import os
import platform
import secrets
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EDITOR_PASSWORD = os.environ.get("DEMO_EDITOR_PASSWORD", "norfolk-editor-demo")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


# --- the deployment under test --------------------------------------------------------------------------------------
class Site:
    """One SQLite deployment in a temporary directory, and the processes run against it."""

    def __init__(self, work: Path, smtp_port: int) -> None:
        self.work = work
        self.db = work / "db.sqlite3"
        self.web_port = free_port()
        self.base = f"http://127.0.0.1:{self.web_port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "PYTEST_"))},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "SECURE": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": self.base,
            "DATABASE_URL": f"sqlite:///{self.db}",
            "VAR_DIR": str(work / "var"),
            "STATIC_ROOT": str(work / "static"),
            "TASKS_BACKEND": "immediate",
            "MAIL_TO_FILES": "0",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_TIMEOUT": "10",
            "GUNICORN_BIND": f"127.0.0.1:{self.web_port}",
            "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "3"),
            "LOG_LEVEL": "WARNING",
        }
        self.processes: list[subprocess.Popen[bytes]] = []

    def manage(self, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
        return result

    def start(self, *args: str, log: str, **env: str) -> subprocess.Popen[bytes]:
        with (self.work / log).open("ab") as out:
            process = subprocess.Popen(
                [sys.executable, *args],
                cwd=ROOT,
                env={**self.env, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Read the database directly (WAL: readers do not block the app's writers)."""
        with contextlib.closing(sqlite3.connect(self.db, timeout=30)) as db:
            return db.execute(sql, params).fetchall()

    def prepare(self) -> dict[str, float]:
        took: dict[str, float] = {}
        for step, args in (
            ("migrate", ("migrate", "--noinput")),
            ("loaddemo", ("loaddemo",)),
            ("collectstatic", ("collectstatic", "--noinput")),
        ):
            started = time.perf_counter()
            self.manage(*args)
            took[step] = time.perf_counter() - started
        return took

    def start_web(self) -> None:
        self.start("-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi", log="gunicorn.log")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(self.base + "/healthz", timeout=5) as answer,  # noqa: S310 - loopback
            ):
                if answer.status == 200:
                    return
            time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s:\n" + (self.work / "gunicorn.log").read_text())


# --- an SMTP server, slow on request ----------------------------------------------------------------------------------
@dataclass
class Sink:
    delay: float = 0.0
    accepted: list[tuple[float, str, str]] = field(default_factory=list)  # (time, Message-ID, recipient)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd calls it by this name
        message = message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            # Recorded as it arrives: a message whose sender dies before the answer is still delivered.
            for recipient in envelope.rcpt_tos:
                self.accepted.append((time.monotonic(), str(message["Message-ID"]), recipient))
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"

    def to(self, prefix: str) -> list[tuple[float, str, str]]:
        with self.lock:
            return [entry for entry in self.accepted if entry[2].startswith(prefix)]


class SmtpServer:
    def __init__(self, port: int, sink: Sink) -> None:
        self.port, self.sink = port, sink
        self.controller: Any = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


# --- a browser of sorts --------------------------------------------------------------------------------------------
class FormReader(html.parser.HTMLParser):
    """The named fields of the page's forms, with their values as a browser would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        name = named.get("name")
        if tag == "input" and name and named.get("type") not in ("submit", "button"):
            if named.get("type") == "checkbox" and "checked" not in named:
                return
            self.fields[name] = named.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None


def form_fields(page: str) -> dict[str, str]:
    reader = FormReader()
    reader.feed(page)
    return reader.fields


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    saved: int = 0
    conflicts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    def __init__(self, base: str, tally: Tally) -> None:
        self.base, self.tally = base, tally
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path: str, fields: dict[str, str] | None = None) -> tuple[int, str]:
        url = self.base + path  # always our own loopback server
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        started = time.perf_counter()
        status, text = 0, ""
        try:
            request = urllib.request.Request(url, data=data, headers={"Referer": url})  # noqa: S310
            with self.opener.open(request, timeout=60) as answer:
                status, text = answer.status, answer.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        except OSError as error:
            text = f"{type(error).__name__}: {error}"
        with self.tally.lock:
            self.tally.times.append(time.perf_counter() - started)
            if status == 0 or status >= 500 or "database is locked" in text:
                self.tally.failures.append(f"{'POST' if data else 'GET'} {path}: {status or text[:120]}")
        return status, text

    def sign_in(self) -> None:
        _status, page = self.request("/accounts/login/")
        fields = form_fields(page)
        fields.update({"username": "editor", "password": EDITOR_PASSWORD})
        status, page = self.request("/accounts/login/", fields)
        if status != 200 or 'name="password"' in page:
            raise RuntimeError(f"the demo editor could not sign in ({status})")

    def edit(self, response_id: int, words: str) -> None:
        """Open a response's comments page and save it, as an officer would."""
        path = f"/responses/{response_id}/comments/"
        status, page = self.request(path)
        if status != 200:
            return
        fields = form_fields(page)
        fields["body_comments"] = words
        status, page = self.request(path, fields)
        with self.tally.lock:
            if status == 200 and "govuk-error-summary" in page:
                self.tally.conflicts += 1  # another client saved this response first: the page says so
            elif status == 200:
                self.tally.saved += 1


def clients_editing(
    site: Site, count: int, stop: threading.Event, think: float
) -> tuple[Tally, list[threading.Thread]]:
    norfolk = site.query("SELECT id FROM inspections_localpolicingbody WHERE active = 1")[0][0]
    open_ids = [
        row[0]
        for row in site.query(
            "SELECT id FROM responses_response WHERE body_id = ? AND published_on IS NULL ORDER BY id", norfolk
        )
    ]
    tally = Tally()

    def work(number: int) -> None:
        client = Client(site.base, tally)
        client.sign_in()
        n = 0
        while not stop.is_set():
            client.edit(open_ids[(number + n) % len(open_ids)], f"Client {number}, save {n}.")
            if n % 5 == 0:
                client.request("/")
            n += 1
            stop.wait(think)

    threads = [threading.Thread(target=work, args=(number,), daemon=True) for number in range(count)]
    for thread in threads:
        thread.start()
    return tally, threads


# --- (a) an import while people work -------------------------------------------------------------------------------
def write_csv(site: Site, path: Path, rows: int) -> None:
    forces = [name for (name,) in site.query("SELECT name FROM inspections_force ORDER BY name")]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["title", "published_on", "publication_types", "forces", "report_url"])
        for n in range(rows):
            # Before 2 May 2017: no statutory deadline, so the responses opened carry no reminders.
            published = f"{2014 + n % 3}-{1 + n % 12:02}-{1 + n % 28:02}"
            force = "All" if n % 20 == 0 else forces[n % len(forces)]
            writer.writerow([f"Reliability report {n}", published, "PEEL", force, f"https://hmicfrs.example/r/{n}"])


def scenario_import(site: Site, *, rows: int, clients: int) -> list[str]:
    csv_path = site.work / "inspections.csv"
    write_csv(site, csv_path, rows)
    stop = threading.Event()
    tally, threads = clients_editing(site, clients, stop, think=1.0)
    time.sleep(5)  # the clients at work before the import starts
    with tally.lock:
        before = len(tally.times)
    started = time.perf_counter()
    importer = site.start("manage.py", "import_inspections", str(csv_path), log="import.log")
    sweeps, sweep_failures, sweep_times = 0, [], []
    while importer.poll() is None:
        sweep_started = time.perf_counter()
        result = site.manage("send_reminders", check=False, MAIL_TO_FILES="1", EMAIL_HOST="")
        sweep_times.append(time.perf_counter() - sweep_started)
        sweeps += 1
        if result.returncode != 0 or "database is locked" in result.stderr:
            sweep_failures.append(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "failed")
    import_seconds = time.perf_counter() - started
    stop.set()
    for thread in threads:
        thread.join(timeout=90)
    log = (site.work / "import.log").read_text(errors="replace")
    imported = site.query("SELECT count(*) FROM inspections_inspection WHERE title LIKE 'Reliability report %'")[0][0]
    during = tally.times[before:]
    lines = [
        f"(a) import of {rows:,} rows on SQLite while {clients} clients edit and reminder sweeps run",
        f"    import: {imported:,} inspections in {import_seconds:.1f} s (exit {importer.returncode})"
        + ("" if importer.returncode == 0 else f": {log.strip().splitlines()[-1]}"),
        f"    requests: {len(tally.times):,} made ({len(during):,} while the import ran), "
        f"{len(tally.failures)} failed; {tally.saved:,} saves, {tally.conflicts} conflicts",
        f"    request time while importing: p50 {percentile(during, 50) * 1000:.0f} ms, "
        f"p95 {percentile(during, 95) * 1000:.0f} ms, max {max(during, default=0):.1f} s",
        f"    sweeps: {sweeps} run during the import ({statistics.mean(sweep_times or [0]):.1f} s each), "
        f"{len(sweep_failures)} failed",
    ]
    lines += [f"    failed: {failure}" for failure in Counter(tally.failures + sweep_failures).most_common(5)]
    return lines


# --- (b) and (c): the outbox through failures ----------------------------------------------------------------------
BACKLOG = """
import datetime as dt, sys
from django.utils import timezone
from notifications.models import OutboxEmail, ReminderKind
from responses.models import Response
prefix, count = sys.argv[1], int(sys.argv[2])
today = timezone.localdate()
open_ones = Response.objects.filter(body__active=True, published_on__isnull=True, statutory_last_day__isnull=False)
response = open_ones.filter(statutory_last_day__gte=today).order_by("statutory_last_day").first() or open_ones.first()
OutboxEmail.objects.bulk_create(
    OutboxEmail(
        key=f"reliability:{prefix}:{n}", kind=ReminderKind.LAST_DAY, response=response,
        recipient=f"{prefix}{n}@reliability.example", due_on=today, about_date=response.statutory_last_day,
    )
    for n in range(count)
)
"""


def make_backlog(site: Site, prefix: str, count: int) -> None:
    site.manage("shell", "-c", f"import sys; sys.argv = ['-', {prefix!r}, '{count}']\n{BACKLOG}")


def backlog_status(site: Site, prefix: str) -> Counter[str]:
    rows = site.query("SELECT status FROM notifications_outboxemail WHERE recipient LIKE ?", f"{prefix}%")
    return Counter(status for (status,) in rows)


def scenario_killed_worker(
    site: Site, server: SmtpServer, *, count: int, delay: float, sweep_every: float
) -> list[str]:
    prefix = "killed"
    make_backlog(site, prefix, count)
    server.sink.delay = delay
    worker = site.start("manage.py", "send_reminders", log="worker-killed.log")
    deadline = time.monotonic() + 120
    while len(server.sink.to(prefix)) < 5 and time.monotonic() < deadline and worker.poll() is None:
        time.sleep(0.05)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    killed_at = time.monotonic()
    stranded = {
        recipient
        for (recipient,) in site.query(
            "SELECT recipient FROM notifications_outboxemail WHERE recipient LIKE ? AND status = 'sending'",
            f"{prefix}%",
        )
    }
    sent_before_kill = len(server.sink.to(prefix))
    sweeps = 0
    while time.monotonic() - killed_at < 300:
        site.manage("send_reminders", check=False)
        sweeps += 1
        if set(backlog_status(site, prefix)) == {"sent"}:
            break
        time.sleep(max(0.0, sweep_every - (time.monotonic() - killed_at) % sweep_every))
    status = backlog_status(site, prefix)
    received = server.sink.to(prefix)
    copies = Counter(message_id for _at, message_id, _to in received)
    twice = [message_id for message_id, n in copies.items() if n > 1]
    last_stranded = max((at for at, _id, to in received if to in stranded), default=killed_at)
    rows = dict(
        site.query("SELECT recipient, message_id FROM notifications_outboxemail WHERE recipient LIKE ?", f"{prefix}%")
    )
    same_id = all(message_id == rows.get(to) for _at, message_id, to in received)
    return [
        f"(b) a worker killed (SIGKILL) while it sends: {count} reminders to an SMTP server taking {delay} s each",
        f"    killed after {sent_before_kill} messages; it held "
        f"{len(stranded)} claimed rows; another worker then swept every {sweep_every:.0f} s ({sweeps} sweeps)",
        f"    lost: {count - status.get('sent', 0)}; sent twice: {len(twice)} (the same Message-ID each time: "
        f"{'yes' if same_id else 'no'}); rows left: {dict(status)}",
        f"    the killed worker's rows were all sent {last_stranded - killed_at:.0f} s after the kill "
        f"(OUTBOX_HEARTBEAT_SECONDS={site.env.get('OUTBOX_HEARTBEAT_SECONDS', '60')})",
    ]


def scenario_outage(site: Site, server: SmtpServer, *, count: int, outage: float) -> list[str]:
    prefix = "outage"
    server.sink.delay = 0.0
    server.stop()
    make_backlog(site, prefix, count)
    down_at = time.monotonic()
    sweeps_down = 0
    while time.monotonic() - down_at < outage:
        site.manage("send_reminders", check=False)
        sweeps_down += 1
        time.sleep(max(0.0, min(10.0, outage - (time.monotonic() - down_at))))
    during = backlog_status(site, prefix)
    attempts, held = site.query(
        "SELECT max(attempts), sum(server_unreachable) FROM notifications_outboxemail WHERE recipient LIKE ?",
        f"{prefix}%",
    )[0]
    server.start()
    started = time.perf_counter()
    site.manage("send_reminders", check=False)
    took = time.perf_counter() - started
    after = backlog_status(site, prefix)
    return [
        f"(c) an SMTP outage of {outage:.0f} s with {count} reminders due: {sweeps_down} sweeps while it was down",
        f"    during the outage: {during.get('sent', 0)} sent, attempts spent: {attempts or 0}; "
        f"held back until the server answers: {held or 0} of {count}",
        f"    the first sweep after it: {after.get('sent', 0)} of {count} sent in {took:.1f} s; left: "
        f"{ {k: v for k, v in after.items() if k != 'sent'} or 'none' }",
    ]


@contextlib.contextmanager
def site_in(directory: Path, smtp_port: int) -> Iterator[Site]:
    site = Site(directory, smtp_port)
    try:
        yield site
    finally:
        site.stop_all()


def describe() -> list[str]:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"machine: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}; load average at start {load}",
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--backlog", type=int, default=60, help="reminders queued for (b)")
    parser.add_argument("--outage-backlog", type=int, default=80, help="reminders queued for (c)")
    parser.add_argument("--smtp-delay", type=float, default=0.5)
    parser.add_argument("--sweep-every", type=float, default=60.0, help="seconds between the other worker's sweeps")
    parser.add_argument("--outage", type=float, default=30.0)
    parser.add_argument("--only", default="a,b,c")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    chosen = set(args.only.split(","))
    out: Callable[[str], None] = lambda line: print(line, flush=True)  # noqa: E731
    for line in describe():
        out(line)
    work = Path(tempfile.mkdtemp(prefix="s55-reliability-"))
    sink = Sink()
    server = SmtpServer(free_port(), sink)
    server.start()
    try:
        with site_in(work, server.port) as site:
            took = site.prepare()
            out("set-up: " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in took.items()))
            site.start_web()
            if "a" in chosen:
                for line in scenario_import(site, rows=args.rows, clients=args.clients):
                    out(line)
            if "b" in chosen:
                lines = scenario_killed_worker(
                    site, server, count=args.backlog, delay=args.smtp_delay, sweep_every=args.sweep_every
                )
                for line in lines:
                    out(line)
            if "c" in chosen:
                for line in scenario_outage(site, server, count=args.outage_backlog, outage=args.outage):
                    out(line)
    finally:
        server.stop()
        if not args.keep:
            import shutil

            shutil.rmtree(work, ignore_errors=True)
        else:
            out(f"kept {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
