"""Writes of the office's own administration (STYLE.md: `<entity>_<action>`, keyword-only).

Every write is audited with the body it belongs to (`additional_data={"body_id": ...}`), so the body's own audit trail
shows it: users and invitations are not followed by django-auditlog, and the body's own row is followed without its
body, so each service writes its entry itself (the body's save runs with django-auditlog's own entry turned off, so a
change is recorded once). The acting user comes from the request (django-auditlog's middleware) or `acting_as`.

Who may: the body's admin, for their own body only, or a national administrator for any body. The views load every
object through `office.selectors` (another body's is a 404); the services check again and raise `PermissionDenied`.
Rules a person can break by choosing are `ValidationError`s with a message to show: the last active admin of a body
is never demoted or deactivated; no one here is ever made a superuser or national administrator.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any

from auditlog.context import disable_auditlog
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import set_password_link
from audit.context import acting_as
from audit.models import AuditEntry
from inspections.models import LocalPolicingBody, Signatory
from notifications.admin import resend_copy
from notifications.models import OutboxEmail, OutboxStatus
from office.models import Invitation

INVITATION_SALT = "office.invitation"


class MailNotSent(Exception):
    """The email (an invitation, a password link) could not be handed to the mail server."""


def may_administer(user: Any, body: LocalPolicingBody | int | None) -> bool:
    """Whether `user` administers `body`: a national administrator any body, a body's active admin their own."""
    body_id = body.pk if isinstance(body, LocalPolicingBody) else body
    if user is None or not user.is_authenticated or not user.can_administer():
        return False
    return bool(user.is_national or (body_id is not None and user.body_id == body_id))


def _require(by: Any, body_id: int | None) -> None:
    if not may_administer(by, body_id):
        raise PermissionDenied("Only this office's administrators can do that.")


def _audit(instance: Any, *, action: int, body_id: int, changes: dict[str, list[Any]], reason: str = "") -> None:
    data: dict[str, Any] = {"body_id": body_id}
    if reason:
        data["reason"] = reason
    AuditEntry.objects.log_create(instance, action=action, changes=changes, additional_data=data)


# --- invitations ---------------------------------------------------------------------------------------------------
def invitation_token(*, invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT, compress=True)


def invitation_link(*, invitation: Invitation) -> str:
    return f"{settings.SITE_URL}{reverse('office:join', args=[invitation_token(invitation=invitation)])}"


def _existing_account(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).order_by("-is_active", "pk").first()


@transaction.atomic
def invitation_create(*, body: LocalPolicingBody, email: str, role: str, invited_by: User) -> Invitation:
    """Invite `email` to join `body`'s staff as `role`, and email them the one-time link now.

    A pending invitation to the same address for this body is withdrawn (only the newest link works). An address that
    already has an account is refused: that person is changed on the people page instead. If the mail server cannot
    take the email, nothing is saved (MailNotSent)."""
    _require(invited_by, body.pk)
    if role not in Role.values:
        raise ValidationError("Select a role from the list.")
    email = email.strip()
    if _existing_account(email) is not None:
        raise ValidationError(
            f"{email} already has an account. Change their role or reactivate them on the people page instead."
        )
    now = timezone.now()
    for earlier in Invitation.objects.select_for_update().filter(
        body=body, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ):
        earlier.revoked_at = now
        earlier.save(update_fields=["revoked_at"])
        _audit(earlier, action=AuditEntry.Action.UPDATE, body_id=body.pk, changes={"revoked_at": [None, str(now)]})
    invitation = Invitation.objects.create(
        body=body,
        email=email,
        role=role,
        invited_by=invited_by,
        invited_by_name=invited_by.get_full_name() or invited_by.get_username(),
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.OFFICE_INVITATION_DAYS),
    )
    _audit(
        invitation,
        action=AuditEntry.Action.CREATE,
        body_id=body.pk,
        changes={"email": [None, email], "role": [None, role], "expires_at": [None, str(invitation.expires_at)]},
    )
    text = render_to_string(
        "office/email/invitation.txt",
        {
            "body": body.display_name,
            "invitation": invitation,
            "inviter": invitation.invited_by_name,
            "link": invitation_link(invitation=invitation),
            "valid_days": settings.OFFICE_INVITATION_DAYS,
        },
    )
    try:
        send_mail(f"You are invited to the Section 55 Tracker of {body.display_name}", text, None, [email])
    except (OSError, smtplib.SMTPException) as exc:
        transaction.set_rollback(True)
        raise MailNotSent(str(exc)) from exc
    return invitation


