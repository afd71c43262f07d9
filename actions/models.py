"""The actions tracker: every finding a body answered, followed to closure.

One `Action` per `FindingResponse` (a recommendation, area for improvement or cause of concern of one of the body's
responses), with an owner, a target date, a status and a RAG rating. Three append-only histories hang off it: every
change of target date (`TargetDateChange`, old date, new date and the reason), every change of status
(`StatusChange`) and every dated progress update with its evidence (`ProgressUpdate`). Writes go through
`actions.services` (`action_<verb>`), which also write the audit trail.

These names are read by other apps (the Panel report): keep them stable.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from audit.context import current_reason
from audit.models import AppendOnlyError, AppendOnlyQuerySet, append_only_trigger
from core.scoping import scope_to_body
from inspections.models import Finding, LocalPolicingBody


class ActionStatus(models.TextChoices):
    AWAITING_ALLOCATION = "awaiting_allocation", "Awaiting allocation"
    BEING_PROGRESSED = "being_progressed", "Being progressed"
    BLOCKED = "blocked", "Blocked"
    PENDING_SIGN_OFF = "pending_sign_off", "Pending sign-off"
    COMPLETE = "complete", "Complete"
    NO_FURTHER_ACTION = "nfa", "No further action needed"


#: Closed: nothing more is asked of the owner; no nudges, no RAG from the date.
CLOSED_ACTION_STATUSES = (ActionStatus.COMPLETE, ActionStatus.NO_FURTHER_ACTION)
OPEN_ACTION_STATUSES = (
    ActionStatus.AWAITING_ALLOCATION,
    ActionStatus.BEING_PROGRESSED,
    ActionStatus.BLOCKED,
    ActionStatus.PENDING_SIGN_OFF,
)


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    CLOSED = "closed", "Closed"


#: An open action whose target date is this many days away or fewer (today included) is amber (actions/rag.py).
AMBER_DAYS = 30


class UpdateCycle(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Every three months"


class ActionQuerySet(models.QuerySet["Action"]):
    def open(self) -> ActionQuerySet:
        return self.filter(status__in=OPEN_ACTION_STATUSES)

    def closed(self) -> ActionQuerySet:
        return self.filter(status__in=CLOSED_ACTION_STATUSES)

    def overdue(self, today: dt.date) -> ActionQuerySet:
        """Open, and the target date has passed (the target date itself is not yet overdue)."""
        return self.open().filter(target_date__lt=today)

    def for_user(self, user: Any) -> ActionQuerySet:
        return scope_to_body(self, user)


class Action(models.Model):
    """What a body does about one finding of one of its responses, until it is closed."""

    body = models.ForeignKey(LocalPolicingBody, on_delete=models.PROTECT, related_name="actions")
    finding_response = models.OneToOneField(
        "responses.FindingResponse", on_delete=models.CASCADE, related_name="action"
    )
    # The response and finding of `finding_response`, kept here so the tracker filters and sorts without more joins.
    response = models.ForeignKey("responses.Response", on_delete=models.CASCADE, related_name="actions")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="actions")

    # The owner: a user of the body, or a team or person outside the app, named with an email.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_actions"
    )
    owner_name = models.CharField(
        "owner outside the app", max_length=200, blank=True, help_text="A team or person who does not sign in."
    )
    owner_email = models.EmailField("their email", blank=True)

    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.AWAITING_ALLOCATION)
    blocked_on = models.CharField("what it waits on", max_length=300, blank=True)
    status_note = models.TextField(
        blank=True, help_text="Why no further action is needed, or what closing it achieved."
    )

    rag_override = models.CharField("RAG set by hand", max_length=10, choices=Rag.choices, blank=True)
    rag_override_reason = models.TextField(blank=True)

    closure_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closure_requested_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_off_by_name = models.CharField(max_length=150, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)

    # An area for improvement (or any finding) that repeats one of an earlier report.
    repeats = models.ForeignKey(
        Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="repeated_by_actions"
    )

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["target_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ActionStatus.values), name="action_status_valid"),
            models.CheckConstraint(condition=Q(rag_override__in=[*Rag.values, ""]), name="action_rag_override_valid"),
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.BLOCKED) | ~Q(blocked_on=""),
                name="action_blocked_says_on_what",
                violation_error_message="Say what the action is waiting on.",
            ),
            models.CheckConstraint(
                condition=Q(rag_override="") | ~Q(rag_override_reason=""),
                name="action_rag_override_has_reason",
                violation_error_message="Setting the RAG rating by hand needs a reason.",
            ),
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.COMPLETE) | Q(signed_off_at__isnull=False),
                name="action_complete_is_signed_off",
                violation_error_message="An action is complete only once an approver or admin signs it off.",
            ),
            models.CheckConstraint(
                condition=Q(owner__isnull=True) | Q(owner_name="", owner_email=""),
                name="action_one_owner",
                violation_error_message="An action has one owner: a user, or a named team or person.",
            ),
            models.CheckConstraint(
                condition=Q(owner_name="") | ~Q(owner_email=""),
                name="action_outside_owner_has_email",
                violation_error_message="Give the email of the team or person outside the app.",
            ),
        ]
        indexes = [
            # The tracker: one body's actions in target-date order (and its status filter).
            models.Index(fields=["body", "status", "target_date"], name="action_body_status_target_idx"),
            # The nudges: open actions by owner.
            models.Index(fields=["owner", "status"], name="action_owner_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Action on {self.finding}"

    def get_absolute_url(self) -> str:
        return reverse("actions:action_detail", args=[self.pk])

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.body_id, self.response_id

    def get_additional_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"body_id": self.body_id, "response_id": self.response_id}
        if reason := current_reason():
            data["reason"] = reason
        return data

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    @property
    def owner_label(self) -> str:
        if self.owner_id is not None and self.owner is not None:
            return self.owner.get_full_name() or self.owner.username
        return self.owner_name

    @property
    def owner_address(self) -> str:
        if self.owner_id is not None and self.owner is not None:
            return self.owner.email
        return self.owner_email

    def rag(self, today: dt.date) -> str:
        from actions.rag import action_rag

        return action_rag(status=self.status, target_date=self.target_date, override=self.rag_override, today=today)

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.target_date is not None and self.target_date < today


class AppendOnlyModel(models.Model):
    """A history row: added, never changed or deleted (here, in the admin, and on PostgreSQL by a trigger)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.verbose_name} cannot be changed: add another.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self._meta.verbose_name} cannot be deleted.")

    def get_additional_data(self) -> dict[str, Any]:
        action: Action = self.action  # type: ignore[attr-defined]
        data: dict[str, Any] = {"body_id": action.body_id, "response_id": action.response_id}
        if reason := current_reason():
            data["reason"] = reason
        return data


