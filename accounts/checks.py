"""System checks of the sign-in settings (docs/sign-in.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

_SSO_SETTINGS = ("OIDC_RP_CLIENT_ID", "OIDC_RP_CLIENT_SECRET")
_ENDPOINTS = (
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)


@register(Tags.security, deploy=True)
def two_factor_enforced(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if getattr(settings, "TWO_FACTOR_ENFORCED", True):
        return []
    return [
        Warning(
            "TWO_FACTOR_ENFORCED is off: admins, approvers and superusers sign in with a password alone.",
            hint="Unset TWO_FACTOR_ENFORCED (it is on by default) outside development.",
            id="accounts.W001",
        )
    ]


@register(Tags.security)
def sso_configuration(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Single sign-on half configured would be silently off: say what is missing."""
    given = [name for name in (*_SSO_SETTINGS, "OIDC_ISSUER", *_ENDPOINTS) if getattr(settings, name, "")]
    if not given:
        return []
    missing = [name for name in _SSO_SETTINGS if not getattr(settings, name, "")]
    if not getattr(settings, "OIDC_ISSUER", "") and not all(getattr(settings, name, "") for name in _ENDPOINTS):
        missing.append("OIDC_ISSUER (or every one of " + ", ".join(_ENDPOINTS) + ")")
    if getattr(settings, "OIDC_RP_SIGN_ALGO", "RS256") not in ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512"):
        return [
            Error(
                "OIDC_RP_SIGN_ALGO must be an asymmetric algorithm (RS256 for Microsoft Entra ID).",
                id="accounts.E002",
            )
        ]
    if not missing:
        return []
    return [
        Error(
            "Single sign-on is partly configured and so is off: missing " + "; ".join(missing) + ".",
            hint="Set them all (docs/sign-in.md), or none to use passwords only.",
            id="accounts.E001",
        )
    ]
