"""Single sign-on and two-factor sign-in in a real browser (Debian's Chromium), against the local OpenID provider
(oidc-provider run with Node: tests/accounts/oidc/).

- An editor of Norfolk's office clicks "Sign in with …" on the sign-in page, signs in at the provider, consents, and
  lands on the dashboard of Norfolk's office: its header, its response, not Suffolk's.
- Someone whose email has no account comes back to a page saying so, and is not signed in.
- An admin signing in with a password is sent to set up two-factor sign-in, adds the key the page shows (as an
  authenticator app would), enters the code, keeps the recovery codes and reaches the dashboard.

Saves var/screenshots/sso-sign-in.png, sso-refused.png, two-factor-setup.png and recovery-codes.png; axe-core finds no
serious or critical problem on those pages or the code page.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import Browser, expect

from accounts.models import Role
from tests.accounts.oidc.local_provider import running_provider
from tests.browser.test_publish_flow import assert_accessible, new_context, screenshot
from tests.factories import BodyFactory, ForceFactory, UserFactory, make_inspection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def _offices() -> None:
    norfolk, suffolk = ForceFactory(name="Norfolk"), ForceFactory(name="Suffolk")
    a = BodyFactory(force=norfolk, sso_email_domains="norfolk-opcc.example")
    BodyFactory(force=suffolk)
    UserFactory(username="pat", email="pat.editor@norfolk-opcc.example", body=a, role=Role.EDITOR)
    UserFactory(username="ada", email="ada.admin@norfolk-opcc.example", body=a, role=Role.ADMIN)
    published = timezone.localdate() - dt.timedelta(days=10)
    make_inspection(title="Norfolk custody inspection", published_on=published, forces=[norfolk])
    make_inspection(title="Suffolk custody inspection", published_on=published, forces=[suffolk])


def test_an_editor_signs_in_by_sso_and_lands_on_their_bodys_dashboard(
    live_server: Any, browser: Browser, settings: Any
) -> None:
    _offices()
    accounts = {
        "pat": {"claims": {"email": "pat.editor@norfolk-opcc.example", "email_verified": True, "name": "Pat"}},
        "stranger": {"claims": {"email": "someone@elsewhere.example", "email_verified": True}},
    }
    with running_provider(accounts, [f"{live_server.url}/accounts/sso/callback/"]) as provider:
        for name, value in provider.settings().items():
            setattr(settings, name, value)
        context = new_context(browser)
        page = context.new_page()
        page.goto(f"{live_server.url}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
        assert_accessible(page, "sign-in page with single sign-on")
        screenshot(page, "sso-sign-in")
        page.get_by_role("button", name="Sign in with Local Test Provider").click()

        # At the provider: its own sign-in form, then its consent form.
        page.fill("input[name=login]", "pat")
        page.fill("input[name=password]", "any password")
        page.locator("button[type=submit]").click()
        page.get_by_role("button", name="Continue").click()

        expect(page).to_have_url(f"{live_server.url}/")
        expect(page.locator(".app-header__body-name")).to_have_text("Norfolk OPCC")
        expect(page.get_by_role("link", name="Norfolk custody inspection")).to_be_visible()
        expect(page.get_by_text("Suffolk custody inspection")).to_have_count(0)
        context.close()

        # An email with no account: a page that says so, and no one signed in.
        context = new_context(browser)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_role("button", name="Sign in with Local Test Provider").click()
        page.fill("input[name=login]", "stranger")
        page.fill("input[name=password]", "any password")
        page.locator("button[type=submit]").click()
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your email address has no account here")
        assert_accessible(page, "single sign-on refusal page")
        screenshot(page, "sso-refused")
        page.goto(f"{live_server.url}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
        context.close()


def test_an_admin_signing_in_with_a_password_sets_up_two_factor_sign_in(
    live_server: Any, browser: Browser, settings: Any
) -> None:
    settings.TWO_FACTOR_ENFORCED = True
    _offices()
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "ada")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    assert_accessible(page, "two-factor set-up page")
    screenshot(page, "two-factor-setup")
    key = base64.b32decode(page.locator("#secret-key").inner_text().replace(" ", ""))
    page.fill("#id_code", "000000" if f"{totp(key):06d}" != "000000" else "111111")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("That code is not right")
    page.wait_for_timeout(1100)  # the wait a wrong code earns
    page.fill("#id_code", f"{totp(key):06d}")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert_accessible(page, "recovery codes page")
    screenshot(page, "recovery-codes")
    page.get_by_role("link", name="I have kept my codes – continue").click()
    expect(page.locator(".app-header__body-name")).to_have_text("Norfolk OPCC")

    # Signed out and in again: the code page, then the dashboard.
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "ada")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert_accessible(page, "two-factor code page")
    context.close()
