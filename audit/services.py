"""Writes of the audit app (STYLE.md: `<entity>_<action>`)."""

from __future__ import annotations

from typing import Any

from audit.models import ExportKind, ExportRecord


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
