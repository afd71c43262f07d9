"""notifications/admin.py: the outbox is visible, read-only, and "Resend" queues a copy without editing history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from notifications.delivery import deliver_due
from notifications.models import OutboxEmail, OutboxStatus
from notifications.planner import plan_reminders
from responses.models import Response
from tests.notifications.conftest import People

TODAY = dt.date(2024, 11, 4)


@pytest.fixture
def admin_client(client: Client, db: Any) -> Client:
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x" * 16))
    return client


@pytest.fixture
def sent_rows(people: People, response_of: Callable[..., Response]) -> list[OutboxEmail]:
    response_of(title="Admin view", settle_comments=True)
    plan_reminders(TODAY)
    deliver_due(today=TODAY)
    return list(OutboxEmail.objects.order_by("pk"))


def test_changelist_shows_the_outbox(admin_client: Client, sent_rows: list[OutboxEmail], people: People) -> None:
    page = admin_client.get(reverse("admin:notifications_outboxemail_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert people.inbox in html and "Sent" in html
    found = admin_client.get(reverse("admin:notifications_outboxemail_changelist"), {"q": "owner@opcc"})
    assert found.context["cl"].result_count == 1
    filtered = admin_client.get(reverse("admin:notifications_outboxemail_changelist"), {"status__exact": "failed"})
    assert filtered.context["cl"].result_count == 0


def test_rows_are_read_only_with_their_delivery_attempts(admin_client: Client, sent_rows: list[OutboxEmail]) -> None:
    row = sent_rows[0]
    url = reverse("admin:notifications_outboxemail_change", args=[row.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Delivery attempts" in html and row.claimed_by.split(":")[0] in html  # the inline, with the worker
    assert admin_client.post(url, {"status": "pending"}).status_code == 403
    assert admin_client.get(reverse("admin:notifications_outboxemail_add")).status_code == 403
    assert admin_client.get(reverse("admin:notifications_outboxemail_delete", args=[row.pk])).status_code == 403


def test_resend_queues_a_new_pending_copy_and_leaves_the_original(
    admin_client: Client, sent_rows: list[OutboxEmail]
) -> None:
    original = sent_rows[0]
    response = admin_client.post(
        reverse("admin:notifications_outboxemail_changelist"),
        {"action": "resend", "_selected_action": [original.pk]},
    )
    assert response.status_code == 302
    copy = OutboxEmail.objects.get(resend_of=original)
    assert copy.status == OutboxStatus.PENDING
    assert copy.key.startswith(original.key) and copy.key != original.key
    assert (copy.recipient, copy.kind, copy.response_id) == (original.recipient, original.kind, original.response_id)
    original.refresh_from_db()
    assert original.status == OutboxStatus.SENT
    # The copy goes out on the next delivery even though the original was already sent.
    assert deliver_due(today=TODAY).sent == 1
    copy.refresh_from_db()
    assert copy.status == OutboxStatus.SENT
