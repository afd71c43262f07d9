"""Audit entries and export records can be added, never changed or deleted (audit/models.py, migration 0003)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command, get_commands
from django.db import DatabaseError, connection, transaction

from audit.context import acting_as
from audit.models import AppendOnlyError, AuditEntry, ExportKind, ExportRecord
from audit.services import export_record_create
from responses import services
from tests.factories import UserFactory, make_response


@pytest.fixture
def entry(db) -> AuditEntry:
    response = make_response()
    services.response_override_deadline(response=response, deadline=dt.date(2025, 1, 1), reason="Agreed")
    return AuditEntry.objects.filter(reason="Agreed").get()


@pytest.fixture
def record(db) -> ExportRecord:
    return export_record_create(kind=ExportKind.AUDIT, file_format="csv", filters={}, label="command:test")


def test_an_entry_cannot_be_saved_again(entry) -> None:
    entry.reason = "Something else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).reason == "Agreed"


def test_an_entry_cannot_be_deleted(entry) -> None:
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_entries_cannot_be_updated_or_deleted_in_bulk(entry) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["reason"])
    assert AuditEntry.objects.get(pk=entry.pk).reason == "Agreed"


def test_export_records_cannot_be_changed_or_deleted(record) -> None:
    record.actor = "someone else"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        ExportRecord.objects.update(actor="x")
    with pytest.raises(AppendOnlyError):
        ExportRecord.objects.all().delete()
    assert ExportRecord.objects.get().actor == "command:test"


def test_deleting_a_user_keeps_their_entries_with_their_email(db) -> None:
    leaver = UserFactory(username="leaver", email="leaver@opcc.example")
    response = make_response()
    with acting_as(user=leaver, label=""):
        services.response_override_deadline(response=response, deadline=dt.date(2025, 1, 1), reason="Agreed")
    count = AuditEntry.objects.count()
    leaver.delete()
    kept = AuditEntry.objects.get(reason="Agreed")
    assert (kept.actor_id, kept.actor_email, kept.actor_display) == (None, "leaver@opcc.example", "leaver@opcc.example")
    assert AuditEntry.objects.count() == count


def test_auditlog_flush_cannot_empty_the_trail(entry) -> None:
    with pytest.raises((CommandError, AppendOnlyError)):
        call_command("auditlogflush", "--yes")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_auditlog_flush_is_replaced_by_the_refusing_command() -> None:
    # django-auditlog's own command can TRUNCATE the table, which no trigger sees. Django runs the command of the app
    # listed first in INSTALLED_APPS, so "audit" must come before "auditlog".
    assert get_commands()["auditlogflush"] == "audit", 'List "audit" before "auditlog" in INSTALLED_APPS.'


# --- PostgreSQL: the database refuses too, whatever the path ---------------------------------------------------------
def raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_postgres_refuses_a_raw_update_of_an_entry(require_postgres, entry) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE audit_auditentry SET reason = 'rewritten' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).reason == "Agreed"


def test_postgres_refuses_a_raw_delete_of_an_entry(require_postgres, entry) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_postgres_refuses_an_update_through_the_base_manager(require_postgres, entry) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry._base_manager.filter(pk=entry.pk).update(reason="rewritten")
    assert AuditEntry.objects.get(pk=entry.pk).reason == "Agreed"


def test_postgres_refuses_setting_the_actor_to_someone_else(require_postgres, entry) -> None:
    other = UserFactory(username="other")
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE audit_auditentry SET actor_id = %s WHERE id = %s", [other.pk, entry.pk])


def test_postgres_allows_only_clearing_the_actor(require_postgres, entry) -> None:
    raw("UPDATE audit_auditentry SET actor_id = NULL WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE audit_auditentry SET actor_id = NULL, reason = 'x' WHERE id = %s", [entry.pk])


def test_postgres_refuses_raw_changes_to_export_records(require_postgres, record) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE audit_exportrecord SET actor = 'x' WHERE id = %s", [record.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM audit_exportrecord WHERE id = %s", [record.pk])
    assert ExportRecord.objects.get().actor == "command:test"
