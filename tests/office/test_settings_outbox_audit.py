"""The body's addresses and signatories, its outbox with "send again", and its audit trail: each scoped to the body,
each change audited with the body, every address checked."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from inspections.models import Signatory
from notifications.delivery import deliver_due
from notifications.models import OutboxEmail, OutboxStatus, ReminderKind
from office import services
from tests.notifications.conftest import SmtpServer
from tests.office.conftest import Offices

pytestmark = pytest.mark.django_db

ADDRESSES = {
    "shared_inbox": "office@norfolk-opcc.example",
    "escalation_emails": "ceo@norfolk-opcc.example\ncfo@norfolk-opcc.example",
    "force_contact_emails": "cc.office@norfolk.police.example",
    "sso_email_domains": "@Norfolk-OPCC.example",
}


def test_the_addresses_are_saved_and_audited_with_the_body(offices: Offices) -> None:
    client = offices.client("admin")
    result = client.post(reverse("office:settings"), ADDRESSES, follow=True)
    assert "addresses are saved" in result.content.decode()
    body = offices.a
    body.refresh_from_db()
    assert body.shared_inbox == "office@norfolk-opcc.example"
    assert body.escalation_list() == ["ceo@norfolk-opcc.example", "cfo@norfolk-opcc.example"]
    assert body.force_contact_list() == ["cc.office@norfolk.police.example"]
    assert body.sso_domain_list() == ["norfolk-opcc.example"]
    entries = AuditEntry.objects.filter(content_type__model="localpolicingbody", action=AuditEntry.Action.UPDATE)
    assert entries.count() == 1  # once, with the body: not again unscoped by the model's own registration
    entry = entries.get()
    assert entry.body_id == body.pk and entry.actor_id == offices.users["admin"].pk  # type: ignore[union-attr]
    assert entry.changes["force_contact_emails"] == ["", "cc.office@norfolk.police.example"]
    # Saving the same again changes nothing and records nothing.
    again = client.post(reverse("office:settings"), ADDRESSES, follow=True)
    assert "Nothing changed" in again.content.decode()
    assert entries.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("shared_inbox", "office at norfolk", "Enter the shared inbox as an email address"),
        ("escalation_emails", "ceo@norfolk-opcc.example\nnot-an-address", "“not-an-address” is not one"),
        ("force_contact_emails", "cc.office@", "Enter force contact addresses as email addresses"),
        ("sso_email_domains", "norfolk opcc", "Enter each email domain like"),
        ("sso_email_domains", "localhost", "“localhost” is not one"),
    ],
)
def test_each_address_is_checked_and_nothing_is_half_saved(
    offices: Offices, field: str, value: str, message: str
) -> None:
    before = offices.a.shared_inbox
    page = offices.client("admin").post(reverse("office:settings"), {**ADDRESSES, field: value})
    assert page.status_code == 200
    text = page.content.decode()
    assert message in text and "There is a problem" in text
    offices.a.refresh_from_db()
    assert offices.a.shared_inbox == before and offices.a.force_contact_emails == ""
    changes = AuditEntry.objects.filter(content_type__model="localpolicingbody", action=AuditEntry.Action.UPDATE)
    assert not changes.exists()


def test_signatories_are_added_changed_and_deactivated_and_audited(offices: Offices) -> None:
    client = offices.client("admin")
    client.post(reverse("office:signatories"), {"name": "Sarah Taylor", "title": "PCC for Norfolk", "order": "1"})
    signatory = Signatory.objects.get(body=offices.a)
    assert signatory.active
    clash = client.post(
        reverse("office:signatories"), {"name": "sarah taylor", "title": "pcc for norfolk", "order": "2"}
    )
    assert "already a signatory" in clash.content.decode()
    bad = client.post(reverse("office:signatories"), {"name": "", "title": "Deputy", "order": "-1"})
    assert (
        "Enter the signatory&#x27;s name" in bad.content.decode()
        or "Enter the signatory's name" in bad.content.decode()
    )
    assert "whole number from 0 to 999" in bad.content.decode()
    result = client.post(
        reverse("office:signatory_edit", args=[signatory.pk]),
        {"name": "Sarah Taylor", "title": "Police and Crime Commissioner for Norfolk", "order": "1"},
        follow=True,
    )
    assert "no longer offered" in result.content.decode()
    signatory.refresh_from_db()
    assert (signatory.title, signatory.active) == ("Police and Crime Commissioner for Norfolk", False)
    assert Signatory.objects.filter(body=offices.a).count() == 1
    entries = AuditEntry.objects.filter(content_type__model="signatory").order_by("pk")
    assert [e.get_action_display() for e in entries] == ["create", "update"]
    assert entries.last().changes["active"] == [True, False]  # type: ignore[union-attr]
    assert {e.body_id for e in entries} == {offices.a.pk}
    other = Signatory.objects.create(body=offices.b, name="Tim Passmore", title="PCC for Suffolk")
    assert client.get(reverse("office:signatory_edit", args=[other.pk])).status_code == 404


def _row(body: Any, recipient: str, status: str, **extra: Any) -> OutboxEmail:
    return OutboxEmail.objects.create(
        key=f"test:{recipient}:{status}",
        kind=ReminderKind.OFFICE_SUMMARY,
        body=body,
        recipient=recipient,
        due_on=dt.date(2026, 11, 30),
        subject="Weekly summary",
        status=status,
        prepared_text="This week: nothing overdue.",
        **extra,
    )


def test_the_outbox_lists_the_body_s_emails_by_status_with_the_error(offices: Offices) -> None:
    _row(offices.a, "sent@norfolk.example", OutboxStatus.SENT)
    _row(offices.a, "pending@norfolk.example", OutboxStatus.PENDING)
    _row(offices.a, "failed@norfolk.example", OutboxStatus.FAILED, attempts=5, last_error="550 5.1.1 no such user")
    _row(offices.a, "cancelled@norfolk.example", OutboxStatus.CANCELLED)
    _row(offices.b, "failed@suffolk.example", OutboxStatus.FAILED, last_error="550 Suffolk's")
    client = offices.client("admin")
    everything = client.get(reverse("office:outbox")).content.decode()
    for who in ("sent@", "pending@", "failed@norfolk", "cancelled@"):
        assert who in everything
    assert "suffolk" not in everything.lower().replace(offices.b.name.lower(), "")
    failed = client.get(reverse("office:outbox") + "?status=failed").content.decode()
    assert "failed@norfolk.example" in failed and "550 5.1.1 no such user" in failed
    assert "sent@norfolk.example" not in failed and "Send again" in failed
    cancelled = client.get(reverse("office:outbox") + "?status=cancelled").content.decode()
    assert "cancelled@norfolk.example" in cancelled and "failed@" not in cancelled
    # A nonsense status is ignored, not a 500.
    assert client.get(reverse("office:outbox") + "?status=%00x").status_code == 200


def test_send_again_queues_a_copy_that_is_delivered_and_leaves_the_failed_row(
    offices: Offices, smtp: SmtpServer
) -> None:
    failed = _row(offices.a, "panel@norfolk.example", OutboxStatus.FAILED, attempts=5, last_error="timed out")
    client = offices.client("admin")
    result = client.post(reverse("office:outbox_send_again", args=[failed.pk]), follow=True)
    assert "new copy" in result.content.decode()
    copy = OutboxEmail.objects.get(resend_of=failed)
    assert (copy.status, copy.body, copy.prepared_text) == (OutboxStatus.PENDING, offices.a, failed.prepared_text)
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.FAILED
    # Twice is refused while the copy waits; a sent email is not sent again from here.
    again = client.post(reverse("office:outbox_send_again", args=[failed.pk]), follow=True)
    assert "already waiting" in again.content.decode()
    assert OutboxEmail.objects.filter(resend_of=failed).count() == 1
    sent = _row(offices.a, "sent@norfolk.example", OutboxStatus.SENT)
    client.post(reverse("office:outbox_send_again", args=[sent.pk]))
    assert not OutboxEmail.objects.filter(resend_of=sent).exists()
    # The copy goes out through the ordinary delivery, to the real SMTP server.
    deliver_due(today=dt.date(2026, 12, 1))
    copy.refresh_from_db()
    assert copy.status == OutboxStatus.SENT
    assert [m["To"] for m in smtp.sink.messages] == ["panel@norfolk.example"]
    entry = AuditEntry.objects.get(content_type__model="outboxemail")
    assert entry.body_id == offices.a.pk and entry.changes["resend_of"] == [None, failed.pk]


def test_send_again_of_another_body_s_email_is_a_404(offices: Offices) -> None:
    theirs = _row(offices.b, "failed@suffolk.example", OutboxStatus.FAILED)
    assert offices.client("admin").post(reverse("office:outbox_send_again", args=[theirs.pk])).status_code == 404
    assert not OutboxEmail.objects.filter(resend_of=theirs).exists()
    assert offices.client("b_admin").post(reverse("office:outbox_send_again", args=[theirs.pk])).status_code == 302
    assert OutboxEmail.objects.filter(resend_of=theirs).exists()


def test_the_audit_trail_shows_the_body_s_entries_only_filtered_and_exported(offices: Offices) -> None:
    services.signatory_create(body=offices.a, name="Sarah Taylor", title="PCC", order=0, by=offices.users["admin"])  # type: ignore[arg-type]
    services.signatory_create(body=offices.b, name="Tim Passmore", title="PCC", order=0, by=offices.users["b_admin"])  # type: ignore[arg-type]
    client = offices.client("admin")
    page = client.get(reverse("office:audit")).content.decode()
    assert "Sarah Taylor" in page and "Tim Passmore" not in page
    later = client.get(reverse("office:audit") + "?from=2099-01-01").content.decode()
    assert "Sarah Taylor" not in later and "No entries" in later
    assert client.get(reverse("office:audit") + "?from=not-a-date&response=abc").status_code == 200
    # The export link downloads the same body's entries (exports/ scopes it) and records the export.
    export = client.get(reverse("export_audit"))
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))  # type: ignore[attr-defined]
    text = "\n".join(",".join(r) for r in rows)
    assert "Sarah Taylor" in text and "Tim Passmore" not in text
    assert reverse("export_audit") in page
    national = offices.client("national").get(reverse("office:audit") + f"?body={offices.b.pk}").content.decode()
    assert "Tim Passmore" in national and "Sarah Taylor" not in national
