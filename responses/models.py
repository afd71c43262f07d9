from __future__ import annotations

import datetime as dt
from typing import Any, NoReturn

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from audit.context import current_reason
from audit.models import AppendOnlyError, AppendOnlyQuerySet, append_only_trigger
from core.scoping import scope_to_body
from inspections.models import Finding, Inspection, LocalPolicingBody
from responses import deadlines


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    AWAITING_CHIEF_CONSTABLE = "awaiting_cc", "Awaiting chief constable"
    DRAFTING = "drafting", "Drafting"
    READY = "ready", "Ready to publish"
    PUBLISHED = "published", "Published"
    COMPLETE = "complete", "Complete"
    NOT_REQUIRED = "not_required", "Not required"


OPEN_STATUSES = (Status.NOT_STARTED, Status.AWAITING_CHIEF_CONSTABLE, Status.DRAFTING, Status.READY)

# Two states that are not stored but read off the dates: the list filters, counts, tags and exports all use these.
OVERDUE = "overdue"  # open, and the statutory last day has passed
DUE_SOON = "due_7"  # open, and the statutory last day is within DUE_SOON_DAYS (today included)
DUE_SOON_DAYS = 7

# The fields of the comments page: the chief constable's comments (s55(4)), the body's and its response (s55(5)).
COMMENT_FIELDS = (
    "cc_invited_on",
    "cc_comments",
    "cc_comments_received_on",
    "cc_comments_not_received",
    "body_comments",
    "response_to_cc",
)


class AuditScoped(models.Model):
    """Models whose audit entries carry the body and response they belong to (for timelines and exports)."""

    class Meta:
        abstract = True

    def audit_scope(self) -> tuple[int | None, int | None]:
        raise NotImplementedError

    def get_additional_data(self) -> dict[str, Any]:
        body_id, response_id = self.audit_scope()
        data: dict[str, Any] = {"body_id": body_id, "response_id": response_id}
        if reason := current_reason():
            data["reason"] = reason
        return data


def overdue_on(today: dt.date) -> Q:
    """The date half of "overdue", for counts over responses already known to be open."""
    return Q(statutory_last_day__lt=today)


def due_within(today: dt.date, days: int = DUE_SOON_DAYS) -> Q:
    """The date half of "due soon", for counts over responses already known to be open."""
    return Q(statutory_last_day__gte=today, statutory_last_day__lte=today + dt.timedelta(days=days))


def status_tally_triggers() -> list[pgtrigger.Trigger]:
    """PostgreSQL keeps StatusTally: after every statement on the responses table, one row per (body, status) the
    statement moved, with the change in count, read from the statement's transition tables. Whatever makes the
    change (the ORM, a queryset update(), a cascade, COPY, psql), in the same transaction; an UPDATE that changes no
    status or body adds nothing. Rows are only ever inserted, so no two transactions wait on each other's counts."""

    def tally(name: str, operation: Any, func: str, **referencing: str) -> pgtrigger.Trigger:
        return pgtrigger.Trigger(
            name=f"status_tally_{name}",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=operation,
            referencing=pgtrigger.Referencing(**referencing) if referencing else None,
            func=f"{func} RETURN NULL;",
        )

    return [
        tally(
            "insert",
            pgtrigger.Insert,
            "INSERT INTO responses_statustally (body_id, status, n) "
            "SELECT body_id, status, count(*) FROM new_rows GROUP BY body_id, status;",
            new="new_rows",
        ),
        tally(
            "update",
            pgtrigger.Update,
            """INSERT INTO responses_statustally (body_id, status, n) SELECT body_id, status, sum(change) FROM (
                    SELECT body_id, status, 1 AS change FROM new_rows
                    UNION ALL
                    SELECT body_id, status, -1 AS change FROM old_rows
                ) AS changes
                GROUP BY body_id, status HAVING sum(change) <> 0;""",
            old="old_rows",
            new="new_rows",
        ),
        tally(
            "delete",
            pgtrigger.Delete,
            "INSERT INTO responses_statustally (body_id, status, n) "
            "SELECT body_id, status, -count(*) FROM old_rows GROUP BY body_id, status;",
            old="old_rows",
        ),
        tally("truncate", pgtrigger.Truncate, "DELETE FROM responses_statustally;"),
    ]


