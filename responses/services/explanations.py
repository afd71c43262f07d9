"""The s55(5B) explanation of each finding, and the progress updates appended to it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from responses.models import FindingResponse, FindingUpdate, Progress
from responses.services._base import editing, part_explanation, save_response

EMPTY_EXPLANATION = "Write the explanation, or say why no action is taken."


def validate_explanation(finding_response: FindingResponse, explanation: str) -> None:
    """An explanation is never saved empty: s55(5B) asks for the action taken or proposed, or why there is none."""
    if explanation.strip():
        return
    if finding_response.finding.needs_explanation and finding_response.response.published_on:
        raise ValidationError(
            {"explanation": "This response is published: every recommendation must keep its explanation (s55(5B))."}
        )
    raise ValidationError({"explanation": EMPTY_EXPLANATION})


def finding_response_explain(
    *, finding_response: FindingResponse, explanation: str, expected_version: int | None = None, expected_part: str = ""
) -> FindingResponse:
    """Save the explanation. With `expected_part` (its state as the form loaded it), a save made meanwhile to
    another part of the response is no conflict (services/_base.py)."""
    response = finding_response.response
    with editing(response, expected_version, part=part_explanation(finding_response), expected_part=expected_part):
        explanation = explanation.strip()
        validate_explanation(finding_response, explanation)
        finding_response.explanation = explanation
        finding_response.save()
        save_response(response)
    return finding_response


@transaction.atomic
def finding_response_add_update(
    *, finding_response: FindingResponse, progress: str, note: str, user: Any
) -> FindingUpdate:
    """Progress updates are appended, never edited, so two people adding one each cannot overwrite each other."""
    if progress not in Progress.values:
        raise ValidationError({"progress": "Choose a progress status."})
    if not note.strip():
        raise ValidationError({"note": "Describe the progress made."})
    update = FindingUpdate.objects.create(
        finding_response=finding_response, progress=progress, note=note.strip(), created_by=user
    )
    finding_response.progress = progress
    finding_response.save(update_fields=["progress", "updated_at"])
    return update
