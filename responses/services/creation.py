"""Opening responses: one per active body whose force a report concerns, with a row per finding to explain."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from django.db import router, transaction
from django.db.models import ProtectedError, Q
from django.db.models.signals import post_save

from inspections.models import Finding, Inspection, LocalPolicingBody
from responses import deadlines
from responses.models import FindingResponse, Response
from responses.services._base import response_sync_status


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


@transaction.atomic
def inspections_open_responses(
    *, inspections: Sequence[Inspection], forces_of: Mapping[int, set[int]]
) -> list[Response]:
    """`inspection_sync_responses` for many inspections just recorded, none with findings or responses yet: their
    responses in one INSERT. `forces_of` maps each inspection to the forces it concerns.

    Each new response is announced (post_save) as its own save would announce it, so the audit trail records every
    one with the same entry; inside `audit.context.collecting_entries()` those entries are written in bulk too."""
    bodies_by_force: dict[int, list[LocalPolicingBody]] = defaultdict(list)
    for body in LocalPolicingBody.objects.filter(active=True).order_by("name"):
        bodies_by_force[body.force_id].append(body)
    new: list[Response] = []
    for inspection in inspections:
        published = inspection.published_on
        bodies = sorted(
            (body for force_id in forces_of.get(inspection.pk, ()) for body in bodies_by_force.get(force_id, ())),
            key=lambda body: body.name,
        )
        new.extend(
            Response(
                inspection=inspection,
                body=body,
                deadline=deadlines.form_deadline(published),
                statutory_last_day=deadlines.statutory_last_day(published),
                comments_due=deadlines.default_comments_due(published),
            )
            for body in bodies
        )
    Response.objects.bulk_create(new)
    using = router.db_for_write(Response)
    for response in new:
        post_save.send(sender=Response, instance=response, created=True, update_fields=None, raw=False, using=using)
    return new


@transaction.atomic
def inspection_withdraw(*, inspection: Inspection) -> None:
    """Remove an inspection recorded by mistake, with the responses it opened: how an import that could not finish
    is undone. Refused (ProtectedError), and nothing removed, once anyone has worked on one of its responses (its
    version has moved on) or a reminder about one has been sent: that work and that record are not thrown away."""
    responses = list(inspection.responses.all())
    worked_on = [r for r in responses if r.version > 1 or r.outbox.exclude(sent_at=None).exists()]
    if worked_on:
        raise ProtectedError(f"{inspection} has responses in use", set(worked_on))
    for response in responses:
        response.delete()
    inspection.delete()
