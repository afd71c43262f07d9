"""`manage.py seed_bench`, at a size a unit test can afford (the bench itself seeds 100,000 responses on PostgreSQL)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from audit.models import AuditEntry
from inspections.models import LocalPolicingBody
from notifications.models import OutboxEmail, OutboxStatus
from responses import rules
from responses.models import OPEN_STATUSES, ChecklistItem, FindingResponse, Response
from tests.factories import make_response

SIZE = {"responses": 300, "explanations_per_response": 4, "audit_rows": 6000, "years": 3}


def seed(**options: Any) -> str:
    out = StringIO()
    call_command("seed_bench", **{**SIZE, **options}, verbosity=0, stdout=out)
    return out.getvalue()


def seeded_entries() -> Any:
    return AuditEntry.objects.exclude(actor_label="command:loaddemo")


@pytest.mark.django_db
def test_seed_bench_makes_a_national_dataset_of_the_requested_size() -> None:
    seed()

    assert LocalPolicingBody.objects.count() == 43
    assert not LocalPolicingBody.objects.filter(active=False).exists()
    assert Response.objects.count() == SIZE["responses"]
    # Every finding of an inspection is explained by each responding body: about 4 each, at least 2.
    assert FindingResponse.objects.count() >= 2 * SIZE["responses"]
    assert abs(seeded_entries().count() - SIZE["audit_rows"]) <= 1
    assert Response.objects.filter(status__in=OPEN_STATUSES).exists()
    assert ChecklistItem.objects.exists()
    assert OutboxEmail.objects.filter(status=OutboxStatus.SENT).exists()
    assert not OutboxEmail.objects.exclude(status=OutboxStatus.SENT).exists()
    assert User.objects.filter(username__startswith="bench-", body__isnull=False).count() == 43
    assert User.objects.get(username="bench-national").is_national


@pytest.mark.django_db
def test_seeded_audit_entries_carry_their_scope_and_are_numbered_in_time_order() -> None:
    seed()

    entries = list(seeded_entries().order_by("id").values_list("timestamp", "body_id", "response_id", "changes"))
    assert [e[0] for e in entries] == sorted(e[0] for e in entries)
    scoped = [e for e in entries if e[2] is not None]
    assert len(scoped) > 0.9 * len(entries)
    response_bodies = dict(Response.objects.values_list("id", "body_id"))
    assert all(response_bodies[response_id] == body_id for _ts, body_id, response_id, _c in scoped)
    assert all(isinstance(changes, dict) and changes for *_rest, changes in entries)


@pytest.mark.django_db
def test_seeded_statuses_are_the_ones_the_app_derives_from_the_facts() -> None:
    seed()

    for response in Response.objects.all()[:150]:
        work_started = response.finding_responses.exclude(explanation="").exists()
        derived = response.derive_status(
            open_required_steps=len(rules.open_required_steps(response)), work_started=work_started
        )
        assert derived == response.status, response.pk


@pytest.mark.django_db
def test_seed_bench_a_second_time_changes_nothing() -> None:
    seed()
    counts = (Response.objects.count(), AuditEntry.objects.count(), OutboxEmail.objects.count())

    assert "Already seeded" in seed()
    assert (Response.objects.count(), AuditEntry.objects.count(), OutboxEmail.objects.count()) == counts


@pytest.mark.django_db
def test_seed_bench_refuses_a_database_that_holds_other_responses(steps: Any) -> None:
    make_response()

    with pytest.raises(CommandError, match="already holds 1 responses"):
        seed()
    assert Response.objects.count() == 1
