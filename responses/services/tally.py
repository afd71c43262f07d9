"""The dashboard's counts per (body, status), kept by triggers on PostgreSQL (responses migration 0003)."""

from __future__ import annotations

from django.db import connection, transaction

from responses.models import StatusTally

_COMPACT = """
WITH folded AS (DELETE FROM responses_statustally RETURNING body_id, status, n)
INSERT INTO responses_statustally (body_id, status, n)
SELECT body_id, status, sum(n) FROM folded GROUP BY body_id, status HAVING sum(n) <> 0
"""


def status_tally_compact() -> int:
    """Fold the status tally's rows into one per (body, status), dropping those at zero; returns the rows left.

    One statement: it removes the rows it can see and writes their sums, so rows that concurrent transactions add
    meanwhile stay as they are, and a reader sees the tally before or after, never half of it. Run by every reminder
    sweep. A no-op on databases other than PostgreSQL (the tally is empty there)."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_COMPACT)
    return StatusTally.objects.count()


def status_tally_recount() -> None:
    """Rebuild the status tally from a count of the responses (should it ever be in doubt). Holds off changes to
    responses for the moment it takes (SHARE lock), so nothing is counted twice or missed."""
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE responses_response IN SHARE MODE")
        cursor.execute("DELETE FROM responses_statustally")
        cursor.execute(
            "INSERT INTO responses_statustally (body_id, status, n) "
            "SELECT body_id, status, count(*) FROM responses_response GROUP BY body_id, status"
        )
