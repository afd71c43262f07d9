"""Two-factor sign-in with the gate on (TWO_FACTOR_ENFORCED, off for the rest of the suite): a real password sign-in,
then the code page, the set-up page, recovery codes; the Django admin behind the same gate. Codes are worked out from
the key the set-up page shows, as an authenticator app would, with time frozen."""

from __future__ import annotations

import base64
import datetime as dt
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import Role, User
from audit.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
START = dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.UTC)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def enforced(settings: Any) -> None:
    settings.TWO_FACTOR_ENFORCED = True


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def signed_in_with_password(user: User) -> Client:
    client = Client()
    answer = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert answer.status_code == 302, answer.content.decode()
    return client


def code(key: bytes) -> str:
    return f"{totp(key):06d}"


def with_app(user: User) -> tuple[TOTPDevice, list[str]]:
    """The user set up an authenticator app (through the service the set-up page calls)."""
    device = two_factor.two_factor_device_start(user=user)
    codes = two_factor.two_factor_confirm(user=user, device=device, code=code(device.bin_key))
    assert codes is not None
    device.refresh_from_db()
    return device, codes


def test_an_admin_without_a_device_is_sent_to_set_one_up_and_then_gets_in(clock: time_machine.Coordinates) -> None:
    admin = UserFactory(username="ada", role=Role.ADMIN)
    client = signed_in_with_password(admin)

    answer = client.get(reverse("dashboard"))
    assert answer.status_code == 302
    assert answer["Location"] == reverse("two_factor_setup") + "?next=%2F"
    assert client.get(reverse("calendar_settings"))["Location"].startswith(reverse("two_factor_setup"))

    page = client.get(answer["Location"]).content.decode()
    assert "<svg" in page and "Your role needs two-factor sign-in" in page
    secret = re.search(r'id="secret-key">([A-Z2-7 ]+)<', page)
    assert secret
    key = base64.b32decode(secret.group(1).replace(" ", ""))
    assert client.get(reverse("two_factor_setup")).content.decode().count(secret.group(1)) == 1  # same key on reload

    wrong = client.post(reverse("two_factor_setup"), {"code": f"{(int(code(key)) + 1) % 1_000_000:06d}", "next": "/"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert not two_factor.has_two_factor(admin)

    clock.shift(2)  # past the one-second wait a wrong code earns
    right = client.post(reverse("two_factor_setup"), {"code": code(key), "next": "/"})
    assert right.status_code == 302
    assert right["Location"].startswith(reverse("two_factor_recovery_codes"))
    codes_page = client.get(right["Location"]).content.decode()
    shown = re.findall(r"<li><code>([a-z0-9]+)</code></li>", codes_page)
    assert len(shown) == two_factor.RECOVERY_CODE_COUNT
    assert set(shown) == set(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True))
    assert "Two-factor sign-in is set up." in codes_page
    # Shown once only.
    assert "<li><code>" not in client.get(reverse("two_factor_recovery_codes")).content.decode()

    assert client.get(reverse("dashboard")).status_code == 200
    entry = AuditEntry.objects.filter(object_pk=str(admin.pk)).latest("pk")
    assert entry.changes == {"two_factor": [None, "authenticator app and recovery codes"]}


@pytest.mark.parametrize("role", [Role.APPROVER, Role.ADMIN])
def test_approvers_admins_and_superusers_must_have_it(role: Role) -> None:
    assert two_factor.two_factor_required(UserFactory(role=role))
    assert two_factor.two_factor_required(UserFactory(role=Role.VIEWER, is_superuser=True, body=None))
    assert not two_factor.two_factor_required(UserFactory(role=Role.EDITOR))
    assert not two_factor.two_factor_required(UserFactory(role=Role.VIEWER))


def test_a_user_with_a_device_is_asked_for_a_code_and_a_wrong_one_is_refused(clock: time_machine.Coordinates) -> None:
    editor = UserFactory(username="ed", role=Role.EDITOR)
    device, _ = with_app(editor)
    clock.shift(30)
    client = signed_in_with_password(editor)

    answer = client.get(reverse("calendar_settings"))
    assert answer["Location"] == reverse("two_factor_verify") + "?next=%2Fcalendar%2F"
    # A POST is refused too, and changes nothing.
    assert client.post(reverse("password_change"), {})["Location"] == reverse("two_factor_verify")

    wrong = client.post(reverse("two_factor_verify"), {"code": "000000", "next": "/calendar/"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302

    # Straight after a wrong code even the right one waits.
    waited = client.post(reverse("two_factor_verify"), {"code": code(device.bin_key), "next": "/calendar/"})
    assert "Wait 1 second, then try again" in waited.content.decode()

    clock.shift(2)
    right = client.post(reverse("two_factor_verify"), {"code": code(device.bin_key), "next": "/calendar/"})
    assert (right.status_code, right["Location"]) == (302, "/calendar/")
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_code_is_not_taken_twice_and_an_empty_one_is_explained(clock: time_machine.Coordinates) -> None:
    editor = UserFactory(username="ed", role=Role.EDITOR)
    device, _ = with_app(editor)
    clock.shift(30)
    first = signed_in_with_password(editor)
    used = code(device.bin_key)
    assert first.post(reverse("two_factor_verify"), {"code": used})["Location"] == reverse("dashboard")

    second = signed_in_with_password(editor)
    empty = second.post(reverse("two_factor_verify"), {"code": ""}).content.decode()
    assert "Enter the 6-digit code from your authenticator app" in empty
    again = second.post(reverse("two_factor_verify"), {"code": used})
    assert again.status_code == 200
    assert "That code is not right" in again.content.decode()


def test_a_recovery_code_works_once(clock: time_machine.Coordinates) -> None:
    editor = UserFactory(username="ed", role=Role.EDITOR)
    _, codes = with_app(editor)

    client = signed_in_with_password(editor)
    answer = client.post(reverse("two_factor_verify"), {"code": codes[0]}, follow=True)
    assert answer.redirect_chain[-1][0] == reverse("dashboard")
    assert f"You have {two_factor.RECOVERY_CODE_COUNT - 1} left." in answer.content.decode()

    clock.shift(5)
    client = signed_in_with_password(editor)
    refused = client.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert refused.status_code == 200
    assert "That code is not right" in refused.content.decode()
    clock.shift(5)
    assert client.post(reverse("two_factor_verify"), {"code": codes[1]})["Location"] == reverse("dashboard")
    assert two_factor.recovery_codes_left(editor) == two_factor.RECOVERY_CODE_COUNT - 2


def test_the_django_admin_is_behind_it_too(clock: time_machine.Coordinates) -> None:
    admin = UserFactory(username="ada", role=Role.ADMIN)
    device, _ = with_app(admin)
    clock.shift(30)
    client = Client()
    answer = client.post(reverse("admin:login"), {"username": "ada", "password": PASSWORD, "next": "/admin/"})
    assert answer.status_code == 302
    gate = client.get(reverse("admin:index"))
    assert gate["Location"] == reverse("two_factor_verify") + "?next=%2Fadmin%2F"
    assert client.get(reverse("admin:responses_response_changelist")).status_code == 302

    assert client.post(reverse("two_factor_verify"), {"code": code(device.bin_key), "next": "/admin/"})["Location"] == (
        "/admin/"
    )
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_superuser_without_a_device_is_sent_to_set_one_up_before_the_admin() -> None:
    national = UserFactory(username="nat", body=None, is_superuser=True, role=Role.ADMIN)
    client = signed_in_with_password(national)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("two_factor_setup"))


def test_others_may_go_without_set_it_up_and_remove_it(clock: time_machine.Coordinates) -> None:
    viewer = UserFactory(username="vi", role=Role.VIEWER)
    client = signed_in_with_password(viewer)
    assert client.get(reverse("dashboard")).status_code == 200
    assert "Two-factor sign-in is <strong>off</strong>" in client.get(reverse("two_factor")).content.decode()

    page = client.get(reverse("two_factor_setup")).content.decode()
    key = base64.b32decode(re.search(r'id="secret-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", ""))  # type: ignore[union-attr]
    assert client.post(reverse("two_factor_setup"), {"code": code(key)}).status_code == 302
    assert two_factor.has_two_factor(viewer)
    assert "Two-factor sign-in is <strong>on</strong>" in client.get(reverse("two_factor")).content.decode()

    clock.shift(30)
    wrong = client.post(reverse("two_factor_remove"), {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    assert two_factor.has_two_factor(viewer)
    clock.shift(30)
    removed = client.post(reverse("two_factor_remove"), {"code": code(key)}, follow=True)
    assert "Two-factor sign-in is removed." in removed.content.decode()
    assert not two_factor.has_two_factor(viewer)
    assert not StaticToken.objects.filter(device__user=viewer).exists()


def test_those_who_must_have_it_cannot_remove_it(clock: time_machine.Coordinates) -> None:
    approver = UserFactory(username="ap", role=Role.APPROVER)
    device, _ = with_app(approver)
    clock.shift(30)
    client = signed_in_with_password(approver)
    client.post(reverse("two_factor_verify"), {"code": code(device.bin_key)})
    clock.shift(30)
    assert client.post(reverse("two_factor_remove"), {"code": code(device.bin_key)}).status_code == 403
    assert two_factor.has_two_factor(approver)
    assert "Remove two-factor sign-in" not in client.get(reverse("two_factor")).content.decode()


def test_new_recovery_codes_replace_the_old(clock: time_machine.Coordinates) -> None:
    editor = UserFactory(username="ed", role=Role.EDITOR)
    device, old = with_app(editor)
    clock.shift(30)
    client = signed_in_with_password(editor)
    client.post(reverse("two_factor_verify"), {"code": code(device.bin_key)})
    page = client.post(reverse("two_factor_recovery_codes"), follow=True).content.decode()
    new = re.findall(r"<li><code>([a-z0-9]+)</code></li>", page)
    assert len(new) == two_factor.RECOVERY_CODE_COUNT and not set(new) & set(old)
    assert not StaticToken.objects.filter(device__user=editor, token__in=old).exists()


def test_with_the_gate_off_no_one_is_asked(settings: Any) -> None:
    settings.TWO_FACTOR_ENFORCED = False
    admin = UserFactory(username="ada", role=Role.ADMIN)
    with_app(admin)
    assert signed_in_with_password(admin).get(reverse("dashboard")).status_code == 200


def test_check_deploy_warns_when_the_gate_is_off(settings: Any, capsys: pytest.CaptureFixture[str]) -> None:
    settings.TWO_FACTOR_ENFORCED = False
    call_command("check", "--deploy", "--tag", "security")
    assert "accounts.W001" in capsys.readouterr().err
    settings.TWO_FACTOR_ENFORCED = True
    call_command("check", "--deploy", "--tag", "security")
    assert "accounts.W001" not in capsys.readouterr().err


def _setting_in(module: str, **env: str) -> str:
    script = f"import {module} as s; print(s.TWO_FACTOR_ENFORCED)"
    clean = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 60, "VAR_DIR": "/tmp/s55-two-factor-settings", **env}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=clean, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_production_settings_have_the_gate_on_and_the_test_settings_off() -> None:
    assert _setting_in("config.settings") == "True"
    assert _setting_in("config.settings", TWO_FACTOR_ENFORCED="0") == "False"
    assert _setting_in("config.settings_test") == "False"


def test_the_admin_lists_devices_for_a_national_administrator_without_their_keys(settings: Any) -> None:
    settings.TWO_FACTOR_ENFORCED = False
    device, _ = with_app(UserFactory(username="ed", role=Role.EDITOR))
    national = UserFactory(username="nat", body=None, is_superuser=True, role=Role.ADMIN)
    client = Client()
    client.force_login(national)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "ed" in text
    assert device.key not in text
    assert base64.b32encode(device.bin_key).decode() not in text


def test_an_optional_user_is_checked_once_a_session_and_again_when_made_an_admin(
    django_assert_max_num_queries: Any,
) -> None:
    editor = UserFactory(username="ed", role=Role.EDITOR)
    client = signed_in_with_password(editor)
    assert client.get(reverse("dashboard")).status_code == 200  # looked for a device: none, and none needed
    with django_assert_max_num_queries(100) as later:
        assert client.get(reverse("dashboard")).status_code == 200
    assert not any("otp_" in query["sql"] for query in later.captured_queries), "devices looked up on every page"

    editor.role = Role.ADMIN  # the office makes them an admin: the same session must now set one up
    editor.save()
    promoted = client.get(reverse("dashboard"))
    assert promoted.status_code == 302 and promoted["Location"].startswith(reverse("two_factor_setup"))
