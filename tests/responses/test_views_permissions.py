"""Who may do what on the staff pages: a viewer changes nothing, another body sees nothing, strangers sign in."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEntry
from config.log_filters import ExpectedClientErrors
from responses.models import ChecklistItem, FindingUpdate, Response
from tests.factories import BodyFactory, ForceFactory, UserFactory, make_response

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def response(steps: Any) -> Response:
    body = BodyFactory(force=ForceFactory(name="Norfolk"))
    response = make_response(body=body, published_on=timezone.localdate() - dt.timedelta(days=30), recommendations=1)
    response.refresh_from_db()
    return response


def _finding_pk(response: Response) -> int:
    return response.finding_responses.get().pk


def get_urls(response: Response) -> list[str]:
    pk, fr = response.pk, _finding_pk(response)
    return [
        reverse("response_detail", args=[pk]),
        reverse("response_edit_comments", args=[pk]),
        reverse("response_edit_owner", args=[pk]),
        reverse("response_edit_comments_due", args=[pk]),
        reverse("response_edit_deadline", args=[pk]),
        reverse("finding_edit", args=[pk, fr]),
        reverse("checklist_step", args=[pk, "forwarded_to_panel"]),
        reverse("response_publish", args=[pk]),
        reverse("response_docx", args=[pk]),
    ]


def post_actions(response: Response) -> list[tuple[str, dict[str, str]]]:
    """Every POST the staff pages make, each with data that an editor's request would save."""
    pk, fr, version = response.pk, _finding_pk(response), str(response.version)
    today = timezone.localdate().isoformat()
    return [
        (
            reverse("response_edit_comments", args=[pk]),
            {"version": version, "cc_comments": "Viewer text", "body_comments": "Viewer text"},
        ),
        (reverse("response_edit_owner", args=[pk]), {"version": version, "owner": ""}),
        (reverse("response_edit_comments_due", args=[pk]), {"version": version, "comments_due": ""}),
        (
            reverse("response_edit_deadline", args=[pk]),
            {"version": version, "deadline": "2030-01-01", "reason": "Viewer wants more time"},
        ),
        (
            reverse("response_restore_deadline", args=[pk]),
            {"version": version, "restore-version": version, "restore-reason": "Viewer"},
        ),
        (reverse("finding_edit", args=[pk, fr]), {"version": version, "explanation": "Viewer explanation"}),
        (
            reverse("finding_add_progress", args=[pk, fr]),
            {"progress-progress": "complete", "progress-note": "Viewer note"},
        ),
        (
            reverse("checklist_tick", args=[pk, "forwarded_to_panel"]),
            {"version": version, "done_on": today, "evidence_reference": "Viewer"},
        ),
        (reverse("checklist_untick", args=[pk, "forwarded_to_panel"]), {"version": version, "reason": "Viewer"}),
        (reverse("response_mark_ready", args=[pk]), {"version": version}),
        (reverse("response_unmark_ready", args=[pk]), {"version": version}),
        (reverse("response_publish", args=[pk]), {"version": version, "published_on": today}),
    ]


def snapshot(response: Response) -> tuple[Any, ...]:
    fresh = Response.objects.get(pk=response.pk)
    return (
        fresh.version,
        fresh.cc_comments,
        fresh.deadline,
        fresh.comments_due,
        fresh.owner_id,
        fresh.published_on,
        fresh.ready_at,
        list(fresh.finding_responses.values_list("explanation", flat=True)),
        ChecklistItem.objects.filter(response=fresh).count(),
        FindingUpdate.objects.filter(finding_response__response=fresh).count(),
        AuditEntry.objects.filter(response_id=fresh.pk).count(),
    )


def test_every_post_by_a_viewer_is_forbidden_and_changes_nothing(response: Response) -> None:
    viewer = UserFactory(body=response.body, role=Role.VIEWER)
    client = Client()
    client.force_login(viewer, backend=BACKEND)
    before = snapshot(response)
    for url, data in post_actions(response):
        result = client.post(url, data)
        assert result.status_code == 403, url
    assert snapshot(response) == before


def test_viewer_can_read_but_not_open_edit_pages(response: Response) -> None:
    viewer = UserFactory(body=response.body, role=Role.VIEWER)
    client = Client()
    client.force_login(viewer, backend=BACKEND)
    read_only = {reverse("response_detail", args=[response.pk]), reverse("response_docx", args=[response.pk])}
    for url in get_urls(response):
        assert client.get(url).status_code == (200 if url in read_only else 403), url


