"""The page shown to a sign-in locked out by django-axes (AXES_LOCKOUT_CALLABLE), saying when the lockout ends.

A lockout lasts AXES_COOLOFF_TIME from the latest failed attempt: every failed attempt made while locked out starts
it again (django-axes' AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), and this page is the answer to such an
attempt, so the lockout ends one cool-off after this request's attempt time.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    cool_off = get_cool_off(request)
    attempt_time = getattr(request, "axes_attempt_time", None) or timezone.now()
    context = {
        "username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_timedelta": cool_off,
        "cooloff_minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
        "lockout_ends_at": attempt_time + cool_off if cool_off else None,
    }
    status = getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)
    response = render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=status)
    response["Cache-Control"] = "private, no-store"
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
