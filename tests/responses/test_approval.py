"""Sign-off: publishing needs an approval of the text as it is; any later change to the text clears it; a correction
needs a fresh one; the published version and its documents end with the signatory."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from accounts.models import Role, User
from inspections.models import Finding, FindingKind, Signatory
from responses import services
from responses.models import ChecklistStep, Response
from tests.factories import BodyFactory, ForceFactory, UserFactory, make_response, signatory_of

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"
D = dt.date


def _fresh(response: Response) -> Response:
    return Response.objects.get(pk=response.pk)


@pytest.fixture
def body(steps: Any) -> Any:
    return BodyFactory(force=ForceFactory(name="Norfolk"), name="Norfolk Police and Crime Commissioner")


@pytest.fixture
def approver(body: Any) -> User:
    return UserFactory(username="approver", body=body, role=Role.APPROVER)


@pytest.fixture
def signatory(body: Any) -> Signatory:
    return Signatory.objects.create(body=body, name="Giles Example", title="Police and Crime Commissioner for Norfolk")


@pytest.fixture
def response(body: Any) -> Response:
    """A response that meets s55: one recommendation explained, the comments written."""
    response = make_response(body=body, recommendations=1, title="PEEL 2023 to 2025")
    services.response_update_comments(
        response=response,
        cc_comments="Welcomed.",
        body_comments="We will hold the force to account.",
        response_to_cc="",
    )
    services.finding_response_explain(finding_response=response.finding_responses.get(), explanation="Done.")
    return _fresh(response)


APPROVED_ON = D(2024, 11, 10)


def _approve(response: Response, signatory: Signatory, approver: User, on: dt.date = APPROVED_ON) -> Response:
    return services.response_approve(response=_fresh(response), signatory=signatory, approved_on=on, user=approver)


def test_publishing_without_an_approval_is_refused_and_says_so(response: Response) -> None:
    with pytest.raises(ValidationError) as refused:
        services.response_publish(response=response, published_on=D(2024, 11, 15))
    assert "has not been approved for publication" in " ".join(refused.value.messages)
    fresh = _fresh(response)
    assert fresh.published_on is None and not fresh.published_versions.exists()


def test_an_approval_records_the_signatory_the_date_and_who_recorded_it(
    response: Response, signatory: Signatory, approver: User
) -> None:
    approved = _approve(response, signatory, approver)
    assert (approved.approved_signatory, approved.approved_on, approved.approved_by) == (
        signatory,
        D(2024, 11, 10),
        approver,
    )
    assert approved.approved_signatory_name == "Giles Example" and len(approved.approved_text_hash) == 64
    services.response_publish(response=approved, published_on=D(2024, 11, 15))
    version = _fresh(response).published_versions.get()
    assert version.content["signatory"] == {
        "name": "Giles Example",
        "title": "Police and Crime Commissioner for Norfolk",
        "approved_on": "2024-11-10",
    }


def test_a_change_to_the_text_after_approval_clears_it(
    response: Response, signatory: Signatory, approver: User
) -> None:
    _approve(response, signatory, approver)
    services.finding_response_explain(finding_response=response.finding_responses.get(), explanation="Done, twice.")
    cleared = _fresh(response)
    assert cleared.approved_on is None and cleared.approved_signatory is None and cleared.approved_text_hash == ""
    with pytest.raises(ValidationError, match="not been approved"):
        services.response_publish(response=cleared, published_on=D(2024, 11, 15))


def test_a_change_that_leaves_the_text_alone_keeps_the_approval(
    response: Response, signatory: Signatory, approver: User
) -> None:
    _approve(response, signatory, approver)
    services.checklist_tick(
        response=_fresh(response),
        step=ChecklistStep.objects.get(key="forwarded_to_chief_constable"),
        user=None,
        done_on=D(2024, 11, 1),
    )
    services.response_set_owner(response=_fresh(response), owner=approver)
    assert _fresh(response).approved_on == D(2024, 11, 10)


def test_text_changed_behind_the_responses_back_needs_a_fresh_approval(
    response: Response, signatory: Signatory, approver: User
) -> None:
    _approve(response, signatory, approver)
    Finding.objects.filter(inspection=response.inspection, kind=FindingKind.RECOMMENDATION).update(text="Reworded")
    with pytest.raises(ValidationError, match="changed since it was approved on 10 November 2024"):
        services.response_publish(response=_fresh(response), published_on=D(2024, 11, 15))


def test_only_an_approver_of_the_same_body_with_an_active_signatory_may_approve(
    response: Response, signatory: Signatory, approver: User, body: Any
) -> None:
    editor = UserFactory(username="editor", body=body, role=Role.EDITOR)
    with pytest.raises(ValidationError, match="cannot approve"):
        _approve(response, signatory, editor)
    other = Signatory.objects.create(body=BodyFactory(), name="Someone Else", title="Commissioner elsewhere")
    with pytest.raises(ValidationError, match="your body's signatories"):
        _approve(response, other, approver)
    Signatory.objects.filter(pk=signatory.pk).update(active=False)
    with pytest.raises(ValidationError, match="no longer active"):
        _approve(response, Signatory.objects.get(pk=signatory.pk), approver)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        _approve(response, signatory_of(body), approver, on=dt.date.today() + dt.timedelta(days=2))
    assert _fresh(response).approved_on is None


def test_a_correction_needs_a_fresh_approval(response: Response, signatory: Signatory, approver: User) -> None:
    services.response_publish(response=_approve(response, signatory, approver), published_on=D(2024, 11, 15))
    services.response_update_comments(
        response=_fresh(response), cc_comments="Welcomed.", body_comments="Corrected comments.", response_to_cc=""
    )
    assert _fresh(response).approved_on is None
    with pytest.raises(ValidationError, match="not been approved"):
        services.response_publish_correction(response=_fresh(response), reason="Comments corrected.")
    _approve(response, signatory, approver, on=D(2024, 11, 20))
    version = services.response_publish_correction(response=_fresh(response), reason="Comments corrected.")
    assert version.number == 2 and version.content["signatory"]["approved_on"] == "2024-11-20"


def test_the_published_documents_end_with_the_signatory(
    response: Response, signatory: Signatory, approver: User
) -> None:
    services.response_publish(response=_approve(response, signatory, approver), published_on=D(2024, 11, 15))
    slug = _fresh(response).slug
    public = Client()
    page = public.get(reverse("published_response", args=[slug])).content.decode()
    assert "Approved for publication on 10 November 2024 by" in page and "Giles Example" in page
    paragraphs = [
        p.text
        for p in Document(io.BytesIO(public.get(reverse("published_response_docx", args=[slug])).content)).paragraphs
    ]
    assert paragraphs[-3:] == [
        "Approved for publication on 10 November 2024 by",
        "Giles Example",
        "Police and Crime Commissioner for Norfolk",
    ]
    pdf = PdfReader(io.BytesIO(public.get(reverse("published_response_pdf", args=[slug])).content))
    text = " ".join((page.extract_text() or "") for page in pdf.pages)
    assert text.index("Giles Example") > text.index("Published by Norfolk Police and Crime Commissioner")


# --- the page ------------------------------------------------------------------------------------------------
def _client(user: User) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def test_the_approve_page_records_the_approval_with_a_banner(
    response: Response, signatory: Signatory, approver: User
) -> None:
    url = reverse("response_approve", args=[response.pk])
    page = _client(approver).get(url).content.decode()
    assert "Giles Example, Police and Crime Commissioner for Norfolk" in page
    result = _client(approver).post(
        url, {"version": response.version, "signatory": signatory.pk, "approved_on": "2024-11-10"}, follow=True
    )
    assert [str(m) for m in result.context["messages"]] == [
        "Approved for publication by Giles Example, Police and Crime Commissioner for Norfolk, on 10 November 2024."
    ]
    assert _fresh(response).approved_signatory == signatory
    assert "Approved for publication by Giles Example" in result.content.decode()


def test_the_approve_page_shows_errors_and_saves_nothing(
    response: Response, signatory: Signatory, approver: User
) -> None:
    html = (
        _client(approver)
        .post(
            reverse("response_approve", args=[response.pk]),
            {
                "version": response.version,
                "approved_on-day": "31",
                "approved_on-month": "2",
                "approved_on-year": "2024",
            },
        )
        .content.decode()
    )
    assert "govuk-error-summary" in html
    assert "Choose who approved the response" in html and "The date of the approval must be a real date" in html
    assert _fresh(response).approved_on is None


def test_without_a_signatory_the_page_says_where_they_are_set(response: Response, approver: User) -> None:
    html = _client(approver).get(reverse("response_approve", args=[response.pk])).content.decode()
    assert "has no active signatory" in html
    assert f'href="{reverse("office:signatories")}?body={response.body_id}"' in html
    assert "Record the approval" not in html


def test_an_editor_may_not_approve_and_the_publish_page_says_why_it_is_refused(
    response: Response, signatory: Signatory, body: Any
) -> None:
    editor = _client(UserFactory(username="editor", body=body, role=Role.EDITOR))
    url = reverse("response_approve", args=[response.pk])
    assert editor.get(url).status_code == 403
    assert editor.post(url, {"version": response.version, "signatory": signatory.pk}).status_code == 403
    html = editor.post(
        reverse("response_publish", args=[response.pk]), {"version": response.version, "published_on": "2024-11-15"}
    ).content.decode()
    assert "govuk-error-summary" in html and "has not been approved for publication" in html
    assert _fresh(response).published_on is None


def test_withdrawing_an_approval_needs_a_reason(response: Response, signatory: Signatory, approver: User) -> None:
    approved = _approve(response, signatory, approver)
    url = reverse("response_withdraw_approval", args=[response.pk])
    html = _client(approver).post(url, {"withdraw-version": approved.version}).content.decode()
    assert "Say why the approval is withdrawn" in html
    assert _fresh(response).approved_on is not None
    _client(approver).post(url, {"withdraw-version": approved.version, "withdraw-reason": "Wrong signatory."})
    assert _fresh(response).approved_on is None
