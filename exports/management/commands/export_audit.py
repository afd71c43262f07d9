"""`manage.py export_audit [--output FILE] [--from DATE] [--to DATE] [--response ID]`: the whole audit trail as CSV.

Same rows as /exports/audit.csv for a national superuser; streams, so a million rows use flat memory. Recorded as an
export (actor `command:export_audit`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.context import acting_as
from audit.filters import AuditFilter
from audit.models import AuditEntry, ExportKind
from audit.services import export_record_create
from exports.audit import audit_csv

LABEL = "command:export_audit"


class Command(BaseCommand):
    help = "Export the audit trail as CSV: one row per changed field."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", type=Path, help="Write to this file instead of standard output.")
        parser.add_argument("--from", dest="from", metavar="YYYY-MM-DD", help="First day (inclusive, UK time).")
        parser.add_argument("--to", dest="to", metavar="YYYY-MM-DD", help="Last day (inclusive, UK time).")
        parser.add_argument("--response", metavar="ID", help="Only entries about this response.")

    def handle(self, *args: Any, **options: Any) -> None:
        params = {name: options[name] for name in ("from", "to", "response") if options[name] is not None}
        filterset = AuditFilter(params, queryset=AuditEntry.objects.all())
        form = filterset.form
        if not form.is_valid():
            raise CommandError(f"Invalid filter: {form.errors_text()}")
        with acting_as(label=LABEL):
            export_record_create(kind=ExportKind.AUDIT, file_format="csv", filters=form.active_filters(), label=LABEL)
        content = audit_csv(filterset.qs)
        output: Path | None = options["output"]
        if output is None:
            for piece in content:
                self.stdout.write(piece, ending="")
            return
        with output.open("w", encoding="utf-8", newline="") as file:
            file.writelines(content)
        self.stderr.write(f"Wrote the audit trail to {output}.")
