"""Published versions: what the public saw, frozen. Publishing stores version 1; after that the response's text is a
working draft, and only a correction (with its reason, which the public page shows) makes it public, as the next
version. Versions are never changed or deleted (responses.models.PublishedVersion)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from responses.models import PublishedVersion, Response
from responses.rules import publication_problems
from responses.selectors import latest_version, response_document
from responses.services._base import editing, save_response
from responses.services.approval import refuse_without_approval
from responses.snapshot import content_hash, content_of, text_hash


def _name(user: Any) -> str:
    if user is None or not getattr(user, "pk", None):
        return ""
    return user.get_full_name() or user.username


def _signed_by(content: dict[str, Any]) -> tuple[str, str]:
    signatory = content.get("signatory") or {}
    return signatory.get("name", ""), signatory.get("title", "")


def store_version(
    *, response: Response, content: dict[str, Any], published_on: dt.date, user: Any = None, reason: str = ""
) -> PublishedVersion:
    """The next version of `response`, inside the caller's transaction (the row lock on the response keeps two
    publishers from taking the same number; the unique constraint would refuse the second anyway)."""
    Response.objects.select_for_update().filter(pk=response.pk).first()
    latest = latest_version(response)
    return PublishedVersion.objects.create(
        response=response,
        number=(latest.number if latest else 0) + 1,
        content=content,
        content_hash=content_hash(content),
        published_on=published_on,
        reason=reason.strip(),
        published_by=user if _name(user) else None,
        published_by_name=_name(user),
    )


def freeze_publication(*, response: Response, user: Any = None, reason: str = "") -> PublishedVersion | None:
    """What `response_publish` stores once the response is saved as published: version 1 of a response that has
    none; for one that has, when its publication date was corrected, the latest version with that date (never the
    working text, which only a correction publishes). Otherwise nothing."""
    assert response.published_on is not None
    latest = latest_version(response)
    if latest is None:
        return store_version(
            response=response,
            content=content_of(response_document(response)),
            published_on=response.published_on,
            user=user,
        )
    if latest.content.get("published_on") != response.published_on.isoformat():
        content = {**latest.content, "published_on": response.published_on.isoformat()}
        return store_version(
            response=response,
            content=content,
            published_on=timezone.localdate(),
            user=user,
            reason=f"The publication date was corrected: {reason.strip()}",
        )
    return None


def response_publish_correction(
    *, response: Response, reason: str, user: Any = None, expected_version: int | None = None
) -> PublishedVersion:
    """Publish the working text of a published response as its next version, dated today, with `reason` (the public
    page says "Updated on <date>: <reason>"). Refused with nothing changed since the latest version, while the
    s55 checks fail, and without an approval of the text given since the latest version went public."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say what the correction changes and why: the public page shows it."})
    with editing(response, expected_version, reason=reason):
        if not response.published_on:
            raise ValidationError(["This response is not published yet: publish it first."])
        latest = latest_version(response)
        if latest is None:
            raise ValidationError(
                ["This publication was recorded from your register: publish the response to give it a public page."]
            )
        if problems := publication_problems(response):
            raise ValidationError(problems)
        content = content_of(response_document(response))
        same_signatory = not content["signatory"] or _signed_by(content) == _signed_by(latest.content)
        if text_hash(content) == text_hash(latest.content) and same_signatory:
            raise ValidationError(
                [f"Nothing has changed since version {latest.number} was published: there is nothing to correct."]
            )
        refuse_without_approval(response, since=latest)
        version = store_version(
            response=response, content=content, published_on=timezone.localdate(), user=user, reason=reason
        )
        save_response(response)
        return version
