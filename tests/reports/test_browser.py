"""The Panel report and the public progress page in a real browser (Debian's Chromium): an editor signs in, opens the
report from the navigation, chooses a period, reads the figures, downloads the PDF (read back with pypdf), and the
public progress page is read signed out. axe-core finds no serious or critical problem on either page; screenshots go
to var/screenshots/panel-report.png and progress.png."""

from __future__ import annotations

import io
from typing import Any

import pytest
from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from tests.browser.test_publish_flow import assert_accessible, new_context, screenshot
from tests.factories import UserFactory
from tests.reports.conftest import History

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"  # tests/factories.py's


def test_an_editor_reads_the_panel_report_and_its_pdf(
    live_server: Any, browser: Browser, history: History, settings: Any
) -> None:
    UserFactory(username="panel-editor", body=history.a)
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "panel-editor")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Panel report").click()
    page.fill("#id_from", "2016-01-01")
    page.fill("#id_to", "2024-12-20")
    page.get_by_role("button", name="Show the report").click()
    expect(page.locator("h1")).to_have_text("Norfolk OPCC")
    totals = page.locator("#table-received tfoot tr").inner_text().split()
    assert totals == ["All", "years", "8", "1", "1", "5"]
    charts = page.locator("img.app-chart")
    expect(charts).to_have_count(4)
    widths = charts.evaluate_all("images => images.map(image => image.naturalWidth)")
    assert all(width > 0 for width in widths)  # every chart drew
    screenshot(page, "panel-report")
    assert_accessible(page, "Panel report")

    with page.expect_download(timeout=60_000) as download:  # WeasyPrint takes seconds on a busy machine
        page.get_by_role("link", name="Download as PDF").click()
    reader = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Reports received and responses published" in text and "Norfolk OPCC" in text

    settings.PUBLIC_PROGRESS_BODIES = [history.a.name]
    public = new_context(browser).new_page()
    public.goto(f"{live_server.url}/published/progress/")
    expect(public.locator("h1")).to_have_text("Progress on HMICFRS recommendations")
    expect(public.get_by_role("heading", name="PEEL 2023")).to_be_visible()
    screenshot(public, "progress")
    assert_accessible(public, "public progress page")
