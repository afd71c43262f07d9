"""The Django admin holds the same line as the staff pages: role and body checked on every action, stale saves
refused, shared reference data national-only, every list scoped to the user's body."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from inspections.models import PublicationType
from notifications.models import CalendarToken, OutboxEmail, ReminderKind
from responses import services
from responses.models import Response
from tests.factories import BodyFactory, ForceFactory, UserFactory, make_response
from tests.responses.test_admin import response_form_data

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ready_to_publish(response: Response) -> Response:
    services.response_update_comments(response=response, cc_comments_not_received=True, body_comments="Ours.")
    return Response.objects.get(pk=response.pk)


def test_a_viewer_cannot_use_the_mark_ready_action() -> None:
    viewer = UserFactory(role=Role.VIEWER)
    response = ready_to_publish(make_response(body=viewer.body))
    page = signed_in(viewer).post(
        reverse("admin:responses_response_changelist"),
        {"action": "mark_ready", "_selected_action": [str(response.pk)]},
    )
    assert page.status_code in (200, 302, 403)
    response.refresh_from_db()
    assert response.ready_at is None


def test_an_editor_can_still_use_the_mark_ready_action() -> None:
    editor = UserFactory(role=Role.EDITOR)
    response = ready_to_publish(make_response(body=editor.body))
    signed_in(editor).post(
        reverse("admin:responses_response_changelist"),
        {"action": "mark_ready", "_selected_action": [str(response.pk)]},
    )
    response.refresh_from_db()
    assert response.ready_at is not None


def test_an_admin_save_after_a_staff_page_edit_is_refused_and_keeps_both_texts() -> None:
    editor = UserFactory(role=Role.EDITOR)
    response = make_response(body=editor.body)
    loaded = response_form_data(response, body_comments="Typed in the admin.")
    services.response_update_comments(response=response, body_comments="Saved on the staff page.")
    page = signed_in(editor).post(reverse("admin:responses_response_change", args=[response.pk]), loaded)
    assert page.status_code == 200
    assert "Someone else saved a change" in page.content.decode()
    assert "Typed in the admin." in page.content.decode()
    response.refresh_from_db()
    assert response.body_comments == "Saved on the staff page."


def test_an_admin_save_with_the_current_version_goes_through_the_service() -> None:
    editor = UserFactory(role=Role.EDITOR)
    response = make_response(body=editor.body)
    before = response.version
    page = signed_in(editor).post(
        reverse("admin:responses_response_change", args=[response.pk]),
        response_form_data(response, body_comments="Typed in the admin."),
    )
    assert page.status_code == 302
    response.refresh_from_db()
    assert response.body_comments == "Typed in the admin."
    assert response.version == before + 1
    assert response.status == "drafting"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EDITOR])
def test_a_body_user_cannot_rename_or_delete_a_publication_type(role: Role) -> None:
    user = UserFactory(role=role)
    kind = PublicationType.objects.create(name="Spotlight", slug="spotlight")
    client = signed_in(user)
    change = client.post(
        reverse("admin:inspections_publicationtype_change", args=[kind.pk]), {"name": "Renamed", "slug": "renamed"}
    )
    delete = client.post(reverse("admin:inspections_publicationtype_delete", args=[kind.pk]), {"post": "yes"})
    assert change.status_code == 403
    assert delete.status_code == 403
    kind.refresh_from_db()
    assert kind.name == "Spotlight"


def test_a_superuser_who_belongs_to_a_body_is_that_bodys_staff_for_reference_data_and_accounts() -> None:
    user = UserFactory(role=Role.ADMIN, is_superuser=True)  # a superuser, but of one body: not national
    other = UserFactory(username="suffolk-editor", body=BodyFactory(force=ForceFactory(name="Suffolk")))
    client = signed_in(user)
    force = other.body.force  # type: ignore[union-attr]
    rename = client.post(
        reverse("admin:inspections_force_change", args=[force.pk]), {"name": "Renamed", "slug": "renamed"}
    )
    assert rename.status_code == 403
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:accounts_user_change", args=[other.pk])).status_code == 403
    force.refresh_from_db()
    assert force.name == "Suffolk"


def _email(response: Response, recipient: str, **fields: Any) -> OutboxEmail:
    return OutboxEmail.objects.create(
        key=f"test:{recipient}",
        kind=ReminderKind.OVERDUE,
        response=response,
        recipient=recipient,
        due_on=dt.date(2024, 11, 20),
        **fields,
    )


def test_the_outbox_and_calendar_token_admins_show_only_the_users_own_body() -> None:
    mine = UserFactory(role=Role.ADMIN, is_superuser=False)
    theirs = UserFactory(role=Role.ADMIN, body=BodyFactory())
    _email(make_response(body=mine.body), "mine@opcc.example")
    _email(make_response(body=theirs.body), "theirs@opcc.example")
    OutboxEmail.objects.create(
        key="test:digest-theirs", kind=ReminderKind.OVERDUE, recipient="digest@other.example", user=theirs,
        due_on=dt.date(2024, 11, 20),
    )  # fmt: skip
    CalendarToken.objects.create(user=mine)
    CalendarToken.objects.create(user=theirs)
    request = type("Request", (), {"user": mine})()
    outbox = admin.site._registry[OutboxEmail].get_queryset(request)
    tokens = admin.site._registry[CalendarToken].get_queryset(request)
    assert sorted(outbox.values_list("recipient", flat=True)) == ["mine@opcc.example"]
    assert list(tokens.values_list("user_id", flat=True)) == [mine.pk]