class InvitationRefused(Exception):
    """A link that does not open an invitation: `reason` is "unknown", "used", "withdrawn" or "expired"."""

    def __init__(self, reason: str, invitation: Invitation | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


def invitation_for_token(*, token: str, for_update: bool = False) -> Invitation:
    """The open invitation `token` names, or InvitationRefused saying why not."""
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=dt.timedelta(days=settings.OFFICE_INVITATION_DAYS))
    except signing.SignatureExpired:
        raise InvitationRefused("expired") from None
    except signing.BadSignature:
        raise InvitationRefused("unknown") from None
    if not isinstance(payload, dict):
        raise InvitationRefused("unknown")
    rows = Invitation.objects.select_related("body")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    pk = payload.get("i")
    if not isinstance(pk, int):
        raise InvitationRefused("unknown")
    invitation = rows.filter(pk=pk, nonce=str(payload.get("n", ""))).first()
    if invitation is None:
        raise InvitationRefused("unknown")
    if invitation.accepted_at is not None:
        raise InvitationRefused("used", invitation)
    if invitation.revoked_at is not None:
        raise InvitationRefused("withdrawn", invitation)
    if invitation.expires_at <= timezone.now():
        raise InvitationRefused("expired", invitation)
    return invitation


def username_clean(username: str) -> str:
    username = username.strip()
    field = User._meta.get_field("username")
    try:
        field.run_validators(username)
        field.clean(username, None)
    except ValidationError as exc:
        raise ValidationError(" ".join(exc.messages)) from None
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError("That username is taken. Choose another.")
    return username


@transaction.atomic
def invitation_accept(
    *, token: str, username: str, password: str | None, first_name: str = "", last_name: str = ""
) -> User:
    """Spend the invitation: a new user of its body with its role. `password` None makes an account that signs in
    by single sign-on only. InvitationRefused when the link is no longer good (used, withdrawn, expired) — checked
    again under a lock, so two tabs cannot both use one link."""
    invitation = invitation_for_token(token=token, for_update=True)
    username = username_clean(username)
    if _existing_account(invitation.email) is not None:
        raise ValidationError(f"{invitation.email} already has an account. Sign in with it instead.")
    user = User(
        username=username,
        email=invitation.email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        body=invitation.body,
        role=invitation.role,
        is_staff=True,
    )
    if password is None:
        user.set_unusable_password()
    else:
        validate_password(password, user)
        user.set_password(password)
    user.full_clean()
    user.save()
    now = timezone.now()
    invitation.accepted_at = now
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    with acting_as(user=user, label="invitation"):
        _audit(
            user,
            action=AuditEntry.Action.CREATE,
            body_id=invitation.body_id,
            changes={
                "username": [None, username],
                "email": [None, user.email],
                "body": [None, invitation.body_id],
                "role": [None, user.role],
            },
            reason=f"Joined by the invitation sent by {invitation.invited_by_name} on {invitation.created_at:%Y-%m-%d}",
        )
        _audit(
            invitation,
            action=AuditEntry.Action.UPDATE,
            body_id=invitation.body_id,
            changes={"accepted_at": [None, str(now)]},
        )
    return user


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by: User) -> Invitation:
    _require(by, invitation.body_id)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(f"{invitation.email} has already joined; the invitation cannot be withdrawn.")
    if invitation.revoked_at is None:
        now = timezone.now()
        invitation.revoked_at = now
        invitation.save(update_fields=["revoked_at"])
        _audit(
            invitation,
            action=AuditEntry.Action.UPDATE,
            body_id=invitation.body_id,
            changes={"revoked_at": [None, str(now)]},
        )
    return invitation


