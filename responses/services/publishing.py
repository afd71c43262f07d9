"""Ready to publish, and publishing: refused, with every reason, until the s55 checks pass."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.text import slugify

from core.dates import long_date, refuse_future
from responses import deadlines
from responses.models import Response
from responses.rules import publication_problems
from responses.selectors import latest_version
from responses.services._base import editing, save_response
from responses.services.approval import approval_problem
from responses.services.versions import freeze_publication


def response_mark_ready(*, response: Response, expected_version: int | None = None) -> Response:
    with editing(response, expected_version):
        problems = publication_problems(response)
        if problems:
            raise ValidationError(problems)
        response.ready_at = timezone.now()
        return save_response(response)


def response_unmark_ready(*, response: Response, expected_version: int | None = None) -> Response:
    with editing(response, expected_version):
        response.ready_at = None
        return save_response(response)


def _unique_slug(response: Response) -> str:
    base = slugify(f"{response.body.display_name} {response.inspection.title}")[:100].strip("-") or "response"
    slug, n = base, 2
    while Response.objects.filter(slug=slug).exclude(pk=response.pk).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def response_publish(
    *,
    response: Response,
    published_on: dt.date,
    published_url: str = "",
    reason: str = "",
    late_reason: str = "",
    user: Any = None,
    expected_version: int | None = None,
) -> Response:
    """Publish on `published_on` (at `published_url` on the body's website, if given), storing what the public sees
    as version 1 (`services.versions`), published by `user`. Correcting the date of a published response needs a
    reason, and stores the latest version again with the corrected date (the working text goes public only by a
    correction); publishing after the statutory last day needs `late_reason`, kept with the response and in the
    audit trail. The working text must be approved for publication as it is (`services.approval`)."""
    if response.published_on and published_on != response.published_on and not reason.strip():
        raise ValidationError({"reason": "Say why the publication date is being corrected."})
    refuse_future(published_on, field="published_on", what="The publication date")
    if published_on < response.inspection.published_on:
        raise ValidationError({"published_on": "The response cannot be published before the report it answers."})
    with editing(response, expected_version, reason=reason or late_reason):
        if response.not_required_reason:
            raise ValidationError(["This response is closed as not required: reopen it before publishing."])
        errors: dict[str, list[str]] = {}
        if problems := publication_problems(response):
            errors[NON_FIELD_ERRORS] = problems
        # The working text goes public only with a sign-off; correcting the date of a published version does not
        # publish the working text, so needs none.
        if latest_version(response) is None and (unapproved := approval_problem(response)):
            errors.setdefault(NON_FIELD_ERRORS, []).append(unapproved)
        late_by = deadlines.days_late(response.statutory_last_day, published_on)
        if late_by and response.statutory_last_day and not late_reason.strip():
            errors["late_reason"] = [
                f"This is {late_by} day{'s' if late_by != 1 else ''} after the statutory last day "
                f"({long_date(response.statutory_last_day)}): say why, for the record."
            ]
        if errors:
            raise ValidationError(errors)
        response.late_reason = late_reason.strip() if late_by else ""
        if response.ready_at is None:
            response.ready_at = timezone.now()
        response.published_on = published_on
        response.published_url = published_url
        if not response.slug:
            response.slug = _unique_slug(response)
        save_response(response)
        freeze_publication(response=response, user=user, reason=reason)
        return response


def response_close_not_required(
    *, response: Response, reason: str, covered_by: Response | None = None, expected_version: int | None = None
) -> Response:
    """Close a response without publishing one: the force is clearly not the subject of the report (HMICFRS
    guidance), or `covered_by`, another response of the same body, already answers its findings. Never reminded."""
    reason = reason.strip()
    if covered_by is not None and (covered_by.body_id != response.body_id or covered_by.pk == response.pk):
        raise ValidationError({"covered_by": "A response can only be covered by another response of the same body."})
    if not reason and covered_by is not None:
        reason = f"Covered by the response to {covered_by.inspection.title}"
    if not reason:
        raise ValidationError({"reason": "Say why no response is required, for the record."})
    with editing(response, expected_version, reason=reason):
        if response.published_on:
            raise ValidationError({"reason": "This response is published: it cannot be closed as not required."})
        response.not_required_reason = reason
        response.covered_by = covered_by
        response.ready_at = None
        return save_response(response)


def response_reopen(*, response: Response, reason: str, expected_version: int | None = None) -> Response:
    """Undo "not required": the response is open again (and reminded about again)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why a response is needed after all."})
    with editing(response, expected_version, reason=reason):
        if not response.not_required_reason:
            raise ValidationError({"reason": "This response is not closed as not required."})
        response.not_required_reason = ""
        response.covered_by = None
        return save_response(response)


def response_record_published(
    *, response: Response, published_on: dt.date, published_url: str = "", reason: str
) -> Response:
    """Record a publication that happened before the tracker was used, as the office's own register has it (the
    register import). History: the s55 checks a live publication passes (explanations, comments) cannot be met by
    a register row, so none is made, and the response is marked `publication_imported`, which the reminders leave
    alone. A publication the app recorded itself keeps its record; only its date and address are corrected. The
    reason (where the record comes from) goes into the audit trail."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say where this record of the publication comes from."})
    refuse_future(published_on, field="published_on", what="The publication date")
    if published_on < response.inspection.published_on:
        raise ValidationError({"published_on": "The response cannot be published before the report it answers."})
    with editing(response, None, reason=reason):
        if response.not_required_reason:
            raise ValidationError(["This response is closed as not required: reopen it before publishing."])
        if response.published_on is None:
            response.publication_imported = True
        response.published_on = published_on
        response.published_url = published_url
        if not response.slug:
            response.slug = _unique_slug(response)
        return save_response(response)
