"""Writes of the force's comments by link (STYLE.md: keyword-only `<entity>_<action>`), each audited.

- `invitation_create`: one link per force contact address, each queued as an outbox email (COMMENTS_INVITE);
  records the invitation date on the response if it has none.
- `invitation_revoke`: its links answer 404 from then on; unsent invitations and reminders are cancelled.
- `link_record_opened`: the first view of a link (kept on the link).
- `submission_create`: the next version of the force's comments; cancels the pending reminders.
- `submission_use`: copies a version into the response's chief constable's comments through
  `responses.services.response_update_comments` (the comments page's own write), guarded by the response version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from audit.context import audit_reason
from forcecomments.emails import invite_message
from forcecomments.models import CommentsLink, Invitation, Submission, SubmittedAction
from inspections.models import Finding, FindingKind
from notifications.models import OutboxEmail, OutboxStatus, ReminderKind
from responses import services as response_services
from responses.models import Response

NO_CONTACTS = "{body} has no force contact addresses, so there is no one to invite."
NO_DUE_DATE = "Set the date the chief constable's comments are due before inviting them."
ALREADY_INVITED = "The force has already been invited. Revoke that link first to send a new one."
CLOSED = "This response is closed, so the force cannot be invited to comment."
ACTION_KINDS = (FindingKind.RECOMMENDATION, FindingKind.AREA_FOR_IMPROVEMENT)


def invitation_refusal(response: Response) -> str:
    """Why the force cannot be invited now, or "" when it can."""
    if not response.is_open:
        return CLOSED
    if not response.comments_due:
        return NO_DUE_DATE
    if not response.body.force_contact_list():
        return NO_CONTACTS.format(body=response.body.display_name)
    if response.force_invitations.filter(revoked_at__isnull=True).exists():
        return ALREADY_INVITED
    return ""


def invitation_create(*, response: Response, user: Any, today: dt.date | None = None) -> Invitation:
    """Invite the chief constable's comments: a link for each force contact address, each emailed through the outbox."""
    today = today or timezone.localdate()
    refusal = invitation_refusal(response)
    if refusal:
        raise ValidationError(refusal)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(response=response, created_by=user)
            for recipient in dict.fromkeys(response.body.force_contact_list()):
                link = CommentsLink.objects.create(invitation=invitation, recipient=recipient)
                subject, text, html = invite_message(link, today)
                OutboxEmail.objects.create(
                    key=f"fc-invite:{invitation.pk}:{link.pk}",
                    kind=ReminderKind.COMMENTS_INVITE,
                    response=response,
                    body=response.body,
                    recipient=recipient,
                    due_on=today,
                    about_date=response.comments_due,
                    subject=subject,
                    prepared_text=text,
                    prepared_html=html,
                )
            if response.cc_invited_on is None:
                with audit_reason("Invited by link to the force contact addresses"):
                    response_services.response_update_comments(response=response, cc_invited_on=today)
    except IntegrityError as error:  # another editor invited the force at the same moment
        raise ValidationError(ALREADY_INVITED) from error
    return invitation


def invitation_revoke(*, invitation: Invitation, user: Any) -> Invitation:
    if invitation.revoked_at is not None:
        return invitation
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.revoked_by = user
        invitation.save(update_fields=["revoked_at", "revoked_by"])
        _cancel_pending(invitation.response, kinds=(ReminderKind.COMMENTS_INVITE, ReminderKind.FORCE_REMINDER))
    return invitation


def _cancel_pending(response: Response, *, kinds: tuple[str, ...]) -> int:
    return OutboxEmail.objects.filter(response=response, kind__in=kinds, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.CANCELLED
    )


def link_record_opened(*, link: CommentsLink) -> bool:
    """Record the first view of a link on the link itself; True if this was it. A conditional UPDATE, so two first
    views at once record one moment. Not an audit entry: opening a link changes nothing of the response."""
    if link.opened_at is not None:
        return False
    now = timezone.now()
    if not CommentsLink.objects.filter(pk=link.pk, opened_at__isnull=True).update(opened_at=now):
        return False
    link.opened_at = now
    return True


def action_findings(response: Response) -> list[Finding]:
    """The recommendations and areas for improvement the force may add its action to: those of this response."""
    return [
        fr.finding for fr in response.finding_responses.select_related("finding").filter(finding__kind__in=ACTION_KINDS)
    ]


def submission_create(
    *, link: CommentsLink, name: str, email: str, cc_comments: str, actions: dict[int, str] | None = None
) -> Submission:
    """The force's comments as the next version for the response; never changes an earlier version."""
    invitation = link.invitation
    response = invitation.response
    allowed = {finding.pk for finding in action_findings(response)}
    with transaction.atomic():
        # Lock the response row so two submissions at once get consecutive numbers.
        Response.objects.select_for_update().filter(pk=response.pk).first()
        number = (Submission.objects.filter(response=response).aggregate(n=Max("number"))["n"] or 0) + 1
        submission = Submission.objects.create(
            response=response,
            invitation=invitation,
            link=link,
            number=number,
            name=name.strip(),
            email=email.strip(),
            sent_to=link.recipient,
            cc_comments=cc_comments.strip(),
        )
        SubmittedAction.objects.bulk_create(
            SubmittedAction(submission=submission, finding_id=pk, action=text.strip())
            for pk, text in (actions or {}).items()
            if pk in allowed and text.strip()
        )
        _cancel_pending(response, kinds=(ReminderKind.FORCE_REMINDER,))
    return submission


def submission_use(*, submission: Submission, user: Any, expected_version: int | None = None) -> list[str]:
    """Copy a version's comments into the response's chief constable's comments (audited, with the reason)."""
    response = Response.objects.select_related("inspection", "body").get(pk=submission.response_id)
    received = timezone.localtime(submission.submitted_at).date()
    reason = (
        f"The force's comments, version {submission.number}, sent by {submission.name} <{submission.email}> "
        f"through the link sent to {submission.sent_to}"
    )
    with transaction.atomic(), audit_reason(reason):
        changed = response_services.response_update_comments(
            response=response,
            expected_version=expected_version,
            cc_comments=submission.cc_comments,
            cc_comments_received_on=received,
            cc_comments_not_received=False,
        )
        submission.used_at = timezone.now()
        submission.used_by = user
        submission.save(update_fields=["used_at", "used_by"])
    return changed


def contacts_admin_url(response: Response) -> str:
    """Where the body's force contact addresses are set."""
    return reverse("admin:inspections_localpolicingbody_change", args=[response.body_id])
