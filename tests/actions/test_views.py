"""The tracker page, its bulk changes and exports, and an action's page."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from actions.models import Action, ActionStatus
from inspections.models import LocalPolicingBody
from tests.factories import BodyFactory, UserFactory, make_response


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_tracker_lists_the_body_s_actions_only(action: Action, editor: User) -> None:
    other = make_response(body=BodyFactory(), recommendations=1, title="Other body's report")
    page = _client(editor).get(reverse("actions:action_list"))
    assert page.status_code == 200
    assert action.response.inspection.title in page.text
    assert other.inspection.title not in page.text


def test_the_tracker_page_takes_at_most_ten_queries(
    body: LocalPolicingBody, editor: User, django_assert_max_num_queries: Any
) -> None:
    for n in range(5):
        make_response(body=body, recommendations=3, afis=2, title=f"Report {n}")
    client = _client(editor)
    client.get(reverse("actions:action_list"))  # the session is loaded once
    with django_assert_max_num_queries(10):
        page = client.get(reverse("actions:action_list") + "?sort=-target_date&kind=afi")
    assert page.text.count('name="action"') == 10


def test_filters_narrow_the_list(action: Action, editor: User) -> None:
    page = _client(editor).get(reverse("actions:action_list") + "?kind=afi")
    assert "Recommendation 1" not in page.text
    assert "Area for improvement 1" in page.text


def test_bulk_assign_owner_and_target_date(action: Action, editor: User) -> None:
    client = _client(editor)
    ids = [str(pk) for pk in Action.objects.values_list("pk", flat=True)]
    done = client.post(reverse("actions:action_bulk"), {"operation": "owner", "owner": editor.pk, "action": ids})
    assert done.status_code == 302
    assert set(Action.objects.values_list("owner_id", flat=True)) == {editor.pk}
    refused = client.post(
        reverse("actions:action_bulk"), {"operation": "target_date", "target_date": "2025-05-01", "action": ids}
    )
    assert refused.status_code == 302
    assert set(Action.objects.values_list("target_date", flat=True)) == {None}
    client.post(
        reverse("actions:action_bulk"),
        {"operation": "target_date", "target_date": "2025-05-01", "reason": "Plan agreed", "action": ids},
    )
    assert set(Action.objects.values_list("target_date", flat=True)) == {dt.date(2025, 5, 1)}


def test_bulk_never_touches_another_body_s_actions(action: Action, editor: User) -> None:
    other = Action.objects.get(response=make_response(body=BodyFactory(), recommendations=1, title="B's"))
    _client(editor).post(
        reverse("actions:action_bulk"), {"operation": "owner", "owner": editor.pk, "action": [str(other.pk)]}
    )
    other.refresh_from_db()
    assert other.owner_id is None


def test_a_viewer_cannot_change_an_action(action: Action, body: LocalPolicingBody) -> None:
    viewer = UserFactory(username="viewer", body=body, role="viewer")
    page = _client(viewer).post(action.get_absolute_url(), {"form": "update", "update-note": "x"})
    assert page.status_code == 403


def test_the_action_page_shows_errors_and_saves_nothing_half(action: Action, editor: User) -> None:
    client = _client(editor)
    page = client.post(action.get_absolute_url(), {"form": "date", "date-target_date": "2025-02-30"})
    assert page.status_code == 400
    assert "Enter a real date" in page.text and "Say why the target date changes" in page.text
    saved = client.post(
        action.get_absolute_url(),
        {"form": "date", "date-target_date": "2025-02-28", "date-reason": "Plan"},
        follow=True,
    )
    assert "Target date changed" in saved.text
    assert "Reason: Plan" in saved.text


def test_an_editor_is_refused_sign_off(action: Action, editor: User, approver: User) -> None:
    client = _client(editor)
    client.post(action.get_absolute_url(), {"form": "status", "status-status": "pending_sign_off"})
    assert Action.objects.get(pk=action.pk).status == ActionStatus.PENDING_SIGN_OFF
    refused = client.post(action.get_absolute_url(), {"form": "signoff"})
    assert refused.status_code == 400
    _client(approver).post(action.get_absolute_url(), {"form": "signoff", "signoff-note": "Seen"})
    assert Action.objects.get(pk=action.pk).status == ActionStatus.COMPLETE


def test_exports_are_formula_safe(action: Action, editor: User) -> None:
    action.finding.text = '=HYPERLINK("https://evil.example")'
    action.finding.save()
    client = _client(editor)
    csv_text = b"".join(client.get(reverse("actions:action_export_csv")).streaming_content).decode()
    assert "'=HYPERLINK" in csv_text
    workbook = load_workbook(io.BytesIO(client.get(reverse("actions:action_export_xlsx")).content))
    values = [cell.value for row in workbook.active.iter_rows() for cell in row]
    assert '\'=HYPERLINK("https://evil.example")' in values
