"""The whole job in a real browser: an editor finds the overdue response, ticks a step, is stopped from publishing
an unexplained recommendation, explains it, publishes, and the public page and Word document are there for anyone.

Runs Debian's Chromium (never `playwright install`). Saves screenshots of the dashboard, the response page and the
public page under var/screenshots/, and scans each of those pages with axe-core: no serious or critical problems.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from docx import Document
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader

from tests.browser.conftest import AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
SCREENSHOTS = ROOT / "var" / "screenshots"
EDITOR_PASSWORD = "norfolk-editor-demo"  # loaddemo's default (DEMO_EDITOR_PASSWORD)
ADMIN_PASSWORD = "norfolk-admin-demo"  # loaddemo's default (DEMO_ADMIN_PASSWORD); the admin may approve
SIGNATORY = "Alex Morgan, Police and Crime Commissioner for Norfolk"  # the demo body's signatory
OVERDUE_TITLE = "National child protection inspection: Norfolk Constabulary"


def new_context(browser: Browser) -> BrowserContext:
    # bypass_csp: the app's Content-Security-Policy (rightly) refuses injected scripts, and axe-core is one.
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", timezone_id="Europe/London", bypass_csp=True
    )
    context.set_default_timeout(10_000)
    return context


def assert_accessible(page: Page, name: str) -> None:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    bad = [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"axe-core found serious or critical problems on the {name}:\n" + "\n".join(bad)


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def success_banner(page: Page) -> Any:
    return page.locator(".govuk-notification-banner--success")


def approve_as_admin(browser: Browser, base: str, response_url: str, *, name: str = "") -> None:
    """The demo admin (who may approve) signs the response's text off as it is now, in a browser of their own."""
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{base}/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(response_url)
    page.locator("#approval").get_by_role("link", name=re.compile("Approve for publication")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve for publication")
    page.get_by_label(SIGNATORY).check()
    if name:
        screenshot(page, name)
        assert_accessible(page, "approve page")
    page.get_by_role("button", name="Record the approval").click()
    expect(success_banner(page)).to_contain_text(f"Approved for publication by {SIGNATORY}")
    expect(page.locator("#approval")).to_contain_text("Approved for publication by Alex Morgan")
    context.close()


def test_editor_publishes_the_overdue_response(live_server: Any, browser: Browser) -> None:
    call_command("loaddemo", verbosity=0)
    base = live_server.url
    context = new_context(browser)
    page = context.new_page()

    # Sign in as the demo editor.
    page.goto(f"{base}/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", EDITOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Responses")
    screenshot(page, "dashboard")
    assert_accessible(page, "dashboard")

    # Find the overdue response: the "Overdue" count filters the table to it.
    page.locator("a.app-counts__link[href='?status=overdue']").click()
    expect(page.locator(".moj-filter__tag")).to_contain_text("Overdue")
    rows = page.locator(".app-responses-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".app-status-tag--overdue")).to_have_text("Overdue")
    rows.first.get_by_role("link", name=OVERDUE_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(OVERDUE_TITLE)
    response_url = page.url

    # Tick "forwarded to the Police and Crime Panel", with evidence.
    page.get_by_role("link", name="Response forwarded to the Police and Crime Panel").click()
    page.fill("#id_evidence_reference", "Emailed to the panel's scrutiny officer")
    page.get_by_role("button", name="Mark as done").click()
    expect(success_banner(page)).to_contain_text("Ticked: Response forwarded to the Police and Crime Panel")
    expect(page.locator("#step-forwarded_to_panel-status")).to_have_text("Done")

    # Try to publish: the unexplained recommendation is named in the error summary.
    page.locator("#publishing").get_by_role("link", name="Publish").click()
    page.get_by_role("button", name="Publish").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Missing: Recommendation 2.")
    expect(summary).to_contain_text("Add the Commissioner's own comments on the report")

    # Explain it, and write the body's comments.
    page.goto(response_url)
    page.locator("#recommendations").get_by_role("link", name=re.compile("Add an explanation")).click()
    page.fill(
        "#id_explanation",
        "Strategy discussions are now tracked daily by the safeguarding hub; the Commissioner will review "
        "timeliness each quarter.",
    )
    page.get_by_role("button", name="Save explanation").click()
    expect(success_banner(page)).to_contain_text("Explanation of Recommendation 2 saved.")
    page.locator("#comments").get_by_role("link", name=re.compile("Change the comments")).click()
    page.fill(
        "#id_body_comments",
        "The Commissioner welcomes the report and will hold the Chief Constable to account for each "
        "recommendation.\n\nProgress will be reported to the Police and Crime Panel.",
    )
    page.get_by_role("button", name="Save comments").click()
    expect(success_banner(page)).to_contain_text("Saved: the body's comments on the report.")
    expect(page.locator("#publication-problems")).to_have_count(0)

    # Not yet approved: the editor cannot sign it off, so the admin records the commissioner's approval.
    expect(page.locator("#approval")).to_contain_text("Not approved")
    approve_as_admin(browser, base, response_url, name="approve")
    page.goto(response_url)
    expect(page.locator("#approval")).to_contain_text(f"Approved for publication by {SIGNATORY}")

    # Publish: it is overdue, so the page asks why it is late.
    page.locator("#publishing").get_by_role("link", name="Publish").click()
    page.fill("#id_late_reason", "The chief constable's comments arrived after the date set.")
    page.get_by_role("button", name="Publish").click()
    expect(success_banner(page)).to_contain_text("The public page, the Word document and the PDF are ready.")
    public_link = page.locator("#publishing").get_by_role("link", name="Public page of this response")
    public_path = public_link.get_attribute("href")
    assert public_path and public_path.startswith("/published/")
    screenshot(page, "response")
    assert_accessible(page, "response page")

    # Open the public page signed out, and download the Word document.
    anonymous = new_context(browser)
    public = anonymous.new_page()
    public.goto(f"{base}{public_path}")
    expect(public.get_by_role("heading", level=1)).to_contain_text("Norfolk Police and Crime Commissioner's response")
    expect(public.locator("body")).to_contain_text("Strategy discussions are now tracked daily")
    expect(public.get_by_role("link", name="Sign out")).to_have_count(0)
    expect(public.locator("#signatory")).to_contain_text("Alex Morgan")
    expect(public.locator("header a[href='/accounts/login/'], header a[href='/']")).to_have_count(0)
    screenshot(public, "public")
    assert_accessible(public, "public page")
    with public.expect_download() as download_info:
        public.get_by_role("link", name="Download this response as a Word document").click()
    docx_path = download_info.value.path()
    paragraphs = [p.text for p in Document(io.BytesIO(Path(docx_path).read_bytes())).paragraphs]
    assert OVERDUE_TITLE in paragraphs
    assert any(p.startswith("Strategy discussions are now tracked daily") for p in paragraphs)
    assert "Progress will be reported to the Police and Crime Panel." in paragraphs
    assert "Response forwarded to the Police and Crime Panel" in " ".join(paragraphs)
    anonymous.close()

    # The "published on website" step can now be ticked with the public page's address.
    page.goto(response_url)
    page.get_by_role("link", name="Response published on the OPCC website").click()
    expect(page.locator("#id_evidence_url")).to_have_value(re.compile(re.escape(public_path) + "$"))
    page.get_by_role("button", name="Mark as done").click()
    expect(success_banner(page)).to_contain_text("Ticked: Response published on the OPCC website")

    # Edit the published text: a working draft, shown part by part, until a correction publishes it.
    page.locator("#comments").get_by_role("link", name=re.compile("Change the comments")).click()
    page.fill(
        "#id_body_comments",
        "The Commissioner welcomes the report and will hold the Chief Constable to account for each "
        "recommendation.\n\nProgress will be reported to the Police and Crime Panel every quarter.",
    )
    page.get_by_role("button", name="Save comments").click()
    changed = page.locator("#changed-since-publication")
    expect(changed).to_contain_text("Changed since publication")
    expect(changed).to_contain_text("The body's comments")
    expect(changed).to_contain_text("every quarter")
    screenshot(page, "changed-since-publication")
    assert_accessible(page, "response page, changed since publication")
    # The change cleared the approval: the correction needs a fresh one.
    expect(page.locator("#approval")).to_contain_text("Not approved")
    approve_as_admin(browser, base, response_url)
    page.goto(response_url)
    page.locator("#publishing").get_by_role("link", name="Publish a correction").click()
    assert_accessible(page, "correction page")
    page.fill("#id_reason", "The commissioner's comments now say how often the panel hears of progress.")
    page.get_by_role("button", name="Publish the correction").click()
    expect(success_banner(page)).to_contain_text("Correction published as version 2.")

    anonymous = new_context(browser)
    public = anonymous.new_page()
    public.goto(f"{base}{public_path}")
    expect(public.locator("#update-note")).to_contain_text(
        "The commissioner's comments now say how often the panel hears of progress."
    )
    expect(public.locator("body")).to_contain_text("every quarter")
    public.get_by_role("link", name="Version 1").click()
    expect(public.locator("body")).to_contain_text("This is version 1")
    expect(public.locator("body")).not_to_contain_text("every quarter")
    screenshot(public, "public-version-1")
    assert_accessible(public, "public page, version 1")

    # The public index lists it by year, with the correction noted, and the Atom feed has it.
    public.goto(f"{base}/published/")
    expect(public.get_by_role("heading", level=1)).to_have_text("Published section 55 responses")
    expect(public.locator("body")).to_contain_text(f"Response to {OVERDUE_TITLE} (updated)")
    screenshot(public, "public-index")
    assert_accessible(public, "public index")
    public.get_by_role("link", name=f"Response to {OVERDUE_TITLE}").click()
    expect(public.locator("#update-note")).to_be_visible()

    # The s55(6) copy to HMICFRS: a covering letter signed by the approver's signatory, submitted to the portal.
    page.goto(response_url)
    page.get_by_role("link", name="Copies to HMICFRS and the Home Secretary").click()
    assert_accessible(page, "letters page")
    page.get_by_label("HMICFRS").check()
    page.get_by_role("button", name="Make the letter").click(timeout=60_000)  # renders its Word document and PDF
    expect(success_banner(page)).to_contain_text("The letter to HMICFRS is ready")
    screenshot(page, "letter")
    assert_accessible(page, "letter page")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF").click()
    letter = PdfReader(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    letter_text = " ".join(p.extract_text() or "" for p in letter.pages)
    assert "Dear Chief Inspector" in letter_text and "Alex Morgan" in letter_text
    page.fill("#id_evidence_reference", "PORTAL-2024-17")
    page.get_by_role("button", name="Record it").click()
    expect(success_banner(page)).to_contain_text("Ticked: Response submitted to the HMICFRS monitoring portal")
    expect(page.locator("#step-submitted_to_portal-hint")).to_contain_text("PORTAL-2024-17. With the covering letter")
    anonymous.close()
    context.close()
