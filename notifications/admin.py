from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import truncatechars
from django.utils import timezone

from core.admin import ReadOnlyAdmin
from core.scoping import EVERY_BODY, body_scope
from notifications.models import CalendarToken, DeliveryAttempt, OutboxEmail, OutboxStatus, SweepRun
from notifications.planner import reminder_key


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("at", "ok", "worker", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def resend_copy(row: OutboxEmail) -> OutboxEmail:
    """A new pending copy of `row` (the row itself is history and stays as it is)."""
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S.%f")
    copy = OutboxEmail.objects.create(
        key=reminder_key(row.key[:120], "resend", stamp),
        kind=row.kind,
        response_id=row.response_id,
        recipient=row.recipient,
        user_id=row.user_id,
        due_on=row.due_on,
        about_date=row.about_date,
        subject=row.subject,
        step_id=row.step_id,
        resend_of=row,
        # A prepared message (an invitation, a letter) is sent again as it was stored, to the same body's outbox.
        body_id=row.body_id,
        prepared_text=row.prepared_text,
        prepared_html=row.prepared_html,
        attachment_name=row.attachment_name,
        attachment_type=row.attachment_type,
        attachment=row.attachment,
    )
    # A digest is rendered from its parts: the copy lists the same reminders.
    for part in row.parts.all():
        OutboxEmail.objects.create(
            key=reminder_key(part.key[:120], "resend", stamp),
            kind=part.kind,
            response_id=part.response_id,
            recipient=part.recipient,
            user_id=part.user_id,
            due_on=part.due_on,
            about_date=part.about_date,
            subject=part.subject,
            step_id=part.step_id,
            resend_of=part,
            status=OutboxStatus.DIGESTED,
            digest=copy,
        )
    return copy


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ReadOnlyAdmin):
    list_display = ("kind", "recipient", "response", "due_on", "status", "attempts", "sent_at", "short_error")
    list_filter = ("status", "kind", "due_on", "sent_at")
    search_fields = ("recipient", "subject", "key", "response__inspection__title", "response__body__name")
    date_hierarchy = "due_on"
    list_select_related = ("response__inspection", "response__body")
    inlines = [DeliveryAttemptInline]
    actions = ["resend"]
    fields = (
        "kind",
        "status",
        "recipient",
        "user",
        "response",
        "step",
        "subject",
        "due_on",
        "about_date",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "claimed_by",
        "sent_at",
        "message_id",
        "last_error",
        "digest",
        "resend_of",
        "key",
        "created_at",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutboxEmail]:
        # A digest has no response: it belongs to the body of the person it is for.
        queryset = admin.ModelAdmin.get_queryset(self, request)
        scope = body_scope(request.user)
        if scope is None:
            return queryset.none()
        if scope is EVERY_BODY:
            return queryset
        return queryset.filter(Q(response__body_id=scope) | Q(response__isnull=True, user__body_id=scope))

    @admin.display(description="last error")
    def short_error(self, obj: OutboxEmail) -> str:
        return truncatechars(obj.last_error, 80)

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.add_outboxemail")

    @admin.action(description="Resend the selected emails (queues a new copy)", permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[OutboxEmail]) -> None:
        copies = [resend_copy(row) for row in queryset.prefetch_related("parts")]
        self.message_user(
            request,
            f"Queued {len(copies)} cop{'y' if len(copies) == 1 else 'ies'}; the next sweep sends them.",
            messages.SUCCESS,
        )


@admin.register(SweepRun)
class SweepRunAdmin(ReadOnlyAdmin):
    body_field = None  # a sweep serves every body: national superusers only
    list_display = ("started_at", "finished_at", "today", "planned", "cancelled", "sent", "failed", "actor")
    date_hierarchy = "started_at"


@admin.register(CalendarToken)
class CalendarTokenAdmin(ReadOnlyAdmin):
    body_field = "user__body_id"
    list_display = ("user", "created_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "user__email")
    exclude = ("token",)
