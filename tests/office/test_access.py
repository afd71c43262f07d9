"""Every office page walked by every kind of visitor (as tests/security/test_access_walk.py walks the others):
anonymous, A's viewer, editor, approver and admin, B's admin and the national administrator.

Only A's admin and the national administrator reach A's office; the others signed in get 403, and B's admin gets 404
for anything of A's. The visitors who may not administer A change nothing of A's, whatever they post, and nothing
shown to B's admin names A's people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import HttpResponseBase
from django.urls import reverse

from accounts.models import Role, User
from inspections.models import Signatory
from notifications.models import OutboxEmail, OutboxStatus, ReminderKind
from office.models import Invitation
from tests.office.conftest import VISITORS, Offices

pytestmark = pytest.mark.django_db

LOGIN = "302 → sign-in"
SAVED = "302 → elsewhere"
MARKER_A = "vera.qx7f3c@norfolk-opcc.example"

ADMINS_ONLY = (LOGIN, 403, 403, 403, 200, 404, 200)  # A's pages, asked for with ?body=A
OWN_OFFICE = (LOGIN, 403, 403, 403, 200, 200, SAVED)  # no ?body: each admin their own; national chooses first
A_POST = (LOGIN, 403, 403, 403, SAVED, 404, SAVED)


@dataclass
class World:
    offices: Offices
    a_viewer: User
    a_editor: User
    b_viewer: User
    a_signatory: Signatory
    a_failed: OutboxEmail
    b_failed: OutboxEmail
    a_invitation: Invitation


def _failed(body: Any, recipient: str) -> OutboxEmail:
    return OutboxEmail.objects.create(
        key=f"test:{recipient}",
        kind=ReminderKind.OFFICE_SUMMARY,
        body=body,
        recipient=recipient,
        due_on=dt.date(2026, 11, 30),
        subject="Weekly summary",
        status=OutboxStatus.FAILED,
        attempts=5,
        last_error="550 mailbox unavailable",
        prepared_text="The week's summary.",
    )


def _world(offices: Offices) -> World:
    a_viewer = offices.users["viewer"]
    assert a_viewer is not None
    a_viewer.email = MARKER_A
    a_viewer.save()
    return World(
        offices=offices,
        a_viewer=a_viewer,
        a_editor=offices.users["editor"],  # type: ignore[arg-type]
        b_viewer=User.objects.create_user("b-viewer", "b-viewer@suffolk.example", body=offices.b, role=Role.VIEWER),
        a_signatory=Signatory.objects.create(body=offices.a, name="Giles Orpen-Smellie", title="PCC for Norfolk"),
        a_failed=_failed(offices.a, "panel@norfolk.example"),
        b_failed=_failed(offices.b, "panel@suffolk.example"),
        a_invitation=Invitation.objects.create(
            body=offices.a,
            email="starter@norfolk-opcc.example",
            role=Role.EDITOR,
            expires_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
        ),
    )


Url = Callable[[World], str]


@dataclass(frozen=True)
class Step:
    label: str
    url: Url
    expect: tuple[int | str, ...]
    method: str = "GET"
    data: Callable[[World], dict[str, Any]] | None = None


def _of_a(name: str, obj: Callable[[World], Any] | None = None) -> Url:
    def url(w: World) -> str:
        return reverse(f"office:{name}", args=[obj(w).pk] if obj else []) + f"?body={w.offices.a.pk}"

    return url


def _plain(name: str, obj: Callable[[World], Any] | None = None) -> Url:
    return lambda w: reverse(f"office:{name}", args=[obj(w).pk] if obj else [])


WALK: list[Step] = [
    Step("office home, A", _of_a("home"), ADMINS_ONLY),
    Step("office home, own", _plain("home"), (LOGIN, 403, 403, 403, 200, 200, 200)),
    Step("people, A", _of_a("people"), ADMINS_ONLY),
    Step("people, own", _plain("people"), OWN_OFFICE),
    Step("invite page, A", _of_a("invite"), ADMINS_ONLY),
    Step("A's viewer", _plain("person", lambda w: w.a_viewer), (LOGIN, 403, 403, 403, 200, 404, 200)),
    Step("B's viewer", _plain("person", lambda w: w.b_viewer), (LOGIN, 403, 403, 403, 404, 200, 200)),
    Step("addresses, A", _of_a("settings"), ADMINS_ONLY),
    Step("addresses, own", _plain("settings"), OWN_OFFICE),
    Step("signatories, A", _of_a("signatories"), ADMINS_ONLY),
    Step("A's signatory", _plain("signatory_edit", lambda w: w.a_signatory), (LOGIN, 403, 403, 403, 200, 404, 200)),
    Step("outbox, A", _of_a("outbox"), ADMINS_ONLY),
    Step("outbox, A, failed only", lambda w: _of_a("outbox")(w) + "&status=failed", ADMINS_ONLY),
    Step("outbox, own", _plain("outbox"), OWN_OFFICE),
    Step("audit trail, A", _of_a("audit"), ADMINS_ONLY),
    Step("audit trail, A, filtered", lambda w: _of_a("audit")(w) + "&from=2020-01-01&to=2099-12-31", ADMINS_ONLY),
    Step("audit trail, own", _plain("audit"), OWN_OFFICE),
    Step("join, a forged link", lambda w: reverse("office:join", args=["forged:token"]), (404,) * 7),
    Step(
        "a body that does not exist",
        lambda w: reverse("office:people") + "?body=999999",
        (LOGIN, 403, 403, 403, 404, 404, 404),
    ),
    # --- every POST, in an order in which an admin's each succeeds --------------------------------------------------
    Step(
        "POST A's viewer made editor",
        _plain("person", lambda w: w.a_viewer),
        A_POST,
        "POST",
        lambda w: {"role": "editor"},
    ),
    Step(
        "POST a password link for A's editor",
        _plain("person_password_link", lambda w: w.a_editor),
        A_POST,
        "POST",
        lambda w: {},
    ),
    Step("POST deactivate A's editor", _plain("person_deactivate", lambda w: w.a_editor), A_POST, "POST", lambda w: {}),
    Step("POST reactivate A's editor", _plain("person_reactivate", lambda w: w.a_editor), A_POST, "POST", lambda w: {}),
    Step(
        "POST A's addresses",
        _of_a("settings"),
        A_POST,
        "POST",
        lambda w: {
            "shared_inbox": "office@norfolk-opcc.example",
            "escalation_emails": "ceo@norfolk-opcc.example",
            "force_contact_emails": "cc.office@norfolk.police.example",
            "sso_email_domains": "norfolk-opcc.example",
        },
    ),
    Step(
        "POST a signatory for A",
        _of_a("signatories"),
        A_POST,
        "POST",
        lambda w: {"name": "Deputy Commissioner", "title": "Deputy PCC for Norfolk", "order": "2"},
    ),
    Step(
        "POST A's signatory inactive",
        _plain("signatory_edit", lambda w: w.a_signatory),
        A_POST,
        "POST",
        lambda w: {"name": w.a_signatory.name, "title": w.a_signatory.title, "order": "0"},
    ),
    Step(
        "POST send A's failed email again",
        _plain("outbox_send_again", lambda w: w.a_failed),
        A_POST,
        "POST",
        lambda w: {},
    ),
    Step(
        "POST withdraw A's invitation",
        _plain("invitation_withdraw", lambda w: w.a_invitation),
        A_POST,
        "POST",
        lambda w: {},
    ),
    Step(
        "POST invite someone to A",
        _of_a("invite"),
        A_POST,
        "POST",
        lambda w: {"email": "new.starter@norfolk-opcc.example", "role": "viewer"},
    ),
]


def _outcome(result: HttpResponseBase) -> int | str:
    if result.status_code != 302:
        return result.status_code
    return LOGIN if result["Location"].startswith(reverse("login")) else SAVED


def _state_of_a(w: World) -> list[Any]:
    a = w.offices.a
    a.refresh_from_db()
    return [
        list(User.objects.filter(body=a).order_by("pk").values("pk", "role", "is_active", "is_superuser", "is_staff")),
        [a.shared_inbox, a.escalation_emails, a.force_contact_emails, a.sso_email_domains],
        list(Signatory.objects.filter(body=a).order_by("pk").values()),
        list(OutboxEmail.objects.filter(body=a).order_by("pk").values("pk", "status")),
        list(Invitation.objects.filter(body=a).order_by("pk").values("pk", "revoked_at", "accepted_at")),
    ]


@pytest.mark.parametrize("visitor", VISITORS)
def test_each_office_page_answers_each_visitor_as_expected(offices: Offices, visitor: str) -> None:
    world = _world(offices)
    column = VISITORS.index(visitor)
    client = offices.client(visitor)
    before = _state_of_a(world)
    wrong: list[str] = []
    for step in WALK:
        url = step.url(world)
        result = client.post(url, step.data(world)) if step.method == "POST" and step.data else client.get(url)
        got, expected = _outcome(result), step.expect[column]
        if got != expected:
            wrong.append(f"{step.label} ({step.method} {url}): expected {expected}, got {got}")
        if visitor == "b_admin" and MARKER_A in result.content.decode():
            wrong.append(f"{step.label} shows A's people to B's admin")
    assert not wrong, f"{visitor}:\n" + "\n".join(wrong)

    after = _state_of_a(world)
    if visitor in ("admin", "national"):
        world.a_viewer.refresh_from_db()
        assert world.a_viewer.role == Role.EDITOR
        assert not Signatory.objects.get(pk=world.a_signatory.pk).active
        assert OutboxEmail.objects.filter(resend_of=world.a_failed, status=OutboxStatus.PENDING).count() == 1
        assert Invitation.objects.filter(body=offices.a, email="new.starter@norfolk-opcc.example").exists()
        assert after != before
    else:
        assert after == before, f"{visitor} changed A's office"
    # Nobody's walk made anyone a superuser or staff-national.
    assert not User.objects.filter(is_superuser=True).exclude(pk=offices.users["national"].pk).exists()  # type: ignore[union-attr]


def test_the_admin_s_pages_show_their_people_and_the_national_administrator_chooses_a_body(offices: Offices) -> None:
    world = _world(offices)
    page = offices.client("admin").get(reverse("office:people")).content.decode()
    assert MARKER_A in page and "b-viewer@suffolk.example" not in page
    assert "Last signed in" in page
    choose = offices.client("national").get(reverse("office:home")).content.decode()
    assert offices.a.name in choose and offices.b.name in choose
    b_page = offices.client("national").get(reverse("office:people") + f"?body={offices.b.pk}").content.decode()
    assert "b-viewer@suffolk.example" in b_page and MARKER_A not in b_page
    assert world.b_viewer.pk


@pytest.mark.parametrize("visitor", ["viewer", "editor", "approver", "admin", "national"])
def test_the_office_link_is_in_the_navigation_for_administrators_only(offices: Offices, visitor: str) -> None:
    page = offices.client(visitor).get(reverse("dashboard")).content.decode()
    assert (reverse("office:home") in page) is (visitor in ("admin", "national"))
