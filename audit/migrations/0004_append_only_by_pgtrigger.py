"""The append-only triggers, now declared on the models with django-pgtrigger (audit/models.py::append_only_trigger).

First the hand-written triggers and function of 0003 go, then pgtrigger installs the same rule under its own names.
Reversible: backwards, pgtrigger's triggers are removed and 0003's are put back. SQLite: no-op both ways.
"""

import importlib

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

_previous = importlib.import_module("audit.migrations.0003_append_only_triggers")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_append_only_triggers'),
    ]

    operations = [
        migrations.RunPython(_previous.drop_triggers, _previous.create_triggers),
        pgtrigger.migrations.AddTrigger(
            model_name='auditentry',
            trigger=pgtrigger.compiler.Trigger(name='audit_auditentry_append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n            IF TG_OP = 'UPDATE'\n               AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id')\n               AND (to_jsonb(NEW) -> 'actor_id') = 'null'::jsonb THEN\n                RETURN NEW;\n            END IF;\n            RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP\n                USING ERRCODE = 'restrict_violation',\n                      HINT = 'Audit entries and export records can only be added.';\n        ", hash='efbf39d06901a03a60753c8a11593c6a43b32f8f', operation='UPDATE OR DELETE', pgid='pgtrigger_audit_auditentry_append_only_5f7e5', table='audit_auditentry', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='exportrecord',
            trigger=pgtrigger.compiler.Trigger(name='audit_exportrecord_append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n            IF TG_OP = 'UPDATE'\n               AND (to_jsonb(NEW) - 'user_id') = (to_jsonb(OLD) - 'user_id')\n               AND (to_jsonb(NEW) -> 'user_id') = 'null'::jsonb THEN\n                RETURN NEW;\n            END IF;\n            RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP\n                USING ERRCODE = 'restrict_violation',\n                      HINT = 'Audit entries and export records can only be added.';\n        ", hash='0a2ced1b9e2a6a61755c2078678891925d9cce82', operation='UPDATE OR DELETE', pgid='pgtrigger_audit_exportrecord_append_only_5c862', table='audit_exportrecord', when='BEFORE')),
        ),
    ]
