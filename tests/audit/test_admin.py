"""The audit trail in the admin (audit/admin.py): readable, never editable — superusers included."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from audit.admin import AuditEntryAdmin, ExportRecordAdmin
from audit.models import AuditEntry, ExportKind, ExportRecord
from audit.services import export_record_create
from responses import services
from tests.exports.helpers import login, national_user
from tests.factories import BodyFactory, UserFactory, make_response


@pytest.fixture
def entry(db) -> AuditEntry:
    response = make_response(title="PEEL")
    services.response_override_deadline(response=response, deadline=dt.date(2025, 1, 1), reason="Agreed")
    return AuditEntry.objects.get(reason="Agreed")


@pytest.fixture
def superuser_client(client, db):
    login(client, national_user())
    return client


def url(name: str, *args) -> str:
    return reverse(f"admin:audit_auditentry_{name}", args=args)


def test_our_read_only_admin_replaces_django_auditlogs() -> None:
    assert type(admin.site._registry[AuditEntry]) is AuditEntryAdmin
    assert type(admin.site._registry[ExportRecord]) is ExportRecordAdmin


def test_the_list_filters_and_searches(superuser_client, entry) -> None:
    for params in [{}, {"action__exact": "1"}, {"q": "PEEL"}, {"timestamp__year": "2026"}, {"actor_label": "x"}]:
        assert superuser_client.get(url("changelist"), params).status_code == 200
    page = superuser_client.get(url("changelist"), {"q": "PEEL"}).content.decode()
    assert "Agreed" in page
    assert "delete_selected" not in page


def test_an_entry_can_be_viewed_but_not_saved(superuser_client, entry) -> None:
    page = superuser_client.get(url("change", entry.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = superuser_client.post(url("change", entry.pk), {"reason": "Rewritten"})
    assert response.status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).reason == "Agreed"


def test_the_delete_page_is_forbidden(superuser_client, entry) -> None:
    assert superuser_client.get(url("delete", entry.pk)).status_code == 403
    assert superuser_client.post(url("delete", entry.pk), {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_add_page_is_forbidden(superuser_client, db) -> None:
    assert superuser_client.get(url("add")).status_code == 403


def test_bulk_delete_is_not_an_action(superuser_client, entry) -> None:
    superuser_client.post(
        url("changelist"), {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_export_records_are_read_only_too(superuser_client, db) -> None:
    record = export_record_create(kind=ExportKind.REGISTER, file_format="csv", filters={}, label="command:test")
    assert superuser_client.get(reverse("admin:audit_exportrecord_changelist")).status_code == 200
    assert superuser_client.get(reverse("admin:audit_exportrecord_delete", args=[record.pk])).status_code == 403
    assert superuser_client.post(reverse("admin:audit_exportrecord_change", args=[record.pk]), {}).status_code == 403


def test_a_body_admin_with_view_permission_sees_only_their_bodys_entries(client, entry) -> None:
    other_body = BodyFactory()
    officer = UserFactory(username="officer", body=other_body, is_staff=True)
    officer.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    make_response(body=other_body, title="Ours")
    login(client, officer)
    page = client.get(url("changelist")).content.decode()
    assert "Ours" in page
    assert "Agreed" not in page
    assert client.get(url("change", entry.pk)).status_code == 302  # not in their queryset: "doesn't exist"
