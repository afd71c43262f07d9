"""The actions tracker in a real browser: an editor assigns an owner, adds an update, slips the target date with a
reason and asks for sign-off; an approver signs it off. axe-core finds no violation on the tracker or the action
page. Saves var/screenshots/actions.png and action.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from accounts.models import Role
from actions.models import Action, ActionStatus
from tests.browser.test_staff_pages import assert_no_violations, new_context
from tests.factories import BodyFactory, UserFactory, make_response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Responses")


def test_an_action_followed_to_closure(live_server: Any, browser: Browser) -> None:
    body = BodyFactory()
    editor = UserFactory(username="editor", first_name="Eddie", last_name="Editor", body=body, role=Role.EDITOR)
    UserFactory(username="approver", first_name="Alex", last_name="Approver", body=body, role=Role.APPROVER)
    response = make_response(body=body, recommendations=1, title="PEEL 2025: Norfolk")
    action = Action.objects.get(response=response)
    base = live_server.url

    context = new_context(browser)
    page = context.new_page()
    sign_in(page, base, "editor")
    page.goto(f"{base}/actions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Actions")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "actions.png"), full_page=True)
    assert_no_violations(page, "tracker")

    page.get_by_role("link", name="Recommendation 1").click()
    page.select_option("#id_owner-owner", label="Eddie Editor")
    page.get_by_role("button", name="Save owner").click()
    expect(page.locator("body")).to_contain_text("Owner saved.")

    page.fill("#id_update-note", "Working group set up.")
    page.fill("#id_update-evidence", "Terms of reference agreed")
    page.get_by_role("button", name="Add update").click()
    expect(page.locator("body")).to_contain_text("Progress update added.")

    page.fill("#id_date-target_date", "2025-03-31")
    page.fill("#id_date-reason", "Plan agreed with the force")
    page.get_by_role("button", name="Change target date").click()
    page.fill("#id_date-target_date", "2025-06-30")
    page.fill("#id_date-reason", "Waiting for the new IT system")
    page.get_by_role("button", name="Change target date").click()
    expect(page.locator("#history ~ ul")).to_contain_text("Target date changed from 31 March 2025 to 30 June 2025")

    page.get_by_label("Pending sign-off").check()
    page.get_by_role("button", name="Save status").click()
    expect(page.locator("body")).to_contain_text("Waiting for an approver or admin to sign it off.")
    assert_no_violations(page, "action page")
    context.close()

    context = new_context(browser)
    page = context.new_page()
    sign_in(page, base, "approver")
    page.goto(f"{base}{action.get_absolute_url()}")
    page.fill("#id_signoff-note", "Evidence seen")
    page.get_by_role("button", name="Sign off").click()
    expect(page.locator("body")).to_contain_text("Action signed off as complete.")
    page.screenshot(path=str(SCREENSHOTS / "action.png"), full_page=True)
    assert_no_violations(page, "signed-off action page")
    context.close()

    action.refresh_from_db()
    assert action.status == ActionStatus.COMPLETE
    assert action.owner == editor
    assert list(action.target_date_changes.values_list("reason", flat=True)) == [
        "Plan agreed with the force",
        "Waiting for the new IT system",
    ]
