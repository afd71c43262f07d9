"""Staff pages of the published record: the sign-off, and the s55(6) covering letters."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.http import AuthenticatedHttpRequest
from responses import services
from responses.models import CoveringLetter, LetterRecipient, Response
from responses.selectors import latest_version
from responses.services.approval import active_signatories, approval_problem
from responses.signoff_forms import ApprovalForm, LetterForm, LetterSentForm, WithdrawApprovalForm
from responses.views import DOCX_TYPE, PDF_TYPE, _attachment, _save, response_view


def _signatories_url(response: Response) -> str:
    """The office's signatories page (docs/office.md), for the response's body."""
    return f"{reverse('office:signatories')}?body={response.body_id}"


def _approve_page(
    request: AuthenticatedHttpRequest,
    response: Response,
    form: ApprovalForm | None = None,
    withdraw_form: WithdrawApprovalForm | None = None,
) -> HttpResponse:
    signatories = active_signatories(response)
    if form is None:
        initial: dict[str, object] = {"approved_on": timezone.localdate()}
        if len(signatories) == 1:
            initial["signatory"] = signatories[0].pk
        form = ApprovalForm(response=response, signatories=signatories, initial=initial)
    since = latest_version(response) if response.published_on else None
    return render(
        request,
        "responses/approve.html",
        {
            "response": response,
            "form": form,
            "withdraw_form": withdraw_form or WithdrawApprovalForm(response=response, prefix="withdraw"),
            "signatories": signatories,
            "signatories_url": _signatories_url(response),
            "approval_problem": approval_problem(response, since=since),
        },
    )


def _refuse_unless_approver(request: AuthenticatedHttpRequest) -> None:
    if not request.user.can_approve():
        raise PermissionDenied("Your role cannot approve responses for publication.")


@response_view(("GET", "POST"), edit=True)
def response_approve(request: AuthenticatedHttpRequest, response: Response) -> HttpResponse:
    _refuse_unless_approver(request)
    if request.method != "POST":
        return _approve_page(request, response)
    signatories = active_signatories(response)
    form = ApprovalForm(request.POST, response=response, signatories=signatories)
    if form.is_valid():
        signatory, approved_on = form.cleaned_data["signatory"], form.cleaned_data["approved_on"]
        if _save(
            form,
            lambda: services.response_approve(
                response=response,
                expected_version=form.cleaned_data["version"],
                signatory=signatory,
                approved_on=approved_on,
                user=request.user,
            ),
        ):
            messages.success(
                request, f"Approved for publication by {signatory.name}, {signatory.title}, on {approved_on:%-d %B %Y}."
            )
            return redirect(f"{response.get_absolute_url()}#publishing")
    return _approve_page(request, response, form=form)


@response_view(("POST",))
def response_withdraw_approval(request: AuthenticatedHttpRequest, response: Response) -> HttpResponse:
    _refuse_unless_approver(request)
    form = WithdrawApprovalForm(request.POST, response=response, prefix="withdraw")
    if form.is_valid() and _save(
        form,
        lambda: services.response_withdraw_approval(
            response=response, expected_version=form.cleaned_data["version"], reason=form.cleaned_data["reason"]
        ),
    ):
        messages.success(request, "The approval was withdrawn.")
        return redirect(f"{response.get_absolute_url()}#publishing")
    return _approve_page(request, response, withdraw_form=form)


# --- the s55(6) covering letters ------------------------------------------------------------------------------
def _letters_page(
    request: AuthenticatedHttpRequest, response: Response, form: LetterForm | None = None
) -> HttpResponse:
    letters = list(response.letters.select_related("created_by"))
    return render(
        request,
        "responses/letters.html",
        {
            "response": response,
            "form": form or LetterForm(response=response, initial={"recipient": LetterRecipient.HMICFRS}),
            "letters": letters,
            "copy_to": {key: value for key, value in settings.S55_COPY_TO.items() if value},
            "can_edit": request.user.can_edit(),
        },
    )


@response_view(("GET", "POST"))
def response_letters(request: AuthenticatedHttpRequest, response: Response) -> HttpResponse:
    if not response.published_on:
        raise Http404("Letters are for published responses.")
    if request.method != "POST":
        return _letters_page(request, response)
    form = LetterForm(request.POST, response=response)
    made: list[CoveringLetter] = []
    if form.is_valid() and _save(
        form,
        lambda: made.append(
            services.covering_letter_create(
                response=response, recipient=form.cleaned_data["recipient"], user=request.user
            )
        ),
    ):
        letter = made[0]
        messages.success(
            request, f"The letter to {letter.get_recipient_display()} is ready: download it, or send it by email."
        )
        return redirect(reverse("response_letter", args=[response.pk, letter.pk]))
    return _letters_page(request, response, form=form)


def _letter_of(response: Response, letter_pk: int) -> CoveringLetter:
    letter = get_object_or_404(CoveringLetter, pk=letter_pk, response=response)
    letter.response = response
    return letter


def _letter_page(
    request: AuthenticatedHttpRequest, response: Response, letter: CoveringLetter, form: LetterSentForm | None = None
) -> HttpResponse:
    item = response.checklist_items.filter(step__key=letter.step_key).select_related("step", "letter").first()
    return render(
        request,
        "responses/letter.html",
        {
            "response": response,
            "letter": letter,
            "item": item,
            "form": form
            or LetterSentForm(response=response, initial={"sent_on": max(timezone.localdate(), letter.letter_date)}),
            "email_to": settings.S55_COPY_TO.get(letter.recipient, ""),
            "can_edit": request.user.can_edit(),
        },
    )


@response_view(("GET", "POST"))
def response_letter(request: AuthenticatedHttpRequest, response: Response, letter_pk: int) -> HttpResponse:
    """One letter: its files, sending it by email, and recording that it went (the office-use step)."""
    letter = _letter_of(response, letter_pk)
    if request.method != "POST":
        return _letter_page(request, response, letter)
    form = LetterSentForm(request.POST, response=response)
    if form.is_valid() and _save(
        form,
        lambda: services.covering_letter_record_sent(
            letter=letter,
            expected_version=form.cleaned_data["version"],
            sent_on=form.cleaned_data["sent_on"],
            evidence_reference=form.cleaned_data["evidence_reference"],
            user=request.user,
        ),
    ):
        step_label = response.checklist_items.get(step__key=letter.step_key).step.label
        messages.success(request, f"Ticked: {step_label}, done on {form.cleaned_data['sent_on']:%-d %B %Y}.")
        return redirect(f"{response.get_absolute_url()}#checklist")
    return _letter_page(request, response, letter, form=form)


@response_view()
def response_letter_docx(request: AuthenticatedHttpRequest, response: Response, letter_pk: int) -> HttpResponse:
    letter = _letter_of(response, letter_pk)
    return _attachment(bytes(letter.docx), DOCX_TYPE, letter.file_name("docx"))


@response_view()
def response_letter_pdf(request: AuthenticatedHttpRequest, response: Response, letter_pk: int) -> HttpResponse:
    letter = _letter_of(response, letter_pk)
    return _attachment(bytes(letter.pdf), PDF_TYPE, letter.file_name("pdf"))
