"""Editing a response: comments, owner, dates and explanations. Every save says what was saved; bad input comes
back with a GOV.UK error summary and the user's text; a stale form never overwrites someone else's save."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEntry
from inspections.models import FindingKind
from responses import services
from responses.models import FindingUpdate, Response, Status
from tests.factories import BodyFactory, ForceFactory, UserFactory, make_response

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def response(steps: Any) -> Response:
    body = BodyFactory(force=ForceFactory(name="Norfolk"))
    return make_response(body=body, published_on=dt.date(2024, 9, 24), recommendations=2)


@pytest.fixture
def editor(response: Response) -> Any:
    return UserFactory(body=response.body, role=Role.EDITOR, first_name="Tom", last_name="Hayward")


@pytest.fixture
def client(editor: Any) -> Client:
    client = Client()
    client.force_login(editor, backend=BACKEND)
    return client


def fresh(response: Response) -> Response:
    return Response.objects.get(pk=response.pk)


def follow_messages(result: Any) -> list[str]:
    return [str(message) for message in result.context["messages"]]


# --- comments ---------------------------------------------------------------------------------------------
def comments_data(response: Response, **overrides: Any) -> dict[str, Any]:
    data = {
        "version": response.version,
        "cc_invited_on": "2024-09-30",
        "cc_comments": "The chief constable welcomes the report.",
        "cc_comments_received_on": "2024-10-20",
        "body_comments": "The commissioner's comments.",
        "response_to_cc": "",
    }
    return data | overrides


def test_saving_comments_says_what_was_saved_and_records_it(client: Client, response: Response, editor: Any) -> None:
    result = client.post(reverse("response_edit_comments", args=[response.pk]), comments_data(response), follow=True)
    assert result.redirect_chain[-1][0] == f"{response.get_absolute_url()}#comments"
    assert follow_messages(result) == [
        "Saved: chief constable invited to comment on, chief constable's comments, "
        "chief constable's comments received on, the body's comments on the report."
    ]
    saved = fresh(response)
    assert saved.cc_comments == "The chief constable welcomes the report."
    assert saved.body_comments == "The commissioner's comments."
    assert saved.version == response.version + 1
    assert saved.status == Status.DRAFTING
    entry = AuditEntry.objects.filter(response_id=response.pk, changes__has_key="body_comments").latest()
    assert entry.actor == editor


def test_saving_unchanged_comments_says_nothing_changed(client: Client, response: Response) -> None:
    data = comments_data(response, cc_invited_on="", cc_comments="", cc_comments_received_on="", body_comments="")
    result = client.post(reverse("response_edit_comments", args=[response.pk]), data, follow=True)
    assert follow_messages(result) == ["Nothing had changed, so nothing was saved."]


def test_bad_comment_dates_show_an_error_summary_and_keep_the_text(client: Client, response: Response) -> None:
    data = comments_data(response, cc_comments_received_on="2024-09-01")
    del data["cc_invited_on"]
    data |= {"cc_invited_on-day": "31", "cc_invited_on-month": "2", "cc_invited_on-year": "2024"}
    result = client.post(reverse("response_edit_comments", args=[response.pk]), data)
    html = result.content.decode()
    assert result.status_code == 200
    assert "govuk-error-summary" in html
    link = '<a href="#id_cc_invited_on-day">Date the chief constable was invited to comment must be a real date</a>'
    assert link in html
    assert "The chief constable welcomes the report." in html
    assert "<title>Error: " in html
    assert fresh(response).cc_comments == ""


def test_comments_and_not_received_together_are_refused(client: Client, response: Response) -> None:
    data = comments_data(response, cc_comments_not_received="on")
    html = client.post(reverse("response_edit_comments", args=[response.pk]), data).content.decode()
    assert "Either record the chief constable&#x27;s comments or say they were not received, not both." in html
    assert fresh(response).cc_comments == ""


def test_a_second_editor_with_a_stale_form_gets_a_conflict_and_keeps_their_text(
    client: Client, response: Response
) -> None:
    stale = response.version
    first = client.post(
        reverse("response_edit_comments", args=[response.pk]),
        comments_data(response, body_comments="First editor's comments"),
    )
    assert first.status_code == 302

    second = client.post(
        reverse("response_edit_comments", args=[response.pk]),
        comments_data(response, version=stale, body_comments="Second editor's comments"),
    )
    html = second.content.decode()
    assert second.status_code == 200
    assert "Someone else saved a change to this response while you were editing it" in html
    assert "Second editor&#x27;s comments" in html  # their text, kept in the form
    assert "First editor&#x27;s comments" in html  # what is saved now, shown beside it
    assert fresh(response).body_comments == "First editor's comments"
    # The form now carries the current version, so saving again (deliberately) works.
    assert f'name="version" id="id_version" value="{stale + 1}"' in html


def test_a_conflict_on_an_explanation_overwrites_nothing(client: Client, response: Response) -> None:
    finding = response.finding_responses.first()
    url = reverse("finding_edit", args=[response.pk, finding.pk])
    stale = response.version
    assert client.post(url, {"version": stale, "explanation": "Mine"}).status_code == 302
    result = client.post(url, {"version": stale, "explanation": "Theirs"})
    assert "Someone else saved a change" in result.content.decode()
    finding.refresh_from_db()
    assert finding.explanation == "Mine"


# --- owner --------------------------------------------------------------------------------------------------
def test_owner_choices_are_the_bodys_people_and_saving_says_who(client: Client, response: Response) -> None:
    colleague = UserFactory(body=response.body, first_name="Priya", last_name="Shah")
    outsider = UserFactory(body=BodyFactory(force=ForceFactory(name="Suffolk")), first_name="Out", last_name="Sider")
    url = reverse("response_edit_owner", args=[response.pk])
    html = client.get(url).content.decode()
    assert "Priya Shah" in html and "Out Sider" not in html
    refused = client.post(url, {"version": response.version, "owner": outsider.pk})
    assert "Select a valid choice" in refused.content.decode()
    result = client.post(url, {"version": response.version, "owner": colleague.pk}, follow=True)
    assert follow_messages(result) == ["Owner changed to Priya Shah."]
    assert fresh(response).owner == colleague


# --- dates --------------------------------------------------------------------------------------------------
def test_comments_due_must_fall_before_the_statutory_last_day(client: Client, response: Response) -> None:
    url = reverse("response_edit_comments_due", args=[response.pk])
    html = client.post(url, {"version": response.version, "comments_due": "2024-11-18"}).content.decode()
    assert "must be due before the statutory last day (18 November 2024)" in html
    assert 'name="comments_due-day" type="text" inputmode="numeric" value="18"' in html
    result = client.post(url, {"version": response.version, "comments_due": "2024-10-25"}, follow=True)
    assert follow_messages(result) == ["Chief constable's comments now due on 25 October 2024."]
    assert fresh(response).comments_due == dt.date(2024, 10, 25)


def test_overriding_the_deadline_needs_a_reason_which_the_audit_keeps(client: Client, response: Response) -> None:
    url = reverse("response_edit_deadline", args=[response.pk])
    html = client.post(url, {"version": response.version, "deadline": "2024-11-29", "reason": "  "}).content.decode()
    assert "govuk-error-summary" in html and 'href="#id_reason"' in html
    assert fresh(response).deadline == dt.date(2024, 11, 19)
    result = client.post(
        url,
        {
            "version": response.version,
            "deadline": "2024-11-29",
            "after_statutory_confirmed": "on",
            "reason": "Agreed with HMICFRS",
        },
        follow=True,
    )
    assert follow_messages(result) == ["Section 55 response deadline changed to 29 November 2024."]
    saved = fresh(response)
    assert saved.deadline == dt.date(2024, 11, 29) and saved.deadline_overridden
    entry = AuditEntry.objects.filter(response_id=response.pk, changes__has_key="deadline").latest()
    assert entry.reason == "Agreed with HMICFRS"


def test_restoring_the_form_deadline(client: Client, response: Response) -> None:
    client.post(
        reverse("response_edit_deadline", args=[response.pk]),
        {"version": response.version, "deadline": "2024-11-29", "after_statutory_confirmed": "on", "reason": "Agreed"},
    )
    version = fresh(response).version
    url = reverse("response_restore_deadline", args=[response.pk])
    refused = client.post(url, {"restore-version": version, "restore-reason": ""})
    assert "govuk-error-summary" in refused.content.decode()
    result = client.post(url, {"restore-version": version, "restore-reason": "HMICFRS withdrew"}, follow=True)
    assert follow_messages(result) == ["Deadline set back to the HMICFRS form date, 19 November 2024."]
    assert not fresh(response).deadline_overridden


# --- explanations and progress ---------------------------------------------------------------------------------
def test_explaining_a_recommendation(client: Client, response: Response) -> None:
    finding = response.finding_responses.get(finding__number=1, finding__kind=FindingKind.RECOMMENDATION)
    url = reverse("finding_edit", args=[response.pk, finding.pk])
    assert "Section 55(5B) requires an explanation" in client.get(url).content.decode()
    result = client.post(url, {"version": response.version, "explanation": "  We will act.  "}, follow=True)
    assert follow_messages(result) == ["Explanation of Recommendation 1 saved."]
    assert result.redirect_chain[-1][0].endswith(f"#finding-{finding.pk}")
    finding.refresh_from_db()
    assert finding.explanation == "We will act."


def test_a_finding_of_another_response_is_404(client: Client, response: Response) -> None:
    other = make_response(body=response.body, recommendations=1)
    finding = other.finding_responses.get()
    assert client.get(reverse("finding_edit", args=[response.pk, finding.pk])).status_code == 404


def test_progress_updates_are_appended(client: Client, response: Response, editor: Any) -> None:
    finding = response.finding_responses.first()
    url = reverse("finding_add_progress", args=[response.pk, finding.pk])
    refused = client.post(url, {"progress-progress": "complete", "progress-note": ""})
    assert "govuk-error-summary" in refused.content.decode()
    result = client.post(url, {"progress-progress": "in_progress", "progress-note": "Training booked"}, follow=True)
    assert follow_messages(result) == ["Progress update on Recommendation 1 added."]
    client.post(url, {"progress-progress": "complete", "progress-note": "Training delivered"})
    updates = list(FindingUpdate.objects.filter(finding_response=finding).values_list("note", "created_by"))
    assert updates == [("Training booked", editor.pk), ("Training delivered", editor.pk)]
    finding.refresh_from_db()
    assert finding.progress == "complete"
    assert "Training delivered" in client.get(reverse("finding_edit", args=[response.pk, finding.pk])).content.decode()


def test_the_finding_page_is_one_form_whose_second_button_posts_to_the_progress_url(
    client: Client, response: Response
) -> None:
    finding = response.finding_responses.first()
    html = client.get(reverse("finding_edit", args=[response.pk, finding.pk])).content.decode()
    start = html.index('name="explanation"')
    form = html[html.rindex("<form", 0, start) : html.index("</form>", start)]
    assert 'name="progress-note"' in form
    assert f'formaction="{reverse("finding_add_progress", args=[response.pk, finding.pk])}"' in form


def test_progress_update_keeps_the_typed_explanation(client: Client, response: Response) -> None:
    finding = response.finding_responses.first()
    page = reverse("finding_edit", args=[response.pk, finding.pk])
    result = client.post(
        reverse("finding_add_progress", args=[response.pk, finding.pk]),
        {
            "version": response.version,
            "explanation": "Typed, not yet saved",
            "progress-progress": "in_progress",
            "progress-note": "Training booked",
        },
        follow=True,
    )
    assert result.redirect_chain[-1][0] == page
    assert follow_messages(result) == [
        "Progress update on Recommendation 1 added.",
        "Your explanation has not been saved yet: check it and press “Save explanation”.",
    ]
    html = result.content.decode()
    assert "\nTyped, not yet saved</textarea>" in html
    assert f'name="version" id="id_version" value="{response.version}"' in html
    finding.refresh_from_db()
    assert finding.explanation == ""
    assert list(finding.updates.values_list("note", flat=True)) == ["Training booked"]
    # Kept once, for the page that followed: a later visit shows what is saved.
    assert "Typed, not yet saved" not in client.get(page).content.decode()
    # Saving it from the page that kept it works: the version it carries is still current.
    saved = client.post(page, {"version": response.version, "explanation": "Typed, not yet saved"}, follow=True)
    assert follow_messages(saved) == ["Explanation of Recommendation 1 saved."]
    finding.refresh_from_db()
    assert finding.explanation == "Typed, not yet saved"


def test_a_progress_update_with_the_explanation_unchanged_says_only_that_it_was_added(
    client: Client, response: Response
) -> None:
    finding = response.finding_responses.first()
    result = client.post(
        reverse("finding_add_progress", args=[response.pk, finding.pk]),
        {"version": response.version, "explanation": "", "progress-progress": "open", "progress-note": "Noted"},
        follow=True,
    )
    assert follow_messages(result) == ["Progress update on Recommendation 1 added."]


def test_a_refused_progress_update_keeps_both_halves_as_typed(client: Client, response: Response) -> None:
    finding = response.finding_responses.first()
    result = client.post(
        reverse("finding_add_progress", args=[response.pk, finding.pk]),
        {"version": response.version, "explanation": "Half written", "progress-progress": "", "progress-note": "Note"},
    )
    assert result.status_code == 200
    html = result.content.decode()
    assert "govuk-error-summary" in html
    assert "\nHalf written</textarea>" in html and "\nNote</textarea>" in html
    assert "saved" not in " ".join(str(m) for m in result.context["messages"])
    assert not FindingUpdate.objects.exists()


def test_saving_the_explanation_keeps_a_typed_progress_update(client: Client, response: Response) -> None:
    finding = response.finding_responses.first()
    page = reverse("finding_edit", args=[response.pk, finding.pk])
    result = client.post(
        page,
        {
            "version": response.version,
            "explanation": "We accept it.",
            "progress-progress": "in_progress",
            "progress-note": "Board paper drafted",
        },
        follow=True,
    )
    assert result.redirect_chain[-1][0] == page
    assert follow_messages(result) == [
        "Explanation of Recommendation 1 saved.",
        "Your progress update has not been added yet: check it and press “Add progress update”.",
    ]
    html = result.content.decode()
    assert "\nBoard paper drafted</textarea>" in html
    assert 'value="in_progress" checked' in html
    assert not FindingUpdate.objects.exists()
    finding.refresh_from_db()
    assert finding.explanation == "We accept it."


def test_an_empty_explanation_is_refused(client: Client, response: Response) -> None:
    finding = response.finding_responses.first()
    with pytest.raises(ValidationError, match="Write the explanation, or say why no action is taken"):
        services.finding_response_explain(finding_response=finding, explanation="  \n ")
    result = client.post(
        reverse("finding_edit", args=[response.pk, finding.pk]),
        {"version": response.version, "explanation": "   ", "progress-note": "Kept"},
    )
    assert result.status_code == 200
    html = result.content.decode()
    assert "govuk-error-summary" in html
    assert 'href="#id_explanation">Write the explanation, or say why no action is taken.</a>' in html
    assert "\nKept</textarea>" in html
    assert not result.context["messages"]
    assert fresh(response).version == response.version


def test_a_tampered_version_is_a_form_error_not_a_crash(client: Client, response: Response) -> None:
    result = client.post(reverse("response_edit_comments", args=[response.pk]), comments_data(response, version="x"))
    assert result.status_code == 200
    assert "govuk-error-summary" in result.content.decode()
