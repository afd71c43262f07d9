"""Fixtures for the force's comments by link: a body with force contacts, a response with a comments-due date,
findings and the body's own draft text (which the link must never show), its editor, and a clean rate-limit cache."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from accounts.models import Role, User
from forcecomments import services
from forcecomments.models import Invitation
from inspections.models import LocalPolicingBody
from responses import services as response_services
from responses.models import Response
from tests.factories import BodyFactory, ForceFactory, UserFactory, make_response

DRAFT = "QX-OFFICE-DRAFT-5e1b"  # in every draft field of the body: the link must never show it
PUBLISHED_ON = dt.date(2024, 9, 24)
COMMENTS_DUE = dt.date(2024, 10, 22)  # statutory last day 18 November 2024
BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@dataclass
class World:
    body: LocalPolicingBody
    response: Response
    editor: User
    viewer: User
    other_editor: User
    other_response: Response

    def fresh(self) -> Response:
        return Response.objects.get(pk=self.response.pk)

    def client_for(self, user: User) -> Client:
        client = Client()
        client.force_login(user, backend=BACKEND)
        return client


@pytest.fixture
def world(db: Any, steps: Any) -> World:
    force = ForceFactory(name="Norfolk")
    body = BodyFactory(
        force=force, force_contact_emails="cc.office@norfolk.police.example\nstaff.officer@norfolk.police.example"
    )
    response = make_response(body=body, published_on=PUBLISHED_ON, recommendations=2, afis=1, title="PEEL 2024")
    response_services.response_set_comments_due(response=response, comments_due=COMMENTS_DUE)
    response = Response.objects.get(pk=response.pk)
    response_services.response_update_comments(
        response=response,
        body_comments=f"Body's draft {DRAFT}",
        response_to_cc=f"Reply draft {DRAFT}",
    )
    for finding_response in Response.objects.get(pk=response.pk).finding_responses.all():
        response_services.finding_response_explain(
            finding_response=finding_response, explanation=f"Explanation draft {DRAFT}"
        )
    # Another of the same body's responses, with its own draft: never on this response's link.
    other_response = make_response(body=body, published_on=PUBLISHED_ON, title="Custody 2024")
    response_services.response_update_comments(response=other_response, body_comments=f"Other draft {DRAFT}")
    other_body = BodyFactory(force=ForceFactory(name="Suffolk"))
    return World(
        body=body,
        response=Response.objects.get(pk=response.pk),
        editor=UserFactory(username="editor", body=body, role=Role.EDITOR),
        viewer=UserFactory(username="viewer", body=body, role=Role.VIEWER),
        other_editor=UserFactory(username="b-editor", body=other_body, role=Role.EDITOR),
        other_response=Response.objects.get(pk=other_response.pk),
    )


LINK = re.compile(r"http://[^/\s]+(/comments/[^/\s]+/)")


def invite(world: World, *, today: dt.date | None = None) -> Invitation:
    return services.invitation_create(response=world.fresh(), user=world.editor, today=today)


def link_paths(invitation: Invitation) -> dict[str, str]:
    """recipient → the link's path, read from the invitation emails queued in the outbox."""
    from notifications.models import OutboxEmail

    paths = {}
    for row in OutboxEmail.objects.filter(key__startswith=f"fc-invite:{invitation.pk}:"):
        match = LINK.search(row.prepared_text)
        assert match, row.prepared_text
        paths[row.recipient] = match.group(1)
    return paths


def sent_links() -> list[str]:
    return [m.group(1) for message in mail.outbox if (m := LINK.search(str(message.body)))]


# The reminder tests use the notifications tests' real SMTP server on loopback and their frozen clock; the browser
# test the shared Chromium.
from tests.browser.conftest import browser  # noqa: E402, F401
from tests.notifications.conftest import frozen, smtp_server  # noqa: E402, F401
