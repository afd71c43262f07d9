"""The office's own administration, under /office/: people and invitations, the body's addresses and signatories,
its outbox and its audit trail. For the body's admins (their own body only) and national administrators (any body,
chosen with `?body=<id>`). Anyone else signed in gets 403; another body's person, signatory or email is a 404.

Each view: check who is asking, load through `office.selectors`, call one service, redirect with a banner.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from audit.filters import AuditFilter
from audit.selectors import audit_entries_for_user
from inspections.models import LocalPolicingBody
from office import selectors, services
from office.forms import InviteForm, JoinForm, OutboxFilterForm, RoleForm, SettingsForm, SignatoryForm

PAGE_SIZE = 50

View = Callable[..., HttpResponse]


def office_view(view: View) -> View:
    """Signed in, an administrator (403 otherwise), with the body they administer as `body` (None: a national
    administrator who has not chosen one, sent to choose)."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.can_administer() or (user.body_id is None and not user.is_national):
            raise PermissionDenied("Only your office's administrators can manage the office.")
        body = selectors.administered_body(user, request.GET.get("body"))
        return view(request, body, *args, **kwargs)

    return wrapper


def _url(name: str, body: LocalPolicingBody | None, *args: Any, query: dict[str, str] | None = None) -> str:
    """`name`'s address, naming the body in the query string (which only national administrators need)."""
    params = {"body": str(body.pk)} if body is not None else {}
    params.update(query or {})
    url = reverse(f"office:{name}", args=args)
    return f"{url}?{urlencode(params)}" if params else url


def _choose_body(request: AuthenticatedHttpRequest) -> HttpResponse:
    return redirect("office:home")


def _error(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def sso_configured() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", "") and getattr(settings, "OIDC_RP_CLIENT_SECRET", ""))


@office_view
@require_http_methods(["GET", "HEAD"])
def home(request: AuthenticatedHttpRequest, body: LocalPolicingBody | None) -> HttpResponse:
    if body is None:
        bodies = LocalPolicingBody.objects.order_by("-active", "name")
        return render(request, "office/choose_body.html", {"bodies": bodies})
    context = {
        "body": body,
        "people": selectors.members_of_body(body).filter(is_active=True).count(),
        "invited": selectors.open_invitations(body).count(),
        "failed": selectors.outbox_of_body(body).filter(status="failed").count(),
        "signatories": body.signatories.filter(active=True).count(),
        "q": _query(body),
    }
    return render(request, "office/home.html", context)


def _query(body: LocalPolicingBody) -> str:
    return f"?body={body.pk}"


# --- people --------------------------------------------------------------------------------------------------------
@office_view
@require_http_methods(["GET", "HEAD"])
def people(request: AuthenticatedHttpRequest, body: LocalPolicingBody | None) -> HttpResponse:
    if body is None:
        return _choose_body(request)
    context = {
        "body": body,
        "members": selectors.members_of_body(body),
        "invitations": selectors.open_invitations(body).order_by("-created_at"),
        "q": _query(body),
    }
    return render(request, "office/people.html", context)


@office_view
@require_http_methods(["GET", "HEAD", "POST"])
def invite(request: AuthenticatedHttpRequest, body: LocalPolicingBody | None) -> HttpResponse:
    if body is None:
        return _choose_body(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                body=body, email=form.cleaned_data["email"], role=form.cleaned_data["role"], invited_by=request.user
            )
        except ValidationError as exc:
            form.add_error("email", _error(exc))
        except services.MailNotSent:
            form.add_error(
                "email",
                "The invitation could not be emailed just now, so it was not saved. Try again in a few minutes.",
            )
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email} as {invitation.get_role_display().lower()}. "
                f"The link works once, within {settings.OFFICE_INVITATION_DAYS} days.",
            )
            return HttpResponseRedirect(_url("people", body if request.user.is_national else None))
    context = {"body": body, "form": form, "q": _query(body), "valid_days": settings.OFFICE_INVITATION_DAYS}
    return render(request, "office/invite.html", context)


@office_view
@require_POST
def invitation_withdraw(request: AuthenticatedHttpRequest, body: LocalPolicingBody | None, pk: int) -> HttpResponse:
    invitation = selectors.invitation_for_admin(request.user, pk)
    try:
        services.invitation_withdraw(invitation=invitation, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error(exc))
    else:
        messages.success(request, f"The invitation to {invitation.email} is withdrawn: its link no longer works.")
    return HttpResponseRedirect(_url("people", invitation.body if request.user.is_national else None))


def _back_to_person(request: AuthenticatedHttpRequest, member: User) -> HttpResponse:
    return HttpResponseRedirect(_url("person", member.body if request.user.is_national else None, member.pk))


