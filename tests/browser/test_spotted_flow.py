"""Spotted reports in a real browser: a feed on a local https server names Norfolk; after a check, the editor finds
"2 new reports spotted" on the dashboard, dismisses one with a reason (refused first without one), adds the other
through "Add an inspection" pre-filled with its address, and the list is empty. axe-core finds no serious or
critical problem on the spotted reports page and the dismiss page (with its error)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, expect
from pytest_httpserver import HTTPServer

from core.dates import long_date
from intake.feeds import feeds_check
from intake.models import SpottedReport, SpottedStatus
from tests.browser.test_publish_flow import EDITOR_PASSWORD, assert_accessible, new_context, screenshot
from tests.intake.sites import https_site, publication_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Vetting – An inspection of Norfolk Constabulary"


@pytest.fixture
def site(settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HTTPServer]:
    with https_site(settings, monkeypatch, tmp_path) as server:
        yield server


def test_an_editor_dismisses_one_spotted_report_and_adds_the_other(
    live_server: Any, browser: Browser, site: HTTPServer, settings: Any
) -> None:
    call_command("loaddemo", verbosity=0)
    published = timezone.localdate() - dt.timedelta(days=1)
    base = site.url_for("").rstrip("/")
    site.expect_request("/feed.xml").respond_with_data(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Publications</title>'
        f"<item><title>{TITLE}</title><link>{base}/publications/norfolk-vetting/</link></item>"
        f"<item><title>Norfolk: a news item</title><link>{base}/news/norfolk/</link></item>"
        "</channel></rss>",
        content_type="application/rss+xml",
    )
    site.expect_request("/publications/norfolk-vetting/").respond_with_data(
        publication_page(title=TITLE, published=long_date(published), types=("PEEL",), forces=("Norfolk",)),
        content_type="text/html; charset=utf-8",
    )
    settings.INTAKE_FEEDS = [site.url_for("/feed.xml")]
    assert feeds_check().spotted == 2

    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", EDITOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="2 new reports spotted").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spotted reports")
    assert_accessible(page, "spotted reports page")
    screenshot(page, "spotted-reports")

    page.get_by_role("link", name=re.compile(r"^Dismiss\W+Norfolk: a news item")).click()
    page.get_by_role("button", name="Dismiss it").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why this report is not for your office.")
    assert_accessible(page, "dismiss page with its error")
    page.fill("#id_reason", "A news item, not a report")
    page.get_by_role("button", name="Dismiss it").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is dismissed")

    page.get_by_role("link", name=re.compile(r"^Add this inspection\W+Vetting")).click()
    expect(page.locator("#id_page-address")).to_have_value(f"{base}/publications/norfolk-vetting/")
    page.get_by_role("button", name="Read the page").click()
    expect(page.locator("#id_title")).to_have_value(TITLE)
    page.get_by_role("button", name="Save the inspection").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is recorded")

    page.goto(f"{live_server.url}/inspections/spotted/")
    expect(page.get_by_text("No new reports have been spotted.")).to_be_visible()
    assert dict(SpottedReport.objects.values_list("title", "status")) == {
        TITLE: SpottedStatus.ADDED,
        "Norfolk: a news item": SpottedStatus.DISMISSED,
    }
    context.close()
