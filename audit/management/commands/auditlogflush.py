"""Replaces django-auditlog's `auditlogflush`, which deletes or TRUNCATEs the audit table: the trail is append-only.

Takes effect when "audit" comes before "auditlog" in INSTALLED_APPS (Django runs the first app's command of a name).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Refuses: the audit trail is append-only, so its entries are never flushed."

    def add_arguments(self, parser: CommandParser) -> None:
        # Accept auditlog's options, so that a script calling it fails with the reason rather than a usage error.
        parser.add_argument("-y", "--yes", action="store_true")
        parser.add_argument("-b", "--before-date")
        parser.add_argument("-t", "--truncate", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        raise CommandError("The audit trail is append-only: entries cannot be flushed, deleted or truncated.")