@office_view
@require_http_methods(["GET", "HEAD", "POST"])
def person(request: AuthenticatedHttpRequest, body: LocalPolicingBody | None, pk: int) -> HttpResponse:
    member = selectors.member_for_admin(request.user, pk)
    form = RoleForm(request.POST or None, initial={"role": member.role})
    if request.method == "POST" and form.is_valid():
        old = member.get_role_display().lower()
        try:
            member = services.user_change_role(user=member, role=form.cleaned_data["role"], by=request.user)
        except ValidationError as exc:
            form.add_error("role", _error(exc))
        else:
            new = member.get_role_display().lower()
            if old == new:
                messages.success(request, f"{member} is still {new}: nothing changed.")
            else:
                messages.success(request, f"{member} is now {new} (was {old}).")
            return _back_to_person(request, member)
    context = {"body": member.body, "member": member, "form": form, "q": _query(member.body)}  # type: ignore[arg-type]
    return render(request, "office/person.html", context)


@office_view
@require_POST
def person_deactivate(request: AuthenticatedHttpRequest, body: LocalPolicingBody | None, pk: int) -> HttpResponse:
    member = selectors.member_for_admin(request.user, pk)
    try:
        services.user_deactivate(user=member, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error(exc))
    else:
        messages.success(request, f"{member} is deactivated: they can no longer sign in. Their history stays.")
    return _back_to_person(request, member)


@office_view
@require_POST
def person_reactivate(request: AuthenticatedHttpRequest, body: LocalPolicingBody | None, pk: int) -> HttpResponse:
    member = selectors.member_for_admin(request.user, pk)
    try:
        services.user_reactivate(user=member, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error(exc))
    else:
        messages.success(request, f"{member} is active again and can sign in.")
    return _back_to_person(request, member)


@office_view
@require_POST
def person_password_link(request: AuthenticatedHttpRequest, body: LocalPolicingBody | None, pk: int) -> HttpResponse:
    member = selectors.member_for_admin(request.user, pk)
    try:
        services.user_send_password_link(user=member, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error(exc))
    except services.MailNotSent:
        messages.error(request, "The link could not be emailed just now. Try again in a few minutes.")
    else:
        messages.success(request, f"A link to choose a new password is emailed to {member.email}.")
    return _back_to_person(request, member)


