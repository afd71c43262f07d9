from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifications import services
from notifications.calendar import build_calendar
from notifications.emails import DIGEST_OPT_OUT_SALT, absolute_url
from notifications.selectors import calendar_responses, calendar_token_live, calendar_token_of

# The shape of a feed token (secrets.token_urlsafe, in a 64-character column): anything else is no feed, and is not
# looked up (PostgreSQL refuses a null character in a query, which would be a 500 instead of a 404).
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    if not TOKEN_SHAPE.fullmatch(token):
        raise Http404("No such calendar feed.")
    found = calendar_token_live(token)
    if found is None:
        raise Http404("No such calendar feed.")
    user = found.user
    body = user.body.display_name if user.body is not None else "all bodies"
    ics = build_calendar(name=f"Section 55 deadlines – {body}", responses=calendar_responses(user))
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="section55-deadlines.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@login_required
@require_GET
def calendar_settings(request: HttpRequest) -> HttpResponse:
    token = calendar_token_of(request.user)
    feed_url = absolute_url(reverse("calendar_feed", args=[token.token])) if token else ""
    return render(request, "notifications/calendar.html", {"token": token, "feed_url": feed_url})


@login_required
@require_POST
def calendar_token_create(request: HttpRequest) -> HttpResponse:
    services.calendar_token_create(user=request.user)
    messages.success(request, "Your calendar feed address is ready.")
    return redirect("calendar_settings")


@login_required
@require_POST
def calendar_token_revoke(request: HttpRequest) -> HttpResponse:
    services.calendar_token_revoke(user=request.user)
    messages.success(request, "Your calendar feed address no longer works.")
    return redirect("calendar_settings")


@login_required
@require_POST
def calendar_token_renew(request: HttpRequest) -> HttpResponse:
    services.calendar_token_renew(user=request.user)
    messages.success(request, "Your calendar feed has a new address; the old one no longer works.")
    return redirect("calendar_settings")


@login_required
@require_POST
def digest_set(request: HttpRequest) -> HttpResponse:
    enabled = request.POST.get("daily_digest") == "on"
    services.user_set_daily_digest(user=request.user, enabled=enabled)
    if enabled:
        messages.success(request, "You will get one daily digest of your reminders.")
    else:
        messages.success(request, "You will get each reminder as a separate email, on the day it is due.")
    return redirect("calendar_settings")


# The List-Unsubscribe link of a digest. RFC 8058 one-click unsubscribe arrives as a POST from the mail provider,
# without a session or CSRF token: the signed user id in the address is what authorises it.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def digest_opt_out(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_id = signing.loads(token, salt=DIGEST_OPT_OUT_SALT)
    except signing.BadSignature:
        raise Http404("No such link.") from None
    user = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    done = request.method == "POST"
    if done:
        services.user_set_daily_digest(user=user, enabled=False)
    return render(request, "notifications/digest_opt_out.html", {"done": done, "digest_on": user.daily_digest})
