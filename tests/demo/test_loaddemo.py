import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from inspections.models import Force, Inspection, LocalPolicingBody
from responses.models import Response, Status

# On top of what migrate created, as in a real install.
pytestmark = [pytest.mark.django_db, pytest.mark.reference_data]


def test_loaddemo_loads_every_state_and_is_idempotent() -> None:
    call_command("loaddemo", stdout=StringIO())
    counts = (
        Force.objects.count(),
        LocalPolicingBody.objects.count(),
        Inspection.objects.count(),
        Response.objects.count(),
    )
    call_command("loaddemo", stdout=StringIO())
    assert (
        Force.objects.count(),
        LocalPolicingBody.objects.count(),
        Inspection.objects.count(),
        Response.objects.count(),
    ) == counts
    assert counts[:2] == (43, 43)

    peel = Response.objects.get(inspection__title__startswith="Police effectiveness, efficiency and legitimacy")
    assert peel.deadline == dt.date(2024, 11, 19)
    assert peel.statutory_last_day == dt.date(2024, 11, 18)
    assert peel.status == Status.COMPLETE
    assert peel.inspection.grades.count() == 9
    assert peel.inspection.findings.filter(kind="afi").count() == 17

    today = timezone.localdate()
    days_left = sorted(r.days_left(today) for r in Response.objects.open())
    assert {40, 5, 0} <= set(days_left)
    assert any(d < 0 for d in days_left)  # an overdue response
    assert Response.objects.filter(status=Status.PUBLISHED).exists()  # published, not yet on the portal
    assert Inspection.objects.filter(is_national=True, forces__isnull=False).distinct().count() == 1

    assert set(User.objects.values_list("username", "role")) >= {
        ("admin", "admin"),
        ("editor", "editor"),
        ("viewer", "viewer"),
    }
    assert User.objects.get(username="editor").check_password("norfolk-editor-demo")


def test_loaddemo_adds_only_the_demo_office_to_what_migrate_created() -> None:
    others_before = list(LocalPolicingBody.objects.exclude(force__name="Norfolk").order_by("pk").values())
    call_command("loaddemo", stdout=StringIO())
    (active,) = LocalPolicingBody.objects.filter(active=True)
    assert (active.force.name, active.shared_inbox) == ("Norfolk", "opcc@norfolk-pcc.example")
    assert active.escalation_list() == ["chief.executive@norfolk-pcc.example"]
    assert list(LocalPolicingBody.objects.exclude(force__name="Norfolk").order_by("pk").values()) == others_before
