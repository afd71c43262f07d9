"""`manage.py import_register FILE [--dry-run]`: bring a body's Section 55 history in from a register (CSV or XLSX).

The file has the register export's columns (docs/importing.md, "Bringing your history in"). Every row is checked
first; if any is wrong, each problem is printed as `FILE: line N, column C: what is wrong`, nothing is written and
the command exits with status 1. Changes are recorded in the audit trail as `command:import_register`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.context import acting_as
from intake.register_import import REQUIRED_COLUMNS, RowPlan, import_register

LABEL = "command:import_register"


class Command(BaseCommand):
    help = (
        "Import a register of Section 55 responses (CSV or XLSX, in the register export's columns; at least "
        f"{', '.join(REQUIRED_COLUMNS)}). Every row is checked first: if any row is wrong, nothing is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file and say what would change.")

    def handle(self, *args: Any, file: Path, dry_run: bool, **options: Any) -> None:
        try:
            content = file.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        except IsADirectoryError:
            raise CommandError(f"{file} is a directory, not a register file.") from None
        with acting_as(label=LABEL):
            plan = import_register(file.name, content, dry_run=dry_run)
        if not plan.ok:
            for problem in plan.problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError(f"{len(plan.problems)} problem(s) found; nothing was imported.")
        verb = "would change" if dry_run else "changed"
        for row in plan.changed_rows:
            self.stdout.write(_row_line(row, verb))
        if warning := plan.long_past_warning():
            self.stdout.write(self.style.WARNING(warning))
        summary = plan.summary()
        self.stdout.write(self.style.SUCCESS(f"{summary} Nothing written (dry run)." if dry_run else summary))


def _row_line(row: RowPlan, verb: str) -> str:
    return (
        f"{verb} line {row.line}: {row.title} ({row.published_on.isoformat()}), {row.body.display_name}: "
        + "; ".join(row.changes)
    )
