"""The audit trail in the admin: read-only for everyone, superusers included.

django-auditlog registers its own LogEntryAdmin for the configured LOGENTRY model (our AuditEntry) when the admin
autodiscovers it. That admin lets a delete cascade through from other admin pages; we replace it with one that has
no add, change or delete at all. Importing auditlog.admin first makes the replacement hold whatever the app order.
"""

from __future__ import annotations

import json

import auditlog.admin  # noqa: F401  (registers LogEntryAdmin for AuditEntry; replaced below)
from django.contrib import admin

from audit.models import AuditEntry, ExportRecord
from core.admin import ReadOnlyAdmin

if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    date_hierarchy = "timestamp"
    list_display = ["timestamp", "action", "content_type", "object_repr", "actor_display", "reason"]
    list_filter = [
        "action",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
        "actor_label",
    ]
    list_select_related = ["content_type", "actor"]
    search_fields = ["object_repr"]
    show_full_result_count = False  # a COUNT(*) over a million rows on every page is not worth it
    readonly_fields = (
        "timestamp",
        "action",
        "actor",
        "actor_label",
        "actor_email",
        "content_type",
        "object_pk",
        "object_repr",
        "body_id",
        "response_id",
        "changes_display",
        "reason",
        "remote_addr",
        "cid",
    )
    fields = readonly_fields

    @admin.display(description="actor")
    def actor_display(self, obj: AuditEntry) -> str:
        return obj.actor_display

    @admin.display(description="changes")
    def changes_display(self, obj: AuditEntry) -> str:
        return json.dumps(obj.changes, indent=2, ensure_ascii=False, default=str) if obj.changes else ""


@admin.register(ExportRecord)
class ExportRecordAdmin(ReadOnlyAdmin):
    date_hierarchy = "created_at"
    list_display = ["created_at", "kind", "file_format", "actor", "filters"]
    list_filter = ["kind", "file_format"]
    search_fields = ["actor"]
    readonly_fields = ("created_at", "kind", "file_format", "actor", "user", "body_id", "filters")
    fields = readonly_fields
