"""What ``migrate`` alone leaves in the database: the reference data the code relies on, with no demo loaded."""

import pytest
from django.db.migrations.recorder import MigrationRecorder

from demo import data as demo_data
from inspections.models import Force, LocalPolicingBody, PublicationType
from responses.models import ChecklistStep
from tests.reference_data import REFERENCE_MIGRATIONS, run_reference_migrations

pytestmark = [pytest.mark.django_db, pytest.mark.reference_data]

STEP_KEYS = [
    "forwarded_to_chief_constable",
    "forwarded_to_panel",
    "published_on_website",
    "submitted_to_portal",
    "copied_to_home_secretary",
]


def test_the_reference_data_migrations_are_applied_by_migrate() -> None:
    applied = set(MigrationRecorder.Migration.objects.values_list("app", "name"))
    assert set(REFERENCE_MIGRATIONS) <= applied


def test_migrate_creates_the_43_forces_of_england_and_wales() -> None:
    assert Force.objects.count() == 43
    assert {"Norfolk", "Metropolitan Police Service", "City of London", "Dyfed-Powys"} <= set(
        Force.objects.values_list("name", flat=True)
    )
    assert Force.objects.get(name="Devon and Cornwall").slug == "devon-and-cornwall"


def test_migrate_creates_one_inactive_body_per_force_without_addresses() -> None:
    assert LocalPolicingBody.objects.count() == 43
    assert set(Force.objects.filter(bodies__isnull=False).values_list("name", flat=True)) == set(
        Force.objects.values_list("name", flat=True)
    )
    assert not LocalPolicingBody.objects.filter(active=True).exists()
    assert not LocalPolicingBody.objects.exclude(shared_inbox="", escalation_emails="", website_url="").exists()
    mopac = LocalPolicingBody.objects.get(force__name="Metropolitan Police Service")
    assert (mopac.name, mopac.kind, mopac.short_name) == ("Mayor's Office for Policing and Crime", "mayor", "MOPAC")
    assert LocalPolicingBody.objects.get(force__name="City of London").kind == "common_council"
    assert LocalPolicingBody.objects.filter(kind="pfcc").count() == 4


def test_migrate_creates_the_publication_types() -> None:
    assert set(PublicationType.objects.values_list("name", flat=True)) >= {
        "PEEL",
        "Thematic",
        "Joint",
        "Custody",
        "Crime data integrity",
        "Child protection",
        "Spotlight",
        "Super-complaint",
    }
    assert PublicationType.objects.get(name="Crime data integrity").slug == "crime-data-integrity"


def test_migrate_creates_the_five_checklist_steps_in_order_with_one_optional() -> None:
    steps = list(ChecklistStep.objects.order_by("order"))
    assert [s.key for s in steps] == STEP_KEYS
    assert [s.required for s in steps] == [True, True, True, True, False]
    assert all(s.label and s.evidence_hint for s in steps)


def test_the_frozen_copies_in_the_migrations_agree_with_the_demo_data() -> None:
    # The demo data may change later; today both say the same, so loaddemo and migrate never disagree.
    assert sorted(Force.objects.values_list("name", flat=True)) == sorted(demo_data.FORCES)
    assert {
        (b.force.name, b.kind, b.name, b.short_name) for b in LocalPolicingBody.objects.select_related("force")
    } == {(b["force"], b["kind"], b["name"], b["short_name"]) for b in demo_data.BODIES}
    assert sorted(PublicationType.objects.values_list("name", flat=True)) == sorted(demo_data.PUBLICATION_TYPES)
    assert [
        {"key": s.key, "label": s.label, "required": s.required, "order": s.order, "evidence_hint": s.evidence_hint}
        for s in ChecklistStep.objects.order_by("order")
    ] == demo_data.CHECKLIST_STEPS


def test_running_the_data_migrations_again_leaves_an_edited_database_as_it_is() -> None:
    norfolk = LocalPolicingBody.objects.get(force__name="Norfolk")
    norfolk.active, norfolk.shared_inbox = True, "opcc@norfolk.example"
    norfolk.save()
    ChecklistStep.objects.filter(key="forwarded_to_panel").update(label="Sent to the Panel")
    before = (
        list(Force.objects.order_by("pk").values()),
        list(LocalPolicingBody.objects.order_by("pk").values()),
        list(PublicationType.objects.order_by("pk").values()),
        list(ChecklistStep.objects.order_by("pk").values()),
    )

    run_reference_migrations()

    assert before == (
        list(Force.objects.order_by("pk").values()),
        list(LocalPolicingBody.objects.order_by("pk").values()),
        list(PublicationType.objects.order_by("pk").values()),
        list(ChecklistStep.objects.order_by("pk").values()),
    )
