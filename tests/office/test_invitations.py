"""Inviting someone: the email goes out at once through a real SMTP server, its link makes the account in the
inviter's body with the invited role, and works once, within the days set — a second use, a withdrawn or a
superseded link, and one used after it lapsed are each refused with a page that says why."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from audit.models import AuditEntry
from office.models import Invitation
from tests.notifications.conftest import SmtpServer
from tests.office.conftest import Offices

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 27, 10, 0, tzinfo=dt.UTC)  # across the clocks going forward (29 March)
PASSWORD = "a long and unguessable phrase 42"


def _invite(offices: Offices, email: str = "new.starter@norfolk-opcc.example", role: str = "approver") -> Any:
    return offices.client("admin").post(reverse("office:invite"), {"email": email, "role": role})


def _link(smtp: SmtpServer, index: int = -1) -> str:
    message = smtp.sink.messages[index]
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    match = re.search(r"http://\S+/office/join/(\S+)/", body)
    assert match, body
    return reverse("office:join", args=[match.group(1)])


def _join(offices: Offices, link: str, username: str = "nstarter") -> Any:
    return offices.client("anonymous").post(
        link,
        {
            "first_name": "New",
            "last_name": "Starter",
            "username": username,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def test_an_invitation_is_emailed_at_once_and_its_link_makes_the_account_in_the_inviters_body(
    offices: Offices, smtp: SmtpServer
) -> None:
    result = _invite(offices)
    assert result.status_code == 302 and result["Location"] == reverse("office:people")
    assert len(smtp.sink.messages) == 1
    message = smtp.sink.messages[0]
    assert message["To"] == "new.starter@norfolk-opcc.example"
    assert offices.a.display_name in message["Subject"]

    link = _link(smtp)
    page = offices.client("anonymous").get(link)
    assert page.status_code == 200 and "as approver" in page.content.decode()
    result = _join(offices, link)
    assert result.status_code == 302 and result["Location"] == reverse("login")

    user = User.objects.get(username="nstarter")
    assert (user.body, user.role, user.email) == (offices.a, Role.APPROVER, "new.starter@norfolk-opcc.example")
    assert user.check_password(PASSWORD) and user.is_active and not user.is_superuser
    signed_in = offices.client("anonymous")
    assert signed_in.login(username="nstarter", password=PASSWORD)
    # The trail of A records the invitation and the account it made; B's trail holds none of it.
    created = AuditEntry.objects.filter(body_id=offices.a.pk, action=AuditEntry.Action.CREATE)
    assert {e.content_type.model for e in created} >= {"invitation", "user"}
    assert not AuditEntry.objects.filter(body_id=offices.b.pk).exists()


def test_a_link_used_twice_is_refused_and_makes_no_second_account(offices: Offices, smtp: SmtpServer) -> None:
    _invite(offices)
    link = _link(smtp)
    assert _join(offices, link).status_code == 302
    again = offices.client("anonymous").get(link)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    second = _join(offices, link, username="someone-else")
    assert second.status_code == 410
    assert not User.objects.filter(username="someone-else").exists()


def test_a_link_after_its_days_is_refused_and_one_just_before_works(
    offices: Offices, smtp: SmtpServer, settings: Any
) -> None:
    settings.OFFICE_INVITATION_DAYS = 7
    with time_machine.travel(START, tick=False) as clock:
        _invite(offices, email="late@norfolk-opcc.example")
        _invite(offices, email="early@norfolk-opcc.example")
        late, early = _link(smtp, 0), _link(smtp, 1)
        clock.move_to(START + dt.timedelta(days=7, seconds=-1))
        assert offices.client("anonymous").get(early).status_code == 200
        assert _join(offices, early, username="early").status_code == 302
        clock.move_to(START + dt.timedelta(days=7, seconds=1))
        refused = offices.client("anonymous").get(late)
        assert refused.status_code == 410 and "has expired" in refused.content.decode()
        assert _join(offices, late, username="late").status_code == 410
    assert User.objects.filter(username="early").exists() and not User.objects.filter(username="late").exists()


def test_the_row_s_expiry_holds_even_when_the_setting_is_later_lengthened(
    offices: Offices, smtp: SmtpServer, settings: Any
) -> None:
    settings.OFFICE_INVITATION_DAYS = 2
    with time_machine.travel(START, tick=False) as clock:
        _invite(offices)
        link = _link(smtp)
        settings.OFFICE_INVITATION_DAYS = 30
        clock.move_to(START + dt.timedelta(days=3))
        assert offices.client("anonymous").get(link).status_code == 410


def test_a_new_invitation_to_the_same_address_withdraws_the_old_link(offices: Offices, smtp: SmtpServer) -> None:
    _invite(offices, role="viewer")
    _invite(offices, role="editor")
    old, new = _link(smtp, 0), _link(smtp, 1)
    withdrawn = offices.client("anonymous").get(old)
    assert withdrawn.status_code == 410 and "withdrawn" in withdrawn.content.decode()
    assert _join(offices, new).status_code == 302
    assert User.objects.get(username="nstarter").role == Role.EDITOR


def test_a_withdrawn_invitation_no_longer_works(offices: Offices, smtp: SmtpServer) -> None:
    _invite(offices)
    invitation = Invitation.objects.get()
    result = offices.client("admin").post(reverse("office:invitation_withdraw", args=[invitation.pk]))
    assert result.status_code == 302
    assert offices.client("anonymous").get(_link(smtp)).status_code == 410


def test_a_forged_or_altered_link_is_a_404(offices: Offices, smtp: SmtpServer) -> None:
    _invite(offices)
    link = _link(smtp)
    assert offices.client("anonymous").get(link[:-3] + "xx/").status_code == 404
    assert offices.client("anonymous").get(reverse("office:join", args=["not-a-token"])).status_code == 404


def test_the_invitation_form_says_what_is_wrong(offices: Offices, smtp: SmtpServer) -> None:
    page = _invite(offices, email="not an address", role="superuser").content.decode()
    assert "Enter an email address in the correct format" in page
    assert "Select a role from the list" in page
    existing = _invite(offices, email=offices.users["editor"].email).content.decode()  # type: ignore[union-attr]
    assert "already has an account" in existing
    assert not Invitation.objects.exists() and not smtp.sink.messages


def test_when_the_mail_server_is_down_nothing_is_saved(offices: Offices, settings: Any) -> None:
    from tests.notifications.conftest import free_port

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    page = _invite(offices)
    assert page.status_code == 200
    assert "could not be emailed" in page.content.decode()
    assert not Invitation.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="invitation").exists()


def test_the_join_form_refuses_a_taken_username_and_mismatched_or_weak_passwords(
    offices: Offices, smtp: SmtpServer
) -> None:
    _invite(offices)
    link = _link(smtp)
    anonymous = offices.client("anonymous")
    taken = anonymous.post(link, {"username": "A-ADMIN", "password1": PASSWORD, "password2": PASSWORD})
    assert "That username is taken" in taken.content.decode()
    mismatch = anonymous.post(link, {"username": "fresh", "password1": PASSWORD, "password2": PASSWORD + "x"})
    assert "do not match" in mismatch.content.decode()
    weak = anonymous.post(link, {"username": "fresh", "password1": "password", "password2": "password"})
    assert weak.status_code == 200 and "too common" in weak.content.decode()
    assert not User.objects.filter(username="fresh").exists()
    assert Invitation.objects.get().accepted_at is None


def test_with_single_sign_on_the_invitee_accepts_and_is_sent_to_sign_in(
    offices: Offices, smtp: SmtpServer, settings: Any
) -> None:
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "client", "secret"
    _invite(offices, role="editor")
    link = _link(smtp)
    page = offices.client("anonymous").get(link).content.decode()
    assert f"Sign in with {settings.SSO_PROVIDER_NAME}" in page
    result = offices.client("anonymous").post(link, {"sso": "1"})
    assert result.status_code == 302 and result["Location"] == reverse("login")
    user = User.objects.get(email="new.starter@norfolk-opcc.example")
    assert (user.body, user.role, user.has_usable_password()) == (offices.a, Role.EDITOR, False)
    assert Invitation.objects.get().accepted_at is not None
    assert timezone.now() - Invitation.objects.get().created_at < dt.timedelta(minutes=5)
