"""The status tally: how many responses each body has in each status, kept by PostgreSQL itself.

The dashboard shows, above the list, how many of the user's responses are in each status. Counting them live reads
every response the user may see: for a national superuser 100,000 index entries on every page view (~12 ms, and
growing with the data). Statement-level triggers on `responses_response` instead record, in the same transaction as
the change, how each statement moved the counts, whatever makes the change (the ORM, a queryset `update()`, a
cascade, COPY, psql). Each trigger aggregates its statement's transition tables: a bulk change adds one row per
(body, status) it touches, not one per response, and an UPDATE that changes no status or body adds nothing.

The rows are deltas, only ever inserted: two transactions never wait for each other's tally rows (upserting one
counter row per body and status would make every response change in a body queue behind a long import, and could
deadlock). Reading sums them (a few hundred rows); `responses.services.status_tally_compact`, run by every reminder
sweep, folds them into one row per (body, status). TRUNCATE empties the tally.

The tally starts from a count of what is there. SQLite and other backends: the table stays empty and the counts are
taken live. Also drops `response_body_lastday_idx`, a prefix of `response_body_lastday_id_idx` (migration 0002).
Reversible.
"""

from django.db import migrations, models

FUNCTION = """
CREATE OR REPLACE FUNCTION responses_status_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM responses_statustally;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO responses_statustally (body_id, status, n)
        SELECT body_id, status, count(*) FROM new_rows GROUP BY body_id, status;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO responses_statustally (body_id, status, n)
        SELECT body_id, status, -count(*) FROM old_rows GROUP BY body_id, status;
    ELSE
        INSERT INTO responses_statustally (body_id, status, n)
        SELECT body_id, status, sum(change) FROM (
            SELECT body_id, status, 1 AS change FROM new_rows
            UNION ALL
            SELECT body_id, status, -1 AS change FROM old_rows
        ) AS changes
        GROUP BY body_id, status HAVING sum(change) <> 0;
    END IF;
    RETURN NULL;
END;
$$;
"""

TRIGGERS = [
    "CREATE TRIGGER responses_status_tally_insert AFTER INSERT ON responses_response "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION responses_status_tally()",
    "CREATE TRIGGER responses_status_tally_update AFTER UPDATE ON responses_response "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION responses_status_tally()",
    "CREATE TRIGGER responses_status_tally_delete AFTER DELETE ON responses_response "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION responses_status_tally()",
    "CREATE TRIGGER responses_status_tally_truncate AFTER TRUNCATE ON responses_response "
    "FOR EACH STATEMENT EXECUTE FUNCTION responses_status_tally()",
]

RECOUNT = """
DELETE FROM responses_statustally;
INSERT INTO responses_statustally (body_id, status, n)
SELECT body_id, status, count(*) FROM responses_response GROUP BY body_id, status;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for statement in TRIGGERS:
        schema_editor.execute(statement, params=None)
    recount(schema_editor)


def recount(schema_editor):
    """Start (or restart) the tally from the responses as they are."""
    schema_editor.execute(RECOUNT, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for suffix in ("insert", "update", "delete", "truncate"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS responses_status_tally_{suffix} ON responses_response")
    schema_editor.execute("DROP FUNCTION IF EXISTS responses_status_tally()")


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0002_response_dashboard_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="StatusTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("body_id", models.BigIntegerField()),
                ("status", models.CharField(max_length=20)),
                ("n", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.AddIndex(
            model_name="statustally",
            index=models.Index(fields=["body_id", "status"], name="status_tally_body_status_idx"),
        ),
        migrations.RemoveIndex(
            model_name="response",
            name="response_body_lastday_idx",
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
