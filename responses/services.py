"""Every write to a response goes through one of these functions (STYLE.md: `<entity>_<action>`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from inspections.models import Finding, FindingKind, Inspection, LocalPolicingBody
from responses import deadlines
from responses.models import (
    ChecklistItem,
    ChecklistStep,
    FindingResponse,
    FindingUpdate,
    Progress,
    Response,
    StatusTally,
)


# --- creating responses -------------------------------------------------------------------------------
def bodies_to_respond(inspection: Inspection) -> list[LocalPolicingBody]:
    """Active bodies whose force is a subject of the report."""
    return list(LocalPolicingBody.objects.filter(active=True, force__in=inspection.forces.all()).order_by("name"))


def findings_for_body(inspection: Inspection, body: LocalPolicingBody) -> list[Finding]:
    return list(
        inspection.findings.filter(Q(forces__isnull=True) | Q(forces=body.force_id))
        .distinct()
        .order_by("kind", "number")
    )


def response_create(*, inspection: Inspection, body: LocalPolicingBody) -> Response:
    published = inspection.published_on
    response = Response.objects.create(
        inspection=inspection,
        body=body,
        deadline=deadlines.form_deadline(published),
        statutory_last_day=deadlines.statutory_last_day(published),
        comments_due=deadlines.default_comments_due(published),
    )
    response_sync_findings(response=response)
    return response


def response_sync_findings(*, response: Response) -> int:
    """Give the response an explanation row for each finding that addresses its body's force."""
    have = set(response.finding_responses.values_list("finding_id", flat=True))
    created = 0
    for finding in findings_for_body(response.inspection, response.body):
        if finding.pk not in have:
            FindingResponse.objects.create(response=response, finding=finding)
            created += 1
    return created


@transaction.atomic
def inspection_sync_responses(*, inspection: Inspection) -> list[Response]:
    """Create a response for each active body whose force the inspection concerns; fill in missing findings."""
    existing = {r.body_id: r for r in inspection.responses.select_related("body")}
    created = []
    for body in bodies_to_respond(inspection):
        if body.pk in existing:
            response_sync_findings(response=existing[body.pk])
        else:
            created.append(response_create(inspection=inspection, body=body))
    for response in existing.values():
        response_sync_status(response=response)
    return created


# --- dates -------------------------------------------------------------------------------------
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
    inspection._change_reason = reason
    inspection.save()
    for response in inspection.responses.select_for_update().select_related("body"):
        old_default_due = deadlines.default_comments_due(old)
        response.statutory_last_day = deadlines.statutory_last_day(published_on)
        if not response.deadline_overridden:
            response.deadline = deadlines.form_deadline(published_on)
        if (
            response.comments_due is None
            or response.comments_due == old_default_due
            or response.comments_due >= response.statutory_last_day
            or response.comments_due <= published_on
        ):
            response.comments_due = deadlines.default_comments_due(published_on)
        response._change_reason = f"Publication date corrected from {old.isoformat()}: {reason}"
        response.version += 1
        response.save()
    return inspection


# An overridden deadline still has to be a date that makes sense for the report.
MAX_OVERRIDE_DAYS = 366


def response_override_deadline(*, response: Response, deadline: dt.date, reason: str) -> Response:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"deadline_override_reason": "Say why the deadline is being overridden."})
    published = response.inspection.published_on
    if not published < deadline <= published + dt.timedelta(days=MAX_OVERRIDE_DAYS):
        raise ValidationError(
            {
                "deadline": f"The deadline must fall after the report's publication ({published:%-d %B %Y}) "
                f"and within a year of it."
            }
        )
    response.deadline = deadline
    response.deadline_overridden = True
    response.deadline_override_reason = reason
    response._change_reason = reason
    response.version += 1
    response.save()
    return response


def response_clear_override(*, response: Response, reason: str) -> Response:
    response.deadline = deadlines.form_deadline(response.inspection.published_on)
    response.deadline_overridden = False
    response.deadline_override_reason = ""
    response._change_reason = reason.strip() or "Deadline override removed"
    response.version += 1
    response.save()
    return response


