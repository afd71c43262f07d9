"""The office-use checklist steps, so that they exist after ``migrate`` alone.

Every response's checklist, the register CSV's step columns and the "complete" rule read these rows, so a database
without them is not usable. The data is a frozen copy: later edits of the steps (in the admin, or by a later
migration) are not made here.

Idempotent: a step is looked up by its key and created only when missing; an existing row (one ``loaddemo`` made,
or one an administrator has edited since) is left as it is.

Reverse: a no-op. The steps may have existed before this migration ran, and ticks on them (``ChecklistItem``,
``on_delete=PROTECT``) must outlive a rollback of this data.
"""

from typing import Any

from django.db import migrations

STEPS: list[dict[str, Any]] = [
    {
        "key": "forwarded_to_chief_constable",
        "label": "Response forwarded to the chief constable",
        "required": True,
        "order": 10,
        "evidence_hint": "Who it was sent to, e.g. the chief constable's staff officer",
    },
    {
        "key": "forwarded_to_panel",
        "label": "Response forwarded to the Police and Crime Panel",
        "required": True,
        "order": 20,
        "evidence_hint": "Who it was sent to, e.g. the panel's scrutiny officer",
    },
    {
        "key": "published_on_website",
        "label": "Response published on the OPCC website",
        "required": True,
        "order": 30,
        "evidence_hint": "The published URL",
    },
    {
        "key": "submitted_to_portal",
        "label": "Response submitted to the HMICFRS monitoring portal",
        "required": True,
        "order": 40,
        "evidence_hint": "The portal reference",
    },
    {
        "key": "copied_to_home_secretary",
        "label": "Copy sent to the Home Secretary",
        "required": False,
        "order": 50,
        "evidence_hint": "Date sent and the Home Office mailbox or reference",
    },
]


def create_steps(apps: Any, schema_editor: Any) -> None:
    ChecklistStep = apps.get_model("responses", "ChecklistStep")
    db = schema_editor.connection.alias
    for step in STEPS:
        fields = {name: value for name, value in step.items() if name != "key"}
        ChecklistStep.objects.using(db).get_or_create(key=step["key"], defaults=fields)


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0004_before_commencement"),
    ]

    operations = [
        migrations.RunPython(create_steps, migrations.RunPython.noop),
    ]
