"""Single sign-on by OpenID Connect (Microsoft Entra ID, or any provider by configuration), on mozilla-django-oidc.

Who may sign in, in one place (`SsoBackend.get_or_create_user`):

- the provider's ID token must be signed by the provider's key (its JWKS), for this client (`aud`), from the configured
  issuer, and not expired; its email must be verified (`email_verified`, or Entra ID's `xms_edov`);
- an active account with that email signs in as itself;
- otherwise, when the email's domain is one an active body lists in `sso_email_domains`, a viewer account of that body
  is created and the body's admins are told by email (`user_join_by_sso`);
- anything else is refused, each with its own page (`Refusal`), never a 500.

Single sign-on is off until a client id, its secret and the provider (its issuer, whose discovery document gives the
endpoints, or each endpoint) are configured (`sso_enabled`). Passwords keep working either way; a session signed in
by single sign-on is not asked for a second factor (accounts.two_factor), since the provider asks for its own.
"""

from __future__ import annotations

import enum
import functools
import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from accounts.models import Role, User
from audit.models import AuditEntry
from inspections.models import LocalPolicingBody

logger = logging.getLogger(__name__)

# Each provider endpoint setting and its name in the issuer's discovery document.
_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
# How far the provider's clock may be from ours when checking a token's times.
CLOCK_LEEWAY_SECONDS = 30


class Refusal(enum.Enum):
    """Why a single sign-on was refused: (page title, what to do, HTTP status)."""

    UNKNOWN_EMAIL = (
        "Your email address has no account here",
        "No account of the Section 55 Tracker has this email address, and your organisation's email domain is not "
        "one an office lets join. Ask your office's administrator to invite you.",
        403,
    )
    DEACTIVATED = (
        "Your account is no longer active",
        "The account with this email address has been deactivated. Ask your office's administrator if you should "
        "still have access.",
        403,
    )
    AMBIGUOUS = (
        "More than one account has your email address",
        "Ask your office's administrator to make sure only one account has your email address, then sign in again.",
        403,
    )
    NO_EMAIL = (
        "Your sign-in did not give an email address",
        "Your organisation's sign-in service did not say what your email address is. Ask your IT team to include "
        "the email claim, or sign in with a password.",
        403,
    )
    UNVERIFIED_EMAIL = (
        "Your email address is not verified",
        "Your organisation's sign-in service did not confirm that your email address is verified, so it cannot be "
        "used to sign in here. Ask your IT team, or sign in with a password.",
        403,
    )
    BAD_SIGNATURE = (
        "Your sign-in could not be checked",
        "The sign-in token was not signed by your organisation's sign-in service. Nothing was signed in. Try again; "
        "if it happens again, tell your IT team.",
        403,
    )
    WRONG_AUDIENCE = (
        "Your sign-in was meant for another service",
        "The sign-in token was issued for a different application, so it cannot sign you in here. Try again; if it "
        "happens again, tell your IT team.",
        403,
    )
    WRONG_ISSUER = (
        "Your sign-in came from another sign-in service",
        "The sign-in token was not issued by the sign-in service this site trusts. Try again; if it happens again, "
        "tell your IT team.",
        403,
    )
    EXPIRED = (
        "Your sign-in has expired",
        "The sign-in token had expired when it reached us. Start again from the sign-in page.",
        403,
    )
    INVALID_TOKEN = (
        "Your sign-in could not be checked",
        "The sign-in token was not valid. Start again from the sign-in page.",
        403,
    )
    SESSION = (
        "Your sign-in could not be finished",
        "The sign-in was started in another browser window, or took too long. Start again from the sign-in page.",
        400,
    )
    PROVIDER_DENIED = (
        "Sign-in was cancelled",
        "Your organisation's sign-in service did not sign you in. Start again from the sign-in page.",
        403,
    )
    PROVIDER_UNREACHABLE = (
        "The sign-in service is not answering",
        "We could not reach your organisation's sign-in service. Try again in a few minutes, or sign in with a "
        "password.",
        502,
    )

    @property
    def title(self) -> str:
        return self.value[0]

    @property
    def advice(self) -> str:
        return self.value[1]

    @property
    def status(self) -> int:
        return self.value[2]


class SsoRefused(Exception):
    def __init__(self, refusal: Refusal, detail: str = "") -> None:
        super().__init__(f"{refusal.name}: {detail}" if detail else refusal.name)
        self.refusal = refusal


