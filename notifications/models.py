from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


class ReminderKind(models.TextChoices):
    LAST_DAY = "last_day", "Statutory last day approaching"
    OVERDUE = "overdue", "Response overdue"
    COMMENTS_DUE = "comments_due", "Chief constable's comments due"
    COMMENTS_OVERDUE = "comments_overdue", "Chief constable's comments overdue"
    CHECKLIST = "checklist", "Office-use step still open"
    DIGEST = "digest", "Daily digest"
    # Emails that are not reminders to the office's own staff about a response's dates:
    COMMENTS_INVITE = "comments_invite", "Invitation to send the chief constable's comments"
    FORCE_REMINDER = "force_reminder", "Reminder to the force: comments due"
    ACTION_UPDATE = "action_update", "Update request for open actions"
    ACTION_OVERDUE = "action_overdue", "Action target date passed"
    OFFICE_SUMMARY = "office_summary", "Weekly summary for the office"
    S55_COPY = "s55_copy", "Section 55(6) copy of the published response"


# The reminders about one response's dates and steps: the ones a daily digest folds together.
DIGESTIBLE_KINDS = frozenset(
    {
        ReminderKind.LAST_DAY,
        ReminderKind.OVERDUE,
        ReminderKind.COMMENTS_DUE,
        ReminderKind.COMMENTS_OVERDUE,
        ReminderKind.CHECKLIST,
    }
)


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (gave up)"
    CANCELLED = "cancelled", "Cancelled (no longer needed)"
    SUPERSEDED = "superseded", "Superseded by a later reminder"
    DIGESTED = "digested", "Included in a digest"


class OutboxEmail(models.Model):
    """One intended email. Planned idempotently (unique key), claimed by exactly one sender, then marked sent."""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    response = models.ForeignKey(
        "responses.Response", on_delete=models.CASCADE, null=True, blank=True, related_name="outbox"
    )
    recipient = models.EmailField()
    # The body an email belongs to: the response's body, or the body of an email about no one response (an
    # office summary, an action digest). Scopes the outbox pages.
    body = models.ForeignKey(
        "inspections.LocalPolicingBody", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(help_text="The day this reminder is for.")
    # Which date the reminder is about, and its value when planned: a changed date re-plans.
    about_date = models.DateField(null=True, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=300, blank=True)
    last_error = models.TextField(blank=True)
    # The last try could not reach the mail server at all: the row waits its backoff, or less, as the first send
    # that goes through afterwards releases it (notifications.delivery.release_after_outage).
    server_unreachable = models.BooleanField(default=False)
    digest = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="parts")
    # A checklist nag is about one office-use step: ticking that step cancels it.
    step = models.ForeignKey(
        "responses.ChecklistStep",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # never searched by itself; outbox_track_idx serves the planner's lookups
    )
    # A copy queued from the admin's "Resend" action: sent as asked, never cancelled or superseded by the planner.
    resend_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="resends", db_index=False
    )
    # A message rendered when it was queued (a letter, an invitation with its link): sent as stored.
    prepared_text = models.TextField(blank=True)
    prepared_html = models.TextField(blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_on", "-id"]
        verbose_name = "outbox email"
        constraints = [
            models.CheckConstraint(condition=Q(status__in=OutboxStatus.values), name="outbox_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=ReminderKind.values), name="outbox_kind_valid"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_pending_idx",
                condition=Q(status__in=["pending", "sending"]),
            ),
            models.Index(fields=["response", "status"], name="outbox_response_status_idx"),
            # The planner's "already planned?" and "overtaken by a later reminder?" lookups.
            models.Index(fields=["response", "kind", "about_date", "due_on"], name="outbox_track_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient} for {self.due_on}"


class DeliveryAttempt(models.Model):
    email = models.ForeignKey(OutboxEmail, on_delete=models.CASCADE, related_name="deliveries")
    at = models.DateTimeField(auto_now_add=True)
    ok = models.BooleanField()
    error = models.TextField(blank=True)
    worker = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{'Sent' if self.ok else 'Failed'} at {self.at:%Y-%m-%d %H:%M}"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens")
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="calendar_one_live_token_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class SweepRun(models.Model):
    """One run of the reminder sweep: /healthz reports the latest."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    today = models.DateField()
    planned = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    actor = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"Reminder sweep at {self.started_at:%Y-%m-%d %H:%M}"
