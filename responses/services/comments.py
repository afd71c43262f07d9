"""The chief constable's comments (s55(4)), the body's own and its response to them (s55(5)); the owner."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from core.dates import future_error, in_future
from responses.models import COMMENT_FIELDS, Response
from responses.services._base import (
    editing,
    part_comments,
    part_owner,
    refuse_if_published_and_failing,
    save_response,
)


def validate_comments(values: dict[str, Any], published: dt.date) -> None:
    errors: dict[str, str] = {}
    invited, received = values["cc_invited_on"], values["cc_comments_received_on"]
    if invited and invited < published:
        errors["cc_invited_on"] = (
            "The chief constable cannot have been invited to comment before the report was published."
        )
    elif in_future(invited):
        errors["cc_invited_on"] = future_error("The date the chief constable was invited to comment")
    if in_future(received):
        errors["cc_comments_received_on"] = future_error("The date the comments were received")
    elif received and invited and received < invited:
        errors["cc_comments_received_on"] = "The comments cannot have been received before they were invited."
    if values["cc_comments_not_received"] and values["cc_comments"].strip():
        errors["cc_comments_not_received"] = (
            "Either record the chief constable's comments or say they were not received, not both."
        )
    if errors:
        raise ValidationError(errors)


def response_update_comments(
    *, response: Response, expected_version: int | None = None, expected_part: str = "", **values: Any
) -> list[str]:
    """Save the chief constable's and the body's comments; returns the labels of the fields that changed."""
    unknown = set(values) - set(COMMENT_FIELDS)
    if unknown:
        raise TypeError(f"Not comment fields: {', '.join(sorted(unknown))}")
    with editing(response, expected_version, part=part_comments(response), expected_part=expected_part):
        values = {name: values.get(name, getattr(response, name)) for name in COMMENT_FIELDS}
        for name in ("cc_comments", "body_comments", "response_to_cc"):
            values[name] = values[name].strip()
        validate_comments(values, response.inspection.published_on)
        changed = [name for name in COMMENT_FIELDS if getattr(response, name) != values[name]]
        for name in changed:
            setattr(response, name, values[name])
        if changed:
            refuse_if_published_and_failing(response)
            save_response(response)
        return [str(getattr(Response._meta.get_field(name), "verbose_name", name)) for name in changed]


def response_set_owner(
    *, response: Response, owner: Any, expected_version: int | None = None, expected_part: str = ""
) -> Response:
    """The officer responsible: someone who works for the body that makes the response (or nobody)."""
    if owner is not None and owner.body_id != response.body_id:
        raise ValidationError({"owner": "The owner must work for the body that makes this response."})
    with editing(response, expected_version, part=part_owner(response), expected_part=expected_part):
        response.owner = owner
        return save_response(response)
