"""The chief constable's comments by link (s55(4)): an invitation, one link per force contact address, and the
force's submissions, each a new version.

A link is the address `/comments/<token>/`, where the token is the link's random `lookup` signed with the site's
key (`forcecomments.tokens`). It answers only while its invitation is live (not revoked) and until
settings.FORCE_COMMENTS_LINK_DAYS after the response's comments-due date. Submissions are only ever added: a later
one is the next version, never an overwrite.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from inspections.models import Finding
from responses.models import AuditScoped, Response


def new_lookup() -> str:
    return secrets.token_urlsafe(12)


class Invitation(AuditScoped):
    """The office's invitation to the force to comment on one response. At most one is live per response."""

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="force_invitations")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["response"],
                condition=Q(revoked_at__isnull=True),
                name="force_invitation_one_live_per_response",
                violation_error_message="The force has already been invited: revoke that link first.",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation to comment on {self.response}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.response.body_id, self.response_id

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class CommentsLink(AuditScoped):
    """The link sent to one force contact address."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="links")
    recipient = models.EmailField()
    lookup = models.CharField(max_length=32, unique=True, default=new_lookup, editable=False)
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["invitation", "id"]

    def __str__(self) -> str:
        return f"Link sent to {self.recipient}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        response = self.invitation.response
        return response.body_id, response.pk


class Submission(AuditScoped):
    """The chief constable's comments as the force sent them through a link: version `number` for the response."""

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="force_submissions")
    invitation = models.ForeignKey(Invitation, on_delete=models.PROTECT, related_name="submissions")
    link = models.ForeignKey(CommentsLink, on_delete=models.PROTECT, related_name="submissions")
    number = models.PositiveIntegerField()
    name = models.CharField("name typed", max_length=200)
    email = models.EmailField("email address typed")
    sent_to = models.EmailField("address the link was sent to")
    cc_comments = models.TextField("chief constable's comments")
    submitted_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["response", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["response", "number"], name="force_submission_unique_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="force_submission_number_positive",
                violation_error_message="Versions are numbered from 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of the force's comments"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.response.body_id, self.response_id


class SubmittedAction(models.Model):
    """The force's action on one recommendation or area for improvement, as part of a submission."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="actions")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="+")
    action = models.TextField()

    class Meta:
        ordering = ["finding__kind", "finding__number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "finding"], name="force_submitted_action_unique"),
        ]

    def __str__(self) -> str:
        return f"Action on {self.finding}"
