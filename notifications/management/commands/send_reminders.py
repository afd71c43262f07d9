"""send_reminders [--today YYYY-MM-DD] [--dry-run]: the reminder sweep, once, synchronously."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from audit.context import acting_as
from notifications.models import OutboxEmail
from notifications.services import reminders_sweep

ACTOR = "command:send_reminders"


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD; got {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Plan the reminders due up to today and send the outbox once, as the background sweep does. "
        "Prints one line per email sent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=_date, help="Plan as if today were this date (YYYY-MM-DD).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be sent; send nothing and write nothing."
        )

    def handle(self, *args: Any, today: dt.date | None, dry_run: bool, **options: Any) -> None:
        day = today or timezone.localdate()
        verb = "would send" if dry_run else "sent"

        def echo(row: OutboxEmail, subject: str) -> None:
            self.stdout.write(f"{verb} {row.due_on.isoformat()} {row.kind} to {row.recipient}: {subject}")

        with acting_as(label=ACTOR):
            run = reminders_sweep(today=day, actor=ACTOR, dry_run=dry_run, on_sent=echo)
        if run.failed and options["verbosity"] >= 1:
            self.stderr.write(f"{run.failed} send(s) failed; they stay in the outbox and are retried (see the admin).")
        if options["verbosity"] >= 2:
            self.stderr.write(
                f"{day.isoformat()}: planned {run.planned}, cancelled or superseded {run.cancelled}, "
                f"{verb} {run.sent}, failed attempts {run.failed}" + (" (dry run: nothing written)" if dry_run else "")
            )
