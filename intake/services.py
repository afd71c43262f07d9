"""Writes for intake's staff pages: a new inspection with its responses, and the findings and grades of a report.

Each runs in one transaction, and ends by opening (or filling in) the responses through
`responses.services.inspection_sync_responses`, as the importer and the admin do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from inspections.models import Finding, Force, Grade, Inspection, PublicationType
from intake.models import STAGED_IMPORT_LIFETIME, StagedImport
from intake.register_import import ImportPlan, import_register
from responses import services
from responses.models import Response


@dataclass(frozen=True)
class NewFinding:
    kind: str
    number: int
    text: str
    addressee: str = ""
    addressee_other: str = ""
    timescale: str = ""
    due_on: dt.date | None = None


@dataclass(frozen=True)
class NewGrade:
    force: Force
    area: str
    grade: str


@transaction.atomic
def inspection_add(
    *,
    title: str,
    published_on: dt.date,
    publication_types: Sequence[PublicationType],
    forces: Sequence[Force],
    is_national: bool,
    report_url: str = "",
) -> tuple[Inspection, list[Response]]:
    """Record an inspection and open the responses of the active bodies it concerns; returns both."""
    inspection = Inspection.objects.create(
        title=title, published_on=published_on, is_national=is_national, report_url=report_url
    )
    inspection.publication_types.set(publication_types)
    inspection.forces.set(forces)
    return inspection, services.inspection_sync_responses(inspection=inspection)


@transaction.atomic
def inspection_add_findings(
    *, inspection: Inspection, findings: Sequence[NewFinding], grades: Sequence[NewGrade]
) -> tuple[list[Finding], list[Grade]]:
    """Add findings and grades to an inspection in the order given (grades after any it has), and give each of its
    responses an explanation row for the new findings."""
    created = [
        Finding.objects.create(
            inspection=inspection,
            kind=f.kind,
            number=f.number,
            text=f.text,
            addressee=f.addressee,
            addressee_other=f.addressee_other,
            timescale=f.timescale,
            due_on=f.due_on,
        )
        for f in findings
    ]
    start = (Grade.objects.filter(inspection=inspection).aggregate(last=Max("order"))["last"] or 0) + 1
    graded = [
        Grade.objects.create(inspection=inspection, force=g.force, area=g.area, grade=g.grade, order=start + i)
        for i, g in enumerate(grades)
    ]
    services.inspection_sync_responses(inspection=inspection)
    return created, graded


# --- the register import's uploads, between preview and confirmation --------------------------------------------
def staged_import_create(*, user: Any, file_name: str, content: bytes) -> StagedImport:
    """Keep an uploaded register until its uploader confirms it; uploads older than the lifetime go first."""
    StagedImport.objects.filter(created_at__lt=timezone.now() - STAGED_IMPORT_LIFETIME).delete()
    return StagedImport.objects.create(
        file_name=file_name[:255], content=content, uploaded_by=user, body_id=getattr(user, "body_id", None)
    )


def staged_import_confirm(*, staged: StagedImport, user: Any) -> ImportPlan:
    """Check the staged register again, as `user` (who must have uploaded it), and write it if nothing is wrong;
    once written, the upload is deleted. With a problem, nothing is written and the upload stays for its lifetime."""
    if staged.uploaded_by_id != user.pk:
        raise PermissionDenied("Only the person who uploaded a register may confirm its import.")
    with transaction.atomic():
        plan = import_register(staged.file_name, bytes(staged.content), user=user)
        if plan.written:
            staged.delete()
    return plan
