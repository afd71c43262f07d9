from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.context import acting_as
from intake.importer import COLUMNS, ParsedRow, import_csv_text


def _and(items: Sequence[str]) -> str:
    return " and ".join(filter(None, [", ".join(items[:-1]), items[-1]]))


class Command(BaseCommand):
    help = (
        f"Import inspections from a CSV file with columns {', '.join(COLUMNS)}. Several publication types or forces "
        "are separated by ';'. Every row is checked first: if any row is wrong, nothing is imported."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file and say what would be imported.")

    def handle(self, *args: Any, file: Path, dry_run: bool, **options: Any) -> None:
        try:
            text = file.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file} is not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8'.") from None
        with acting_as(label="command:import_inspections"):
            result = import_csv_text(text, dry_run=dry_run)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError(f"{len(result.problems)} problem(s) found; nothing was imported.")
        if dry_run:
            for row in result.rows:
                if row.recorded is None:
                    self.stdout.write(f"would import line {row.line}: {row.title} ({row.published_on.isoformat()})")
                else:
                    self._already_present(row)
            self.stdout.write(self.style.SUCCESS(f"{len(result.rows)} row(s) are valid; nothing written (dry run)."))
            return
        for inspection in result.created:
            self.stdout.write(f"imported: {inspection.title} ({inspection.published_on.isoformat()})")
        for row in result.unchanged:
            self._already_present(row)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(result.created)} inspection(s) imported, {len(result.unchanged)} already present and unchanged."
            )
        )

    def _already_present(self, row: ParsedRow) -> None:
        line = f"already present, left unchanged: line {row.line}: {row.title} ({row.published_on.isoformat()})"
        if row.differences:
            line += (
                f"; the file's {_and(row.differences)} differ from the recorded inspection's: correct them in the admin"
            )
        self.stdout.write(line)
