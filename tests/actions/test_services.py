"""actions/services.py: owners, target dates with their history, status, sign-off, addressee defaults, repeats."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from actions import services
from actions.models import Action, ActionStatus, ProgressUpdate, TargetDateChange
from audit.models import AppendOnlyError, AuditEntry
from inspections.models import Addressee, Finding, FindingKind, LocalPolicingBody
from responses.models import FindingResponse
from tests.factories import UserFactory, make_response

D = dt.date


def test_every_finding_response_has_its_action(action: Action) -> None:
    assert Action.objects.filter(response=action.response).count() == 2
    assert action.status == ActionStatus.AWAITING_ALLOCATION


def test_actions_ensure_makes_the_missing_ones(action: Action) -> None:
    finding = Finding.objects.create(
        inspection=action.finding.inspection, kind=FindingKind.CAUSE_OF_CONCERN, number=1, text="Concern"
    )
    FindingResponse.objects.bulk_create([FindingResponse(response=action.response, finding=finding)])
    assert services.actions_ensure(body_id=action.body_id) == 1
    assert Action.objects.filter(finding=finding).exists()
    assert services.actions_ensure(body_id=action.body_id) == 0


def test_a_recommendation_to_a_national_body_defaults_to_no_further_action(body: LocalPolicingBody) -> None:
    response = make_response(body=body)
    finding = Finding.objects.create(
        inspection=response.inspection, kind=FindingKind.RECOMMENDATION, number=9, text="x", addressee=Addressee.NPCC
    )
    finding_response = FindingResponse.objects.create(response=response, finding=finding)
    action = Action.objects.get(finding_response=finding_response)
    assert action.status == ActionStatus.NO_FURTHER_ACTION
    assert action.status_note == "No further action needed — addressed to The National Police Chiefs' Council"


def test_an_area_for_improvement_to_the_force_stays_open(body: LocalPolicingBody) -> None:
    response = make_response(body=body)
    finding = Finding.objects.create(
        inspection=response.inspection, kind=FindingKind.AREA_FOR_IMPROVEMENT, number=9, text="x",
        addressee=Addressee.FORCE,
    )  # fmt: skip
    finding_response = FindingResponse.objects.create(response=response, finding=finding)
    assert Action.objects.get(finding_response=finding_response).status == ActionStatus.AWAITING_ALLOCATION


def test_every_target_date_change_keeps_the_old_date_and_the_reason(action: Action, editor: User) -> None:
    services.action_set_target_date(action=action, user=editor, target_date=D(2025, 3, 31), reason="Agreed plan")
    services.action_set_target_date(action=action, user=editor, target_date=D(2025, 6, 30), reason="Budget delayed")
    changes = list(TargetDateChange.objects.filter(action=action).values_list("old_date", "new_date", "reason"))
    assert changes == [(None, D(2025, 3, 31), "Agreed plan"), (D(2025, 3, 31), D(2025, 6, 30), "Budget delayed")]
    action.refresh_from_db()
    assert action.target_date == D(2025, 6, 30)
    assert AuditEntry.objects.filter(reason="Budget delayed").exists()


def test_a_target_date_change_needs_a_reason(action: Action, editor: User) -> None:
    with pytest.raises(ValidationError):
        services.action_set_target_date(action=action, user=editor, target_date=D(2025, 3, 31), reason="  ")
    assert not TargetDateChange.objects.exists()


def test_history_rows_cannot_be_changed(action: Action, editor: User) -> None:
    services.action_set_target_date(action=action, user=editor, target_date=D(2025, 3, 31), reason="Plan")
    change = TargetDateChange.objects.get()
    change.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        change.save()
    with pytest.raises(AppendOnlyError):
        TargetDateChange.objects.all().delete()


def test_closure_requires_sign_off_by_an_approver(action: Action, editor: User, approver: User) -> None:
    with pytest.raises(ValidationError):
        services.action_set_status(action=action, user=editor, status=ActionStatus.COMPLETE)
    services.action_set_status(action=action, user=editor, status=ActionStatus.PENDING_SIGN_OFF, note="Done")
    with pytest.raises(ValidationError):
        services.action_sign_off(action=action, user=editor)
    action.refresh_from_db()
    assert action.status == ActionStatus.PENDING_SIGN_OFF
    services.action_sign_off(action=action, user=approver, note="Evidence seen")
    action.refresh_from_db()
    assert action.status == ActionStatus.COMPLETE
    assert action.signed_off_by == approver
    assert list(action.status_changes.values_list("new_status", flat=True)) == [
        "awaiting_allocation", "pending_sign_off", "complete",
    ]  # fmt: skip


def test_an_approver_of_another_body_cannot_sign_off(action: Action, editor: User) -> None:
    services.action_set_status(action=action, user=editor, status=ActionStatus.PENDING_SIGN_OFF)
    stranger = UserFactory(username="other-approver", role="approver")
    with pytest.raises(ValidationError):
        services.action_sign_off(action=action, user=stranger)


def test_blocked_needs_what_it_waits_on(action: Action, editor: User) -> None:
    with pytest.raises(ValidationError):
        services.action_set_status(action=action, user=editor, status=ActionStatus.BLOCKED)
    services.action_set_status(action=action, user=editor, status=ActionStatus.BLOCKED, blocked_on="New IT system")
    action.refresh_from_db()
    assert action.blocked_on == "New IT system"


def test_owner_is_a_user_of_the_body_or_a_named_outsider(action: Action, editor: User) -> None:
    stranger = UserFactory(username="stranger")
    with pytest.raises(ValidationError):
        services.action_assign_owner(action=action, user=editor, owner=stranger)
    with pytest.raises(ValidationError):
        services.action_assign_owner(action=action, user=editor, name="Force change team")
    services.action_assign_owner(action=action, user=editor, name="Force change team", email="change@force.example")
    action.refresh_from_db()
    assert (action.owner_label, action.owner_address, action.status) == (
        "Force change team", "change@force.example", ActionStatus.BEING_PROGRESSED,
    )  # fmt: skip


def test_progress_updates_are_appended_with_evidence(action: Action, editor: User) -> None:
    services.action_add_update(action=action, user=editor, note="Policy drafted", evidence_url="https://x.example/p")
    services.action_add_update(action=action, user=editor, note="Policy approved")
    assert list(ProgressUpdate.objects.values_list("note", flat=True)) == ["Policy drafted", "Policy approved"]


def test_a_repeat_must_be_of_an_earlier_report(action: Action, editor: User, body: LocalPolicingBody) -> None:
    earlier = make_response(body=body, afis=1, published_on=D(2022, 3, 1))
    old = earlier.inspection.findings.get()
    services.action_link_repeat(action=action, user=editor, repeats=old)
    assert Action.objects.get(pk=action.pk).repeats == old
    later = make_response(body=body, afis=1, published_on=D(2025, 3, 1)).inspection.findings.get()
    with pytest.raises(ValidationError):
        services.action_link_repeat(action=action, user=editor, repeats=later)


def test_repeat_suggestions_find_similar_earlier_text(body: LocalPolicingBody) -> None:
    from actions.selectors import repeat_suggestions

    earlier = make_response(body=body, published_on=D(2022, 3, 1), afis=1)
    earlier.inspection.findings.update(text="The force should improve how it records crime data.")
    now = make_response(body=body, afis=1)
    now.inspection.findings.update(text="The force should improve how it records crime data accurately.")
    action = Action.objects.get(response=now)
    suggestions = repeat_suggestions(action)
    assert [f.pk for f, _ in suggestions] == [earlier.inspection.findings.get().pk]


def test_timescale_set_on_the_finding_gives_its_due_date(action: Action, editor: User) -> None:
    services.finding_set_timescale(
        action=action, user=editor, addressee=Addressee.FORCE, addressee_other="", timescale="within three months",
        due_on=None,
    )  # fmt: skip
    action.finding.refresh_from_db()
    assert action.finding.due_on == D(2024, 12, 24)
