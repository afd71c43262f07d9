"""Reads shared by the notifications views."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from inspections.models import FindingKind
from notifications.models import CalendarToken
from responses.models import ChecklistItem, ChecklistStep, FindingResponse, Response


def calendar_token_live(token: str) -> CalendarToken | None:
    """The live (not revoked) token with this value whose user may still sign in, or None."""
    return (
        CalendarToken.objects.select_related("user")
        .filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def calendar_token_of(user: Any) -> CalendarToken | None:
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).first()


def calendar_responses(user: Any) -> QuerySet[Response]:
    """Open responses of the user's body (a national administrator: every body) that have a statutory last day."""
    return (
        Response.objects.for_user(user)
        .open()
        .filter(statutory_last_day__isnull=False)
        .select_related("inspection", "body")
        .order_by("statutory_last_day", "id")
    )


@dataclass(frozen=True)
class OpenWork:
    """What is still to do on a response, as a reminder lists it."""

    steps: list[str]  # labels of required office-use steps not done
    unexplained: list[tuple[int, str]]  # (number, text) of recommendations without an explanation (s55(5B))


def open_work(response_ids: Iterable[int]) -> dict[int, OpenWork]:
    """OpenWork of many responses in three queries: the batch form of responses.rules.open_required_steps and
    unexplained_recommendations (same rules), so a batch of reminders does not query per email."""
    ids = list(set(response_ids))
    required = list(ChecklistStep.objects.filter(required=True).order_by("order", "id").values_list("pk", "label"))
    done = set(
        ChecklistItem.objects.filter(response_id__in=ids, done_on__isnull=False).values_list("response_id", "step_id")
    )
    unexplained: dict[int, list[tuple[int, str]]] = {rid: [] for rid in ids}
    recommendations = (
        FindingResponse.objects.filter(response_id__in=ids, finding__kind=FindingKind.RECOMMENDATION)
        .order_by("finding__number")
        .values_list("response_id", "explanation", "finding__number", "finding__text")
    )
    for response_id, explanation, number, text in recommendations:
        if not explanation.strip():
            unexplained[response_id].append((number, text))
    return {
        rid: OpenWork(
            steps=[label for pk, label in required if (rid, pk) not in done],
            unexplained=unexplained[rid],
        )
        for rid in ids
    }
