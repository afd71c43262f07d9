"""The office in a real browser: the body's admin signs in, follows "Office" to the people, invites a new editor
(the email goes through a real SMTP server on loopback), and the invitee opens the link in a browser of their own,
makes their account and signs in; a second use of the link is refused. axe-core finds no serious or critical problem
on the office's pages. Screenshots: var/screenshots/office-people.png, office-join.png, office-outbox.png."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from accounts.models import Role, User
from notifications.models import OutboxEmail, OutboxStatus, ReminderKind
from tests.browser.conftest import browser  # noqa: F401  (the shared Chromium fixture)
from tests.browser.test_publish_flow import assert_accessible, new_context, screenshot, success_banner
from tests.factories import BodyFactory, ForceFactory, UserFactory
from tests.notifications.conftest import SmtpServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a long and unguessable phrase 42"


def test_an_admin_invites_an_editor_who_joins_and_signs_in(
    live_server: Any,
    browser: Browser,  # noqa: F811
    smtp: SmtpServer,
    settings: Any,
) -> None:
    settings.SITE_URL = live_server.url
    body = BodyFactory(force=ForceFactory(name="Norfolk"))
    UserFactory(username="admin", body=body, role=Role.ADMIN, first_name="Ada", last_name="Admin")
    UserFactory(username="a-viewer", body=body, role=Role.VIEWER)
    OutboxEmail.objects.create(
        key="test:failed",
        kind=ReminderKind.OFFICE_SUMMARY,
        body=body,
        recipient="panel@norfolk.example",
        due_on=dt.date(2026, 11, 30),
        status=OutboxStatus.FAILED,
        attempts=5,
        last_error="550 5.1.1 mailbox unavailable",
    )

    page = new_context(browser).new_page()
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Office", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your office")
    assert_accessible(page, "office overview")
    page.get_by_role("link", name="Manage people").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    assert_accessible(page, "people page")

    page.get_by_role("link", name="Invite someone").click()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the email address")
    assert_accessible(page, "invite page with errors")
    page.fill("#id_email", "new.editor@norfolk-opcc.example")
    page.get_by_label(re.compile("^Editor")).check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(success_banner(page)).to_contain_text("Invitation sent to new.editor@norfolk-opcc.example")
    expect(page.locator("table").nth(1)).to_contain_text("new.editor@norfolk-opcc.example")
    screenshot(page, "office-people")

    page.get_by_role("link", name="Outbox").click()
    expect(page.get_by_role("table")).to_contain_text("550 5.1.1 mailbox unavailable")
    assert_accessible(page, "outbox")
    screenshot(page, "office-outbox")
    page.get_by_role("button", name=re.compile("Send again")).click()
    expect(success_banner(page)).to_contain_text("new copy")
    page.get_by_role("link", name="Addresses").click()
    page.fill("#id_force_contact_emails", "cc.office@norfolk.police.example\nnot an address")
    page.get_by_role("button", name="Save the addresses").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("“not an address” is not one")
    assert_accessible(page, "addresses with an error")
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("table")).to_contain_text("new.editor@norfolk-opcc.example")
    assert_accessible(page, "audit trail")

    [message] = smtp.sink.messages
    text = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    link = re.search(r"(http://\S+/office/join/\S+/)", text)
    assert link, text
    invitee = new_context(browser).new_page()
    invitee.goto(link.group(1))
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Make your account")
    assert_accessible(invitee, "join page")
    screenshot(invitee, "office-join")
    invitee.fill("#id_first_name", "Nia")
    invitee.fill("#id_last_name", "Editor")
    invitee.fill("#id_username", "nia")
    invitee.fill("#id_password1", NEW_PASSWORD)
    invitee.fill("#id_password2", NEW_PASSWORD)
    invitee.get_by_role("button", name="Make my account").click()
    expect(success_banner(invitee)).to_contain_text("Your account for Norfolk OPCC is ready")
    invitee.fill("#id_username", "nia")
    invitee.fill("#id_password", NEW_PASSWORD)
    invitee.get_by_role("button", name="Sign in").click()
    expect(invitee.get_by_role("link", name="Dashboard")).to_be_visible()
    expect(invitee.get_by_role("link", name="Office", exact=True)).to_have_count(0)
    assert User.objects.get(username="nia").role == Role.EDITOR

    again = new_context(browser).new_page()
    response = again.goto(link.group(1))
    assert response is not None and response.status == 410
    expect(again.get_by_role("heading", level=1)).to_have_text("This invitation has already been used")
    assert_accessible(again, "used invitation page")
    assert reverse("office:join", args=["x"]).startswith("/office/join/")