class ResponseQuerySet(models.QuerySet["Response"]):
    def open(self) -> ResponseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: dt.date) -> ResponseQuerySet:
        """Open, and the statutory last day has passed."""
        return self.open().filter(overdue_on(today))

    def due_within(self, today: dt.date, days: int = DUE_SOON_DAYS) -> ResponseQuerySet:
        """Open, with the statutory last day from today to `days` days ahead, both included."""
        return self.open().filter(due_within(today, days))

    def with_checklist_counts(self) -> ResponseQuerySet:
        """Each response with `steps_done`: how many required office-use steps are ticked."""
        return self.annotate(
            steps_done=models.Count(
                "checklist_items",
                filter=Q(checklist_items__done_on__isnull=False, checklist_items__step__required=True),
            )
        )

    def for_user(self, user: Any) -> ResponseQuerySet:
        return scope_to_body(self, user)


class Response(AuditScoped):
    """A body's s55 response to one inspection report."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="responses")
    body = models.ForeignKey(LocalPolicingBody, on_delete=models.PROTECT, related_name="responses")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_responses",
        help_text="The officer responsible; reminders go to them and to the body's shared inbox.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED, editable=False)

    # Dates. Both deadlines are stored (so they can be indexed and shown) and recomputed from the
    # inspection's publication date unless the deadline was overridden.
    # Both empty for a report published before 2 May 2017, when the 56-day rule did not yet apply (deadlines.py).
    deadline = models.DateField(
        null=True, blank=True, help_text="Section 55 response deadline on the HMICFRS form: published + 56 days."
    )
    deadline_overridden = models.BooleanField(default=False)
    deadline_override_reason = models.TextField(blank=True)
    statutory_last_day = models.DateField(
        null=True, blank=True, help_text="Last day of the 56 days beginning with publication day."
    )
    comments_due = models.DateField(
        null=True, blank=True, help_text="s55(4): the date by which the chief constable's comments are invited."
    )

    # The chief constable's comments (s55(4)) and the body's own (s55(5)).
    cc_invited_on = models.DateField("chief constable invited to comment on", null=True, blank=True)
    cc_comments = models.TextField("chief constable's comments", blank=True)
    cc_comments_received_on = models.DateField("chief constable's comments received on", null=True, blank=True)
    cc_comments_not_received = models.BooleanField(
        "chief constable's comments not received by the date set", default=False
    )
    body_comments = models.TextField("the body's comments on the report", blank=True)
    response_to_cc = models.TextField("the body's response to the chief constable's comments", blank=True)

    # Closed without a response: the force is clearly not the subject of the report (HMICFRS guidance), or another
    # response already answers its findings (`covered_by`).
    not_required_reason = models.TextField("why no response is required", blank=True)
    late_reason = models.TextField("why the response was published after the statutory last day", blank=True)

    ready_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_on = models.DateField(null=True, blank=True)
    published_url = models.URLField(max_length=500, blank=True)
    slug = models.SlugField(max_length=120, unique=True, null=True, blank=True, editable=False)
    # Recorded from the office's own register (intake's register import): a publication made before the tracker was
    # used. History, so never reminded about (notifications.planner) and never held to the s55 checks.
    publication_imported = models.BooleanField(
        "publication recorded from an imported register", default=False, editable=False
    )
    covered_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="covers",
        help_text="Where this report repeats another's findings, the response that already answers them.",
    )
    # Sign-off (responses/services/approval.py): "approved for publication by <signatory> on <date>", recorded by a
    # user who may approve. `approved_text_hash` is the text it approved (snapshot.text_hash): any later change to the
    # text clears the approval, and publishing (or a correction) needs one that matches the text.
    approved_signatory = models.ForeignKey(
        "inspections.Signatory", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    approved_signatory_name = models.CharField(max_length=120, blank=True, editable=False)
    approved_signatory_title = models.CharField(max_length=160, blank=True, editable=False)
    approved_on = models.DateField("approved for publication on", null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_text_hash = models.CharField(max_length=64, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        # Reports without a statutory last day (before 2 May 2017) come last, as PostgreSQL's index orders them.
        ordering = [F("statutory_last_day").asc(nulls_last=True), "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "body"], name="response_one_per_inspection_and_body"),
            models.CheckConstraint(
                condition=Q(comments_due__isnull=True)
                | Q(statutory_last_day__isnull=True)
                | Q(comments_due__lt=F("statutory_last_day")),
                name="response_comments_due_before_last_day",
                violation_error_message="The chief constable's comments must be due before the statutory last day.",
            ),
            models.CheckConstraint(
                condition=Q(deadline_overridden=False) | ~Q(deadline_override_reason=""),
                name="response_override_needs_reason",
                violation_error_message="Overriding the deadline needs a reason.",
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="response_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="not_required") | ~Q(not_required_reason=""),
                name="response_not_required_has_reason",
                violation_error_message="A response closed as not required needs the reason.",
            ),
            models.CheckConstraint(
                condition=Q(statutory_last_day__isnull=True, deadline__isnull=True)
                | Q(statutory_last_day__isnull=False, deadline__isnull=False),
                name="response_deadlines_both_or_neither",
                violation_error_message="A response has both deadlines, or neither (before 2 May 2017).",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "statutory_last_day"], name="response_status_lastday_idx"),
            # The dashboard's and the admin's order, national and per body (responses/migrations/0002).
            models.Index(fields=["statutory_last_day", "id"], name="response_lastday_id_idx"),
            models.Index(fields=["body", "statutory_last_day", "id", "status"], name="response_body_lastday_id_idx"),
        ]
        triggers = status_tally_triggers()

    def __str__(self) -> str:
        return f"{self.body.display_name}: {self.inspection.title}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.body_id, self.pk

    def get_absolute_url(self) -> str:
        return reverse("response_detail", args=[self.pk])

    # --- derived facts -------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.statutory_last_day is not None and today > self.statutory_last_day

    def days_left(self, today: dt.date) -> int | None:
        return deadlines.days_left(self.statutory_last_day, today)

    def cc_comments_settled(self) -> bool:
        return bool(self.cc_comments.strip()) or self.cc_comments_not_received

    def derive_status(self, *, open_required_steps: int, work_started: bool) -> str:
        if self.not_required_reason.strip() and not self.published_on:
            return Status.NOT_REQUIRED
        if self.published_on:
            return Status.COMPLETE if open_required_steps == 0 else Status.PUBLISHED
        if self.ready_at:
            return Status.READY
        if self.cc_comments_settled() or work_started or self.body_comments.strip():
            return Status.DRAFTING
        if self.cc_invited_on:
            return Status.AWAITING_CHIEF_CONSTABLE
        return Status.NOT_STARTED

    def days_late(self) -> int | None:
        """Days after the statutory last day the response was published (0 on time); None while unpublished."""
        return deadlines.days_late(self.statutory_last_day, self.published_on)

    def date_explanations(self) -> list[deadlines.DateExplanation]:
        return deadlines.explain_dates(
            published_on=self.inspection.published_on,
            deadline=self.deadline,
            deadline_overridden=self.deadline_overridden,
            override_reason=self.deadline_override_reason,
            last_day=self.statutory_last_day,
            comments_due=self.comments_due,
        )


class Progress(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    NO_FURTHER_ACTION = "nfa", "No further action"


class FindingResponse(AuditScoped):
    """The body's s55(5B) explanation for one finding: action taken or proposed, or why none."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="finding_responses")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="responses")
    explanation = models.TextField(blank=True)
    progress = models.CharField(max_length=20, choices=Progress.choices, default=Progress.OPEN)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["finding__kind", "finding__number"]
        constraints = [
            models.UniqueConstraint(fields=["response", "finding"], name="finding_response_unique"),
            models.CheckConstraint(condition=Q(progress__in=Progress.values), name="finding_response_progress_valid"),
        ]

    def __str__(self) -> str:
        return f"Explanation of {self.finding}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.response.body_id, self.response_id


