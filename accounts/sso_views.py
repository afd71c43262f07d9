"""The sign-in page (with "Sign in with <provider>" when single sign-on is on) and the two single sign-on steps:
off to the provider, and back with a code that accounts.sso.SsoBackend turns into a signed-in user or a refusal."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.forms import SignInForm
from accounts.sso import Refusal, SsoRefused, provider_name, sso_enabled, sso_setting
from accounts.two_factor import SIGNED_IN_BY_SESSION_KEY, SIGNED_IN_BY_SSO


class SignInView(auth_views.LoginView):
    authentication_form = SignInForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = sso_enabled()
        context["sso_provider_name"] = provider_name()
        return context


def refused(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    return render(
        request,
        "accounts/sso_refused.html",
        {"refusal": refusal, "provider_name": provider_name(), "reason": refusal.name.lower()},
        status=refusal.status,
    )


@method_decorator(never_cache, name="dispatch")
class SsoStartView(OIDCAuthenticationRequestView):
    """Off to the provider, with a state, a nonce and a PKCE challenge kept in the session."""

    get_settings = staticmethod(sso_setting)

    def __init__(self, **kwargs: Any) -> None:
        # The endpoints are read for each request (they may come from the provider's discovery document).
        View.__init__(self, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:  # type: ignore[override]
        if not sso_enabled():
            raise Http404("Single sign-on is not configured.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = sso_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
            self.OIDC_RP_CLIENT_ID = sso_setting("OIDC_RP_CLIENT_ID")
        except SsoRefused as exc:
            return refused(request, exc.refusal)
        response: HttpResponse = super().get(request)
        return response


@method_decorator(never_cache, name="dispatch")
class SsoCallbackView(OIDCAuthenticationCallbackView):
    """Back from the provider: signed in and on to the page asked for, or a page saying why not."""

    get_settings = staticmethod(sso_setting)

    def get(self, request: HttpRequest) -> HttpResponse:  # type: ignore[override]
        if not sso_enabled():
            raise Http404("Single sign-on is not configured.")
        try:
            response: HttpResponse = super().get(request)
        except SuspiciousOperation:
            return refused(request, Refusal.SESSION)  # a state this session never started
        return response

    def login_failure(self) -> HttpResponse:  # type: ignore[override]
        refusal = getattr(self.request, "sso_refusal", None)
        if refusal is None:
            refusal = Refusal.PROVIDER_DENIED if self.request.GET.get("error") else Refusal.SESSION
        return refused(self.request, refusal)

    def login_success(self) -> HttpResponse:  # type: ignore[override]
        response: HttpResponse = super().login_success()
        # The provider asked for its own second factor: accounts.two_factor does not ask again.
        self.request.session[SIGNED_IN_BY_SESSION_KEY] = SIGNED_IN_BY_SSO
        return response
