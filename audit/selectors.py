"""Reads of the audit trail that views and commands share."""

from __future__ import annotations

from typing import Any

from audit.models import AuditEntry, AuditEntryQuerySet
from core.scoping import scope_to_body


def audit_entries_for_user(user: Any) -> AuditEntryQuerySet:
    """The entries a user may read: a national superuser every entry, anyone else their own body's.

    Entries with no body (inspections, forces, findings — public facts shared by every body) are national-only;
    a body still sees the response-level entries such changes cause (a corrected publication date recomputes its
    responses' dates, each recorded with the body and the reason).
    """
    return scope_to_body(AuditEntry.objects.all(), user)
