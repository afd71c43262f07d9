"""Indexes for the dashboard and the admin list at national scale (docs/bench.md, `make bench`).

Both lists show responses ordered by (statutory_last_day, id), 25 or 50 to a page:

- `response_lastday_id_idx` lets the national superuser's page read its 25 rows in index order instead of joining
  and sorting every response (100,000 at national scale: ~350 ms → ~1 ms);
- `response_body_lastday_id_idx` does the same for one body's page, and ends with `status` so that the body's status
  counts are an index-only scan (it makes `response_body_lastday_idx`, its prefix, redundant). A key column rather
  than INCLUDE: SQLite has no INCLUDE, and Django warns (models.W040) on every command where it is declared.

Plain AddIndex: the responses table is small enough (100,000 rows: well under a second) that the brief lock is
harmless. Reversible.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="response",
            index=models.Index(fields=["statutory_last_day", "id"], name="response_lastday_id_idx"),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(
                fields=["body", "statutory_last_day", "id", "status"], name="response_body_lastday_id_idx"
            ),
        ),
    ]
