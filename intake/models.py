from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models

from audit.context import current_reason

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


class WatchedFeed(models.Model):
    """An RSS or Atom feed of the inspectorate's new publications, read by `check_feeds` and the periodic task.

    Feeds named in `settings.INTAKE_FEEDS` are added here when they are first checked; more can be added in the
    admin. The validators the server sent (ETag, Last-Modified) are kept for the next conditional GET, and each
    check's outcome is recorded: a feed that fails is tried again next time and never stops the others.
    """

    url = models.URLField(max_length=500, unique=True, help_text="https, on a host in INTAKE_ALLOWED_HOSTS.")
    active = models.BooleanField(default=True, help_text="Untick to stop reading this feed.")
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_ok_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.CharField(max_length=500, blank=True, editable=False)
    failures = models.PositiveIntegerField(default=0, editable=False, help_text="Failed checks in a row.")

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return self.url


class SpottedStatus(models.TextChoices):
    NEW = "new", "New"
    ADDED = "added", "Added as an inspection"
    DISMISSED = "dismissed", "Dismissed"


class SpottedReport(models.Model):
    """A feed item that may be a report a body must respond to: spotted, never recorded as an inspection until a
    person adds it. One per body and link, however often the feed repeats it."""

    body = models.ForeignKey("inspections.LocalPolicingBody", on_delete=models.CASCADE, related_name="spotted_reports")
    feed = models.ForeignKey(WatchedFeed, on_delete=models.SET_NULL, null=True, blank=True, related_name="spotted")
    link = models.URLField(max_length=500)
    title = models.CharField(max_length=300)
    published_on = models.DateField(null=True, blank=True, help_text="The date the feed gives the item.")
    names_force = models.BooleanField(
        default=False, help_text="Its title or categories name the body's force (else it is about all forces)."
    )
    status = models.CharField(max_length=10, choices=SpottedStatus.choices, default=SpottedStatus.NEW)
    dismissed_reason = models.TextField(blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    spotted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "-spotted_at"]
        constraints = [
            models.UniqueConstraint(fields=["body", "link"], name="spotted_report_unique_link"),
            models.CheckConstraint(
                condition=models.Q(status__in=SpottedStatus.values), name="spotted_report_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=SpottedStatus.DISMISSED) | ~models.Q(dismissed_reason=""),
                name="spotted_report_dismissed_has_reason",
                violation_error_message="Say why the report is dismissed.",
            ),
        ]
        # The spotted page and the dashboard's count: WHERE body_id = ? AND status = 'new'.
        indexes = [models.Index(fields=["body", "status"], name="spotted_report_body_status_idx")]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"body_id": self.body_id}
        if current_reason():
            data["reason"] = current_reason()
        return data
