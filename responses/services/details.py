"""Several of a response's fields at once, as the admin's change form edits them, through the same rules as the
staff pages: the comments' dates, the owner's body, the s55(4) date, the deadline and its reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from core.dates import long_date
from responses import deadlines
from responses.models import COMMENT_FIELDS, Response
from responses.services._base import editing, refuse_if_published_and_failing, save_response
from responses.services.comments import validate_comments
from responses.services.dates import MAX_OVERRIDE_DAYS, validate_comments_due

DETAIL_FIELDS = (*COMMENT_FIELDS, "owner", "comments_due", "deadline", "deadline_override_reason", "covered_by")
RESTORED = "Deadline set back to the HMICFRS form date"


def _deadline_change(response: Response, changes: dict[str, Any]) -> tuple[Any, bool, str] | None:
    """(deadline, overridden, reason) that `changes` asks for, or None if they leave the deadline alone."""
    if "deadline" not in changes and "deadline_override_reason" not in changes:
        return None
    deadline = changes.get("deadline", response.deadline)
    reason = str(changes.get("deadline_override_reason", response.deadline_override_reason)).strip()
    if deadline == deadlines.form_deadline(response.inspection.published_on):
        return deadline, False, reason
    return deadline, True, reason


def validate_response_changes(response: Response, changes: dict[str, Any]) -> None:
    """Every problem with `changes` to `response`, by field, as one ValidationError (nothing is saved)."""
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}")
    errors: dict[str, list[str]] = {}

    def collect(check: Any) -> None:
        try:
            check()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)

    comments = {name: changes.get(name, getattr(response, name)) for name in COMMENT_FIELDS}
    collect(lambda: validate_comments(comments, response.inspection.published_on))
    if "comments_due" in changes:
        collect(lambda: validate_comments_due(response, changes["comments_due"]))
    owner = changes.get("owner")
    if owner is not None and owner.body_id != response.body_id:
        errors["owner"] = ["The owner must work for the body that makes this response."]
    covered_by = changes.get("covered_by")
    if covered_by is not None and (covered_by.body_id != response.body_id or covered_by.pk == response.pk):
        errors["covered_by"] = ["A response can only be covered by another response of the same body."]
    wanted = _deadline_change(response, changes)
    if wanted is not None:
        deadline, overridden, reason = wanted
        published = response.inspection.published_on
        if overridden and not deadlines.has_statutory_deadline(published):
            errors["deadline"] = [f"{deadlines.NO_STATUTORY_DEADLINE} There is no deadline to override."]
            overridden = False  # nothing more to say about it
        if overridden and not reason:
            errors["deadline_override_reason"] = ["Overriding the deadline needs a reason."]
        if overridden and not published < deadline <= published + dt.timedelta(days=MAX_OVERRIDE_DAYS):
            errors["deadline"] = [
                f"The deadline must fall after the report's publication ({long_date(published)}) "
                "and within a year of it."
            ]
    if errors:
        raise ValidationError(errors)


def response_update(*, response: Response, changes: dict[str, Any], expected_version: int | None = None) -> list[str]:
    """Save `changes` (field name → value, fields of DETAIL_FIELDS) in one write; returns the labels changed."""
    wanted = _deadline_change(response, changes)
    reason = ""
    if wanted is not None:
        reason = wanted[2] if wanted[1] else (wanted[2] or RESTORED)
    with editing(response, expected_version, reason=reason):
        validate_response_changes(response, changes)
        changed = [name for name, value in changes.items() if getattr(response, name) != value]
        for name in changed:
            setattr(response, name, changes[name])
        if wanted is not None:
            response.deadline, response.deadline_overridden, _ = wanted
            response.deadline_override_reason = wanted[2] if wanted[1] else ""
        if changed:
            refuse_if_published_and_failing(response)
            save_response(response)
        return [str(getattr(Response._meta.get_field(name), "verbose_name", name)) for name in changed]
