"""Every finding a body has already answered gets its action (later ones get theirs when they are created)."""

from django.db import migrations

NATIONAL = {"home_office": "The Home Office", "npcc": "The National Police Chiefs' Council", "college": "The College of Policing"}


def create_actions(apps, schema_editor):
    FindingResponse = apps.get_model("responses", "FindingResponse")
    Action = apps.get_model("actions", "Action")
    StatusChange = apps.get_model("actions", "StatusChange")
    missing = FindingResponse.objects.filter(action__isnull=True).select_related("response", "finding")
    for finding_response in missing.iterator(chunk_size=2000):
        finding = finding_response.finding
        national = finding.kind == "recommendation" and finding.addressee in NATIONAL
        action = Action.objects.create(
            body_id=finding_response.response.body_id,
            response_id=finding_response.response_id,
            finding_response_id=finding_response.pk,
            finding_id=finding.pk,
            target_date=finding.due_on,
            status="nfa" if national else "awaiting_allocation",
            status_note=f"No further action needed — addressed to {NATIONAL[finding.addressee]}" if national else "",
        )
        StatusChange.objects.create(action=action, old_status="", new_status=action.status, note=action.status_note)


class Migration(migrations.Migration):
    dependencies = [("actions", "0001_initial")]

    operations = [migrations.RunPython(create_actions, migrations.RunPython.noop)]