def validate_comments_due(response: Response, comments_due: dt.date | None) -> None:
    published = response.inspection.published_on
    if comments_due is not None and comments_due <= published:
        raise ValidationError(
            {
                "comments_due": f"The chief constable's comments must be due after the report's publication "
                f"({published:%-d %B %Y})."
            }
        )
    if comments_due is not None and comments_due >= response.statutory_last_day:
        raise ValidationError(
            {
                "comments_due": (
                    "The chief constable's comments must be due before the statutory last day "
                    f"({response.statutory_last_day:%-d %B %Y}), so the body can answer them in time."
                )
            }
        )


def response_set_comments_due(*, response: Response, comments_due: dt.date | None) -> Response:
    validate_comments_due(response, comments_due)
    response.comments_due = comments_due
    response.version += 1
    response.save()
    return response


# --- status ------------------------------------------------------------------------------------
def open_required_steps(response: Response) -> list[ChecklistStep]:
    done = set(response.checklist_items.filter(done_on__isnull=False).values_list("step_id", flat=True))
    return [step for step in ChecklistStep.objects.filter(required=True) if step.pk not in done]


def response_sync_status(*, response: Response) -> str:
    """Store the status derived from the response's facts (stored so lists can filter and sort on it)."""
    work_started = response.finding_responses.exclude(explanation="").exists()
    status = response.derive_status(open_required_steps=len(open_required_steps(response)), work_started=work_started)
    if status != response.status:
        response.status = status
        response.save(update_fields=["status", "updated_at"])
    return status


def unexplained_recommendations(response: Response) -> list[Finding]:
    return [
        fr.finding
        for fr in response.finding_responses.select_related("finding").filter(finding__kind=FindingKind.RECOMMENDATION)
        if not fr.explanation.strip()
    ]


def publication_problems(response: Response, *, unexplained: list[Finding] | None = None) -> list[str]:
    """What stops this response meeting s55: each problem in words an officer can act on. `unexplained`: the
    recommendations without an explanation, when the caller has already read them (the response page has)."""
    problems = []
    missing = unexplained_recommendations(response) if unexplained is None else unexplained
    if missing:
        names = ", ".join(f"Recommendation {f.number}" for f in missing)
        problems.append(
            f"Every recommendation needs an explanation of the action taken or proposed, or why none (s55(5B)). "
            f"Missing: {names}."
        )
    if not response.cc_comments_settled():
        problems.append(
            "Record the chief constable's comments, or record that they were not received by the date set (s55(4))."
        )
    if not response.body_comments.strip():
        problems.append("Add the body's own comments on the report (s55(5)).")
    return problems


def response_mark_ready(*, response: Response) -> Response:
    problems = publication_problems(response)
    if problems:
        raise ValidationError(problems)
    response.ready_at = timezone.now()
    response.version += 1
    response.save()
    response_sync_status(response=response)
    return response


def response_unmark_ready(*, response: Response) -> Response:
    response.ready_at = None
    response.version += 1
    response.save()
    response_sync_status(response=response)
    return response


def _unique_slug(response: Response) -> str:
    base = slugify(f"{response.body.display_name} {response.inspection.title}")[:100].strip("-") or "response"
    slug, n = base, 2
    while Response.objects.filter(slug=slug).exclude(pk=response.pk).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def response_publish(
    *, response: Response, published_on: dt.date, published_url: str = "", reason: str = ""
) -> Response:
    problems = publication_problems(response)
    if problems:
        raise ValidationError(problems)
    if response.ready_at is None:
        response.ready_at = timezone.now()
    if reason.strip():
        response._change_reason = reason.strip()
    response.published_on = published_on
    response.published_url = published_url
    if not response.slug:
        response.slug = _unique_slug(response)
    response.version += 1
    response.save()
    response_sync_status(response=response)
    return response


