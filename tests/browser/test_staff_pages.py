"""The staff pages as an officer works them, in a real browser: the finding page's two forms keep what was typed,
the dashboard sorts and shows finished work, a phone sees each row's status and days left without scrolling
sideways, and axe-core finds no violation of any impact on any staff page visited, nor on a rendered reminder.

Runs Debian's Chromium. Saves var/screenshots/dashboard-phone.png and finding-typed.png.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from notifications.emails import build_message
from notifications.models import OutboxEmail, ReminderKind
from responses.models import Response
from tests.browser.conftest import AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
EDITOR_PASSWORD = "norfolk-editor-demo"  # loaddemo's default (DEMO_EDITOR_PASSWORD)
OVERDUE_TITLE = "National child protection inspection: Norfolk Constabulary"
PHONE = {"width": 390, "height": 844}


def new_context(browser: Browser, viewport: dict[str, int] | None = None) -> BrowserContext:
    # bypass_csp: the app's Content-Security-Policy (rightly) refuses injected scripts, and axe-core is one.
    context = browser.new_context(
        viewport=viewport or {"width": 1280, "height": 900},
        locale="en-GB",
        timezone_id="Europe/London",
        bypass_csp=True,
    )
    context.set_default_timeout(10_000)
    return context


def assert_no_violations(page: Page, name: str) -> None:
    """axe-core's WCAG 2.2 AA rules and best practices: no violation at all, whatever its impact."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    found = [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
    ]
    assert not found, f"axe-core found problems on the {name}:\n" + "\n".join(found)


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", EDITOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Responses")


def test_an_officer_works_through_the_staff_pages(live_server: Any, browser: Browser) -> None:
    call_command("loaddemo", verbosity=0)
    base = live_server.url
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, base)
    assert_no_violations(page, "dashboard")

    # Sorting keeps to the column chosen; "Show finished" brings the finished work in, and is remembered.
    rows = page.locator(".app-responses-table tbody tr")
    open_count = rows.count()
    page.locator("a.app-sort-link", has_text="Inspection").first.click()
    expect(page).to_have_url(re.compile(r"sort=inspection"))
    titles = [t.strip() for t in page.locator(".app-responses-table tbody tr td:first-child a").all_inner_texts()]
    assert titles == sorted(titles, key=str.casefold)
    page.get_by_role("link", name="Show finished").click()
    expect(page.get_by_role("link", name="Hide finished")).to_be_visible()
    assert rows.count() > open_count
    page.goto(f"{base}/")
    expect(page.get_by_role("link", name="Hide finished")).to_be_visible()  # remembered for the session
    assert_no_violations(page, "dashboard with finished work")

    # The finding page's two forms: a progress update added keeps the explanation typed but not saved.
    page.get_by_role("link", name=OVERDUE_TITLE).first.click()
    assert_no_violations(page, "response page")
    response = Response.objects.get(inspection__title=OVERDUE_TITLE)
    finding = response.finding_responses.order_by("finding__kind", "finding__number").first()
    assert finding is not None
    page.goto(f"{base}/responses/{response.pk}/findings/{finding.pk}/")
    typed = "The force has set up a joint triage team; first review in March."
    page.fill("#id_explanation", typed)
    page.get_by_label("In progress").check()
    page.fill("#id_progress-note", "Triage team recruited.")
    page.get_by_role("button", name="Add progress update").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Progress update on")
    expect(page.locator("#id_explanation")).to_have_value(typed)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "finding-typed.png"), full_page=True)
    assert_no_violations(page, "finding page")

    # The date pages: GOV.UK day, month and year boxes.
    for path, name in (("comments", "comments page"), ("deadline", "deadline page"), ("comments-due", "due page")):
        page.goto(f"{base}/responses/{response.pk}/{path}/")
        assert_no_violations(page, name)
    page.goto(f"{base}/responses/{response.pk}/deadline/")
    expect(page.locator("#id_deadline-day")).to_be_visible()
    page.fill("#id_deadline-day", "31")
    page.fill("#id_deadline-month", "2")
    page.fill("#id_deadline-year", "2025")
    page.fill("#id_reason", "Agreed with HMICFRS")
    page.get_by_role("button", name="Save deadline").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The deadline must be a real date")
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_deadline-day")).to_be_focused()
    assert_no_violations(page, "deadline page with an error")
    context.close()


def test_on_a_phone_each_row_shows_its_status_and_days_left(live_server: Any, browser: Browser) -> None:
    call_command("loaddemo", verbosity=0)
    context = new_context(browser, PHONE)
    page = context.new_page()
    sign_in(page, live_server.url)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    first = page.locator(".app-responses-table tbody tr").first
    for what in (
        first.locator(".app-status-tag"),
        first.locator(".app-responses-table__last-day .app-table-secondary"),
    ):
        box = what.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    days_left = re.compile(r"late|overdue|left|today", re.I)
    expect(first.locator(".app-responses-table__last-day")).to_contain_text(days_left)
    assert_no_violations(page, "dashboard on a phone")
    context.close()


def test_a_rendered_reminder_has_no_accessibility_violation(browser: Browser, steps: Any) -> None:
    from tests.factories import BodyFactory, ForceFactory, make_response

    body = BodyFactory(force=ForceFactory(name="Norfolk"), shared_inbox="office@opcc.example")
    response = make_response(body=body, published_on=timezone.localdate() - dt.timedelta(days=60), recommendations=2)
    row = OutboxEmail(
        kind=ReminderKind.OVERDUE,
        response=response,
        recipient="office@opcc.example",
        subject="Overdue",
        about_date=response.statutory_last_day,
        due_on=timezone.localdate(),
    )
    _subject, message = build_message(row, today=timezone.localdate())
    html = str(message.alternatives[0].content)
    context = new_context(browser)
    page = context.new_page()
    page.set_content(html)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("heading")).to_have_count(1)
    assert_no_violations(page, "overdue reminder email")
    context.close()