# --- configuration -------------------------------------------------------------------------------------------------
def sso_enabled() -> bool:
    if not (getattr(settings, "OIDC_RP_CLIENT_ID", "") and getattr(settings, "OIDC_RP_CLIENT_SECRET", "")):
        return False
    return bool(getattr(settings, "OIDC_ISSUER", "")) or all(getattr(settings, name, "") for name in _DISCOVERED)


def provider_name() -> str:
    return str(getattr(settings, "SSO_PROVIDER_NAME", "") or "single sign-on")


@functools.lru_cache(maxsize=4)
def _discovery(issuer: str) -> dict[str, Any]:
    """The issuer's discovery document, read once per process (a failed read is not kept, and is asked again)."""
    try:
        answer = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=getattr(settings, "OIDC_TIMEOUT", 10)
        )
        answer.raise_for_status()
        document = answer.json()
    except (requests.RequestException, ValueError) as exc:
        raise SsoRefused(Refusal.PROVIDER_UNREACHABLE, f"discovery: {exc}") from exc
    if not isinstance(document, dict):
        raise SsoRefused(Refusal.PROVIDER_UNREACHABLE, "discovery: not a JSON object")
    return document


def sso_setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc's settings, with the provider's endpoints from its discovery document when not set."""
    if attr in _DISCOVERED:
        value = getattr(settings, attr, "")
        if value:
            return value
        issuer = getattr(settings, "OIDC_ISSUER", "")
        if issuer:
            found = _discovery(issuer).get(_DISCOVERED[attr])
            if found:
                return found
        if default:
            return default[0]
        raise SsoRefused(Refusal.PROVIDER_UNREACHABLE, f"no {_DISCOVERED[attr]}")
    return import_from_settings(attr, *default)


# --- the write -----------------------------------------------------------------------------------------------------
def _free_username(email: str) -> str:
    base = email[:150]
    if not User.objects.filter(username__iexact=base).exists():
        return base
    for n in range(2, 1000):
        candidate = f"{base[:140]}-{n}"
        if not User.objects.filter(username__iexact=candidate).exists():
            return candidate
    raise SsoRefused(Refusal.AMBIGUOUS, "no free username")


def _tell_admins(user: User, body: LocalPolicingBody) -> None:
    admins = list(
        User.objects.filter(body=body, role=Role.ADMIN, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not admins:
        return
    who = f"{user.get_full_name()} <{user.email}>" if user.get_full_name() else user.email
    text = (
        f"{who} signed in to the Section 55 Tracker for the first time by single sign-on, with an email address "
        f"of a domain {body.display_name} lets join, and now has a viewer account of {body.display_name}.\n\n"
        "A viewer can see the office's responses but not change them. If this person should not have access, "
        "deactivate their account; to let them edit, change their role.\n\n"
        f"{settings.SITE_URL}{reverse('dashboard')}\n"
    )
    try:
        send_mail(f"New viewer by single sign-on: {user.email}", text, None, admins)
    except Exception:
        # The account exists either way; the admins also see it in the audit trail.
        logger.exception("Could not tell the admins of %s about the new single sign-on user %s", body, user.email)


@transaction.atomic
def user_join_by_sso(*, email: str, body: LocalPolicingBody, first_name: str = "", last_name: str = "") -> User:
    """A viewer account of `body` for someone whose verified email is of a domain the body lets join by single
    sign-on. It has no password (single sign-on only). The body's admins are told by email once it is saved."""
    user = User(
        username=_free_username(email),
        email=email,
        first_name=first_name[:150],
        last_name=last_name[:150],
        body=body,
        role=Role.VIEWER,
        is_staff=False,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    AuditEntry.objects.log_create(
        user,
        action=AuditEntry.Action.CREATE,
        changes={
            "username": [None, user.username],
            "email": [None, email],
            "body": [None, body.pk],
            "role": [None, Role.VIEWER.value],
        },
        additional_data={"body_id": body.pk, "how": "joined by single sign-on"},
    )
    transaction.on_commit(lambda: _tell_admins(user, body))
    return user


def _email_verified(claims: dict[str, Any]) -> bool:
    for name in ("email_verified", "xms_edov"):
        value = claims.get(name)
        if value is True or (isinstance(value, str) and value.lower() == "true"):
            return True
    return False


def _bodies_for_domain(domain: str) -> list[LocalPolicingBody]:
    candidates = LocalPolicingBody.objects.filter(active=True).exclude(sso_email_domains="")
    return [body for body in candidates if domain in body.sso_domain_list()]


def axes_exempt(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> bool:
    """django-axes' AXES_WHITELIST_CALLABLE: a single sign-on finishing is not a password guess. It carries no
    username (so every refusal behind an office's one address would count against all its staff), and each attempt
    needs a code the provider issued for a state this browser started."""
    return credentials is not None and "nonce" in credentials and "password" not in credentials


# --- the backend ---------------------------------------------------------------------------------------------------
class SsoBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, checking what it leaves unchecked (audience, issuer, expiry as its own refusal)
    and deciding who may sign in. Django makes a backend for every sign-in and every signed-in request, so this one
    reads its settings (and the provider's discovery document) only when it is asked to finish a single sign-on."""

    get_settings = staticmethod(sso_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()

    def get_user(self, user_id: Any) -> User | None:
        return ModelBackend.get_user(self, user_id)  # type: ignore[return-value]

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:  # type: ignore[override]
        if request is None or "nonce" not in kwargs or not sso_enabled():
            return None
        try:
            super().__init__()
            user: User | None = super().authenticate(request, **kwargs)
        except SsoRefused as exc:
            logger.info("Single sign-on refused: %s", exc)
            request.sso_refusal = exc.refusal  # type: ignore[attr-defined]
            return None
        except SuspiciousOperation as exc:
            logger.info("Single sign-on refused: %s", exc)
            request.sso_refusal = Refusal.INVALID_TOKEN  # type: ignore[attr-defined]
            return None
        except requests.RequestException as exc:
            logger.warning("Single sign-on: the provider failed: %s", exc)
            request.sso_refusal = Refusal.PROVIDER_UNREACHABLE  # type: ignore[attr-defined]
            return None
        return user

    def retrieve_matching_jwk(self, token: str) -> Any:
        try:
            return super().retrieve_matching_jwk(token)
        except SuspiciousOperation as exc:
            raise SsoRefused(Refusal.BAD_SIGNATURE, str(exc)) from exc
        except jwt.PyJWTError as exc:
            raise SsoRefused(Refusal.INVALID_TOKEN, str(exc)) from exc

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        try:
            alg = jwt.get_unverified_header(payload).get("alg")
        except jwt.PyJWTError as exc:
            raise SsoRefused(Refusal.INVALID_TOKEN, str(exc)) from exc
        if alg != self.OIDC_RP_SIGN_ALGO:
            raise SsoRefused(Refusal.BAD_SIGNATURE, f"algorithm {alg!r}")
        issuer = getattr(settings, "OIDC_ISSUER", "") or None
        try:
            claims: dict[str, Any] = jwt.decode(
                payload,
                key,
                algorithms=[alg],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=issuer,
                leeway=CLOCK_LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "aud", "sub"] + (["iss"] if issuer else [])},
            )
        except jwt.ExpiredSignatureError as exc:
            raise SsoRefused(Refusal.EXPIRED, str(exc)) from exc
        except jwt.InvalidAudienceError as exc:
            raise SsoRefused(Refusal.WRONG_AUDIENCE, str(exc)) from exc
        except jwt.InvalidIssuerError as exc:
            raise SsoRefused(Refusal.WRONG_ISSUER, str(exc)) from exc
        except jwt.InvalidSignatureError as exc:
            raise SsoRefused(Refusal.BAD_SIGNATURE, str(exc)) from exc
        except jwt.PyJWTError as exc:
            raise SsoRefused(Refusal.INVALID_TOKEN, str(exc)) from exc
        return claims

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        user_info = self.get_userinfo(access_token, id_token, payload)
        if user_info.get("sub") not in (None, payload.get("sub")):
            raise SsoRefused(Refusal.INVALID_TOKEN, "userinfo is about another subject")
        claims = {**user_info, **payload}
        email = str(claims.get("email") or "").strip()
        if "@" not in email:
            raise SsoRefused(Refusal.NO_EMAIL)
        if not _email_verified(claims):
            raise SsoRefused(Refusal.UNVERIFIED_EMAIL, email)
        users = list(User.objects.filter(email__iexact=email).select_related("body"))
        active = [user for user in users if user.is_active]
        if len(active) > 1:
            raise SsoRefused(Refusal.AMBIGUOUS, email)
        if active:
            return active[0]
        if users:
            raise SsoRefused(Refusal.DEACTIVATED, email)
        bodies = _bodies_for_domain(email.rsplit("@", 1)[1].lower())
        if len(bodies) != 1:
            raise SsoRefused(Refusal.UNKNOWN_EMAIL, email)
        return user_join_by_sso(
            email=email,
            body=bodies[0],
            first_name=str(claims.get("given_name") or ""),
            last_name=str(claims.get("family_name") or ""),
        )
