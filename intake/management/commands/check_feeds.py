from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.context import acting_as
from intake.feeds import feeds_check


class Command(BaseCommand):
    help = (
        "Read every watched RSS or Atom feed once (INTAKE_FEEDS, and those added in the admin) and record each new "
        "item that names an active body's force, or all forces, as a spotted report. A feed that fails is recorded "
        "and tried again next time; the others are still read."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--fail-on-error", action="store_true", help="Exit with an error when any feed could not be read."
        )

    def handle(self, *args: Any, fail_on_error: bool, **options: Any) -> None:
        with acting_as(label="command:check_feeds"):
            run = feeds_check()
        if not run.checks:
            self.stdout.write("No feeds are watched: set INTAKE_FEEDS, or add one in the admin.")
            return
        for check in run.checks:
            if check.error:
                self.stderr.write(f"{check.url}: failed: {check.error}")
            elif check.not_modified:
                self.stdout.write(f"{check.url}: not changed since the last check")
            else:
                self.stdout.write(f"{check.url}: {check.items} item(s), {check.spotted} new spotted report(s)")
        summary = f"{run.feeds} feed(s) checked, {run.failed} failed, {run.spotted} new spotted report(s)."
        if run.failed and fail_on_error:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary) if not run.failed else summary)
