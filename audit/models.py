from __future__ import annotations

from typing import Any, NoReturn

import pgtrigger
from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.db import models
from django.db.models.signals import pre_save
from django.utils import timezone

from audit.context import deferred_entries


class AppendOnlyError(Exception):
    pass


def append_only_trigger(
    *, table: str, nullable: str, hint: str = "Audit entries and export records can only be added."
) -> pgtrigger.Trigger:
    """On PostgreSQL, the database itself refuses to change or delete a row of `table`, whatever the path (raw SQL,
    `_base_manager`, a psql session as the app's role). One change is allowed: setting `nullable`, the user foreign
    key, to NULL, which is what `on_delete=SET_NULL` does when a user account is deleted (the row keeps the actor's
    name in its own columns). TRUNCATE is not blocked: row triggers do not fire for it, and a statement trigger would
    break Django's test flush."""
    return pgtrigger.Trigger(
        name=f"{table}_append_only",
        when=pgtrigger.Before,
        operation=pgtrigger.Update | pgtrigger.Delete,
        func=f"""
            IF TG_OP = 'UPDATE'
               AND (to_jsonb(NEW) - '{nullable}') = (to_jsonb(OLD) - '{nullable}')
               AND (to_jsonb(NEW) -> '{nullable}') = 'null'::jsonb THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'restrict_violation',
                      HINT = '{hint}';
        """,
    )


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Refuses bulk changes. On PostgreSQL a trigger refuses them too (`append_only_trigger`), whatever the path."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} cannot be changed.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} cannot be deleted.")


class AuditEntryQuerySet(AppendOnlyQuerySet):
    def create(self, **kwargs: Any) -> Any:
        """As QuerySet.create, except inside `audit.context.collecting_entries()`: then the entry is built and
        prepared as a save would (the pre_save receivers fill in its actor and scope) and written with the others
        when the block ends."""
        collected = deferred_entries()
        if collected is None:
            return super().create(**kwargs)
        entry = self.model(**kwargs)
        pre_save.send(sender=self.model, instance=entry, raw=False, using=self.db, update_fields=None)
        collected.append(entry)
        return entry


class AuditEntryManager(LogEntryManager.from_queryset(AuditEntryQuerySet)):  # type: ignore[misc]
    pass


class AuditEntry(AbstractLogEntry):
    """One recorded change. Written by django-auditlog; append-only."""

    body_id = models.BigIntegerField(null=True, blank=True)
    response_id = models.BigIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    actor_label = models.CharField(max_length=100, blank=True, help_text="The command or task that acted.")

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["response_id", "timestamp"], name="audit_response_time_idx"),
            models.Index(fields=["body_id", "timestamp"], name="audit_body_time_idx"),
        ]
        triggers = [append_only_trigger(table="audit_auditentry", nullable="actor_id")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit entries cannot be deleted.")

    @property
    def actor_display(self) -> str:
        if self.actor_id:
            return str(self.actor)
        return self.actor_label or self.actor_email or "system"


class ExportKind(models.TextChoices):
    REGISTER = "register", "Response register"
    AUDIT = "audit", "Audit trail"


class ExportRecord(models.Model):
    """One export of the register or the audit trail: who took what, when, and with which filters.

    Registered with django-auditlog (audit/audit.py), so every export also appears in the audit trail — and in the
    next audit export — as a created "export record". Append-only, like the trail itself.
    """

    kind = models.CharField(max_length=20, choices=ExportKind.choices)
    file_format = models.CharField(max_length=10)
    filters = models.JSONField(default=dict, blank=True, help_text="The filters that were applied, as given.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.CharField(
        max_length=150, help_text="The username, or the command that exported; kept if the user is later deleted."
    )
    body_id = models.BigIntegerField(
        null=True, blank=True, help_text="The body whose rows were exported; empty for a national (all bodies) export."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ExportKind.values), name="export_record_kind_valid"),
        ]
        triggers = [append_only_trigger(table="audit_exportrecord", nullable="user_id")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} export ({self.file_format}) by {self.actor}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Export records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Export records cannot be deleted.")

    def get_additional_data(self) -> dict[str, Any]:
        # Scopes the audit entry to the exporting body, so the body sees its own exports in its audit export.
        return {"body_id": self.body_id, "response_id": None}
