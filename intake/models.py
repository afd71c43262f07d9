from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models

# How long an uploaded register waits for its confirmation.
STAGED_IMPORT_LIFETIME = dt.timedelta(hours=1)


class StagedImport(models.Model):
    """A register file uploaded on the "Import history" page, kept between its preview and its confirmation.

    Only its uploader may confirm it, within STAGED_IMPORT_LIFETIME; it is deleted once confirmed, and expired ones
    are deleted at the next upload. The preview is shown from the file itself; the confirmation checks it again
    against what is recorded then, so nothing shown earlier is trusted.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.ForeignKey(
        "inspections.LocalPolicingBody",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The uploader's body; empty for a national administrator.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Deleting the expired ones: WHERE created_at < now - lifetime.
        indexes = [models.Index(fields=["created_at"], name="staged_import_created_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"
