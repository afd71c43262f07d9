"""Adding a report in a real browser: an editor pastes a publication page's address (a page on a local https
server), checks what was read, saves it, uploads the report's PDF, checks the findings, saves them, and the response
is on the dashboard with the right dates. axe-core finds no serious or critical problem on the new pages.

Runs Debian's Chromium, as tests/browser/test_publish_flow.py does, whose helpers it uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, expect
from pytest_httpserver import HTTPServer

from core.dates import long_date
from tests.browser.test_publish_flow import (
    EDITOR_PASSWORD,
    assert_accessible,
    new_context,
    screenshot,
    success_banner,
)
from tests.intake.report_fixtures import ReportPDF
from tests.intake.sites import https_site, publication_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Custody services – An inspection of Norfolk Constabulary's custody suites"


@pytest.fixture
def site(settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HTTPServer]:
    with https_site(settings, monkeypatch, tmp_path) as server:
        yield server


def report_pdf() -> bytes:
    pdf = ReportPDF("Norfolk Constabulary: custody inspection")
    pdf.page_with(
        "Our judgments\n\nGood at treating detainees with respect\n\nRequires improvement at keeping detainees safe"
    )
    pdf.page_with(
        "Area for improvement 1\n\nThe force should record every use of force in custody on the day it happens.\n\n"
        "Area for improvement 2\n\nThe force should check on detainees at risk as often as their care plan says."
    )
    return pdf.data()


def test_an_editor_adds_a_report_from_its_page_and_its_findings_from_its_pdf(
    live_server: Any, browser: Browser, site: HTTPServer
) -> None:
    call_command("loaddemo", verbosity=0)
    published = timezone.localdate() - dt.timedelta(days=2)
    site.expect_request("/publications/norfolk-custody/").respond_with_data(
        publication_page(title=TITLE, published=long_date(published), types=("PEEL",), forces=("Norfolk",)),
        content_type="text/html; charset=utf-8",
    )
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", EDITOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Paste the page's address and read it.
    page.get_by_role("link", name="Add an inspection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an inspection")
    assert_accessible(page, "add an inspection page")
    page.fill("#id_page-address", site.url_for("/publications/norfolk-custody/"))
    page.get_by_role("button", name="Read the page").click()
    expect(page.locator("#id_title")).to_have_value(TITLE)
    expect(page.locator("#id_published_on-day")).to_have_value(str(published.day))
    expect(page.locator("#id_published_on-month")).to_have_value(str(published.month))
    expect(page.locator("#id_published_on-year")).to_have_value(str(published.year))
    expect(page.locator("#id_forces")).to_have_value("Norfolk")
    screenshot(page, "add-inspection")
    assert_accessible(page, "add an inspection page, filled in")

    # Save it: its response is opened.
    page.get_by_role("button", name="Save the inspection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Findings from the report")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Created 1 response(s): Norfolk OPCC.")
    assert_accessible(page, "findings page")

    # Upload the PDF, check what was read, save.
    page.set_input_files(
        "#id_report_pdf", files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": report_pdf()}]
    )
    page.get_by_role("button", name="Read the findings").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("2 areas for improvement and 2 grades")
    expect(page.locator("#id_findings-1-text")).to_have_value(
        "The force should check on detainees at risk as often as their care plan says."
    )
    expect(page.locator("#id_grades-1-grade")).to_have_value("requires_improvement")
    screenshot(page, "findings-preview")
    assert_accessible(page, "findings preview")
    page.get_by_role("button", name="Save the findings and grades").click()
    expect(success_banner(page)).to_contain_text("Saved 2 areas for improvement and 2 grades.")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("body")).to_contain_text("The force should record every use of force in custody")

    # The response is on the dashboard, its dates counted from the publication date.
    page.goto(f"{live_server.url}/?q=Custody+services")
    row = page.locator(".app-responses-table tbody tr").filter(has_text=TITLE)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"{published + dt.timedelta(days=55):%-d %b %Y}")  # the statutory last day
    expect(row).to_contain_text(f"{published + dt.timedelta(days=56):%-d %b %Y}")  # the form's deadline
    context.close()
