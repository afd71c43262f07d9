"""Two-factor sign-in: a time-based code (TOTP) from an authenticator app after the password, with recovery codes.

Built on django-otp: an authenticator app is a confirmed `TOTPDevice`, the recovery codes a `StaticDevice` whose
tokens are deleted as they are used (each works once). The rule, in one place:

- admins, approvers and superusers must have two-factor sign-in (`two_factor_required`); anyone else may set it up;
- after a password sign-in, a user with a confirmed device is asked for a code before any other page opens, and a
  user who must have one and has none is sent to set one up (`TwoFactorMiddleware`);
- a user who signed in by single sign-on is not asked again: their provider asked (`signed_in_by_sso`).

`TWO_FACTOR_ENFORCED` switches the middleware: on in the real settings (a deployment warns in `check --deploy` when it
is off, accounts.W001), off in the test settings, whose tests sign users in with `force_login`.

The writes (`two_factor_*`, `recovery_codes_renew`) record in the audit trail that the user's second factor changed,
never the secret or the codes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from audit.models import AuditEntry

# Where the session says how its user signed in; "sso" for single sign-on (accounts.sso sets it).
SIGNED_IN_BY_SESSION_KEY = "accounts_signed_in_by"
SIGNED_IN_BY_SSO = "sso"
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
NO_DEVICE_SESSION_KEY = "two_factor_none"


def two_factor_required(user: User) -> bool:
    """Admins, approvers and superusers hold the keys to publishing and to the office: they must have a second
    factor."""
    return user.is_superuser or user.role in (Role.ADMIN, Role.APPROVER)


def two_factor_enforced() -> bool:
    return bool(getattr(settings, "TWO_FACTOR_ENFORCED", True))


def has_two_factor(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def signed_in_by_sso(request: HttpRequest) -> bool:
    return bool(request.session.get(SIGNED_IN_BY_SESSION_KEY) == SIGNED_IN_BY_SSO)


def is_verified(request: HttpRequest) -> bool:
    """Whether this session has passed the second factor (django-otp's OTPMiddleware decides)."""
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- the gate ------------------------------------------------------------------------------------------------------
def _with_next(url_name: str, request: HttpRequest) -> HttpResponseRedirect:
    target = reverse(url_name)
    if request.method == "GET":
        target += "?" + urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
    return HttpResponseRedirect(target)


class TwoFactorMiddleware:
    """Between a password and a second factor, a session opens only the pages that finish signing in.

    After django-otp's OTPMiddleware (which tells whether the session is verified). A user with a confirmed device
    goes to the code page; one who must have a device and has none goes to set one up. Either may sign out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        gate = self._gate(request)
        return gate if gate is not None else self.get_response(request)

    def _gate(self, request: HttpRequest) -> HttpResponse | None:
        if not two_factor_enforced():
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if signed_in_by_sso(request) or is_verified(request):
            return None
        path = request.path  # as reverse() spells it, with any script prefix
        if path.startswith(settings.STATIC_URL) or path in _always_open():
            return None
        if request.session.get(NO_DEVICE_SESSION_KEY) == _no_device_mark(user):
            return None  # checked earlier in this session: optional for this user in this role, and none set up
        if has_two_factor(user):
            if path == reverse("two_factor_verify"):
                return None
            return _with_next("two_factor_verify", request)
        if two_factor_required(user):
            if path in (reverse("two_factor_setup"), reverse("two_factor_recovery_codes")):
                return None
            return _with_next("two_factor_setup", request)
        # Not asked for, and not set up: remembered for the session, so that each page does not look again (a
        # device set up in this session verifies it; one set up elsewhere is asked for at the next sign-in).
        request.session[NO_DEVICE_SESSION_KEY] = _no_device_mark(user)
        return None


def _no_device_mark(user: User) -> str:
    """Who was checked, in which role: made an admin or approver, the user is checked (and asked) again."""
    return f"{user.pk}:{user.role}:{int(user.is_superuser)}"


def _always_open() -> set[str]:
    return {reverse("logout"), reverse("login"), reverse("healthz")}


# --- the writes ----------------------------------------------------------------------------------------------------
def _log(user: User, change: str, value: object, before: object) -> None:
    AuditEntry.objects.log_create(
        user,
        action=AuditEntry.Action.UPDATE,
        changes={change: [before, value]},
        additional_data={"body_id": user.body_id},
    )


def two_factor_device_start(*, user: User) -> TOTPDevice:
    """The authenticator app being set up: the user's unconfirmed device, made once so that reloading the set-up page
    keeps the same secret until a code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app being set up with a code it shows. Returns the new recovery codes (shown once), or None when
    the code is wrong. Any earlier app of the user is replaced."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(code.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    _log(user, "two_factor", "authenticator app and recovery codes", None)
    return codes


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """A new set of recovery codes; the old ones stop working."""
    codes = _new_recovery_codes(user)
    _log(user, "recovery_codes", f"{len(codes)} new codes", "replaced")
    return codes


@transaction.atomic
def two_factor_remove(*, user: User) -> None:
    """Remove the user's app and recovery codes: password sign-in alone again. The caller checks that the user may
    (`two_factor_required`) and has just proved the second factor."""
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
    _log(user, "two_factor", None, "authenticator app and recovery codes")