class FindingUpdate(AuditScoped):
    """Append-only progress history of a finding's response."""

    finding_response = models.ForeignKey(FindingResponse, on_delete=models.PROTECT, related_name="updates")
    progress = models.CharField(max_length=20, choices=Progress.choices)
    note = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_progress_display()}: {self.note[:60]}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        response = self.finding_response.response
        return response.body_id, response.pk


class ChecklistStep(models.Model):
    """One line of the form's 'For Office Use Only' checklist."""

    key = models.SlugField(max_length=50, unique=True, help_text="Also the register CSV column name.")
    label = models.CharField(max_length=200)
    required = models.BooleanField(default=True, help_text="A response is complete once every required step is done.")
    order = models.PositiveSmallIntegerField(default=0)
    evidence_hint = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label


class ChecklistItem(AuditScoped):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="checklist_items")
    step = models.ForeignKey(ChecklistStep, on_delete=models.PROTECT, related_name="items")
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    evidence_url = models.URLField(max_length=500, blank=True)
    evidence_reference = models.CharField(max_length=200, blank=True, help_text="e.g. the portal reference.")
    note = models.TextField(blank=True)
    # The s55(6) covering letter that went with this step (the HMICFRS portal, the copy to the Home Secretary).
    letter = models.ForeignKey(
        "responses.CoveringLetter", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["step__order", "step_id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "step"], name="checklist_item_unique"),
        ]
        indexes = [models.Index(fields=["step", "done_on"], name="checklist_step_done_idx")]

    def __str__(self) -> str:
        return f"{self.step.label}: {'done ' + self.done_on.isoformat() if self.done_on else 'not done'}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.response.body_id, self.response_id

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class PublishedVersion(AuditScoped):
    """What the public saw: every part of a published response, frozen when it was published (version 1) or
    corrected (2, 3, …). The public page, its Word document and its PDF render the latest version, never the working
    text (`responses.snapshot` builds and reads `content`). Append-only: refused here, in the admin, and on PostgreSQL
    by a trigger."""

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="published_versions")
    number = models.PositiveIntegerField()
    content = models.JSONField(help_text="Every part the public sees, as published (responses/snapshot.py).")
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the content, as canonical JSON.")
    published_on = models.DateField(help_text="The day this version went public: the publication, or the correction.")
    reason = models.TextField(blank=True, help_text="Why it was corrected (every version after the first).")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_by_name = models.CharField(
        max_length=150, blank=True, help_text="Who published it; kept if the user is later deleted."
    )
    published_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["response", "number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["response", "number"], name="published_version_unique_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="published_version_number_positive",
                violation_error_message="Versions are numbered from 1.",
            ),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(reason=""),
                name="published_version_correction_has_reason",
                violation_error_message="A correction needs the reason, for the public page.",
            ),
        ]
        triggers = [
            append_only_trigger(
                table="responses_publishedversion",
                nullable="published_by_id",
                hint="A published version can only be added: publish a correction instead.",
            )
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.response.body_id, self.response_id

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("A published version cannot be changed: publish a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("A published version cannot be deleted.")

    @property
    def is_correction(self) -> bool:
        return self.number > 1


class LetterRecipient(models.TextChoices):
    """Who a s55(6) copy goes to; the keys of settings.S55_LETTER_ADDRESSEES and settings.S55_COPY_TO."""

    HMICFRS = "hmicfrs", "HMICFRS"
    HOME_SECRETARY = "home_secretary", "The Home Secretary"


#: The office-use step each copy is evidence for.
LETTER_STEPS = {
    LetterRecipient.HMICFRS: "submitted_to_portal",
    LetterRecipient.HOME_SECRETARY: "copied_to_home_secretary",
}


class CoveringLetter(AuditScoped):
    """A s55(6) covering letter as it was made (responses/letters.py): its Word document and PDF kept as they went,
    so the office-use step it is evidence for links the very letter. Never changed: a new letter is a new row."""

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="letters")
    recipient = models.CharField(max_length=20, choices=LetterRecipient.choices)
    letter_date = models.DateField()
    version_number = models.PositiveIntegerField(help_text="The published version the letter sends.")
    signatory_name = models.CharField(max_length=120)
    signatory_title = models.CharField(max_length=160)
    docx = models.BinaryField()
    pdf = models.BinaryField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Queued to be emailed (notifications/letters.py): to whom and when. The outbox keeps the delivery.
    emailed_to = models.EmailField(blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["response", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__in=LetterRecipient.values), name="covering_letter_recipient_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Letter to {self.get_recipient_display()} of {self.letter_date.isoformat()}"

    def audit_scope(self) -> tuple[int | None, int | None]:
        return self.response.body_id, self.response_id

    @property
    def step_key(self) -> str:
        return LETTER_STEPS[LetterRecipient(self.recipient)]

    def file_name(self, extension: str) -> str:
        return f"{self.response.slug or f'response-{self.response_id}'}-letter-to-{self.recipient}.{extension}"


class StatusTally(models.Model):
    """How responses moved between bodies and statuses: one row per (body, status) a statement changed, `n` the
    change in count. PostgreSQL writes it, by statement triggers on the responses table (`status_tally_triggers`);
    the count of a body's responses in a status is the sum of its rows. Only ever inserted, so no two transactions
    wait on it; `responses.services.status_tally_compact` folds the rows up. Elsewhere (SQLite) the table stays
    empty and the counts are taken live (responses/selectors.py::status_counts).
    """

    body_id = models.BigIntegerField()
    status = models.CharField(max_length=20)
    n = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["body_id", "status"], name="status_tally_body_status_idx")]

    def __str__(self) -> str:
        return f"{self.body_id}/{self.status}: {self.n:+d}"
