"""The force's link page: what it shows, what it refuses (revoked 404, expired 410, brute force 429 with no hit),
and submissions kept as versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from forcecomments import services
from forcecomments.models import CommentsLink, Submission
from forcecomments.tokens import token_for
from responses.models import Response
from tests.forcecomments.conftest import COMMENTS_DUE, DRAFT, World, invite, link_paths

pytestmark = pytest.mark.django_db
CONTACT = "cc.office@norfolk.police.example"
ON_TIME = dt.datetime(2024, 10, 1, 10, 0, tzinfo=dt.UTC)


def _submit(client: Client, path: str, **extra: str) -> Any:
    data = {"name": "Sam Staff Officer", "email": "sam@norfolk.police.example", "cc_comments": "We welcome it."}
    data.update(extra)
    return client.post(path, data)


@time_machine.travel(ON_TIME, tick=False)
def test_every_url_the_link_reaches_shows_the_invitation_and_nothing_beyond_it(world: World) -> None:
    path = link_paths(invite(world))[CONTACT]
    client = Client()
    finding_ids = [fr.finding_id for fr in world.response.finding_responses.all()]

    pages = {}
    page = client.get(path)
    assert page.status_code == 200
    pages["link page"] = page.content.decode()
    text = pages["link page"]
    # What the invitation covers: the report's facts, its findings, the due date.
    assert world.response.inspection.title in text
    assert "24 September 2024" in text
    assert world.response.inspection.report_url in text
    assert "Tuesday 22 October 2024" in text
    for n in (1, 2):
        assert f"Do thing {n}" in text
    assert "AFI 1" in text
    assert page["Referrer-Policy"] == "same-origin"

    # A submission with an error, then a good one, then the page after it (the link's every state).
    bad = _submit(client, path, name="", email="not-an-address", cc_comments="  ")
    assert bad.status_code == 200
    pages["form with errors"] = bad.content.decode()
    assert "Enter your name" in pages["form with errors"]
    assert "Enter an email address in the correct format, like name@example.com" in pages["form with errors"]
    assert "Enter the chief constable&#x27;s comments" in pages["form with errors"]
    done = _submit(client, path, **{f"action_{finding_ids[0]}": "New call handlers"})
    assert done.status_code == 302 and done["Location"] == path
    after = client.get(path)
    pages["after sending"] = after.content.decode()
    assert "Thank you: the chief constable" in pages["after sending"]
    assert "Version 1, sent by Sam Staff Officer" in pages["after sending"]

    for label, html in pages.items():
        assert DRAFT not in html, f"{label} shows the body's draft"
        assert "Custody 2024" not in html, f"{label} names another response"
        assert "What happened" not in html and "audit" not in html.lower(), f"{label} shows the audit trail"
        assert "/responses/" not in html, f"{label} links into the staff pages"


@time_machine.travel(ON_TIME, tick=False)
def test_opened_is_recorded_on_the_first_view_only(world: World) -> None:
    invitation = invite(world)
    path = link_paths(invitation)[CONTACT]
    assert CommentsLink.objects.get(recipient=CONTACT).opened_at is None
    Client().get(path)
    first = CommentsLink.objects.get(recipient=CONTACT).opened_at
    assert first is not None
    with time_machine.travel(ON_TIME + dt.timedelta(hours=2), tick=False):
        Client().get(path)
    assert CommentsLink.objects.get(recipient=CONTACT).opened_at == first
    # The other contact's link was not opened.
    assert CommentsLink.objects.exclude(recipient=CONTACT).get().opened_at is None


@time_machine.travel(ON_TIME, tick=False)
def test_a_second_submission_is_a_new_version_and_the_first_is_kept(world: World) -> None:
    invitation = invite(world)
    paths = link_paths(invitation)
    client = Client()
    _submit(client, paths[CONTACT], cc_comments="First thoughts.")
    with time_machine.travel(ON_TIME + dt.timedelta(days=1), tick=False):
        other = "staff.officer@norfolk.police.example"
        _submit(Client(), paths[other], name="Alex Deputy", email="alex@example.org", cc_comments="Final comments.")
    versions = list(Submission.objects.order_by("number"))
    assert [(v.number, v.cc_comments, v.name, v.email, v.sent_to) for v in versions] == [
        (1, "First thoughts.", "Sam Staff Officer", "sam@norfolk.police.example", CONTACT),
        (2, "Final comments.", "Alex Deputy", "alex@example.org", other),
    ]
    assert versions[1].submitted_at - versions[0].submitted_at == dt.timedelta(days=1)
    # Nothing reached the response itself: the office decides.
    assert world.fresh().cc_comments == ""
    # The form comes back holding the latest version of that link's invitation.
    assert "Final comments." in client.get(paths[CONTACT]).content.decode()


@time_machine.travel(ON_TIME, tick=False)
def test_a_revoked_link_is_a_404(world: World) -> None:
    invitation = invite(world)
    path = link_paths(invitation)[CONTACT]
    assert Client().get(path).status_code == 200
    services.invitation_revoke(invitation=invitation, user=world.editor)
    assert Client().get(path).status_code == 404
    assert _submit(Client(), path).status_code == 404
    assert not Submission.objects.exists()


def test_the_link_expires_fourteen_days_after_the_comments_due_date(world: World, settings: Any) -> None:
    with time_machine.travel(ON_TIME, tick=False):
        path = link_paths(invite(world))[CONTACT]
    last_day = dt.datetime.combine(COMMENTS_DUE + dt.timedelta(days=14), dt.time(22, 0), tzinfo=dt.UTC)
    with time_machine.travel(last_day, tick=False):  # 23:00 in London, 5 November: the last day
        assert Client().get(path).status_code == 200
    with time_machine.travel(last_day + dt.timedelta(hours=2), tick=False):
        page = Client().get(path)
        assert page.status_code == 410
        assert "This link has expired" in page.content.decode()
        assert _submit(Client(), path).status_code == 410
        assert not Submission.objects.exists()
        settings.FORCE_COMMENTS_LINK_DAYS = 30  # the setting moves the end
        assert Client().get(path).status_code == 200


@time_machine.travel(ON_TIME, tick=False)
def test_brute_forcing_tokens_gets_429_and_no_hit(world: World, settings: Any) -> None:
    settings.FORCE_COMMENTS_FAILURES_PER_ADDRESS = 5
    path = link_paths(invite(world))[CONTACT]
    real_token = path.split("/")[2]
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [attacker.get(f"/comments/guess{n}:forged/").status_code for n in range(8)]
    assert statuses == [404] * 5 + [429] * 3
    # Throttled, the right token finds nothing either: refused before any lookup, not a single query, not opened.
    with CaptureQueriesContext(connection) as queries:
        refused = attacker.get(path)
    assert refused.status_code == 429 and refused["Retry-After"]
    assert len(queries) == 0
    assert _submit(attacker, path).status_code == 429
    assert CommentsLink.objects.get(recipient=CONTACT).opened_at is None
    assert not Submission.objects.exists()
    # Someone else, from another address, still gets in.
    assert Client(REMOTE_ADDR="198.51.100.7").get(path).status_code == 200
    assert real_token.count(":") == 1


@time_machine.travel(ON_TIME, tick=False)
def test_guesses_at_one_link_from_many_addresses_are_capped_by_its_prefix(world: World, settings: Any) -> None:
    settings.FORCE_COMMENTS_FAILURES_PER_PREFIX = 4
    path = link_paths(invite(world))[CONTACT]
    lookup = CommentsLink.objects.get(recipient=CONTACT).lookup
    statuses = [
        Client(REMOTE_ADDR=f"203.0.113.{n}").get(f"/comments/{lookup}:forged{n}/").status_code for n in range(6)
    ]
    assert statuses == [404] * 4 + [429] * 2
    assert Client(REMOTE_ADDR="198.51.100.7").get(path).status_code == 429  # that link waits out the window
    assert CommentsLink.objects.get(recipient=CONTACT).opened_at is None


@time_machine.travel(ON_TIME, tick=False)
def test_a_token_signed_for_an_unknown_link_and_a_tampered_one_are_404(world: World) -> None:
    invitation = invite(world)
    lookup = CommentsLink.objects.get(recipient=CONTACT).lookup
    assert Client().get(f"/comments/{token_for('no-such-link')}/").status_code == 404
    assert Client().get(f"/comments/{lookup}:tampered/").status_code == 404
    assert Client().get(f"/comments/{lookup}/").status_code == 404
    assert invitation.links.filter(opened_at__isnull=False).count() == 0


@time_machine.travel(ON_TIME, tick=False)
def test_a_submission_is_recorded_in_the_audit_trail_of_the_response(world: World) -> None:
    path = link_paths(invite(world))[CONTACT]
    before = AuditEntry.objects.filter(response_id=world.response.pk).count()
    _submit(Client(), path)
    entries = AuditEntry.objects.filter(response_id=world.response.pk)
    assert entries.count() > before
    assert entries.filter(content_type__model="submission").count() == 1
    assert Response.objects.get(pk=world.response.pk).version == world.fresh().version