# --- settings and signatories --------------------------------------------------------------------------------------
@office_view
@require_http_methods(["GET", "HEAD", "POST"])
def body_settings(request: AuthenticatedHttpRequest, body: LocalPolicingBody | None) -> HttpResponse:
    if body is None:
        return _choose_body(request)
    initial = {
        "shared_inbox": body.shared_inbox,
        "escalation_emails": "\n".join(body.escalation_list()),
        "force_contact_emails": "\n".join(body.force_contact_list()),
        "sso_email_domains": "\n".join(body.sso_domain_list()),
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.body_update_settings(body=body, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _error(exc))
        else:
            messages.success(request, "The office's addresses are saved." if changed else "Nothing changed.")
            return HttpResponseRedirect(_url("settings", body if request.user.is_national else None))
    return render(request, "office/settings.html", {"body": body, "form": form, "q": _query(body)})


@office_view
@require_http_methods(["GET", "HEAD", "POST"])
def signatories(request: AuthenticatedHttpRequest, body: LocalPolicingBody | None) -> HttpResponse:
    if body is None:
        return _choose_body(request)
    form = SignatoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            signatory = services.signatory_create(
                body=body, name=data["name"], title=data["title"], order=data["order"], by=request.user
            )
        except ValidationError as exc:
            form.add_error("name", _error(exc))
        else:
            messages.success(request, f"{signatory} added as a signatory.")
            return HttpResponseRedirect(_url("signatories", body if request.user.is_national else None))
    context = {"body": body, "form": form, "signatories": body.signatories.order_by("-active", "order", "name")}
    return render(request, "office/signatories.html", {**context, "q": _query(body)})


@office_view
@require_http_methods(["GET", "HEAD", "POST"])
def signatory_edit(request: AuthenticatedHttpRequest, body: LocalPolicingBody | None, pk: int) -> HttpResponse:
    signatory = selectors.signatory_for_admin(request.user, pk)
    initial = {"name": signatory.name, "title": signatory.title, "order": signatory.order, "active": signatory.active}
    form = SignatoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            signatory = services.signatory_update(signatory=signatory, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("name", _error(exc))
        else:
            state = "" if signatory.active else " (no longer offered when approving)"
            messages.success(request, f"{signatory} saved{state}.")
            return HttpResponseRedirect(_url("signatories", signatory.body if request.user.is_national else None))
    context = {"body": signatory.body, "signatory": signatory, "form": form, "q": _query(signatory.body)}
    return render(request, "office/signatory_edit.html", context)


# --- the outbox ----------------------------------------------------------------------------------------------------
@office_view
@require_http_methods(["GET", "HEAD"])
def outbox(request: AuthenticatedHttpRequest, body: LocalPolicingBody | None) -> HttpResponse:
    if body is None:
        return _choose_body(request)
    form = OutboxFilterForm(request.GET)
    rows = selectors.outbox_of_body(body)
    if statuses := form.statuses():
        rows = rows.filter(status__in=statuses)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page"}
    context = {"body": body, "form": form, "page": page, "q": _query(body), "query": urlencode(query)}
    return render(request, "office/outbox.html", context)


@office_view
@require_POST
def outbox_send_again(request: AuthenticatedHttpRequest, body: LocalPolicingBody | None, pk: int) -> HttpResponse:
    email = selectors.outbox_email_for_admin(request.user, pk)
    owner = services.outbox_body_id(email)
    try:
        services.outbox_email_send_again(email=email, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error(exc))
    else:
        messages.success(
            request, f"A new copy of the email to {email.recipient} is queued: it goes with the next send."
        )
    target = None
    if request.user.is_national and owner is not None:
        target = LocalPolicingBody.objects.filter(pk=owner).first()
    return HttpResponseRedirect(_url("outbox", target, query={"status": "failed"}))


# --- the audit trail -----------------------------------------------------------------------------------------------
@office_view
@require_http_methods(["GET", "HEAD"])
def audit_trail(request: AuthenticatedHttpRequest, body: LocalPolicingBody | None) -> HttpResponse:
    if body is None:
        return _choose_body(request)
    entries = audit_entries_for_user(request.user).filter(body_id=body.pk).select_related("actor", "content_type")
    filterset = AuditFilter(request.GET, queryset=entries.order_by("-timestamp", "-id"))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = filterset.form.active_filters()
    export_query = urlencode({**filters, "excel": "1"})
    context = {
        "body": body,
        "form": filterset.form,
        "page": page,
        "q": _query(body),
        "query": urlencode({**({"body": str(body.pk)} if request.user.is_national else {}), **filters}),
        "export_url": f"{reverse('export_audit')}?{export_query}",
    }
    return render(request, "office/audit.html", context)


# --- joining by invitation -----------------------------------------------------------------------------------------
_REFUSED = {
    "unknown": (
        404,
        "This invitation link does not work",
        "The link is not one this service sent, or it was copied "
        "incompletely. Check that you copied the whole link from the email.",
    ),
    "used": (
        410,
        "This invitation has already been used",
        "Each invitation link works once, and this one has "
        "been used to make an account. Sign in with that account, or ask your office's administrator.",
    ),
    "withdrawn": (
        410,
        "This invitation has been withdrawn",
        "Your office's administrator withdrew it or sent you "
        "a newer one. Use the link in the newest email, or ask them to invite you again.",
    ),
    "expired": (
        410,
        "This invitation has expired",
        "Invitation links work for {days} days. Ask your office's administrator to invite you again.",
    ),
}


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    status, title, text = _REFUSED[reason]
    context = {"title": title, "text": text.format(days=settings.OFFICE_INVITATION_DAYS)}
    return render(request, "office/join_refused.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's page: choose a username and password (or, with single sign-on, accept and sign in by it)."""
    try:
        invitation = services.invitation_for_token(token=token)
    except services.InvitationRefused as exc:
        return _refused(request, exc.reason)
    sso = sso_configured()
    by_sso = sso and request.method == "POST" and request.POST.get("sso") == "1"
    form = JoinForm(None if by_sso else (request.POST or None), email=invitation.email)
    if by_sso or (request.method == "POST" and form.is_valid()):
        data = {} if by_sso else form.cleaned_data
        try:
            user = services.invitation_accept(
                token=token,
                username=invitation.email if by_sso else data["username"],
                password=None if by_sso else data["password1"],
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
        except services.InvitationRefused as exc:
            return _refused(request, exc.reason)
        except ValidationError as exc:
            form.add_error(None, _error(exc))
        else:
            how = f"with {settings.SSO_PROVIDER_NAME}" if by_sso else f"with the username {user.get_username()}"
            messages.success(request, f"Your account for {invitation.body.display_name} is ready. Sign in {how}.")
            return redirect("login")
    context = {"invitation": invitation, "form": form, "sso": sso, "sso_provider": settings.SSO_PROVIDER_NAME}
    return render(request, "office/join.html", context)
