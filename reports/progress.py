"""The public progress page's reads: which bodies show one, and the status of each recommendation of a body's
published responses.

A body shows its page only when it is named in settings.PUBLIC_PROGRESS_BODIES (a setting, not a field of the body,
so that choosing costs no change to the bodies' table). Only published responses appear, and of them only the
recommendations (s55(5B)'s subject) with the status of their action (`actions.models.Action`): nothing of a draft,
and no explanation text, which the public reads as published on the response's own page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from actions.models import Action
from inspections.models import FindingKind, LocalPolicingBody
from responses.models import Response


def showing_bodies() -> list[LocalPolicingBody]:
    names = settings.PUBLIC_PROGRESS_BODIES
    return list(LocalPolicingBody.objects.filter(name__in=names).order_by("name")) if names else []


@dataclass(frozen=True)
class RecommendationStatus:
    number: int
    text: str
    status: str
    status_key: str
    changed_on: dt.date | None


@dataclass(frozen=True)
class PublishedProgress:
    title: str
    report_published_on: dt.date
    report_url: str
    response_published_on: dt.date
    slug: str
    recommendations: list[RecommendationStatus]


def recommendation_progress(*, body: LocalPolicingBody) -> list[PublishedProgress]:
    """Each published response of `body`, newest report first, with its recommendations' statuses. Two queries."""
    responses = list(
        Response.objects.filter(body=body, published_on__isnull=False, slug__isnull=False)
        .select_related("inspection")
        .order_by("-inspection__published_on", "inspection__title", "id")
    )
    actions = (
        Action.objects.filter(response__in=responses, finding__kind=FindingKind.RECOMMENDATION)
        .select_related("finding")
        .annotate(changed_at=Max("status_changes__changed_at"))
        .order_by("finding__number", "id")
    )
    by_response: dict[int, list[RecommendationStatus]] = {}
    for action in actions:
        changed = action.changed_at  # type: ignore[attr-defined]
        by_response.setdefault(action.response_id, []).append(
            RecommendationStatus(
                number=action.finding.number,
                text=action.finding.text,
                status=action.get_status_display(),
                status_key=action.status,
                changed_on=timezone.localtime(changed).date() if changed else None,
            )
        )
    return [
        PublishedProgress(
            title=response.inspection.title,
            report_published_on=response.inspection.published_on,
            report_url=response.inspection.report_url,
            response_published_on=response.published_on,  # type: ignore[arg-type]
            slug=response.slug or "",
            recommendations=by_response.get(response.pk, []),
        )
        for response in responses
    ]
