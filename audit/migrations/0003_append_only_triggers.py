"""On PostgreSQL, the database itself refuses to change or delete audit entries and export records.

The Python guards in audit/models.py stop the ORM; these triggers stop everything else (raw SQL, a bulk update through
`_base_manager`, a psql session as the app's role). One change is allowed: setting the user foreign key to NULL, which
is what `on_delete=SET_NULL` does when a user account is deleted. The entry keeps `actor_email` and `actor_label`, so
it still says who acted; deactivating users rather than deleting them keeps the username too (docs/security.md).

TRUNCATE is not blocked: row triggers do not fire for it, and a statement trigger would break Django's test flush.
Reversible: the reverse drops the triggers and the function. SQLite and other backends: no-op both ways.
"""

from django.db import migrations

GUARDED = [
    # (table, trigger name, the one column that may be set to NULL)
    ("audit_auditentry", "audit_auditentry_append_only", "actor_id"),
    ("audit_exportrecord", "audit_exportrecord_append_only", "user_id"),
]

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (to_jsonb(NEW) - TG_ARGV[0]) = (to_jsonb(OLD) - TG_ARGV[0])
       AND (to_jsonb(NEW) -> TG_ARGV[0]) = 'null'::jsonb THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Audit entries and export records can only be added.';
END;
$$;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # the "%" in RAISE are PL/pgSQL placeholders, not psycopg's
    for table, trigger, nullable in GUARDED:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION audit_append_only('{nullable}')"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, trigger, _ in GUARDED:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_append_only()")


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_exportrecord"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
