"""The force's link page (`/comments/<token>/`, no sign-in) and the office's pages about the invitation.

The link page is rate-limited before the token is read (forcecomments.throttle); an unknown or forged token and a
revoked link are a 404, an expired one a 410. It shows only what the invitation covers: the report's facts, the
findings of the response and the comments-due date, and the versions sent through this invitation. The office's
pages load the response through `responses.views.response_view` (another body's response is a 404; writes need
an editor).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.http import AuthenticatedHttpRequest
from forcecomments import selectors, services, throttle
from forcecomments.forms import SubmissionForm, UseForm
from forcecomments.models import Submission
from forcecomments.rules import expires_on, is_expired
from responses.models import Response
from responses.services import EditConflict
from responses.views import response_view


def _private(page: HttpResponse) -> HttpResponse:
    # The token is in the address: never send it to another site as a referrer (same-origin, not no-referrer: with
    # no-referrer the browser posts the form with "Origin: null", which the CSRF check rightly refuses), and never
    # index the page.
    page["Referrer-Policy"] = "same-origin"
    page["X-Robots-Tag"] = "noindex, nofollow"
    return page


@never_cache
def comments(request: HttpRequest, token: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if throttle.throttled(request, token):
        page = render(request, "forcecomments/too_many.html", status=429)
        page["Retry-After"] = str(throttle.window())
        return _private(page)
    link = selectors.link_for_token(token)
    if link is None:
        throttle.record_failure(request, token)
        raise Http404("No such link.")
    invitation = link.invitation
    if invitation.revoked_at is not None:
        raise Http404("This link was revoked.")
    response = invitation.response
    today = timezone.localdate()
    if is_expired(invitation, today):
        context = {"response": response, "expires_on": expires_on(invitation)}
        return _private(render(request, "forcecomments/expired.html", context, status=410))
    services.link_record_opened(link=link)
    findings = services.action_findings(response)
    versions = list(Submission.objects.filter(invitation=invitation).prefetch_related("actions").order_by("-number"))
    initial: dict[str, str] = {}
    if versions:
        latest = versions[0]
        initial = {"name": latest.name, "email": latest.email, "cc_comments": latest.cc_comments}
        initial.update({f"action_{a.finding_id}": a.action for a in latest.actions.all()})
    form = SubmissionForm(request.POST if request.method == "POST" else None, findings=findings, initial=initial)
    if request.method == "POST" and form.is_valid():
        submission = services.submission_create(
            link=link,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            cc_comments=form.cleaned_data["cc_comments"],
            actions=form.actions(),
        )
        messages.success(
            request,
            f"Thank you: the chief constable's comments were sent to {response.body.display_name} "
            f"(version {submission.number}).",
        )
        return redirect(request.path)
    context = {
        "response": response,
        "inspection": response.inspection,
        "link": link,
        "form": form,
        "versions": versions,
        "expires_on": expires_on(invitation),
        "today": today,
    }
    return _private(render(request, "forcecomments/comments.html", context))


# --- the office's pages --------------------------------------------------------------------------------------
def _back(response: Response) -> str:
    return f"{response.get_absolute_url()}#force-comments"


@response_view(("GET", "POST"), edit=True)
def invite(request: AuthenticatedHttpRequest, response: Response) -> HttpResponse:
    refusal = services.invitation_refusal(response)
    if request.method == "POST" and not refusal:
        try:
            invitation = services.invitation_create(response=response, user=request.user)
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            count = invitation.links.count()
            messages.success(
                request,
                f"Invitation queued to {count} force contact address{'es' if count != 1 else ''}: "
                f"{', '.join(link.recipient for link in invitation.links.all())}.",
            )
            return redirect(_back(response))
    context = {
        "response": response,
        "refusal": refusal,
        "no_contacts": not response.body.force_contact_list(),
        "contacts": response.body.force_contact_list(),
        "contacts_url": services.contacts_admin_url(response) if request.user.is_national else "",
        "submitted": request.method == "POST",
    }
    return render(request, "forcecomments/invite.html", context, status=200)


@response_view(("POST",))
def revoke(request: AuthenticatedHttpRequest, response: Response) -> HttpResponse:
    live = response.force_invitations.filter(revoked_at__isnull=True).first()
    if live is None:
        messages.info(request, "There was no live link to revoke.")
    else:
        services.invitation_revoke(invitation=live, user=request.user)
        messages.success(request, "The link was revoked: it no longer opens, and no more reminders are sent.")
    return redirect(_back(response))


def _submission(response: Response, submission_pk: int) -> Submission:
    submission = selectors.submission_for_response(response, submission_pk)
    if submission is None:
        raise Http404("No such version.")
    return submission


@response_view()
def submission_detail(request: AuthenticatedHttpRequest, response: Response, submission_pk: int) -> HttpResponse:
    submission = _submission(response, submission_pk)
    context = {"response": response, "submission": submission, "can_edit": request.user.can_edit()}
    return render(request, "forcecomments/submission.html", context)


@response_view(("POST",))
def submission_use(request: AuthenticatedHttpRequest, response: Response, submission_pk: int) -> HttpResponse:
    submission = _submission(response, submission_pk)
    form = UseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The page was out of date. Look at the comments again and choose to use them.")
        return redirect(_back(response))
    try:
        changed = services.submission_use(
            submission=submission, user=request.user, expected_version=form.cleaned_data["version"]
        )
    except EditConflict:
        messages.error(
            request,
            "Someone else saved a change to this response meanwhile, so nothing was copied. Check the comments "
            "below and choose to use them again.",
        )
        return redirect(_back(response))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_back(response))
    if changed:
        messages.success(
            request, f"The force's comments (version {submission.number}) are now the chief constable's comments."
        )
    else:
        messages.info(request, "These comments were already the chief constable's comments: nothing changed.")
    return redirect(f"{response.get_absolute_url()}#comments")
