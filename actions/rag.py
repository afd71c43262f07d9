"""The RAG rating of an action, derived from its status and target date: one home for the rule.

| the action | RAG |
|---|---|
| closed (complete, or no further action needed) | closed |
| open, target date passed (today is after it) | red |
| open, blocked | amber at best (red once the date passes) |
| open, no target date | amber |
| open, target date within `AMBER_DAYS` days (today, the due day itself, included) | amber |
| open, target date further away | green |

A RAG set by hand (with its reason) wins over the derived one while the action is open.
"""

from __future__ import annotations

import datetime as dt

from actions.models import AMBER_DAYS, CLOSED_ACTION_STATUSES, ActionStatus, Rag


def derived_rag(*, status: str, target_date: dt.date | None, today: dt.date) -> str:
    if status in CLOSED_ACTION_STATUSES:
        return Rag.CLOSED
    if target_date is not None and target_date < today:
        return Rag.RED
    if status == ActionStatus.BLOCKED or target_date is None:
        return Rag.AMBER
    if (target_date - today).days <= AMBER_DAYS:
        return Rag.AMBER
    return Rag.GREEN


def action_rag(*, status: str, target_date: dt.date | None, override: str, today: dt.date) -> str:
    derived = derived_rag(status=status, target_date=target_date, today=today)
    if override and derived != Rag.CLOSED:
        return override
    return derived
