"""Writes for intake's staff pages: a new inspection with its responses, and the findings and grades of a report.

Each runs in one transaction, and ends by opening (or filling in) the responses through
`responses.services.inspection_sync_responses`, as the importer and the admin do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from audit.context import audit_reason
from core.scoping import scope_to_body
from inspections.models import Finding, Force, Grade, Inspection, PublicationType
from intake.models import STAGED_IMPORT_LIFETIME, SpottedReport, SpottedStatus, StagedImport, WatchedFeed
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


# --- watched feeds and the reports they spot (intake.feeds) --------------------------------------------------------
def watched_feed_record_check(*, feed: WatchedFeed, error: str = "", etag: str = "", last_modified: str = "") -> None:
    """Record one check of a feed: when, and either the validators for the next conditional GET or the error."""
    now = timezone.now()
    if error:
        WatchedFeed.objects.filter(pk=feed.pk).update(
            last_checked_at=now, last_error=error[:500], failures=F("failures") + 1
        )
    else:
        WatchedFeed.objects.filter(pk=feed.pk).update(
            last_checked_at=now,
            last_ok_at=now,
            last_error="",
            failures=0,
            etag=etag[:300],
            last_modified=last_modified[:100],
        )
    feed.refresh_from_db()


def spotted_reports_record(*, feed: WatchedFeed | None, found: Iterable[tuple[Any, Iterable[tuple[Any, bool]]]]) -> int:
    """Record each (feed item, [(body, names its force)]) as a spotted report for each body, once per body and link;
    returns how many were new. Another check recording the same one at the same time is not an error: the unique
    constraint keeps one, and this one counts it as not new."""
    created = 0
    for item, bodies in found:
        for body, names_force in bodies:
            if SpottedReport.objects.filter(body=body, link=item.link).exists():
                continue
            try:
                with transaction.atomic():
                    SpottedReport.objects.create(
                        body=body,
                        feed=feed,
                        link=item.link,
                        title=item.title,
                        published_on=item.published_on,
                        names_force=names_force,
                    )
            except IntegrityError:
                continue
            created += 1
    return created


@transaction.atomic
def spotted_report_dismiss(*, spotted: SpottedReport, user: Any, reason: str) -> SpottedReport:
    """Mark a new spotted report as not for the body, with the reason (kept on it and in the audit trail)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why this report is not for your office.")
    locked = SpottedReport.objects.select_for_update().get(pk=spotted.pk)
    if locked.status != SpottedStatus.NEW:
        raise ValidationError("This report has already been dealt with.")
    locked.status = SpottedStatus.DISMISSED
    locked.dismissed_reason = reason
    locked.handled_by = user
    locked.handled_at = timezone.now()
    with audit_reason(reason):
        locked.save()
    return locked


def spotted_reports_mark_added(*, user: Any, links: Iterable[str], inspection: Inspection) -> int:
    """Mark the new spotted reports at any of `links` that `user`'s body may see (every body's, for a national
    superuser) as added, as `inspection`; returns how many."""
    wanted = {link.strip() for link in links if link and link.strip()}
    if not wanted:
        return 0
    marked = 0
    spotted_new = scope_to_body(SpottedReport.objects.all(), user).filter(link__in=wanted, status=SpottedStatus.NEW)
    for spotted in spotted_new:
        spotted.status = SpottedStatus.ADDED
        spotted.inspection = inspection
        spotted.handled_by = user
        spotted.handled_at = timezone.now()
        spotted.save()
        marked += 1
    return marked