# --- people --------------------------------------------------------------------------------------------------------
def _lock_member(*, user: User, by: User) -> User:
    """`user` locked for the change, after checking `by` administers their body and may change this account.

    The body's row is locked first: every change to a body's people takes that one lock before any user's, so two
    admins demoting each other at once run one after the other (the second then sees the last-admin rule), and
    never deadlock on each other's rows."""
    if user.body_id is not None:
        LocalPolicingBody.objects.select_for_update().filter(pk=user.body_id).first()
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.body_id is None:
        raise PermissionDenied("National administrators are managed by national administrators only.")
    _require(by, user.body_id)
    if user.is_superuser and not by.is_national:
        raise ValidationError("Only a national administrator can change this account.")
    return user


def _other_active_admins(user: User) -> bool:
    # Read under the body's lock (_lock_member), so two demotions at once cannot both pass the check.
    admins = User.objects.filter(body_id=user.body_id, role=Role.ADMIN, is_active=True)
    return admins.exclude(pk=user.pk).exists()


def _last_admin_refusal(user: User, what: str) -> ValidationError:
    return ValidationError(
        f"{user.get_full_name() or user.get_username()} is the office's only active admin, so they cannot be {what}. "
        "Make someone else an admin first."
    )


@transaction.atomic
def user_change_role(*, user: User, role: str, by: User) -> User:
    """Set `user`'s role among viewer, editor, approver and admin. Nothing else of the account changes."""
    if role not in Role.values:
        raise ValidationError("Select a role from the list.")
    user = _lock_member(user=user, by=by)
    if user.role == role:
        return user
    if user.role == Role.ADMIN and user.is_active and not _other_active_admins(user):
        raise _last_admin_refusal(user, "made anything else")
    _audit(user, action=AuditEntry.Action.UPDATE, body_id=user.body_id, changes={"role": [user.role, role]})  # type: ignore[arg-type]
    user.role = role
    user.save(update_fields=["role"])
    return user


@transaction.atomic
def user_deactivate(*, user: User, by: User) -> User:
    """A leaver: the account can no longer sign in, and stays, so the audit trail keeps their name."""
    user = _lock_member(user=user, by=by)
    if not user.is_active:
        return user
    if user.role == Role.ADMIN and not _other_active_admins(user):
        raise _last_admin_refusal(user, "deactivated")
    _audit(user, action=AuditEntry.Action.UPDATE, body_id=user.body_id, changes={"is_active": [True, False]})  # type: ignore[arg-type]
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_reactivate(*, user: User, by: User) -> User:
    user = _lock_member(user=user, by=by)
    if user.is_active:
        return user
    _audit(user, action=AuditEntry.Action.UPDATE, body_id=user.body_id, changes={"is_active": [False, True]})  # type: ignore[arg-type]
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


def user_send_password_link(*, user: User, by: User) -> None:
    """Email `user` a one-time link to choose a new password (the link `setup_office` sends; it lapses after
    PASSWORD_RESET_TIMEOUT and is spent by use or by signing in). Their current password keeps working until then."""
    with transaction.atomic():
        user = _lock_member(user=user, by=by)
        if not user.is_active:
            raise ValidationError(f"{user} is deactivated: reactivate them first.")
        if not user.email:
            raise ValidationError(f"{user} has no email address to send the link to.")
        _audit(
            user,
            action=AuditEntry.Action.UPDATE,
            body_id=user.body_id,  # type: ignore[arg-type]
            changes={"password_link_sent_to": [None, user.email]},
        )
    valid_days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    text = render_to_string(
        "office/email/password_link.txt",
        {
            "body": user.body.display_name if user.body else "",
            "user": user,
            "link": set_password_link(user=user),
            "valid_days": valid_days,
            "login_url": f"{settings.SITE_URL}{reverse('login')}",
        },
    )
    try:
        send_mail("Choose a new password for the Section 55 Tracker", text, None, [user.email])
    except (OSError, smtplib.SMTPException) as exc:
        raise MailNotSent(str(exc)) from exc


# --- the body's settings -------------------------------------------------------------------------------------------
_SETTING_FIELDS = ("shared_inbox", "escalation_emails", "force_contact_emails", "sso_email_domains")


