"""The force's link page in a real browser (Debian's Chromium through Playwright): the force sends its comments, is
told what to fix first, and the office uses the version it received. axe-core finds no serious or critical problem
on the link page, its errors, or the office's version page. Screenshots: var/screenshots/force-comments*.png."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from accounts.models import Role
from forcecomments import services
from responses import services as response_services
from responses.models import Response
from tests.browser.test_publish_flow import assert_accessible, new_context, screenshot, success_banner
from tests.factories import BodyFactory, ForceFactory, UserFactory, make_response
from tests.forcecomments.conftest import DRAFT, link_paths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
CONTACT = "cc.office@norfolk.police.example"


def test_the_force_sends_its_comments_and_the_office_uses_them(live_server: Any, browser: Browser, steps: Any) -> None:
    today = timezone.localdate()
    body = BodyFactory(force=ForceFactory(name="Norfolk"), force_contact_emails=CONTACT)
    response = make_response(body=body, published_on=today - dt.timedelta(days=10), recommendations=1, afis=1)
    response_services.response_set_comments_due(response=response, comments_due=today + dt.timedelta(days=10))
    response_services.response_update_comments(response=Response.objects.get(pk=response.pk), body_comments=DRAFT)
    editor = UserFactory(username="editor", body=body, role=Role.EDITOR)
    path = link_paths(services.invitation_create(response=Response.objects.get(pk=response.pk), user=editor))[CONTACT]

    force = new_context(browser).new_page()
    force.goto(f"{live_server.url}{path}")
    expect(force.get_by_role("heading", level=1)).to_have_text(response.inspection.title)
    assert DRAFT not in force.content()
    assert_accessible(force, "link page")
    screenshot(force, "force-comments")

    force.get_by_role("button", name="Send the comments").click()
    expect(force.locator(".govuk-error-summary")).to_contain_text("Enter the chief constable's comments")
    assert_accessible(force, "link page with errors")
    force.fill("#id_cc_comments", "The chief constable welcomes the report.")
    force.get_by_label(re.compile("action on recommendation 1")).fill("A new triage desk from January.")
    force.fill("#id_name", "Sam Staff Officer")
    force.fill("#id_email", "sam@norfolk.police.example")
    force.get_by_role("button", name="Send the comments").click()
    expect(success_banner(force)).to_contain_text("version 1")
    screenshot(force, "force-comments-sent")

    office = new_context(browser).new_page()
    office.goto(f"{live_server.url}/")
    office.fill("#id_username", "editor")
    office.fill("#id_password", PASSWORD)
    office.get_by_role("button", name="Sign in").click()
    office.goto(f"{live_server.url}{response.get_absolute_url()}")
    panel = office.locator("#force-comments")
    expect(panel).to_contain_text("Opened on")
    panel.get_by_role("link", name="Version 1").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("The force's comments, version 1")
    expect(office.locator("main")).to_contain_text("A new triage desk from January.")
    assert_accessible(office, "version received")
    office.get_by_role("button", name="Use these comments").click()
    expect(success_banner(office)).to_contain_text("are now the chief constable's comments")
    assert Response.objects.get(pk=response.pk).cc_comments == "The chief constable welcomes the report."
