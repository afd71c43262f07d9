"""`manage.py recount_statuses`: rebuild the dashboard's status tally from a count of the responses (PostgreSQL)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection

from responses.services import status_tally_recount


class Command(BaseCommand):
    help = "Rebuild the status tally (the dashboard's counts per status) from the responses. PostgreSQL only."

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write("Nothing to do: on this database the counts are taken live.")
            return
        status_tally_recount()
        self.stdout.write("Recounted the responses of every body by status.")
