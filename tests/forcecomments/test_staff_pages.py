"""The office's side: inviting (refused without force contacts or a due date), the response page's invited /
opened / received, revoking, and "use these comments" through the comments service, audited."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from forcecomments.models import Invitation, Submission
from notifications.models import OutboxEmail, OutboxStatus, ReminderKind
from responses import services as response_services
from tests.forcecomments.conftest import World, invite, link_paths

pytestmark = pytest.mark.django_db
ON_TIME = dt.datetime(2024, 10, 1, 10, 0, tzinfo=dt.UTC)
CONTACTS = ["cc.office@norfolk.police.example", "staff.officer@norfolk.police.example"]


def _url(name: str, world: World, *extra: int) -> str:
    return reverse(f"forcecomments:{name}", args=[world.response.pk, *extra])


@time_machine.travel(ON_TIME, tick=False)
def test_an_editor_invites_and_an_email_with_its_own_link_is_queued_for_each_force_contact(world: World) -> None:
    client = world.client_for(world.editor)
    page = client.get(_url("invite", world))
    assert page.status_code == 200
    assert all(address in page.content.decode() for address in CONTACTS)
    result = client.post(_url("invite", world))
    assert result.status_code == 302 and result["Location"].endswith("#force-comments")
    rows = list(OutboxEmail.objects.filter(kind=ReminderKind.COMMENTS_INVITE).order_by("recipient"))
    assert [row.recipient for row in rows] == CONTACTS
    assert {row.body_id for row in rows} == {world.body.pk}
    assert {row.response_id for row in rows} == {world.response.pk}
    assert all(row.status == OutboxStatus.PENDING and row.prepared_html for row in rows)
    paths = link_paths(Invitation.objects.get())
    assert len(set(paths.values())) == 2  # one link per address
    assert "22 October 2024" in rows[0].prepared_text
    # The invitation date is recorded on the response, and the page says who was invited and whether they opened it.
    assert world.fresh().cc_invited_on == dt.date(2024, 10, 1)
    detail = client.get(world.response.get_absolute_url(), follow=True).content.decode()
    assert "Invitation queued to 2 force contact addresses" in detail
    assert "Invited on" in detail and detail.count("Not opened yet") == 2
    Client().get(paths[CONTACTS[0]])
    detail = client.get(world.response.get_absolute_url()).content.decode()
    assert "Opened on 1 October 2024" in detail and detail.count("Not opened yet") == 1
    # A second invitation while this one is live is refused.
    again = client.post(_url("invite", world))
    assert again.status_code == 200
    assert "already been invited" in again.content.decode()
    assert Invitation.objects.count() == 1


def test_inviting_is_refused_clearly_when_the_body_has_no_force_contacts(world: World) -> None:
    world.body.force_contact_emails = ""
    world.body.save()
    client = world.client_for(world.editor)
    page = client.post(_url("invite", world))
    text = page.content.decode()
    assert page.status_code == 200
    assert "has no force contact addresses" in text
    assert "Ask your office's administrator to add the force contact addresses" in text
    assert not Invitation.objects.exists() and not OutboxEmail.objects.exists()


def test_the_national_administrator_is_linked_to_where_the_force_contacts_are_set(world: World) -> None:
    from tests.factories import UserFactory

    world.body.force_contact_emails = ""
    world.body.save()
    national = UserFactory(username="national", body=None, is_superuser=True)
    text = world.client_for(national).get(_url("invite", world)).content.decode()
    assert reverse("admin:inspections_localpolicingbody_change", args=[world.body.pk]) in text


def test_inviting_needs_a_comments_due_date(world: World) -> None:
    response_services.response_set_comments_due(response=world.fresh(), comments_due=None)
    text = world.client_for(world.editor).post(_url("invite", world)).content.decode()
    assert "Set the date the chief constable&#x27;s comments are due before inviting them." in text
    assert reverse("response_edit_comments_due", args=[world.response.pk]) in text
    assert not Invitation.objects.exists()


def test_a_viewer_and_another_bodys_editor_cannot_invite_revoke_or_use(world: World) -> None:
    with time_machine.travel(ON_TIME, tick=False):
        invitation = invite(world)
        Client().post(
            link_paths(invitation)[CONTACTS[0]],
            {"name": "Sam", "email": "sam@example.org", "cc_comments": "Comments."},
        )
    submission = Submission.objects.get()
    for user, status in ((world.viewer, 403), (world.other_editor, 404)):
        client = world.client_for(user)
        assert client.post(_url("invite", world)).status_code == status
        assert client.post(_url("revoke", world)).status_code == status
        assert client.post(_url("use", world, submission.pk), {"version": "99"}).status_code == status
    assert world.client_for(world.other_editor).get(_url("submission", world, submission.pk)).status_code == 404
    assert world.client_for(world.viewer).get(_url("submission", world, submission.pk)).status_code == 200
    assert Invitation.objects.get().revoked_at is None and world.fresh().cc_comments == ""


@time_machine.travel(ON_TIME, tick=False)
def test_revoking_cancels_the_unsent_invitations_and_the_page_says_so(world: World) -> None:
    invite(world)
    client = world.client_for(world.editor)
    result = client.post(_url("revoke", world), follow=True)
    assert "The link was revoked" in result.content.decode()
    assert Invitation.objects.get().revoked_at is not None
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {OutboxStatus.CANCELLED}
    assert "Invite the chief constable's comments" in client.get(world.response.get_absolute_url()).content.decode()


@time_machine.travel(ON_TIME, tick=False)
def test_use_these_comments_copies_a_version_into_the_response_through_the_comments_service(world: World) -> None:
    paths = link_paths(invite(world))
    Client().post(paths[CONTACTS[0]], {"name": "Sam", "email": "sam@example.org", "cc_comments": "Version one."})
    Client().post(paths[CONTACTS[1]], {"name": "Alex", "email": "alex@example.org", "cc_comments": "Version two."})
    first, second = Submission.objects.order_by("number")
    client = world.client_for(world.editor)
    detail = client.get(world.response.get_absolute_url()).content.decode()
    assert "Version 1</a>: Sam (sam@example.org), through the link sent to cc.office@" in detail
    assert "Version 2</a>: Alex" in detail
    shown = client.get(_url("submission", world, second.pk)).content.decode()
    assert "Version two." in shown and "Use these comments" in shown

    version = world.fresh().version
    result = client.post(_url("use", world, second.pk), {"version": str(version)}, follow=True)
    assert "are now the chief constable" in result.content.decode()
    response = world.fresh()
    assert response.cc_comments == "Version two."
    assert response.cc_comments_received_on == dt.date(2024, 10, 1)
    assert response.version == version + 1
    entry = AuditEntry.objects.filter(response_id=response.pk, content_type__model="response").latest("id")
    assert "cc_comments" in entry.changes
    assert entry.reason.startswith("The force's comments, version 2, sent by Alex <alex@example.org>")
    assert entry.actor_id == world.editor.pk
    assert Submission.objects.get(pk=second.pk).used_by == world.editor
    assert Submission.objects.get(pk=first.pk).used_at is None

    # A stale page's version: nothing copied, and the office is told why.
    stale = client.post(_url("use", world, first.pk), {"version": str(version)}, follow=True)
    assert "Someone else saved a change" in stale.content.decode()
    assert world.fresh().cc_comments == "Version two."
