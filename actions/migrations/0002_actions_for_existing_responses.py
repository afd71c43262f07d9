"""Every finding a body has already answered gets its action (later ones get theirs when they are created)."""

from django.db import migrations

NATIONAL = {"home_office": "The Home Office", "npcc": "The National Police Chiefs' Council", "college": "The College of Policing"}


def create_actions(apps, schema_editor):
    """In batches of 2,000, each an INSERT of actions and one of their first status rows: a deployment with a
    million answered findings migrates in minutes, not hours."""
    FindingResponse = apps.get_model("responses", "FindingResponse")
    Action = apps.get_model("actions", "Action")
    StatusChange = apps.get_model("actions", "StatusChange")
    missing = (
        FindingResponse.objects.filter(action__isnull=True)
        .order_by("pk")
        .values_list("pk", "response_id", "response__body_id", "finding_id", "finding__kind", "finding__addressee", "finding__due_on")
    )
    batch = []

    def write(rows):
        actions = Action.objects.bulk_create(rows)
        StatusChange.objects.bulk_create(
            StatusChange(action=action, old_status="", new_status=action.status, note=action.status_note)
            for action in actions
        )

    for pk, response_id, body_id, finding_id, kind, addressee, due_on in missing.iterator(chunk_size=2000):
        national = kind == "recommendation" and addressee in NATIONAL
        batch.append(
            Action(
                body_id=body_id,
                response_id=response_id,
                finding_response_id=pk,
                finding_id=finding_id,
                target_date=due_on,
                status="nfa" if national else "awaiting_allocation",
                status_note=f"No further action needed — addressed to {NATIONAL[addressee]}" if national else "",
            )
        )
        if len(batch) >= 2000:
            write(batch)
            batch = []
    if batch:
        write(batch)


class Migration(migrations.Migration):
    dependencies = [("actions", "0001_initial")]

    operations = [migrations.RunPython(create_actions, migrations.RunPython.noop)]
