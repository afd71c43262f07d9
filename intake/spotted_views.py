"""The "Spotted reports" page: what the watched feeds found (`intake.feeds`) that the user's body has still to deal
with, each to be added through "Add an inspection" (pre-filled with its link) or dismissed with a reason.

For editors, approvers and admins of a body (their body's) and the national superuser (every body's); a viewer gets
403, and another body's spotted report is a 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from intake import selectors, services
from intake.models import SpottedStatus


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="Why is this report not for your office?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: it is about another force, or it is a news item and not a report.",
        error_messages={"required": "Say why this report is not for your office."},
    )


def _require_editor(request: AuthenticatedHttpRequest) -> None:
    if not request.user.can_edit():
        raise PermissionDenied("Your role can read responses but not add inspections.")


def add_link(link: str) -> str:
    """'Add an inspection' pre-filled with a spotted report's link."""
    return f"{reverse('inspection_add')}?{urlencode({'address': link})}"


@login_required
@require_http_methods(["GET", "HEAD"])
def spotted_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_editor(request)
    spotted = list(selectors.spotted_reports_for_user(user=request.user))
    rows = [(report, add_link(report.link)) for report in spotted]
    return render(request, "intake/spotted.html", {"rows": rows, "national": request.user.is_national})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def spotted_dismiss(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    spotted = selectors.spotted_report_for_user(user=request.user, pk=pk)
    if spotted.status != SpottedStatus.NEW:
        messages.info(request, f"“{spotted.title}” has already been dealt with.")
        return redirect("spotted_list")
    form = DismissForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.spotted_report_dismiss(spotted=spotted, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as refused:
            form.add_error("reason", refused)
        else:
            messages.success(request, f"“{spotted.title}” is dismissed: it is no longer listed.")
            return redirect("spotted_list")
    return render(request, "intake/spotted_dismiss.html", {"spotted": spotted, "form": form})
