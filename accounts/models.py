from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    APPROVER = "approver", "Approver"
    ADMIN = "admin", "Admin"


class User(AbstractUser):
    """A member of staff of one local policing body; a superuser without a body sees every body."""

    body = models.ForeignKey(
        "inspections.LocalPolicingBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="The local policing body this person works for. Leave empty only for national administrators.",
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    daily_digest = models.BooleanField(
        default=False, help_text="Send one daily digest instead of a separate email for each reminder."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_valid"),
        ]

    @property
    def is_national(self) -> bool:
        return self.is_superuser and self.body_id is None

    def can_edit(self) -> bool:
        return self.is_active and (self.is_national or self.role in (Role.EDITOR, Role.APPROVER, Role.ADMIN))

    def can_approve(self) -> bool:
        """Approving a response for publication (issue of sign-off): an approver or an admin of the body."""
        return self.is_active and (self.is_national or self.role in (Role.APPROVER, Role.ADMIN))

    def can_administer(self) -> bool:
        return self.is_active and (self.is_national or self.role == Role.ADMIN)
