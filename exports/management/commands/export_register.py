"""`manage.py export_register [--output FILE] [--format csv|xlsx]`: the register of every body's responses.

CSV to stdout by default; `--output register.xlsx` (or `--format xlsx`) writes the workbook. Recorded as an export
(actor `command:export_register`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from audit.context import acting_as
from audit.models import ExportKind
from audit.services import export_record_create
from exports.register import register_csv, register_xlsx
from responses.models import Response

LABEL = "command:export_register"


class Command(BaseCommand):
    help = "Export the response register (every body) as CSV, or as XLSX with --output FILE.xlsx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", type=Path, help="Write to this file instead of standard output.")
        parser.add_argument("--format", choices=["csv", "xlsx"], help="Default: from the --output suffix, else csv.")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path | None = options["output"]
        file_format = options["format"] or ("xlsx" if output and output.suffix.lower() == ".xlsx" else "csv")
        if file_format == "xlsx" and output is None:
            raise CommandError("XLSX is a binary format: give --output FILE.xlsx.")
        today = timezone.localdate()
        responses = Response.objects.all()
        with acting_as(label=LABEL):
            export_record_create(kind=ExportKind.REGISTER, file_format=file_format, filters={}, label=LABEL)
        if file_format == "xlsx":
            assert output is not None
            with output.open("wb") as file:
                register_xlsx(responses, today=today, file=file)
        elif output is None:
            for piece in register_csv(responses, today=today):
                self.stdout.write(piece, ending="")
            return
        else:
            with output.open("w", encoding="utf-8", newline="") as file:
                file.writelines(register_csv(responses, today=today))
        self.stderr.write(f"Wrote the register to {output}.")
