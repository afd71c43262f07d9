"""Reads of the audit trail that views and commands share."""

from __future__ import annotations

from typing import Any

from audit.models import AuditEntry, AuditEntryQuerySet


def audit_entries_for_user(user: Any) -> AuditEntryQuerySet:
    """The entries a user may read: a national superuser every entry, anyone else their own body's.

    Entries with no body (inspections, forces, findings — public facts shared by every body) are national-only;
    a body still sees the response-level entries such changes cause (a corrected publication date recomputes its
    responses' dates, each recorded with the body and the reason).
    """
    entries = AuditEntry.objects.all()
    if not user.is_authenticated or not user.is_active:
        return entries.none()
    if user.is_national:
        return entries
    if user.body_id is None:
        return entries.none()
    return entries.filter(body_id=user.body_id)