@transaction.atomic
def body_update_settings(
    *,
    body: LocalPolicingBody,
    shared_inbox: str,
    escalation_emails: list[str],
    force_contact_emails: list[str],
    sso_email_domains: list[str],
    by: User,
) -> list[str]:
    """Save the body's addresses (lists stored one a line); returns the names of the fields that changed."""
    _require(by, body.pk)
    body = LocalPolicingBody.objects.select_for_update().get(pk=body.pk)
    wanted = {
        "shared_inbox": shared_inbox.strip(),
        "escalation_emails": "\n".join(escalation_emails),
        "force_contact_emails": "\n".join(force_contact_emails),
        "sso_email_domains": "\n".join(d.lower().lstrip("@") for d in sso_email_domains),
    }
    changed = [name for name in _SETTING_FIELDS if getattr(body, name) != wanted[name]]
    if not changed:
        return []
    _audit(
        body,
        action=AuditEntry.Action.UPDATE,
        body_id=body.pk,
        changes={name: [getattr(body, name), wanted[name]] for name in changed},
    )
    for name in changed:
        setattr(body, name, wanted[name])
    body.full_clean()
    with disable_auditlog():  # recorded above, with the body, so the office sees it
        body.save(update_fields=changed)
    return changed


def _signatory_unique(*, body: LocalPolicingBody, name: str, title: str, exclude: int | None = None) -> None:
    clash = Signatory.objects.filter(body=body, name__iexact=name, title__iexact=title)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError(f"{name}, {title} is already a signatory of this office.")


@transaction.atomic
def signatory_create(*, body: LocalPolicingBody, name: str, title: str, order: int, by: User) -> Signatory:
    _require(by, body.pk)
    name, title = name.strip(), title.strip()
    _signatory_unique(body=body, name=name, title=title)
    signatory = Signatory.objects.create(body=body, name=name, title=title, order=order, active=True)
    _audit(
        signatory,
        action=AuditEntry.Action.CREATE,
        body_id=body.pk,
        changes={"name": [None, name], "title": [None, title], "order": [None, order], "active": [None, True]},
    )
    return signatory


@transaction.atomic
def signatory_update(*, signatory: Signatory, name: str, title: str, order: int, active: bool, by: User) -> Signatory:
    """Change a signatory; `active=False` stops offering them when approving (responses they signed keep them)."""
    _require(by, signatory.body_id)
    signatory = Signatory.objects.select_for_update().select_related("body").get(pk=signatory.pk)
    wanted: dict[str, Any] = {"name": name.strip(), "title": title.strip(), "order": order, "active": active}
    _signatory_unique(body=signatory.body, name=wanted["name"], title=wanted["title"], exclude=signatory.pk)
    changed = {k: [getattr(signatory, k), v] for k, v in wanted.items() if getattr(signatory, k) != v}
    if changed:
        _audit(signatory, action=AuditEntry.Action.UPDATE, body_id=signatory.body_id, changes=changed)
        for k, (_, v) in changed.items():
            setattr(signatory, k, v)
        signatory.save(update_fields=list(changed))
    return signatory


# --- the outbox ----------------------------------------------------------------------------------------------------
def outbox_body_id(email: OutboxEmail) -> int | None:
    if email.body_id is not None:
        return email.body_id
    if email.response is not None:
        return email.response.body_id
    return email.user.body_id if email.user_id is not None and email.user is not None else None


@transaction.atomic
def outbox_email_send_again(*, email: OutboxEmail, by: User) -> OutboxEmail:
    """Queue a new copy of a failed email, through the admin's own "Resend" (notifications.admin.resend_copy): the
    failed row stays as its history; the copy is sent by the next delivery run."""
    body_id = outbox_body_id(email)
    _require(by, body_id)
    email = OutboxEmail.objects.select_for_update().get(pk=email.pk)
    if email.status != OutboxStatus.FAILED:
        raise ValidationError("Only an email that failed can be sent again.")
    if email.resends.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]).exists():
        raise ValidationError("A copy of this email is already waiting to be sent.")
    copy = resend_copy(email)
    _audit(
        copy,
        action=AuditEntry.Action.CREATE,
        body_id=body_id,  # type: ignore[arg-type]
        changes={"resend_of": [None, email.pk], "recipient": [None, email.recipient], "kind": [None, email.kind]},
    )
    return copy
