import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEntry
from inspections.models import Inspection
from responses.models import Response
from tests.factories import BodyFactory, UserFactory, make_response

pytestmark = pytest.mark.django_db


def response_form_data(response: Response, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "loaded_version": str(response.version),
        "owner": "",
        "deadline": response.deadline.isoformat(),
        "deadline_override_reason": response.deadline_override_reason,
        "comments_due": response.comments_due.isoformat() if response.comments_due else "",
        "cc_invited_on": "",
        "cc_comments_received_on": "",
        "cc_comments": "",
        "body_comments": "",
        "response_to_cc": "",
        "covered_by": "",
        "published_on": "",
        "published_url": "",
        "finding_responses-TOTAL_FORMS": "0",
        "finding_responses-INITIAL_FORMS": "0",
        "checklist_items-TOTAL_FORMS": "0",
        "checklist_items-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


@pytest.fixture
def editor_client() -> tuple[Client, Any]:
    user = UserFactory(role=Role.EDITOR)
    client = Client()
    client.force_login(user)
    return client, user


def test_deadline_override_in_admin_is_audited_with_user_old_new_and_reason(editor_client: tuple[Client, Any]) -> None:
    client, user = editor_client
    response = make_response(body=user.body, published_on=dt.date(2024, 9, 24))
    url = reverse("admin:responses_response_change", args=[response.pk])
    page = client.post(
        url,
        response_form_data(response, deadline="2024-11-29", deadline_override_reason="Extension agreed with HMICFRS"),
    )
    assert page.status_code == 302, page.context["adminform"].form.errors if page.context else page
    response.refresh_from_db()
    assert response.deadline == dt.date(2024, 11, 29)
    assert response.deadline_overridden
    entry = AuditEntry.objects.filter(response_id=response.pk, changes__has_key="deadline").latest()
    assert entry.actor == user
    assert entry.changes["deadline"] == ["2024-11-19", "2024-11-29"]
    assert entry.reason == "Extension agreed with HMICFRS"


def test_deadline_override_in_admin_without_reason_is_refused(editor_client: tuple[Client, Any]) -> None:
    client, user = editor_client
    response = make_response(body=user.body, published_on=dt.date(2024, 9, 24))
    page = client.post(
        reverse("admin:responses_response_change", args=[response.pk]),
        response_form_data(response, deadline="2024-11-29"),
    )
    assert page.status_code == 200
    assert "Overriding the deadline needs a reason." in page.content.decode()
    response.refresh_from_db()
    assert response.deadline == dt.date(2024, 11, 19)


def test_comments_due_after_last_day_is_refused_with_a_clear_message(editor_client: tuple[Client, Any]) -> None:
    client, user = editor_client
    response = make_response(body=user.body, published_on=dt.date(2024, 9, 24))
    page = client.post(
        reverse("admin:responses_response_change", args=[response.pk]),
        response_form_data(response, comments_due="2024-11-20"),
    )
    assert page.status_code == 200
    assert "must be due before the statutory last day" in page.content.decode()


def test_changelist_shows_dates_days_left_and_checklist_progress(editor_client: tuple[Client, Any], steps: Any) -> None:
    client, user = editor_client
    make_response(body=user.body, published_on=dt.date(2024, 9, 24))
    other = make_response(body=BodyFactory(), title="Another body's inspection")
    page = client.get(reverse("admin:responses_response_changelist"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "18 Nov 2024" in html or "Nov. 18, 2024" in html or "18 November 2024" in html
    assert "0/4" in html
    assert other.inspection.title not in html  # another body's responses are not listed


def test_creating_an_inspection_in_admin_creates_responses(editor_client: tuple[Client, Any]) -> None:
    client, user = editor_client
    data = {
        "title": "New report",
        "published_on": "2024-09-24",
        "report_url": "https://hmicfrs.example/new",
        "forces": [str(user.body.force_id)],
        "key_findings": "",
        "correction_reason": "",
        "grades-TOTAL_FORMS": "0",
        "grades-INITIAL_FORMS": "0",
        "findings-TOTAL_FORMS": "1",
        "findings-INITIAL_FORMS": "0",
        "findings-0-kind": "recommendation",
        "findings-0-number": "1",
        "findings-0-text": "Improve things",
    }
    page = client.post(reverse("admin:inspections_inspection_add"), data)
    assert page.status_code == 302, page.context["adminform"].form.errors if page.context else page
    inspection = Inspection.objects.get(title="New report")
    response = Response.objects.get(inspection=inspection, body=user.body)
    assert response.statutory_last_day == dt.date(2024, 11, 18)
    assert response.finding_responses.count() == 1


def test_correcting_publication_date_in_admin_needs_a_reason(editor_client: tuple[Client, Any]) -> None:
    client, user = editor_client
    response = make_response(body=user.body, published_on=dt.date(2024, 9, 24))
    inspection = response.inspection
    data = {
        "title": inspection.title,
        "published_on": "2024-09-25",
        "report_url": inspection.report_url,
        "forces": [str(user.body.force_id)],
        "key_findings": "",
        "correction_reason": "",
        "grades-TOTAL_FORMS": "0",
        "grades-INITIAL_FORMS": "0",
        "findings-TOTAL_FORMS": "0",
        "findings-INITIAL_FORMS": "0",
    }
    url = reverse("admin:inspections_inspection_change", args=[inspection.pk])
    assert "Say why the publication date is being corrected." in client.post(url, data).content.decode()
    data["correction_reason"] = "Wrong date typed"
    assert client.post(url, data).status_code == 302
    response.refresh_from_db()
    assert response.statutory_last_day == dt.date(2024, 11, 19)
    entry = AuditEntry.objects.filter(changes__has_key="published_on").latest()
    assert entry.reason == "Wrong date typed"
    assert entry.actor == user


def test_viewer_cannot_change_in_admin() -> None:
    viewer = UserFactory(role=Role.VIEWER)
    response = make_response(body=viewer.body)
    client = Client()
    client.force_login(viewer)
    url = reverse("admin:responses_response_change", args=[response.pk])
    assert client.get(url).status_code == 200  # read-only view
    assert client.post(url, response_form_data(response, body_comments="changed")).status_code == 403
    response.refresh_from_db()
    assert response.body_comments == ""


def test_another_bodys_editor_cannot_change_a_shared_inspection(editor_client: tuple[Client, Any]) -> None:
    client, _ = editor_client
    norfolk = make_response(published_on=dt.date(2024, 9, 24))  # a response of another body
    url = reverse("admin:inspections_inspection_change", args=[norfolk.inspection.pk])
    data = {
        "title": norfolk.inspection.title,
        "published_on": "2024-06-01",
        "correction_reason": "trying to move someone else's dates",
        "grades-TOTAL_FORMS": "0",
        "grades-INITIAL_FORMS": "0",
        "findings-TOTAL_FORMS": "0",
        "findings-INITIAL_FORMS": "0",
    }
    assert client.post(url, data).status_code == 403
    norfolk.refresh_from_db()
    assert norfolk.statutory_last_day == dt.date(2024, 11, 18)


def test_publishing_is_not_possible_from_the_admin(editor_client: tuple[Client, Any]) -> None:
    client, user = editor_client
    response = make_response(body=user.body, recommendations=1)
    data = response_form_data(response, published_on="2024-11-01", published_url="https://opcc.example/x")
    assert client.post(reverse("admin:responses_response_change", args=[response.pk]), data).status_code == 302
    response.refresh_from_db()
    assert response.published_on is None  # the field is read-only: publishing runs the s55 checks elsewhere


def test_clearing_the_reason_of_an_overridden_deadline_is_refused_not_a_500(editor_client: tuple[Client, Any]) -> None:
    from responses import services

    client, user = editor_client
    response = make_response(body=user.body, published_on=dt.date(2024, 9, 24))
    services.response_override_deadline(response=response, deadline=dt.date(2024, 11, 29), reason="Agreed")
    page = client.post(
        reverse("admin:responses_response_change", args=[response.pk]),
        response_form_data(response, deadline_override_reason=""),
    )
    assert page.status_code == 200
    assert "needs a reason" in page.content.decode()


def test_reference_data_and_accounts_are_for_national_administrators_only(editor_client: tuple[Client, Any]) -> None:
    client, _ = editor_client
    for name in ("accounts_user", "inspections_localpolicingbody", "responses_checkliststep"):
        assert client.get(reverse(f"admin:{name}_add")).status_code == 403
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