# --- explanations and progress ---------------------------------------------------------------------
def finding_response_explain(*, finding_response: FindingResponse, explanation: str) -> FindingResponse:
    explanation = explanation.strip()
    if not explanation and finding_response.finding.needs_explanation and finding_response.response.published_on:
        raise ValidationError(
            {"explanation": "This response is published: every recommendation must keep its explanation (s55(5B))."}
        )
    finding_response.explanation = explanation
    finding_response.save()
    response = finding_response.response
    if response.ready_at and not finding_response.explanation and finding_response.finding.needs_explanation:
        response_unmark_ready(response=response)
    else:
        response_sync_status(response=response)
    return finding_response


def finding_response_add_update(
    *, finding_response: FindingResponse, progress: str, note: str, user: Any
) -> FindingUpdate:
    if progress not in Progress.values:
        raise ValidationError({"progress": "Choose a progress status."})
    if not note.strip():
        raise ValidationError({"note": "Describe the progress made."})
    update = FindingUpdate.objects.create(
        finding_response=finding_response, progress=progress, note=note.strip(), created_by=user
    )
    finding_response.progress = progress
    finding_response.save(update_fields=["progress", "updated_at"])
    return update


# --- checklist ---------------------------------------------------------------------------------
@transaction.atomic
def checklist_tick(
    *,
    response: Response,
    step: ChecklistStep,
    user: Any,
    done_on: dt.date,
    evidence_url: str = "",
    evidence_reference: str = "",
    note: str = "",
) -> ChecklistItem:
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "The date a step was done cannot be in the future."})
    if done_on < response.inspection.published_on:
        raise ValidationError({"done_on": "The date a step was done cannot be before the report was published."})
    item, _ = ChecklistItem.objects.get_or_create(response=response, step=step)
    item.done_on = done_on
    item.done_by = user if getattr(user, "is_authenticated", False) else None
    item.evidence_url = evidence_url
    item.evidence_reference = evidence_reference
    item.note = note
    item.save()
    response_sync_status(response=response)
    return item


@transaction.atomic
def checklist_untick(*, response: Response, step: ChecklistStep, reason: str) -> ChecklistItem:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this step is no longer done."})
    item = ChecklistItem.objects.get(response=response, step=step)
    item.done_on = None
    item.done_by = None
    item.note = reason
    item._change_reason = reason
    item.save()
    response_sync_status(response=response)
    return item


def checklist_progress(response: Response) -> tuple[int, int]:
    required = ChecklistStep.objects.filter(required=True).count()
    done = response.checklist_items.filter(step__required=True, done_on__isnull=False).count()
    return done, required


# --- the status tally (PostgreSQL) -----------------------------------------------------------------------------
_COMPACT = """
WITH folded AS (DELETE FROM responses_statustally RETURNING body_id, status, n)
INSERT INTO responses_statustally (body_id, status, n)
SELECT body_id, status, sum(n) FROM folded GROUP BY body_id, status HAVING sum(n) <> 0
"""


def status_tally_compact() -> int:
    """Fold the status tally's rows into one per (body, status), dropping those at zero; returns the rows left.

    One statement: it removes the rows it can see and writes their sums, so rows that concurrent transactions add
    meanwhile stay as they are, and a reader sees the tally before or after, never half of it. Run by every reminder
    sweep. A no-op on databases other than PostgreSQL (the tally is empty there)."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_COMPACT)
    return StatusTally.objects.count()


def status_tally_recount() -> None:
    """Rebuild the status tally from a count of the responses (should it ever be in doubt). Holds off changes to
    responses for the moment it takes (SHARE lock), so nothing is counted twice or missed."""
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE responses_response IN SHARE MODE")
        cursor.execute("DELETE FROM responses_statustally")
        cursor.execute(
            "INSERT INTO responses_statustally (body_id, status, n) "
            "SELECT body_id, status, count(*) FROM responses_response GROUP BY body_id, status"
        )
