"""Reads of the actions tracker. One way in: `action_for_user` (another body's action is a 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from rapidfuzz import fuzz

from actions.models import Action
from inspections.models import Finding

#: A finding of an earlier report at least this similar (rapidfuzz token_set_ratio, 0–100) is suggested as repeated.
REPEAT_THRESHOLD = 70


def tracker_actions(*, user: Any) -> QuerySet[Action]:
    return Action.objects.for_user(user).select_related(
        "finding", "owner", "response__inspection", "body", "repeats__inspection"
    )


def action_for_user(*, user: Any, pk: int) -> Action:
    return get_object_or_404(tracker_actions(user=user), pk=pk)


def repeat_suggestions(action: Action, *, limit: int = 5) -> list[tuple[Finding, float]]:
    """The body's earlier findings most like this one, by text similarity, best first."""
    earlier = (
        Finding.objects.filter(
            actions__body_id=action.body_id,
            inspection__published_on__lt=action.response.inspection.published_on,
        )
        .select_related("inspection")
        .distinct()
    )
    scored = [(finding, fuzz.token_set_ratio(action.finding.text, finding.text)) for finding in earlier[:2000]]
    scored = [(f, s) for f, s in scored if s >= REPEAT_THRESHOLD]
    return sorted(scored, key=lambda pair: -pair[1])[:limit]


EXPORT_HEADER = [
    "id", "inspection", "published_on", "kind", "number", "finding", "addressee", "owner", "owner_email",
    "status", "blocked_on", "target_date", "rag", "repeats", "signed_off_by", "signed_off_at",
]  # fmt: skip


def export_rows(actions: QuerySet[Action], *, today: Any) -> list[list[Any]]:
    return [
        [
            a.pk,
            a.response.inspection.title,
            a.response.inspection.published_on,
            a.finding.get_kind_display(),
            a.finding.number,
            a.finding.text,
            a.finding.get_addressee_display(),
            a.owner_label,
            a.owner_address,
            a.get_status_display(),
            a.blocked_on,
            a.target_date,
            a.rag(today),
            str(a.repeats) + " of " + a.repeats.inspection.title if a.repeats else "",
            a.signed_off_by_name,
            a.signed_off_at.date() if a.signed_off_at else None,
        ]
        for a in actions
    ]
