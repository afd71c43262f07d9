"""The dates of a response: a corrected publication date, the overridden deadline, the s55(4) comments-due date."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.context import audit_reason
from core.dates import long_date
from inspections.models import Inspection
from responses import deadlines
from responses.models import Response
from responses.services._base import editing, part_dates, save_response

# An overridden deadline still has to be a date that makes sense for the report.
MAX_OVERRIDE_DAYS = 366


@transaction.atomic
def inspection_correct_published_on(*, inspection: Inspection, published_on: dt.date, reason: str) -> Inspection:
    """Correct a publication date and recompute every response's dates, keeping overridden deadlines."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"published_on": "Say why the publication date is being corrected."})
    old = Inspection.objects.select_for_update().get(pk=inspection.pk).published_on
    if old == published_on:
        return inspection
    inspection.published_on = published_on
    with audit_reason(reason):
        inspection.save()
    old_default_due = deadlines.default_comments_due(old)
    for response in inspection.responses.select_for_update().select_related("body"):
        response.statutory_last_day = deadlines.statutory_last_day(published_on)
        if not response.deadline_overridden or not deadlines.has_statutory_deadline(published_on):
            # Before 2 May 2017 there is no deadline at all, overridden or not.
            response.deadline = deadlines.form_deadline(published_on)
            response.deadline_overridden = response.deadline_overridden and response.deadline is not None
            if not response.deadline_overridden:
                response.deadline_override_reason = ""
        due, last = response.comments_due, response.statutory_last_day
        set_by_hand = due is not None and due != old_default_due
        if due is None or not (set_by_hand and due > published_on and (last is None or due < last)):
            response.comments_due = deadlines.default_comments_due(published_on)
        with audit_reason(f"Publication date corrected from {old.isoformat()}: {reason}"):
            save_response(response)
    return inspection


def response_override_deadline(
    *, response: Response, deadline: dt.date, reason: str, expected_version: int | None = None, expected_part: str = ""
) -> Response:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"deadline_override_reason": "Say why the deadline is being overridden."})
    with editing(response, expected_version, reason=reason, part=part_dates(response), expected_part=expected_part):
        published = response.inspection.published_on
        refuse_without_statutory_deadline(published)
        if not published < deadline <= published + dt.timedelta(days=MAX_OVERRIDE_DAYS):
            raise ValidationError(
                {
                    "deadline": f"The deadline must fall after the report's publication ({long_date(published)}) "
                    f"and within a year of it."
                }
            )
        response.deadline = deadline
        response.deadline_overridden = True
        response.deadline_override_reason = reason
        return save_response(response)


def refuse_without_statutory_deadline(published: dt.date) -> None:
    if not deadlines.has_statutory_deadline(published):
        raise ValidationError({"deadline": f"{deadlines.NO_STATUTORY_DEADLINE} There is no deadline to override."})


def response_restore_deadline(
    *, response: Response, reason: str, expected_version: int | None = None, expected_part: str = ""
) -> Response:
    """Back to the HMICFRS form's deadline (published + 56 days), with a reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the deadline goes back to the HMICFRS form date."})
    with editing(response, expected_version, reason=reason, part=part_dates(response), expected_part=expected_part):
        response.deadline = deadlines.form_deadline(response.inspection.published_on)
        response.deadline_overridden = False
        response.deadline_override_reason = ""
        return save_response(response)


def validate_comments_due(response: Response, comments_due: dt.date | None) -> None:
    published = response.inspection.published_on
    if comments_due is not None and comments_due <= published:
        raise ValidationError(
            {
                "comments_due": f"The chief constable's comments must be due after the report's publication "
                f"({long_date(published)})."
            }
        )
    last_day = response.statutory_last_day
    if comments_due is not None and last_day is not None and comments_due >= last_day:
        raise ValidationError(
            {
                "comments_due": (
                    "The chief constable's comments must be due before the statutory last day "
                    f"({long_date(last_day)}), so the body can answer them in time."
                )
            }
        )


def response_set_comments_due(
    *, response: Response, comments_due: dt.date | None, expected_version: int | None = None, expected_part: str = ""
) -> Response:
    with editing(response, expected_version, part=part_dates(response), expected_part=expected_part):
        validate_comments_due(response, comments_due)
        response.comments_due = comments_due
        return save_response(response)
