"""Sign-off: before a response is published (and before each correction), a user who may approve records "approved
for publication by <signatory> on <date>", naming one of the body's active signatories (inspections.Signatory).

The approval holds the hash of the text it approved (`snapshot.text_hash`): the content the public would see, less
the publication date and the signatory. `save_response` calls `approval_clear_if_stale` on every save that bumps
the version, so any later change to the text clears it; a change that leaves the text alone (a checklist tick, the
owner) keeps it. Publishing checks `approval_problem` again, so a text changed behind the response's back (the
report's findings edited) needs a fresh approval too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.dates import long_date, refuse_future
from inspections.models import Signatory
from responses.models import PublishedVersion, Response
from responses.selectors import response_document
from responses.snapshot import content_of, text_hash

APPROVAL_FIELDS = (
    "approved_signatory",
    "approved_signatory_name",
    "approved_signatory_title",
    "approved_on",
    "approved_by",
    "approved_at",
    "approved_text_hash",
)


def current_text_hash(response: Response) -> str:
    return text_hash(content_of(response_document(response)))


def active_signatories(response: Response) -> list[Signatory]:
    return list(Signatory.objects.filter(body_id=response.body_id, active=True).order_by("order", "name"))


def _clear(response: Response) -> None:
    response.approved_signatory = None
    response.approved_signatory_name = ""
    response.approved_signatory_title = ""
    response.approved_on = None
    response.approved_by = None
    response.approved_at = None
    response.approved_text_hash = ""


def approval_clear_if_stale(response: Response) -> bool:
    """Called by `save_response` before it saves: clear an approval whose text has since changed. True if cleared."""
    if not response.approved_on:
        return False
    if response.approved_text_hash == current_text_hash(response):
        return False
    _clear(response)
    return True


def approval_problem(response: Response, *, since: PublishedVersion | None = None) -> str:
    """Why `response` may not be published now for want of a sign-off ("" when it may). `since`: the latest
    published version, when publishing a correction: the approval must be given after it went public."""
    if not response.approved_on:
        return (
            "This response has not been approved for publication: someone who may approve must record who signs it "
            "off first."
        )
    if response.approved_text_hash != current_text_hash(response):
        return (
            f"The text has changed since it was approved on {long_date(response.approved_on)}: "
            "it must be approved again before it is published."
        )
    if since is not None and response.approved_at and response.approved_at < since.published_at:
        return (
            f"The approval of {long_date(response.approved_on)} was for version {since.number}: "
            "a correction needs a fresh approval."
        )
    return ""


def refuse_without_approval(response: Response, *, since: PublishedVersion | None = None) -> None:
    if problem := approval_problem(response, since=since):
        raise ValidationError([problem])


def response_approve(
    *,
    response: Response,
    signatory: Signatory,
    approved_on: dt.date,
    user: Any,
    expected_version: int | None = None,
) -> Response:
    """Record that `signatory` approved the response's text as it is now for publication on `approved_on`."""
    from responses.services._base import editing, save_response

    if user is None or not user.can_approve():
        raise ValidationError(["Your role cannot approve responses for publication."])
    if signatory.body_id != response.body_id:
        raise ValidationError({"signatory": "Choose one of your body's signatories."})
    if not signatory.active:
        raise ValidationError({"signatory": "This signatory is no longer active: choose another."})
    refuse_future(approved_on, field="approved_on", what="The date of the approval")
    with editing(response, expected_version):
        if response.not_required_reason:
            raise ValidationError(["This response is closed as not required: there is nothing to approve."])
        if approved_on < response.inspection.published_on:
            raise ValidationError({"approved_on": "The approval cannot be dated before the report was published."})
        response.approved_signatory = signatory
        response.approved_signatory_name = signatory.name
        response.approved_signatory_title = signatory.title
        response.approved_on = approved_on
        response.approved_by = user
        response.approved_at = timezone.now()
        response.approved_text_hash = current_text_hash(response)
        return save_response(response)


def response_withdraw_approval(*, response: Response, reason: str, expected_version: int | None = None) -> Response:
    """Take an approval back before publication, with the reason for the audit trail."""
    from responses.services._base import editing, save_response

    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the approval is withdrawn, for the record."})
    with editing(response, expected_version, reason=reason):
        if not response.approved_on:
            raise ValidationError(["This response has no approval to withdraw."])
        _clear(response)
        return save_response(response)
