"""Staff pages and the public page of a published response.

Every view that touches a response goes through `response_view`: the response is loaded with
`selectors.response_for_user` (another body's response is a 404), then anything but a read needs an editor
(a viewer gets 403), then the method is checked. Writes call one function of `responses.services` with the version the
form was loaded with, which refuses to overwrite a change made since.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from audit.selectors import may_read_audit_trail
from inspections.models import FindingKind
from responses import selectors, services
from responses.docx import response_docx
from responses.filters import HIDE, SHOW, ResponseFilter
from responses.forms import (
    CommentsDueForm,
    CommentsForm,
    CorrectionForm,
    DeadlineForm,
    ExplanationForm,
    NotRequiredForm,
    OwnerForm,
    ProgressForm,
    PublishForm,
    ReadyForm,
    ReopenForm,
    RestoreDeadlineForm,
    TickForm,
    UntickForm,
    VersionedForm,
)
from responses.models import PublishedVersion, Response
from responses.pdf import response_pdf
from responses.rules import publication_problems
from responses.services._base import part_comments, part_dates, part_explanation, part_owner, part_step
from responses.snapshot import PublicDocument

PAGE_SIZE = 25
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"

ResponseViewFunc = Callable[..., HttpResponse]


def response_view(
    methods: tuple[str, ...] = ("GET",), *, edit: bool = False
) -> Callable[[ResponseViewFunc], Callable[..., HttpResponse]]:
    """Load the response for the signed-in user (404 if not theirs); writes and edit pages need an editor (403)."""

    def decorator(view: ResponseViewFunc) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: AuthenticatedHttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
            response = selectors.response_for_user(user=request.user, pk=pk)
            if request.user.body_id == response.body_id:
                # The page header names the user's body (accounts.context_processors): already loaded, no query.
                request.user.body = response.body
            if (edit or request.method not in ("GET", "HEAD")) and not request.user.can_edit():
                raise PermissionDenied("Your role can read responses but not change them.")
            if request.method not in methods and not (request.method == "HEAD" and "GET" in methods):
                return HttpResponseNotAllowed(methods)
            return view(request, response, **kwargs)

        return wrapped

    return decorator


def _save(form: VersionedForm, action: Callable[[], Any]) -> bool:
    """Run one guarded write; on a conflict or a refused value, put the reason on the form and return False."""
    try:
        action()
    except services.EditConflict as conflict:
        form.show_conflict(conflict)
        return False
    except ValidationError as error:
        form.add_service_error(error)
        return False
    return True


def _form_page(
    request: AuthenticatedHttpRequest, template: str, response: Response, form: Any, **context: Any
) -> HttpResponse:
    return render(request, template, {"response": response, "form": form, **context})


# --- the dashboard and the deadline calendar ---------------------------------------------------------------
# "Show finished" is remembered for the user's session: set by the link, it stays until they switch it back.
SHOW_FINISHED_KEY = "dashboard_show_finished"


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    choice = request.GET.get("finished")
    if choice in (SHOW, HIDE) and request.session.get(SHOW_FINISHED_KEY, False) != (choice == SHOW):
        request.session[SHOW_FINISHED_KEY] = choice == SHOW
    filterset = ResponseFilter(
        request.GET,
        queryset=selectors.dashboard_responses(user=request.user),
        user=request.user,
        today=today,
        finished_default=request.session.get(SHOW_FINISHED_KEY, False),
    )
    filters = filterset.form
    responses = filterset.qs
    show_finished = bool(filterset.show_finished)
    counts = selectors.status_counts(user=request.user, today=today)
    paginator = Paginator(responses, PAGE_SIZE)
    applied = filters.valid_filters()
    if set(applied) - {"finished", "sort"} <= {"status"}:
        # No filter, or only a status one: the counts above already say how many rows the list has, so the
        # paginator need not count them again (at national scale a second pass over 100,000 rows).
        paginator.count = selectors.counted(counts, applied.get("status"), finished=show_finished)  # type: ignore[misc]
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "responses/dashboard.html",
        {
            "filters": filters,
            "page_obj": page,
            "rows": selectors.dashboard_rows(page, today=today),
            "national": request.user.is_national,
            "counts": counts,
            "today": today,
            "sort": filterset.current_sort,
            # Carried by every link that keeps the filters, so an export lists what the page does.
            "finished": SHOW if show_finished else HIDE,
            "may_export_audit": may_read_audit_trail(request.user),
        },
    )


@login_required
@require_GET
def deadline_calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        start = dt.datetime.strptime(request.GET.get("from", ""), "%Y-%m").date()
    except ValueError:
        start = today.replace(day=1)
    if not 1990 <= start.year <= 2100:  # keep the previous/next links within dates Python can represent
        start = today.replace(day=1)
    months = selectors.deadline_calendar(user=request.user, today=today, start=start)
    return render(
        request,
        "responses/calendar.html",
        {
            "months": months,
            "today": today,
            "previous": selectors.add_months(start, -3),
            "next": selectors.add_months(start, 3),
        },
    )


# --- the response page ---------------------------------------------------------------------------------------
def _detail(
    request: AuthenticatedHttpRequest, response: Response, *, ready_form: ReadyForm | None = None
) -> HttpResponse:
    today = timezone.localdate()
    doc = selectors.response_document(response)
    unexplained = [finding_response.finding for finding_response in doc.unexplained_recommendations]
    since = selectors.since_publication(doc) if response.published_on else None
    return render(
        request,
        "responses/detail.html",
        {
            "response": response,
            "doc": doc,
            "since_publication": since,
            "timeline": selectors.response_timeline(response),
            "ready_form": ready_form or ReadyForm(response=response),
            "problems": ([] if response.published_on else publication_problems(response, unexplained=unexplained)),
            "can_edit": request.user.can_edit(),
            "today": today,
            "public_url": _public_url(request, response) if since else "",
        },
    )


@response_view()
def response_detail(request: AuthenticatedHttpRequest, response: Response) -> HttpResponse:
    return _detail(request, response)


@response_view(("GET", "POST"), edit=True)
def response_edit_comments(request: AuthenticatedHttpRequest, response: Response) -> HttpResponse:
    initial = {name: getattr(response, name) for name in services.COMMENT_FIELDS}
    form = CommentsForm(request.POST or None, response=response, initial=initial, part=part_comments(response))
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.COMMENT_FIELDS}
        changed: list[str] = []

        def save() -> None:
            changed.extend(services.response_update_comments(response=response, **form.expected, **values))

        if _save(form, save):
            if changed:
                messages.success(request, f"Saved: {', '.join(changed)}.")
            else:
                messages.info(request, "Nothing had changed, so nothing was saved.")
            return redirect(f"{response.get_absolute_url()}#comments")
    return _form_page(request, "responses/edit_comments.html", response, form)


@response_view(("GET", "POST"), edit=True)
def response_edit_owner(request: AuthenticatedHttpRequest, response: Response) -> HttpResponse:
    form = OwnerForm(
        request.POST or None,
        response=response,
        owners=selectors.owner_choices(response),
        initial={"owner": response.owner_id},
        part=part_owner(response),
    )
    if request.method == "POST" and form.is_valid():
        owner = form.cleaned_data["owner"]
        if _save(
            form,
            lambda: services.response_set_owner(response=response, owner=owner, **form.expected),
        ):
            who = (owner.get_full_name() or owner.username) if owner else "nobody"
            messages.success(request, f"Owner changed to {who}.")
            return redirect(response.get_absolute_url())
    return _form_page(request, "responses/edit_owner.html", response, form)


@response_view(("GET", "POST"), edit=True)
def response_edit_comments_due(request: AuthenticatedHttpRequest, response: Response) -> HttpResponse:
    form = CommentsDueForm(
        request.POST or None,
        response=response,
        initial={"comments_due": response.comments_due},
        part=part_dates(response),
    )
    if request.method == "POST" and form.is_valid():
        due = form.cleaned_data["comments_due"]
        if _save(
            form,
            lambda: services.response_set_comments_due(response=response, comments_due=due, **form.expected),
        ):
            messages.success(
                request,
                f"Chief constable's comments now due on {due:%-d %B %Y}."
                if due
                else "The chief constable's comments-due date was removed.",
            )
            return redirect(f"{response.get_absolute_url()}#dates")
    return _form_page(request, "responses/edit_comments_due.html", response, form)


@response_view(("GET", "POST"), edit=True)
def response_edit_deadline(request: AuthenticatedHttpRequest, response: Response) -> HttpResponse:
    form = DeadlineForm(
        request.POST or None, response=response, initial={"deadline": response.deadline}, part=part_dates(response)
    )
    restore_form = RestoreDeadlineForm(response=response, prefix="restore", part=part_dates(response))
    if request.method == "POST" and form.is_valid():
        deadline, reason = form.cleaned_data["deadline"], form.cleaned_data["reason"]
        if _save(
            form,
            lambda: services.response_override_deadline(
                response=response, deadline=deadline, reason=reason, **form.expected
            ),
        ):
            messages.success(request, f"Section 55 response deadline changed to {deadline:%-d %B %Y}.")
            return redirect(f"{response.get_absolute_url()}#dates")
    return _form_page(request, "responses/edit_deadline.html", response, form, restore_form=restore_form)


@response_view(("POST",))
def response_restore_deadline(request: AuthenticatedHttpRequest, response: Response) -> HttpResponse:
    restore_form = RestoreDeadlineForm(request.POST, response=response, prefix="restore", part=part_dates(response))
    if restore_form.is_valid() and _save(
        restore_form,
        lambda: services.response_restore_deadline(
            response=response, reason=restore_form.cleaned_data["reason"], **restore_form.expected
        ),
    ):
        messages.success(request, f"Deadline set back to the HMICFRS form date, {response.deadline:%-d %B %Y}.")
        return redirect(f"{response.get_absolute_url()}#dates")
    form = DeadlineForm(response=response, initial={"deadline": response.deadline}, part=part_dates(response))
    return _form_page(request, "responses/edit_deadline.html", response, form, restore_form=restore_form)


# --- findings -----------------------------------------------------------------------------------------------
# A finding's page is one form with two buttons: "Save explanation" posts it to finding_edit, "Add progress update"
# to finding_add_progress (the button's formaction, so no JavaScript). Either way both halves arrive; the half that
# was not saved and holds typed text is kept for the page that follows (in the session, so that page is a GET and
# reloading it adds nothing twice), with a banner saying it is not saved yet.
def _draft_key(finding_response: Any) -> str:
    return f"finding-draft-{finding_response.pk}"


def _typed_explanation(request: AuthenticatedHttpRequest, finding_response: Any) -> dict[str, str] | None:
    """The explanation posted with the progress form, if it differs from the one saved."""
    text = request.POST.get("explanation")
    if text is None or text.strip() == finding_response.explanation:
        return None
    return {
        "explanation": text,
        "version": request.POST.get("version", ""),
        "part_state": request.POST.get("part_state", ""),
    }


def _typed_progress(request: AuthenticatedHttpRequest) -> dict[str, str] | None:
    """The progress update posted with the explanation form, if any was written."""
    note = request.POST.get("progress-note", "")
    if not note.strip():
        return None
    return {"progress": request.POST.get("progress-progress", ""), "note": note}


def _finding_page(
    request: AuthenticatedHttpRequest, response: Response, finding_response: Any, form: Any, progress_form: Any
) -> HttpResponse:
    return render(
        request,
        "responses/edit_finding.html",
        {
            "response": response,
            "finding_response": finding_response,
            "updates": finding_response.updates.select_related("created_by"),
            "form": form,
            "progress_form": progress_form,
        },
    )


@response_view(("GET", "POST"), edit=True)
def finding_edit(request: AuthenticatedHttpRequest, response: Response, finding_pk: int) -> HttpResponse:
    finding_response = selectors.finding_response_for(response=response, pk=finding_pk)
    if request.method == "GET":
        draft = request.session.pop(_draft_key(finding_response), None) or {}
        initial = {"explanation": draft.get("explanation", finding_response.explanation)}
        if str(draft.get("version", "")).isdigit():
            initial["version"] = int(draft["version"])
            initial["part_state"] = draft.get("part_state", "")
        form = ExplanationForm(response=response, initial=initial, part=part_explanation(finding_response))
        progress_form = ProgressForm(prefix="progress", initial=draft.get("progress"))
        return _finding_page(request, response, finding_response, form, progress_form)
    form = ExplanationForm(request.POST, response=response)
    progress = _typed_progress(request)
    if form.is_valid() and _save(
        form,
        lambda: services.finding_response_explain(
            finding_response=finding_response, explanation=form.cleaned_data["explanation"], **form.expected
        ),
    ):
        messages.success(request, f"Explanation of {finding_response.finding} saved.")
        if progress is None:
            return redirect(f"{response.get_absolute_url()}#finding-{finding_response.pk}")
        request.session[_draft_key(finding_response)] = {"progress": progress}
        messages.warning(
            request, "Your progress update has not been added yet: check it and press “Add progress update”."
        )
        return redirect(reverse("finding_edit", args=[response.pk, finding_response.pk]))
    return _finding_page(request, response, finding_response, form, ProgressForm(prefix="progress", initial=progress))


@response_view(("POST",))
def finding_add_progress(request: AuthenticatedHttpRequest, response: Response, finding_pk: int) -> HttpResponse:
    finding_response = selectors.finding_response_for(response=response, pk=finding_pk)
    progress_form = ProgressForm(request.POST, prefix="progress")
    explanation = _typed_explanation(request, finding_response)
    if progress_form.is_valid():
        try:
            services.finding_response_add_update(
                finding_response=finding_response,
                progress=progress_form.cleaned_data["progress"],
                note=progress_form.cleaned_data["note"],
                user=request.user,
            )
        except ValidationError as error:
            progress_form.add_error(None, error)
        else:
            messages.success(request, f"Progress update on {finding_response.finding} added.")
            if explanation is not None:
                request.session[_draft_key(finding_response)] = explanation
                messages.warning(
                    request, "Your explanation has not been saved yet: check it and press “Save explanation”."
                )
            return redirect(reverse("finding_edit", args=[response.pk, finding_response.pk]))
    # The explanation as typed (bound: its one required value is the version, so it shows no errors of its own).
    form = (
        ExplanationForm(request.POST, response=response)
        if explanation is not None
        else ExplanationForm(
            response=response,
            initial={"explanation": finding_response.explanation},
            part=part_explanation(finding_response),
        )
    )
    return _finding_page(request, response, finding_response, form, progress_form)


# --- the checklist ------------------------------------------------------------------------------------------------
def _step_page(
    request: AuthenticatedHttpRequest,
    response: Response,
    step_key: str,
    *,
    tick_form: Any = None,
    untick_form: Any = None,
) -> HttpResponse:
    step = selectors.step_by_key(step_key)
    item = response.checklist_items.filter(step=step).select_related("done_by").first()
    if tick_form is None:
        initial: dict[str, Any] = {"done_on": timezone.localdate()}
        if item is not None:
            initial |= {"evidence_url": item.evidence_url, "evidence_reference": item.evidence_reference}
        if step.key == "published_on_website" and not initial.get("evidence_url"):
            initial["evidence_url"] = _public_url(request, response)
        tick_form = TickForm(
            response=response, initial=initial, hint=step.evidence_hint, part=part_step(response, step)
        )
    return render(
        request,
        "responses/checklist_step.html",
        {
            "response": response,
            "step": step,
            "item": item,
            "tick_form": tick_form,
            "untick_form": untick_form or UntickForm(response=response, part=part_step(response, step)),
        },
    )


@response_view(edit=True)
def checklist_step(request: AuthenticatedHttpRequest, response: Response, step_key: str) -> HttpResponse:
    return _step_page(request, response, step_key)


@response_view(("POST",))
def checklist_tick(request: AuthenticatedHttpRequest, response: Response, step_key: str) -> HttpResponse:
    step = selectors.step_by_key(step_key)
    form = TickForm(request.POST, response=response, hint=step.evidence_hint)
    if form.is_valid() and _save(
        form,
        lambda: services.checklist_tick(
            response=response,
            **form.expected,
            step=step,
            user=request.user,
            done_on=form.cleaned_data["done_on"],
            evidence_url=form.cleaned_data["evidence_url"],
            evidence_reference=form.cleaned_data["evidence_reference"].strip(),
            note=form.cleaned_data["note"].strip(),
        ),
    ):
        messages.success(request, f"Ticked: {step.label}, done on {form.cleaned_data['done_on']:%-d %B %Y}.")
        return redirect(f"{response.get_absolute_url()}#checklist")
    return _step_page(request, response, step_key, tick_form=form)


@response_view(("POST",))
def checklist_untick(request: AuthenticatedHttpRequest, response: Response, step_key: str) -> HttpResponse:
    step = selectors.step_by_key(step_key)
    form = UntickForm(request.POST, response=response)
    if form.is_valid() and _save(
        form,
        lambda: services.checklist_untick(
            response=response,
            **form.expected,
            step=step,
            reason=form.cleaned_data["reason"],
        ),
    ):
        messages.success(request, f"Unticked: {step.label}.")
        return redirect(f"{response.get_absolute_url()}#checklist")
    return _step_page(request, response, step_key, untick_form=form)


# --- publishing --------------------------------------------------------------------------------------------------
@response_view(("POST",))
def response_mark_ready(request: AuthenticatedHttpRequest, response: Response) -> HttpResponse:
    form = ReadyForm(request.POST, response=response)
    if form.is_valid() and _save(
        form,
        lambda: services.response_mark_ready(response=response, expected_version=form.cleaned_data["version"]),
    ):
        messages.success(request, "Marked ready to publish: every check passed.")
        return redirect(response.get_absolute_url())
    return _detail(request, response, ready_form=form)


@response_view(("POST",))
def response_unmark_ready(request: AuthenticatedHttpRequest, response: Response) -> HttpResponse:
    form = ReadyForm(request.POST, response=response)
    if form.is_valid() and _save(
        form,
        lambda: services.response_unmark_ready(response=response, expected_version=form.cleaned_data["version"]),
    ):
        messages.success(request, "No longer marked ready to publish.")
        return redirect(response.get_absolute_url())
    return _detail(request, response, ready_form=form)


@response_view(("GET", "POST"), edit=True)
def response_publish(request: AuthenticatedHttpRequest, response: Response) -> HttpResponse:
    initial = {
        "published_on": response.published_on or timezone.localdate(),
        "published_url": response.published_url,
        "late_reason": response.late_reason,
    }
    form = PublishForm(request.POST or None, response=response, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            form,
            lambda: services.response_publish(
                response=response,
                expected_version=form.cleaned_data["version"],
                published_on=form.cleaned_data["published_on"],
                published_url=form.cleaned_data["published_url"],
                reason=form.cleaned_data["reason"],
                late_reason=form.cleaned_data["late_reason"],
                user=request.user,
            ),
        )
    ):
        messages.success(
            request,
            f"Published on {response.published_on:%-d %B %Y}. The public page, the Word document and the PDF are "
            "ready.",
        )
        return redirect(f"{response.get_absolute_url()}#publishing")
    doc = selectors.response_document(response)
    return _form_page(
        request, "responses/publish.html", response, form, doc=doc, problem_links=_problem_links(response, form)
    )


def _problem_links(response: Response, form: VersionedForm) -> list[tuple[str, str]]:
    """The publish page's refusals for the error summary, each linking the place to put it right: the explanation
    of the first unexplained recommendation, the chief constable's comments, the body's comments. Other refusals
    (a missing sign-off, a conflict) are listed as they are."""
    refused = [str(text) for text in form.non_field_errors()]
    if not refused:
        return []
    problems = set(publication_problems(response))
    comments = reverse("response_edit_comments", args=[response.pk])
    links: list[tuple[str, str]] = []
    for text in refused:
        href = ""
        if text in problems and text.startswith("Every recommendation"):
            first = next(
                (
                    fr
                    for fr in response.finding_responses.filter(finding__kind=FindingKind.RECOMMENDATION).order_by(
                        "finding__number"
                    )
                    if not fr.explanation.strip()
                ),
                None,
            )
            href = reverse("finding_edit", args=[response.pk, first.pk]) + "#id_explanation" if first else ""
        elif text in problems and "chief constable's comments" in text:
            href = f"{comments}#id_cc_comments"
        elif text in problems and "own comments" in text:
            href = f"{comments}#id_body_comments"
        links.append((text, href))
    return links


@response_view(("GET", "POST"), edit=True)
def response_publish_correction(request: AuthenticatedHttpRequest, response: Response) -> HttpResponse:
    """Publish the working text of a published response as its next version, with the reason the public reads."""
    if not response.published_on:
        return redirect(f"{response.get_absolute_url()}#publishing")
    form = CorrectionForm(request.POST or None, response=response)
    stored: list[PublishedVersion] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            form,
            lambda: stored.append(
                services.response_publish_correction(
                    response=response,
                    expected_version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
            ),
        )
    ):
        messages.success(
            request, f"Correction published as version {stored[0].number}. The public page shows it with your reason."
        )
        return redirect(f"{response.get_absolute_url()}#publishing")
    since = selectors.since_publication(selectors.response_document(response))
    return _form_page(request, "responses/correction.html", response, form, since_publication=since)


@response_view(("GET", "POST"), edit=True)
def response_not_required(request: AuthenticatedHttpRequest, response: Response) -> HttpResponse:
    form = NotRequiredForm(request.POST or None, response=response)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            form,
            lambda: services.response_close_not_required(
                response=response,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                covered_by=form.cleaned_data["covered_by"],
            ),
        )
    ):
        messages.success(request, f"Closed as not required: {response.not_required_reason}. No reminders are sent.")
        return redirect(response.get_absolute_url())
    return _form_page(request, "responses/not_required.html", response, form, reopen_form=ReopenForm(response=response))


@response_view(("POST",))
def response_reopen(request: AuthenticatedHttpRequest, response: Response) -> HttpResponse:
    form = ReopenForm(request.POST, response=response)
    if form.is_valid() and _save(
        form,
        lambda: services.response_reopen(
            response=response, expected_version=form.cleaned_data["version"], reason=form.cleaned_data["reason"]
        ),
    ):
        messages.success(request, "Open again: a response is needed, and reminders resume.")
        return redirect(response.get_absolute_url())
    return _form_page(
        request, "responses/not_required.html", response, NotRequiredForm(response=response), reopen_form=form
    )


def _public_url(request: HttpRequest, response: Response) -> str:
    if not response.slug or not response.published_on:
        return ""
    return f"{settings.SITE_URL}{reverse('published_response', args=[response.slug])}"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    result = HttpResponse(content, content_type=content_type)
    result["Content-Disposition"] = f'attachment; filename="{filename}"'
    return result


def _draft_name(response: Response, extension: str) -> str:
    return f"{response.slug or f'response-{response.pk}'}-draft.{extension}"


@response_view()
def response_download_docx(request: AuthenticatedHttpRequest, response: Response) -> HttpResponse:
    """The working text, marked as a draft: what the public sees is at /published/<slug>.docx."""
    document = selectors.draft_document(selectors.response_document(response))
    return _attachment(response_docx(document), DOCX_TYPE, _draft_name(response, "docx"))


@response_view()
def response_download_pdf(request: AuthenticatedHttpRequest, response: Response) -> HttpResponse:
    document = selectors.draft_document(selectors.response_document(response))
    return _attachment(response_pdf(document), PDF_TYPE, _draft_name(response, "pdf"))


# --- the public page ----------------------------------------------------------------------------------------------
def _published(slug: str, number: int | None = None) -> tuple[Response, PublishedVersion, PublicDocument, bool]:
    """The response at `slug`, its version `number` (None: the latest) as the public reads it, and whether that is
    the latest. The latest lists the office-use steps done so far; an earlier one was replaced and does not."""
    response = selectors.published_response(slug=slug)
    version = selectors.published_version(response=response, number=number)
    latest = number is None or selectors.latest_version(response) == version
    document = selectors.response_document(response) if latest else None
    return response, version, selectors.public_document(version, document=document), latest


def _public_page(request: HttpRequest, slug: str, number: int | None = None) -> HttpResponse:
    response, version, pub, latest = _published(slug, number)
    return render(
        request,
        "published/response.html",
        {
            "response": response,
            "version": version,
            "versions": selectors.published_versions(response),
            "pub": pub,
            "is_latest": latest,
            "current_body": response.body,
            "public_url": _public_url(request, response),
        },
    )


@require_GET
def published_response(request: HttpRequest, slug: str) -> HttpResponse:
    return _public_page(request, slug)


@require_GET
def published_response_version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    return _public_page(request, slug, number)


@require_GET
def published_response_docx(request: HttpRequest, slug: str) -> HttpResponse:
    response, version, pub, _latest = _published(slug)
    content = response_docx(pub, public_url=_public_url(request, response), moment=version.published_at)
    return _attachment(content, DOCX_TYPE, f"{response.slug}.docx")


@require_GET
def published_response_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    response, version, pub, _latest = _published(slug)
    content = response_pdf(pub, public_url=_public_url(request, response), moment=version.published_at)
    return _attachment(content, PDF_TYPE, f"{response.slug}.pdf")
