"""Writes of the actions tracker (`action_<verb>`, keyword-only). Each writes the audit trail (django-auditlog, with
the reason through `audit.context.audit_reason`) and its own append-only history rows, all in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from actions.models import (
    CLOSED_ACTION_STATUSES,
    Action,
    ActionStatus,
    ProgressUpdate,
    Rag,
    StatusChange,
    TargetDateChange,
)
from audit.context import audit_reason
from inspections.models import NATIONAL_ADDRESSEES, Addressee, Finding, FindingKind
from responses.models import FindingResponse


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def national_default(finding: Finding) -> str:
    """ "No further action needed — addressed to <body>" for a recommendation addressed only to a national body."""
    if finding.kind == FindingKind.RECOMMENDATION and finding.addressee in NATIONAL_ADDRESSEES:
        return f"No further action needed — addressed to {Addressee(finding.addressee).label}"
    return ""


def actions_ensure(*, body_id: int | None = None) -> int:
    """Create the missing action of every finding response (of one body, or all): how responses made by any path
    (an import's bulk insert included) get theirs. Returns how many were made."""
    missing = FindingResponse.objects.filter(action__isnull=True).select_related("response", "finding")
    if body_id is not None:
        missing = missing.filter(response__body_id=body_id)
    made = 0
    for finding_response in missing:
        action_create(finding_response=finding_response)
        made += 1
    return made


@transaction.atomic
def action_create(*, finding_response: FindingResponse) -> Action:
    finding = finding_response.finding
    note = national_default(finding)
    action, created = Action.objects.get_or_create(
        finding_response=finding_response,
        defaults={
            "body_id": finding_response.response.body_id,
            "response_id": finding_response.response_id,
            "finding": finding,
            "target_date": finding.due_on,
            "status": ActionStatus.NO_FURTHER_ACTION if note else ActionStatus.AWAITING_ALLOCATION,
            "status_note": note,
        },
    )
    if created:
        StatusChange.objects.create(action=action, old_status="", new_status=action.status, note=note)
    return action


def _save(action: Action, fields: list[str]) -> None:
    action.version = F("version") + 1  # type: ignore[assignment]
    action.save(update_fields=[*fields, "version", "updated_at"])
    action.refresh_from_db(fields=["version"])


def _set_status(action: Action, status: str, *, user: Any, note: str = "") -> None:
    old = action.status
    action.status = status
    StatusChange.objects.create(
        action=action, old_status=old, new_status=status, note=note, changed_by=user, changed_by_name=_name(user)
    )


@transaction.atomic
def action_assign_owner(*, action: Action, user: Any, owner: Any = None, name: str = "", email: str = "") -> Action:
    """Give the action an owner: a user of its body, or a team or person outside the app with an email."""
    name, email = name.strip(), email.strip()
    if owner is not None:
        if owner.body_id != action.body_id or not owner.is_active:
            raise ValidationError({"owner": "Choose a member of your body's staff."})
        name = email = ""
    elif not name:
        raise ValidationError({"owner": "Choose an owner, or name a team or person outside the app."})
    elif not email:
        raise ValidationError({"owner_email": "Enter the email of the team or person outside the app."})
    action.owner, action.owner_name, action.owner_email = owner, name, email
    fields = ["owner", "owner_name", "owner_email"]
    if action.status == ActionStatus.AWAITING_ALLOCATION:
        _set_status(action, ActionStatus.BEING_PROGRESSED, user=user, note="Owner assigned.")
        fields.append("status")
    _save(action, fields)
    return action


@transaction.atomic
def action_set_target_date(*, action: Action, user: Any, target_date: dt.date | None, reason: str) -> Action:
    """Every change keeps the date before it and the reason, in an append-only row."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the target date changes."})
    if target_date == action.target_date:
        raise ValidationError({"target_date": "The target date is already that date."})
    with audit_reason(reason):
        TargetDateChange.objects.create(
            action=action,
            old_date=action.target_date,
            new_date=target_date,
            reason=reason,
            changed_by=user,
            changed_by_name=_name(user),
        )
        action.target_date = target_date
        _save(action, ["target_date"])
    return action


@transaction.atomic
def action_set_status(*, action: Action, user: Any, status: str, note: str = "", blocked_on: str = "") -> Action:
    """Move an open action between awaiting allocation, being progressed, blocked and pending sign-off, or close it
    as needing no further action. Complete only by `action_sign_off`."""
    note, blocked_on = note.strip(), blocked_on.strip()
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Choose a status."})
    if status == ActionStatus.COMPLETE:
        raise ValidationError({"status": "Ask for sign-off: an approver or admin closes an action as complete."})
    if status == ActionStatus.BLOCKED and not blocked_on:
        raise ValidationError({"blocked_on": "Say what the action is waiting on."})
    if status == ActionStatus.NO_FURTHER_ACTION and not note:
        raise ValidationError({"note": "Say why no further action is needed."})
    if action.status == ActionStatus.COMPLETE:
        raise ValidationError({"status": "This action is complete and signed off."})
    if status == action.status and blocked_on == action.blocked_on:
        raise ValidationError({"status": "The action already has that status."})
    fields = ["status", "blocked_on", "status_note"]
    if status == ActionStatus.PENDING_SIGN_OFF:
        action.closure_requested_by, action.closure_requested_at = user, timezone.now()
        fields += ["closure_requested_by", "closure_requested_at"]
    action.blocked_on = blocked_on if status == ActionStatus.BLOCKED else ""
    if note:
        action.status_note = note
    with audit_reason(note):
        _set_status(action, status, user=user, note=note or blocked_on)
        _save(action, fields)
    return action


@transaction.atomic
def action_sign_off(*, action: Action, user: Any, note: str = "") -> Action:
    """Close the action as complete: an approver or admin of its body signs it off, once it is pending sign-off."""
    if not user.can_approve() or not (user.is_national or user.body_id == action.body_id):
        raise ValidationError("Only an approver or admin of the body can sign off an action.")
    if action.status != ActionStatus.PENDING_SIGN_OFF:
        raise ValidationError("Only an action pending sign-off can be signed off.")
    action.signed_off_by, action.signed_off_by_name, action.signed_off_at = user, _name(user), timezone.now()
    if note.strip():
        action.status_note = note.strip()
    with audit_reason(note):
        _set_status(action, ActionStatus.COMPLETE, user=user, note=note.strip() or "Signed off.")
        _save(action, ["status", "status_note", "signed_off_by", "signed_off_by_name", "signed_off_at"])
    return action


@transaction.atomic
def action_reopen(*, action: Action, user: Any, reason: str) -> Action:
    if action.status not in CLOSED_ACTION_STATUSES:
        raise ValidationError("Only a closed action can be reopened.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the action is reopened."})
    action.signed_off_by, action.signed_off_by_name, action.signed_off_at = None, "", None
    with audit_reason(reason):
        _set_status(action, ActionStatus.BEING_PROGRESSED, user=user, note=reason.strip())
        _save(action, ["status", "signed_off_by", "signed_off_by_name", "signed_off_at"])
    return action


@transaction.atomic
def action_add_update(
    *, action: Action, user: Any, note: str, evidence: str = "", evidence_url: str = ""
) -> ProgressUpdate:
    """Progress updates are appended, never edited."""
    if not note.strip():
        raise ValidationError({"note": "Describe the progress made."})
    update = ProgressUpdate.objects.create(
        action=action,
        note=note.strip(),
        evidence=evidence.strip(),
        evidence_url=evidence_url.strip(),
        created_by=user,
        created_by_name=_name(user),
    )
    if action.status == ActionStatus.AWAITING_ALLOCATION:
        _set_status(action, ActionStatus.BEING_PROGRESSED, user=user, note="Progress reported.")
        _save(action, ["status"])
    return update


@transaction.atomic
def action_override_rag(*, action: Action, user: Any, rag: str, reason: str) -> Action:
    """Set the RAG rating by hand (with a reason), or give it back to the rule (rag="")."""
    if rag and rag not in (Rag.RED, Rag.AMBER, Rag.GREEN):
        raise ValidationError({"rag": "Choose red, amber or green."})
    if rag and not reason.strip():
        raise ValidationError({"rag_override_reason": "Say why the RAG rating is set by hand."})
    action.rag_override, action.rag_override_reason = rag, reason.strip() if rag else ""
    with audit_reason(reason):
        _save(action, ["rag_override", "rag_override_reason"])
    return action


@transaction.atomic
def action_link_repeat(*, action: Action, user: Any, repeats: Finding | None) -> Action:
    """Link the action's finding to the earlier finding it repeats (or unlink it)."""
    if repeats is not None and repeats.inspection.published_on >= action.finding.inspection.published_on:
        raise ValidationError({"repeats": "Choose a finding of an earlier report."})
    action.repeats = repeats
    _save(action, ["repeats"])
    return action


@transaction.atomic
def finding_set_timescale(
    *, action: Action, user: Any, addressee: str, addressee_other: str, timescale: str, due_on: dt.date | None
) -> Finding:
    """The finding's addressee and its own timescale (inspections.Finding), set from the action page."""
    from actions.timescales import timescale_due_on

    finding = action.finding
    if addressee == Addressee.OTHER and not addressee_other.strip():
        raise ValidationError({"addressee_other": "Name whom the finding is addressed to."})
    if due_on is None and timescale.strip():
        due_on = timescale_due_on(timescale, published_on=finding.inspection.published_on)
    finding.addressee, finding.addressee_other = addressee, addressee_other.strip() if addressee == "other" else ""
    finding.timescale, finding.due_on = timescale.strip(), due_on
    finding.save(update_fields=["addressee", "addressee_other", "timescale", "due_on"])
    return finding
