"""Changing people: roles among viewer, editor, approver and admin; leavers deactivated, never deleted; the last
active admin of a body kept; no one made a superuser; another body's people out of reach. Each change audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role, User
from audit.models import AuditEntry
from office import services
from tests.factories import UserFactory
from tests.notifications.conftest import SmtpServer
from tests.office.conftest import Offices

pytestmark = pytest.mark.django_db


def _user(offices: Offices, role: str) -> User:
    user = offices.users[role]
    assert user is not None
    return user


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(offices: Offices) -> None:
    admin = _user(offices, "admin")
    client = offices.client("admin")
    page = client.post(reverse("office:person", args=[admin.pk]), {"role": "editor"})
    assert page.status_code == 200
    assert "only active admin" in page.content.decode()
    result = client.post(reverse("office:person_deactivate", args=[admin.pk]), follow=True)
    assert "only active admin" in result.content.decode()
    admin.refresh_from_db()
    assert (admin.role, admin.is_active) == (Role.ADMIN, True)
    assert not AuditEntry.objects.filter(content_type__model="user").exists()


def test_with_a_second_admin_the_first_may_step_down_and_then_the_second_is_the_last(offices: Offices) -> None:
    first, second = _user(offices, "admin"), UserFactory(username="a-admin-2", body=offices.a, role=Role.ADMIN)
    services.user_change_role(user=first, role=Role.EDITOR, by=first)
    with pytest.raises(ValidationError, match="only active admin"):
        services.user_deactivate(user=second, by=second)
    with pytest.raises(ValidationError, match="only active admin"):
        services.user_change_role(user=second, role=Role.VIEWER, by=offices.users["national"])  # type: ignore[arg-type]


def test_a_deactivated_admin_does_not_count_as_another_admin(offices: Offices) -> None:
    admin = _user(offices, "admin")
    UserFactory(username="a-admin-left", body=offices.a, role=Role.ADMIN, is_active=False)
    with pytest.raises(ValidationError, match="only active admin"):
        services.user_change_role(user=admin, role=Role.APPROVER, by=admin)


def test_a_leaver_is_deactivated_kept_and_can_come_back(offices: Offices) -> None:
    editor = _user(offices, "editor")
    client = offices.client("admin")
    result = client.post(reverse("office:person_deactivate", args=[editor.pk]), follow=True)
    assert "is deactivated" in result.content.decode()
    editor.refresh_from_db()
    assert not editor.is_active
    assert not offices.client("anonymous").login(username=editor.username, password="correct horse battery staple")
    people = client.get(reverse("office:people")).content.decode()
    assert editor.username in people and "Deactivated" in people
    client.post(reverse("office:person_reactivate", args=[editor.pk]))
    editor.refresh_from_db()
    assert editor.is_active
    entries = AuditEntry.objects.filter(content_type__model="user", object_pk=str(editor.pk)).order_by("pk")
    assert [e.changes["is_active"] for e in entries] == [[True, False], [False, True]]
    assert {e.body_id for e in entries} == {offices.a.pk}
    assert {e.actor_id for e in entries} == {_user(offices, "admin").pk}


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR, Role.APPROVER, Role.ADMIN])
def test_each_role_can_be_given(offices: Offices, role: str) -> None:
    viewer = _user(offices, "viewer")
    offices.client("admin").post(reverse("office:person", args=[viewer.pk]), {"role": "approver"})
    offices.client("admin").post(reverse("office:person", args=[viewer.pk]), {"role": role})
    viewer.refresh_from_db()
    assert viewer.role == role
    assert not viewer.is_superuser and viewer.body == offices.a


def test_a_body_admin_can_grant_no_superuser_nor_anything_else_than_a_role(offices: Offices) -> None:
    viewer = _user(offices, "viewer")
    client = offices.client("admin")
    refused = client.post(reverse("office:person", args=[viewer.pk]), {"role": "superuser"})
    assert "Select a role from the list" in refused.content.decode()
    client.post(
        reverse("office:person", args=[viewer.pk]),
        {"role": "editor", "is_superuser": "on", "is_staff": "on", "body": str(offices.b.pk)},
    )
    viewer.refresh_from_db()
    assert (viewer.role, viewer.is_superuser, viewer.body) == (Role.EDITOR, False, offices.a)
    with pytest.raises(ValidationError):
        services.user_change_role(user=viewer, role="superuser", by=_user(offices, "admin"))


def test_a_body_admin_cannot_touch_body_b_s_people(offices: Offices) -> None:
    b_admin = _user(offices, "b_admin")
    client = offices.client("admin")
    for name in ("person", "person_deactivate", "person_reactivate"):
        assert client.post(reverse(f"office:{name}", args=[b_admin.pk]), {"role": "viewer"}).status_code == 404
    assert client.get(reverse("office:person", args=[b_admin.pk])).status_code == 404
    assert client.get(reverse("office:people") + f"?body={offices.b.pk}").status_code == 404
    b_admin.refresh_from_db()
    assert (b_admin.role, b_admin.is_active) == (Role.ADMIN, True)
    # The services refuse too, whatever calls them.
    with pytest.raises(PermissionDenied):
        services.user_deactivate(user=b_admin, by=_user(offices, "admin"))


def test_a_national_administrator_is_out_of_a_body_admin_s_reach(offices: Offices) -> None:
    national = _user(offices, "national")
    assert offices.client("admin").get(reverse("office:person", args=[national.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.user_deactivate(user=national, by=_user(offices, "admin"))


def test_a_superuser_of_the_body_is_changed_by_a_national_administrator_only(offices: Offices) -> None:
    boss = UserFactory(username="a-super", body=offices.a, role=Role.EDITOR, is_superuser=True)
    page = offices.client("admin").post(reverse("office:person", args=[boss.pk]), {"role": "viewer"})
    assert "Only a national administrator" in page.content.decode()
    offices.client("national").post(reverse("office:person", args=[boss.pk]), {"role": "viewer"})
    boss.refresh_from_db()
    assert boss.role == Role.VIEWER


@pytest.mark.parametrize("visitor", ["viewer", "editor", "approver", "b_admin"])
def test_no_one_but_an_administrator_changes_a_role(offices: Offices, visitor: str) -> None:
    viewer = _user(offices, "viewer")
    offices.client(visitor).post(reverse("office:person", args=[viewer.pk]), {"role": "admin"})
    viewer.refresh_from_db()
    assert viewer.role == Role.VIEWER
    with pytest.raises(PermissionDenied):
        services.user_change_role(user=viewer, role=Role.ADMIN, by=_user(offices, visitor))


def test_a_forgotten_password_gets_a_one_time_link_by_email(offices: Offices, smtp: SmtpServer) -> None:
    import re

    editor = _user(offices, "editor")
    result = offices.client("admin").post(reverse("office:person_password_link", args=[editor.pk]), follow=True)
    assert "new password is emailed" in result.content.decode()
    [message] = smtp.sink.messages
    assert message["To"] == editor.email
    text = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    link = re.search(r"http://\S+?(/accounts/password/set/\S+/)", text)
    assert link, text
    anonymous = offices.client("anonymous")
    form = anonymous.get(link.group(1), follow=True)
    assert form.status_code == 200
    anonymous.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link.group(1),
        {"new_password1": "another long phrase 77", "new_password2": "another long phrase 77"},
    )
    editor.refresh_from_db()
    assert editor.check_password("another long phrase 77")
    entry = AuditEntry.objects.get(content_type__model="user", object_pk=str(editor.pk))
    assert entry.body_id == offices.a.pk and "password_link_sent_to" in entry.changes
    b_user = _user(offices, "b_admin")
    assert offices.client("admin").post(reverse("office:person_password_link", args=[b_user.pk])).status_code == 404
    assert len(smtp.sink.messages) == 1


def test_an_approver_edits_in_the_staff_pages_and_the_admin_but_does_not_administer(offices: Offices) -> None:
    approver = _user(offices, "approver")
    assert approver.can_edit() and approver.can_approve() and not approver.can_administer()
    client = offices.client("approver")
    assert client.get(reverse("admin:inspections_inspection_add")).status_code == 200
    assert client.get(reverse("inspection_add")).status_code == 200
    assert client.get(reverse("office:home")).status_code == 403
    assert offices.client("viewer").get(reverse("admin:inspections_inspection_add")).status_code == 403
