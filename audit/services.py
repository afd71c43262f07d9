"""Writes of the audit app (STYLE.md: `<entity>_<action>`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from audit.models import AuditEntry, ExportKind, ExportRecord


def export_record_create(
    *, kind: ExportKind, file_format: str, filters: dict[str, Any], user: Any = None, label: str = ""
) -> ExportRecord:
    """Record that an export was taken: by a signed-in user (web) or by a process `label` (commands).

    The record is registered with django-auditlog, so creating it also writes an audit entry ("create", with the kind,
    format and filters as fields) attributed to the request's user or to the `acting_as` label.
    """
    if user is not None and getattr(user, "is_authenticated", False):
        actor = user.get_username()
        body_id = None if user.is_national else user.body_id
    else:
        user, actor, body_id = None, label or "system", None
    return ExportRecord.objects.create(
        kind=kind, file_format=file_format, filters=filters, user=user, actor=actor, body_id=body_id
    )


def entry_m2m_added(*, instance: Any, field_name: str, added: Sequence[Any]) -> None:
    """The entry django-auditlog writes when `instance.<field_name>.add(*added)` is called, for a bulk write that
    inserted the many-to-many rows itself: the same content, without reading the added objects back."""
    if added:
        AuditEntry.objects.log_m2m_changes(added, instance, "add", field_name)