class TargetDateChange(AppendOnlyModel):
    """One setting of an action's target date: the date before (empty the first time), the new one, and why."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="target_date_changes")
    old_date = models.DateField(null=True, blank=True)
    new_date = models.DateField(null=True, blank=True)
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_by_name = models.CharField(max_length=150, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="target_date_change_has_reason",
                violation_error_message="Say why the target date changes.",
            ),
        ]
        triggers = [append_only_trigger(table="actions_targetdatechange", nullable="changed_by_id")]

    def __str__(self) -> str:
        return f"Target date {self.old_date} → {self.new_date}"


class StatusChange(AppendOnlyModel):
    """The dated status history of an action (as the HMICFRS register keeps one per recommendation)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(max_length=20, choices=ActionStatus.choices, blank=True)
    new_status = models.CharField(max_length=20, choices=ActionStatus.choices)
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_by_name = models.CharField(max_length=150, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]
        triggers = [append_only_trigger(table="actions_statuschange", nullable="changed_by_id")]

    def __str__(self) -> str:
        return f"{self.old_status or 'new'} → {self.new_status}"


class ProgressUpdate(AppendOnlyModel):
    """A dated progress update with its evidence: what was done, and where to see it."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress_updates")
    note = models.TextField()
    evidence = models.TextField(blank=True, help_text="What shows it: a paper, a decision, a figure.")
    evidence_url = models.URLField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(note=""),
                name="progress_update_has_note",
                violation_error_message="Describe the progress made.",
            ),
        ]
        triggers = [append_only_trigger(table="actions_progressupdate", nullable="created_by_id")]

    def __str__(self) -> str:
        return f"Update of {self.created_at:%Y-%m-%d}"


class NudgePolicy(models.Model):
    """How often a body's action owners are asked for an update; without a row, settings.ACTIONS_UPDATE_CYCLE."""

    body = models.OneToOneField(LocalPolicingBody, on_delete=models.CASCADE, related_name="nudge_policy")
    update_cycle = models.CharField(max_length=12, choices=UpdateCycle.choices, default=UpdateCycle.MONTHLY)
    overdue_notice = models.BooleanField(default=True, help_text="Tell the owner when a target date passes.")
    weekly_summary = models.BooleanField(default=True, help_text="Send the office's admins a weekly summary.")

    class Meta:
        verbose_name = "nudge policy"
        verbose_name_plural = "nudge policies"
        constraints = [
            models.CheckConstraint(condition=Q(update_cycle__in=UpdateCycle.values), name="nudge_cycle_valid"),
        ]

    def __str__(self) -> str:
        return f"Nudges for {self.body}"
