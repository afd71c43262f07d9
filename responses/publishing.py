"""Writes made from the staff pages, each guarded against overwriting someone else's edit.

Every edit form carries the `Response.version` it was loaded with. Each function here first claims that version
with a conditional UPDATE (`... SET version = version + 1 WHERE id = ? AND version = ?`); if another save got
there first, nothing is written and `EditConflict` is raised, so the view can show the conflict and keep the
user's text. Only then does it call the service in `responses.services` that does the real work, inside the same
transaction, so a validation error rolls the claim back too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from responses import services
from responses.models import ChecklistItem, ChecklistStep, FindingResponse, FindingUpdate, Response


class EditConflict(Exception):
    """The response changed after the form was loaded; nothing was saved."""

    def __init__(self, response: Response) -> None:
        super().__init__(f"Response {response.pk} changed since the form was loaded.")
        self.response = response


def _claim(response: Response, version: int) -> None:
    claimed = Response.objects.filter(pk=response.pk, version=version).update(version=F("version") + 1)
    if claimed != 1:
        raise EditConflict(response)
    # Work on what is stored now, not on what this request loaded before the claim.
    response.refresh_from_db()


def _guarded[T](response: Response, version: int, action: Callable[[], T]) -> T:
    try:
        with transaction.atomic():
            _claim(response, version)
            return action()
    except BaseException:
        # Rolled back: forget any half-applied in-memory change (and show the current version on re-render).
        response.refresh_from_db()
        raise


# --- plain fields ------------------------------------------------------------------------------------
COMMENT_FIELDS = (
    "cc_invited_on",
    "cc_comments",
    "cc_comments_received_on",
    "cc_comments_not_received",
    "body_comments",
    "response_to_cc",
)


def _validate_comments(values: dict[str, Any], published: dt.date) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    invited, received = values["cc_invited_on"], values["cc_comments_received_on"]
    if invited and invited < published:
        errors["cc_invited_on"] = (
            "The chief constable cannot have been invited to comment before the report was published."
        )
    elif invited and invited > today:
        errors["cc_invited_on"] = "The date the chief constable was invited to comment cannot be in the future."
    if received and received > today:
        errors["cc_comments_received_on"] = "The date the comments were received cannot be in the future."
    elif received and invited and received < invited:
        errors["cc_comments_received_on"] = "The comments cannot have been received before they were invited."
    if values["cc_comments_not_received"] and values["cc_comments"].strip():
        errors["cc_comments_not_received"] = (
            "Either record the chief constable's comments or say they were not received, not both."
        )
    if errors:
        raise ValidationError(errors)


def response_update_comments(*, response: Response, version: int, **values: Any) -> list[str]:
    """Save the chief constable's and the body's comments; returns the labels of the fields that changed."""
    unknown = set(values) - set(COMMENT_FIELDS)
    if unknown:
        raise TypeError(f"Not comment fields: {', '.join(sorted(unknown))}")
    values = {name: values.get(name, getattr(response, name)) for name in COMMENT_FIELDS}
    for name in ("cc_comments", "body_comments", "response_to_cc"):
        values[name] = values[name].strip()
    _validate_comments(values, response.inspection.published_on)

    def save() -> list[str]:
        changed = [name for name in COMMENT_FIELDS if getattr(response, name) != values[name]]
        for name in changed:
            setattr(response, name, values[name])
        if changed:
            response.save()
            # A ready response whose comments no longer pass the s55 checks is not ready any more.
            problems = services.publication_problems(response)
            if response.published_on and problems:
                # Published responses must stay compliant: refuse (and roll back) rather than un-publish.
                raise ValidationError(problems)
            if response.ready_at and not response.published_on and problems:
                services.response_unmark_ready(response=response)
            else:
                services.response_sync_status(response=response)
        return [str(getattr(Response._meta.get_field(name), "verbose_name", name)) for name in changed]

    return _guarded(response, version, save)


def response_update_owner(*, response: Response, version: int, owner: User | None) -> Response:
    if owner is not None and owner.body_id != response.body_id:
        raise ValidationError({"owner": "The owner must work for the body that makes this response."})

    def save() -> Response:
        response.owner = owner
        response.save()
        return response

    return _guarded(response, version, save)


# --- dates -------------------------------------------------------------------------------------------
def response_update_comments_due(*, response: Response, version: int, comments_due: dt.date | None) -> Response:
    return _guarded(
        response, version, lambda: services.response_set_comments_due(response=response, comments_due=comments_due)
    )


def response_update_deadline(*, response: Response, version: int, deadline: dt.date, reason: str) -> Response:
    return _guarded(
        response,
        version,
        lambda: services.response_override_deadline(response=response, deadline=deadline, reason=reason),
    )


def response_restore_deadline(*, response: Response, version: int, reason: str) -> Response:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the deadline goes back to the HMICFRS form date."})
    return _guarded(response, version, lambda: services.response_clear_override(response=response, reason=reason))


# --- explanations --------------------------------------------------------------------------------------
def finding_response_update_explanation(
    *, response: Response, version: int, finding_response: FindingResponse, explanation: str
) -> FindingResponse:
    if finding_response.response_id != response.pk:
        raise ValueError("The finding belongs to another response.")

    def save() -> FindingResponse:
        finding_response.response = response
        return services.finding_response_explain(finding_response=finding_response, explanation=explanation)

    return _guarded(response, version, save)


def finding_response_record_progress(
    *, response: Response, finding_response: FindingResponse, progress: str, note: str, user: Any
) -> FindingUpdate:
    """Progress updates are appended, never edited, so two people adding one each cannot overwrite each other."""
    if finding_response.response_id != response.pk:
        raise ValueError("The finding belongs to another response.")
    with transaction.atomic():
        return services.finding_response_add_update(
            finding_response=finding_response, progress=progress, note=note, user=user
        )


# --- checklist -----------------------------------------------------------------------------------------
def checklist_tick_guarded(
    *,
    response: Response,
    version: int,
    step: ChecklistStep,
    user: Any,
    done_on: dt.date,
    evidence_url: str = "",
    evidence_reference: str = "",
    note: str = "",
) -> ChecklistItem:
    return _guarded(
        response,
        version,
        lambda: services.checklist_tick(
            response=response,
            step=step,
            user=user,
            done_on=done_on,
            evidence_url=evidence_url,
            evidence_reference=evidence_reference,
            note=note,
        ),
    )


def checklist_untick_guarded(*, response: Response, version: int, step: ChecklistStep, reason: str) -> ChecklistItem:
    if not ChecklistItem.objects.filter(response=response, step=step, done_on__isnull=False).exists():
        raise ValidationError({"reason": "This step is not ticked."})
    return _guarded(response, version, lambda: services.checklist_untick(response=response, step=step, reason=reason))


# --- publishing ----------------------------------------------------------------------------------------
def response_mark_ready_guarded(*, response: Response, version: int) -> Response:
    return _guarded(response, version, lambda: services.response_mark_ready(response=response))


def response_unmark_ready_guarded(*, response: Response, version: int) -> Response:
    return _guarded(response, version, lambda: services.response_unmark_ready(response=response))


def response_publish_guarded(
    *, response: Response, version: int, published_on: dt.date, published_url: str = "", reason: str = ""
) -> Response:
    if response.published_on and published_on != response.published_on and not reason.strip():
        raise ValidationError({"reason": "Say why the publication date is being corrected."})
    if published_on > timezone.localdate():
        raise ValidationError({"published_on": "The publication date cannot be in the future."})
    if published_on < response.inspection.published_on:
        raise ValidationError({"published_on": "The response cannot be published before the report it answers."})
    return _guarded(
        response,
        version,
        lambda: services.response_publish(
            response=response, published_on=published_on, published_url=published_url, reason=reason
        ),
    )
