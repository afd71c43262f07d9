"""The office-use checklist: a step ticked with its date and evidence, or unticked with a reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from core.dates import refuse_future
from responses.models import ChecklistItem, ChecklistStep, Response
from responses.services._base import editing, part_step, save_response


def validate_done_on(response: Response, done_on: dt.date) -> None:
    """A step is done on a real day: not in the future, not before the report it follows was published."""
    refuse_future(done_on, field="done_on", what="The date a step was done")
    if done_on < response.inspection.published_on:
        raise ValidationError({"done_on": "The date a step was done cannot be before the report was published."})


def checklist_tick(
    *,
    response: Response,
    step: ChecklistStep,
    user: Any,
    done_on: dt.date,
    evidence_url: str = "",
    evidence_reference: str = "",
    note: str = "",
    expected_version: int | None = None,
    expected_part: str = "",
) -> ChecklistItem:
    with editing(response, expected_version, part=part_step(response, step), expected_part=expected_part):
        validate_done_on(response, done_on)
        item, _ = ChecklistItem.objects.get_or_create(response=response, step=step)
        item.done_on = done_on
        item.done_by = user if getattr(user, "is_authenticated", False) else None
        item.evidence_url = evidence_url
        item.evidence_reference = evidence_reference
        item.note = note
        item.save()
        save_response(response)
    return item


def checklist_untick(
    *,
    response: Response,
    step: ChecklistStep,
    reason: str,
    expected_version: int | None = None,
    expected_part: str = "",
) -> ChecklistItem:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this step is no longer done."})
    with editing(
        response, expected_version, reason=reason, part=part_step(response, step), expected_part=expected_part
    ):
        item = ChecklistItem.objects.filter(response=response, step=step, done_on__isnull=False).first()
        if item is None:
            raise ValidationError({"reason": "This step is not ticked."})
        item.done_on = None
        item.done_by = None
        item.note = reason
        item.save()
        save_response(response)
    return item