def test_viewer_sees_no_forms_on_the_response_page(response: Response) -> None:
    viewer = UserFactory(body=response.body, role=Role.VIEWER)
    client = Client()
    client.force_login(viewer, backend=BACKEND)
    html = client.get(reverse("response_detail", args=[response.pk])).content.decode()
    # The only form a viewer sees is the header's sign-out.
    assert html.count("<form") == 1
    assert 'action="/accounts/logout/"' in html
    assert "Mark ready to publish" not in html
    assert "Change<span" not in html


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR, Role.ADMIN])
def test_another_bodys_user_gets_404_on_every_response_url(response: Response, role: str) -> None:
    stranger = UserFactory(body=BodyFactory(force=ForceFactory(name="Suffolk")), role=role)
    client = Client()
    client.force_login(stranger, backend=BACKEND)
    before = snapshot(response)
    for url in get_urls(response):
        assert client.get(url).status_code == 404, url
    for url, data in post_actions(response):
        assert client.post(url, data).status_code == 404, url
    assert snapshot(response) == before


def test_another_bodys_dashboard_and_calendar_do_not_list_the_response(response: Response) -> None:
    stranger = UserFactory(body=BodyFactory(force=ForceFactory(name="Suffolk")))
    client = Client()
    client.force_login(stranger, backend=BACKEND)
    for url in (reverse("dashboard"), reverse("deadline_calendar")):
        html = client.get(url).content.decode()
        assert response.inspection.title not in html, url


def test_signed_out_visitors_are_sent_to_sign_in(response: Response) -> None:
    client = Client()
    for url in [reverse("dashboard"), reverse("deadline_calendar"), *get_urls(response)]:
        result = client.get(url)
        assert result.status_code == 302 and result["Location"].startswith(reverse("login")), url
    for url, data in post_actions(response):
        result = client.post(url, data)
        assert result.status_code == 302 and result["Location"].startswith(reverse("login")), url


def test_national_superuser_can_open_any_bodys_response(response: Response) -> None:
    national = UserFactory(username="national", body=None, is_superuser=True)
    client = Client()
    client.force_login(national, backend=BACKEND)
    assert client.get(reverse("response_detail", args=[response.pk])).status_code == 200
    assert client.get(reverse("response_edit_comments", args=[response.pk])).status_code == 200


def test_actions_refuse_get(response: Response) -> None:
    editor = UserFactory(body=response.body, role=Role.EDITOR)
    client = Client()
    client.force_login(editor, backend=BACKEND)
    for name in ("response_mark_ready", "response_unmark_ready", "response_restore_deadline"):
        assert client.get(reverse(name, args=[response.pk])).status_code == 405, name


def test_posts_need_a_csrf_token(response: Response) -> None:
    editor = UserFactory(body=response.body, role=Role.EDITOR)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor, backend=BACKEND)
    before = snapshot(response)
    for url, data in post_actions(response):
        assert client.post(url, data).status_code == 403, url
    assert snapshot(response) == before


def test_expected_403s_and_404s_log_one_line_without_a_traceback(
    response: Response, caplog: pytest.LogCaptureFixture
) -> None:
    viewer = Client()
    viewer.force_login(UserFactory(body=response.body, role=Role.VIEWER), backend=BACKEND)
    stranger = Client()
    stranger.force_login(UserFactory(body=BodyFactory(force=ForceFactory(name="Suffolk"))), backend=BACKEND)
    edit = reverse("response_edit_comments", args=[response.pk])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert viewer.get(edit).status_code == 403
        assert stranger.get(response.get_absolute_url()).status_code == 404
    records = [record for record in caplog.records if record.name == "django.request"]
    assert [(record.status_code, record.getMessage()) for record in records] == [  # type: ignore[attr-defined]
        (403, f"Forbidden (Permission denied): {edit}"),
        (404, f"Not Found: {response.get_absolute_url()}"),
    ]
    assert all(record.exc_info is None for record in records)
    assert "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback() -> None:
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: /", (), None)
        record.exc_info = sys.exc_info()
    record.status_code = 500
    assert ExpectedClientErrors().filter(record)
    assert record.exc_info is not None
    assert logging.getLogger("django.request").filters  # the settings attach the filter
