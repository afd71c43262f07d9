"""The status tally's triggers, now declared on Response with django-pgtrigger (responses/models.py).

First the hand-written triggers and function of 0003 go, then pgtrigger installs the same statements under its own
names; the tally is then recounted, so no change made in between is lost. Reversible: backwards, 0003's triggers
are put back (and the tally recounted). SQLite: no-op both ways.
"""

import importlib

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

_previous = importlib.import_module("responses.migrations.0003_status_tally")


def recount(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _previous.recount(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('responses', '0007_response_publication_imported'),
    ]

    operations = [
        migrations.RunPython(_previous.drop_triggers, _previous.create_triggers),
        pgtrigger.migrations.AddTrigger(
            model_name='response',
            trigger=pgtrigger.compiler.Trigger(name='status_tally_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO responses_statustally (body_id, status, n) SELECT body_id, status, count(*) FROM new_rows GROUP BY body_id, status; RETURN NULL;', hash='00a41efd55d5e591e642ca7a0693f78370e9cf26', level='STATEMENT', operation='INSERT', pgid='pgtrigger_status_tally_insert_e1ebd', referencing='REFERENCING NEW TABLE AS new_rows ', table='responses_response', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='response',
            trigger=pgtrigger.compiler.Trigger(name='status_tally_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO responses_statustally (body_id, status, n) SELECT body_id, status, sum(change) FROM (\n                    SELECT body_id, status, 1 AS change FROM new_rows\n                    UNION ALL\n                    SELECT body_id, status, -1 AS change FROM old_rows\n                ) AS changes\n                GROUP BY body_id, status HAVING sum(change) <> 0; RETURN NULL;', hash='569ef041d239329d1f85051d0072fcbf9f115d66', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_status_tally_update_b7d5d', referencing='REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ', table='responses_response', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='response',
            trigger=pgtrigger.compiler.Trigger(name='status_tally_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO responses_statustally (body_id, status, n) SELECT body_id, status, -count(*) FROM old_rows GROUP BY body_id, status; RETURN NULL;', hash='d383b61c0e5d6c83e170e2f8fe0dde6134632d27', level='STATEMENT', operation='DELETE', pgid='pgtrigger_status_tally_delete_79170', referencing='REFERENCING OLD TABLE AS old_rows ', table='responses_response', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='response',
            trigger=pgtrigger.compiler.Trigger(name='status_tally_truncate', sql=pgtrigger.compiler.UpsertTriggerSql(func='DELETE FROM responses_statustally; RETURN NULL;', hash='4c5e5d73510647c69fe24b0ab45ff2827f73dbb0', level='STATEMENT', operation='TRUNCATE', pgid='pgtrigger_status_tally_truncate_088d9', table='responses_response', when='AFTER')),
        ),
        migrations.RunPython(recount, migrations.RunPython.noop),
    ]
