"""Ready to publish, and publishing: refused, with every reason, until the s55 checks pass."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify

from core.dates import refuse_future
from responses.models import Response
from responses.rules import publication_problems
from responses.services._base import editing, save_response


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
    expected_version: int | None = None,
) -> Response:
    """Publish on `published_on` (at `published_url` on the body's website, if given). Correcting the date of a
    published response needs a reason."""
    if response.published_on and published_on != response.published_on and not reason.strip():
        raise ValidationError({"reason": "Say why the publication date is being corrected."})
    refuse_future(published_on, field="published_on", what="The publication date")
    if published_on < response.inspection.published_on:
        raise ValidationError({"published_on": "The response cannot be published before the report it answers."})
    with editing(response, expected_version, reason=reason):
        problems = publication_problems(response)
        if problems:
            raise ValidationError(problems)
        if response.ready_at is None:
            response.ready_at = timezone.now()
        response.published_on = published_on
        response.published_url = published_url
        if not response.slug:
            response.slug = _unique_slug(response)
        return save_response(response)
