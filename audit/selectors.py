"""Reads of the audit trail that views and commands share."""

from __future__ import annotations

from typing import Any

from audit.models import AuditEntry, AuditEntryQuerySet, ExportRecord
from core.scoping import body_scope, scope_to_body


def audit_entries_for_user(user: Any) -> AuditEntryQuerySet:
    """The entries a user may read: a national superuser every entry, anyone else their own body's.

    Entries with no body (inspections, forces, findings — public facts shared by every body) are national-only;
    a body still sees the response-level entries such changes cause (a corrected publication date recomputes its
    responses' dates, each recorded with the body and the reason).
    """
    return scope_to_body(AuditEntry.objects.all(), user)


def may_read_audit_trail(user: Any) -> bool:
    """Whether `user` has an audit trail to read (and so to export): a national superuser, or anyone of a body."""
    return body_scope(user) is not None


def exports_taken_since(user: Any, since: Any) -> int:
    """How many exports `user` has taken since `since` (for the per-user export limit)."""
    return ExportRecord.objects.filter(user_id=user.pk, created_at__gte=since).count()
