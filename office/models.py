"""The office's own records: invitations to join a body's staff.

An invitation is a row first and a link second. The link carries a signed token naming the row and a random nonce
the row keeps; it works once (`accepted_at`), until `expires_at`, and not after a later invitation to the same
address supersedes it (`revoked_at`).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role


def _nonce() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    body = models.ForeignKey("inspections.LocalPolicingBody", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    nonce = models.CharField(max_length=64, default=_nonce, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept as typed, so the list still names the inviter once their account is gone.
    invited_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
        ]
        indexes = [
            # The people page's "invited, not yet joined" list of one body.
            models.Index(fields=["body", "accepted_at", "revoked_at"], name="invitation_open_idx"),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.body} as {self.get_role_display()}"

    def is_open(self, now: object = None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now  # type: ignore[operator]
