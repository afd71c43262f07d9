"""Single sign-on end to end against a real OpenID provider (oidc-provider, run with Node on a loopback port): the
app's own start and callback views, the provider's login and consent forms, its token, userinfo and JWKS endpoints.

Who gets in: an active account with the verified email, or a newcomer whose email domain a body lets join (then a
viewer of that body, and its admins told). Who does not: an unknown email, an unverified one, a deactivated account,
and every token the provider's tampering accounts send back (bad signature, wrong audience, wrong issuer, expired).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import sso
from accounts.models import Role, User
from accounts.two_factor import SIGNED_IN_BY_SESSION_KEY
from audit.models import AuditEntry
from tests.accounts.oidc.local_provider import LocalProvider, running_provider, sign_in_at_provider
from tests.factories import BodyFactory, ForceFactory, UserFactory

pytestmark = pytest.mark.django_db

REDIRECT_URI = "http://testserver/accounts/sso/callback/"


def _account(email: str, verified: bool = True, tamper: str = "", **claims: Any) -> dict[str, Any]:
    account: dict[str, Any] = {"claims": {"email": email, "email_verified": verified, **claims}}
    if tamper:
        account["tamper"] = tamper
    return account


ACCOUNTS = {
    "pat": _account("Pat.Editor@norfolk-opcc.example", name="Pat Editor"),
    "newcomer": _account("sam.new@norfolk-opcc.example", given_name="Sam", family_name="New"),
    "stranger": _account("someone@elsewhere.example"),
    "unverified": _account("pat.editor@norfolk-opcc.example", verified=False),
    "leaver": _account("lee.leaver@norfolk-opcc.example"),
    "no-email": {"claims": {}},
    "admin": _account("ada.admin@norfolk-opcc.example"),
    "forged": _account("pat.editor@norfolk-opcc.example", tamper="bad_signature"),
    "other-app": _account("pat.editor@norfolk-opcc.example", tamper="wrong_audience"),
    "other-issuer": _account("pat.editor@norfolk-opcc.example", tamper="wrong_issuer"),
    "stale": _account("pat.editor@norfolk-opcc.example", tamper="expired"),
}


@pytest.fixture(scope="module")
def provider() -> Iterator[LocalProvider]:
    with running_provider(ACCOUNTS, [REDIRECT_URI]) as running:
        yield running


@pytest.fixture
def sso_on(settings: Any, provider: LocalProvider) -> LocalProvider:
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    return provider


@pytest.fixture
def office() -> dict[str, User]:
    body = BodyFactory(force=ForceFactory(name="Norfolk"), sso_email_domains="norfolk-opcc.example")
    BodyFactory(force=ForceFactory(name="Suffolk"), sso_email_domains="suffolk-opcc.example")
    return {
        "pat": UserFactory(username="pat", email="pat.editor@norfolk-opcc.example", body=body, role=Role.EDITOR),
        "admin": UserFactory(username="ada", email="ada.admin@norfolk-opcc.example", body=body, role=Role.ADMIN),
        "leaver": UserFactory(
            username="lee", email="lee.leaver@norfolk-opcc.example", body=body, role=Role.EDITOR, is_active=False
        ),
    }


def sso_sign_in(client: Client, login: str, next_url: str = "") -> Any:
    start = client.get(reverse("sso_start") + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start
    back = urlsplit(sign_in_at_provider(start["Location"], login, REDIRECT_URI))
    return client.get(f"{back.path}?{back.query}")


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def test_an_active_account_with_the_verified_email_signs_in_and_lands_on_its_bodys_dashboard(
    sso_on: LocalProvider, office: dict[str, User]
) -> None:
    client = Client()
    answer = sso_sign_in(client, "pat")

    assert (answer.status_code, answer["Location"]) == (302, reverse("dashboard"))
    assert signed_in_user_id(client) == str(office["pat"].pk)
    assert client.session[SIGNED_IN_BY_SESSION_KEY] == "sso"
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    assert "Norfolk OPCC" in dashboard.content.decode()


def test_it_goes_on_to_the_page_asked_for(sso_on: LocalProvider, office: dict[str, User]) -> None:
    client = Client()
    answer = sso_sign_in(client, "pat", next_url=reverse("calendar_settings"))
    assert answer["Location"] == reverse("calendar_settings")


def test_a_newcomer_of_a_domain_the_body_allows_becomes_its_viewer_and_its_admins_are_told(
    sso_on: LocalProvider, office: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        answer = sso_sign_in(client, "newcomer")

    assert answer.status_code == 302
    user = User.objects.get(email="sam.new@norfolk-opcc.example")
    assert (user.body, user.role, user.is_staff, user.has_usable_password()) == (
        office["pat"].body,
        Role.VIEWER,
        False,
        False,
    )
    assert (user.first_name, user.last_name) == ("Sam", "New")
    assert signed_in_user_id(client) == str(user.pk)
    (message,) = mail.outbox
    assert message.to == ["ada.admin@norfolk-opcc.example"]
    assert "sam.new@norfolk-opcc.example" in message.subject
    assert "viewer account of Norfolk OPCC" in message.body
    entry = AuditEntry.objects.get(object_pk=str(user.pk), action=AuditEntry.Action.CREATE)
    assert entry.changes["role"] == [None, "viewer"]

    # The second time, the account exists: no second account, no second email.
    mail.outbox.clear()
    sso_sign_in(Client(), "newcomer")
    assert User.objects.filter(email__iexact="sam.new@norfolk-opcc.example").count() == 1
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("login", "refusal"),
    [
        ("stranger", sso.Refusal.UNKNOWN_EMAIL),
        ("unverified", sso.Refusal.UNVERIFIED_EMAIL),
        ("leaver", sso.Refusal.DEACTIVATED),
        ("no-email", sso.Refusal.NO_EMAIL),
        ("forged", sso.Refusal.BAD_SIGNATURE),
        ("other-app", sso.Refusal.WRONG_AUDIENCE),
        ("other-issuer", sso.Refusal.WRONG_ISSUER),
        ("stale", sso.Refusal.EXPIRED),
    ],
)
def test_each_bad_sign_in_is_refused_with_its_own_page_and_signs_no_one_in(
    sso_on: LocalProvider, office: dict[str, User], login: str, refusal: sso.Refusal
) -> None:
    client = Client()
    users_before = User.objects.count()
    answer = sso_sign_in(client, login)

    assert answer.status_code == refusal.status == 403
    page = answer.content.decode()
    assert f'data-refusal="{refusal.name.lower()}"' in page
    assert refusal.title.replace("'", "&#x27;") in page
    assert "You have not been signed in." in page
    assert signed_in_user_id(client) is None
    assert client.get(reverse("dashboard")).status_code == 302
    assert User.objects.count() == users_before


def test_a_domain_the_body_does_not_list_creates_no_account_even_for_another_bodys_domain(
    sso_on: LocalProvider, office: dict[str, User]
) -> None:
    office["pat"].body.sso_email_domains = ""
    office["pat"].body.save()
    answer = sso_sign_in(Client(), "newcomer")
    assert answer.status_code == 403
    assert not User.objects.filter(email__iexact="sam.new@norfolk-opcc.example").exists()


def test_a_callback_this_browser_never_started_is_refused(sso_on: LocalProvider, office: dict[str, User]) -> None:
    client = Client()
    answer = client.get(reverse("sso_callback") + "?code=abc&state=never-started")
    assert answer.status_code == 400
    assert 'data-refusal="session"' in answer.content.decode()

    start = client.get(reverse("sso_start"))
    assert start.status_code == 302
    answer = client.get(reverse("sso_callback") + "?code=abc&state=not-the-one-started")
    assert answer.status_code == 400
    assert signed_in_user_id(client) is None


def test_a_provider_error_or_a_cancelled_sign_in_is_a_page(sso_on: LocalProvider) -> None:
    answer = Client().get(reverse("sso_callback") + "?error=access_denied&state=x")
    assert answer.status_code == 403
    assert 'data-refusal="provider_denied"' in answer.content.decode()


def test_a_provider_that_does_not_answer_is_a_page_not_a_500(settings: Any) -> None:
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # the discard port: nothing listens
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "s55", "secret"
    answer = Client().get(reverse("sso_start"))
    assert answer.status_code == 502
    assert 'data-refusal="provider_unreachable"' in answer.content.decode()


def test_the_sign_in_page_offers_single_sign_on_only_when_it_is_configured(settings: Any) -> None:
    settings.OIDC_RP_CLIENT_ID = ""
    page = Client().get(reverse("login")).content.decode()
    assert "Sign in with" not in page
    assert Client().get(reverse("sso_start")).status_code == 404
    assert Client().get(reverse("sso_callback") + "?code=a&state=b").status_code == 404

    settings.OIDC_ISSUER, settings.SSO_PROVIDER_NAME = "https://login.example/tenant/v2.0", "Microsoft"
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "client", "secret"
    page = Client().get(reverse("login")).content.decode()
    assert "Sign in with Microsoft" in page
    assert f'href="{reverse("sso_start")}"' in page


def test_passwords_still_work_with_single_sign_on_on(sso_on: LocalProvider, office: dict[str, User]) -> None:
    client = Client()
    answer = client.post(reverse("login"), {"username": "pat", "password": "correct horse battery staple"})
    assert (answer.status_code, answer["Location"]) == (302, reverse("dashboard"))
    assert signed_in_user_id(client) == str(office["pat"].pk)
    assert SIGNED_IN_BY_SESSION_KEY not in client.session


def test_a_single_sign_on_user_is_not_asked_for_a_second_factor(
    sso_on: LocalProvider, office: dict[str, User], settings: Any
) -> None:
    settings.TWO_FACTOR_ENFORCED = True
    TOTPDevice.objects.create(user=office["admin"], name="Authenticator app", confirmed=True)
    client = Client()
    sso_sign_in(client, "admin")
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_partial_configuration_fails_the_system_check(settings: Any) -> None:
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET, settings.OIDC_ISSUER = "client", "", ""
    with pytest.raises(SystemCheckError, match=r"accounts\.E001"):
        call_command("check")


def test_refused_single_sign_ons_never_lock_an_offices_address_out(
    sso_on: LocalProvider, office: dict[str, User], settings: Any
) -> None:
    # Everyone behind an office's one address comes back from the provider with no username django-axes could tell
    # apart; refusals are the provider's answers, not guesses, and are not counted.
    settings.AXES_ENABLED = True
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        assert sso_sign_in(client, "stranger").status_code == 403
    answer = sso_sign_in(client, "pat")
    assert answer.status_code == 302
    assert signed_in_user_id(client) == str(office["pat"].pk)
    # Password sign-in is still throttled as before.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("login"), {"username": "pat", "password": "wrong"})
    assert Client().post(reverse("login"), {"username": "pat", "password": "wrong"}).status_code == 429
