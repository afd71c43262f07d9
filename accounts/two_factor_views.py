"""The two-factor pages: asking for a code after the password, setting up an authenticator app, recovery codes, and
removing two-factor sign-in (for those who may). The rules are in accounts/two_factor.py."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.models import Device, VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import two_factor
from accounts.http import AuthenticatedHttpRequest

NEW_CODES_SESSION_KEY = "accounts_new_recovery_codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        strip=True,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, hint: str = "", label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["code"].label = label
        if hint:
            self.fields["code"].help_text = hint

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).replace(" ", "").replace("-", "")


def _throttled(user: Any) -> int | None:
    """Seconds to wait when wrong codes have locked every device of the user for a while, else None."""
    waits = []
    for device in devices_for_user(user):
        allowed, data = device.verify_is_allowed()
        if allowed:
            return None
        if data and data.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
            waits.append(max(1, round((data["locked_until"] - timezone.now()).total_seconds())))
    return min(waits) if waits else None


def _wait_message(wait: int) -> str:
    return f"You have entered too many wrong codes. Wait {wait} second{'' if wait == 1 else 's'}, then try again"


def _match(user: Any, code: str) -> Device | None:
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if device.verify_token(code):
                return device
    return None


def _next_url(request: HttpRequest, default: str = "dashboard") -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """After the password: the code from the app, or one recovery code."""
    user = request.user
    if two_factor.is_verified(request) or not two_factor.has_two_factor(user):
        return redirect(_next_url(request))
    form = CodeForm(
        request.POST or None,
        label="Code from your authenticator app",
        hint="Or enter one of your recovery codes if you do not have your phone.",
    )
    if request.method == "POST" and form.is_valid():
        wait = _throttled(user)
        if wait is not None:
            form.add_error("code", _wait_message(wait))
        else:
            device = _match(user, form.cleaned_data["code"])
            if device is None:
                form.add_error(
                    "code", "That code is not right. Enter the code your app shows now, or an unused recovery code"
                )
            else:
                otp_login(request, device)
                if isinstance(device, StaticDevice):
                    left = two_factor.recovery_codes_left(user)
                    messages.warning(
                        request,
                        f"You signed in with a recovery code, which now no longer works. You have {left} left.",
                    )
                return redirect(_next_url(request))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")},
    )


def _qr_svg(url: str) -> str:
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, title="QR code for your authenticator app"))


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), then enter the code it shows."""
    user = request.user
    if two_factor.has_two_factor(user):
        messages.info(request, "Two-factor sign-in is already set up. Remove it first to use another app.")
        return redirect("two_factor")
    device = two_factor.two_factor_device_start(user=user)
    form = CodeForm(
        request.POST or None,
        label="Code from your authenticator app",
        hint="The 6 digits your app shows for the Section 55 Tracker, once you have added it.",
    )
    if request.method == "POST" and form.is_valid():
        codes = two_factor.two_factor_confirm(user=user, device=device, code=form.cleaned_data["code"])
        if codes is None:
            form.add_error("code", "That code is not right. Enter the code your app shows now")
        else:
            device.refresh_from_db()
            otp_login(request, device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            messages.success(request, "Two-factor sign-in is set up.")
            next_url = _next_url(request)
            return redirect(f"{_recovery_url()}?{REDIRECT_FIELD_NAME}={_quote(next_url)}")
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": _grouped(secret),
            "required": two_factor.two_factor_required(user),
            "next": request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, ""),
        },
    )


def _recovery_url() -> str:
    return reverse("two_factor_recovery_codes")


def _quote(url: str) -> str:
    return quote(url, safe="/")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New recovery codes, shown once; POST makes a new set (the old ones stop working)."""
    user = request.user
    if not two_factor.has_two_factor(user):
        return redirect("two_factor")
    if request.method == "POST":
        request.session[NEW_CODES_SESSION_KEY] = two_factor.recovery_codes_renew(user=user)
        messages.success(request, "You have new recovery codes. The old ones no longer work.")
        return redirect("two_factor_recovery_codes")
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    return render(
        request,
        "accounts/two_factor_recovery_codes.html",
        {"codes": codes, "left": two_factor.recovery_codes_left(user), "next": _next_url(request)},
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def manage(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Whether two-factor sign-in is on for you, and what you can do about it."""
    user = request.user
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enabled": two_factor.has_two_factor(user),
            "required": two_factor.two_factor_required(user),
            "left": two_factor.recovery_codes_left(user),
            "sso": two_factor.signed_in_by_sso(request),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def remove(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Remove two-factor sign-in, with a current code, for those whose role does not need it."""
    user = request.user
    if not two_factor.has_two_factor(user):
        return redirect("two_factor")
    if two_factor.two_factor_required(user):
        return render(request, "accounts/two_factor_remove.html", {"required": True, "form": None}, status=403)
    form = CodeForm(request.POST or None, label="Code from your authenticator app, or a recovery code")
    if request.method == "POST" and form.is_valid():
        wait = _throttled(user)
        if wait is not None:
            form.add_error("code", _wait_message(wait))
        elif _match(user, form.cleaned_data["code"]) is None:
            form.add_error("code", "That code is not right. Enter the code your app shows now")
        else:
            two_factor.two_factor_remove(user=user)
            messages.success(request, "Two-factor sign-in is removed. You sign in with your password alone.")
            return redirect("two_factor")
    return render(request, "accounts/two_factor_remove.html", {"required": False, "form": form})
