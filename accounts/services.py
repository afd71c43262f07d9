"""Writes of the accounts app (STYLE.md: `<entity>_<action>`): setting up an office on a fresh deployment."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Role, User
from audit.models import AuditEntry
from inspections.models import LocalPolicingBody


@dataclass
class OfficeSetup:
    """What `office_set_up` did: one line per change (empty when there was nothing to change)."""

    body: LocalPolicingBody
    admin: User
    admin_created: bool
    activated: bool
    changes: list[str] = field(default_factory=list)


def email_address_clean(address: str, *, what: str) -> str:
    """`address` stripped, or a ValidationError naming `what` (e.g. "--inbox")."""
    address = address.strip()
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(f"{what}: {address!r} is not an email address.") from None
    return address


_BODY_LABELS = {"active": "active", "shared_inbox": "shared inbox", "escalation_emails": "escalation addresses"}


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = ", ".join(str(value or "").splitlines())
    return text or "(none)"


@transaction.atomic
def office_set_up(
    *,
    body: LocalPolicingBody,
    shared_inbox: str,
    escalation_emails: list[str] | None,
    admin_email: str,
    admin_username: str = "",
) -> OfficeSetup:
    """Make `body` one this deployment serves: active, with its shared inbox and (when given) its escalation
    addresses, and an admin of the office who can use the admin site and has no password until they choose one.

    Idempotent: only what differs is saved, so a second call with the same arguments changes nothing. The admin is
    found by username (the email address unless `admin_username` is given); a user of that name who belongs to another
    body, or to none (a national administrator), is refused. Every change is a save the audit trail records, under
    whatever `acting_as` label the caller set; the new user, whose model the trail does not follow, gets an entry of
    its own.

    Activating a body opens no responses: those to inspections recorded before it was set up come in with the
    register import (or are added by hand), not all at once here.
    """
    shared_inbox = email_address_clean(shared_inbox, what="shared inbox")
    escalation = None
    if escalation_emails is not None:
        escalation = "\n".join(email_address_clean(a, what="escalation address") for a in escalation_emails)
    admin_email = email_address_clean(admin_email, what="admin email")
    username = (admin_username or admin_email).strip()
    username_field = User._meta.get_field("username")
    try:
        username_field.run_validators(username)
    except ValidationError as exc:
        raise ValidationError(f"admin username {username!r}: {' '.join(exc.messages)}") from None

    body = LocalPolicingBody.objects.select_for_update().get(pk=body.pk)
    changes: list[str] = []
    wanted: dict[str, object] = {"active": True, "shared_inbox": shared_inbox}
    if escalation is not None:
        wanted["escalation_emails"] = escalation
    changed = [name for name, value in wanted.items() if getattr(body, name) != value]
    if changed:
        for name in changed:
            changes.append(f"{_BODY_LABELS[name]}: {_shown(getattr(body, name))} → {_shown(wanted[name])}")
            setattr(body, name, wanted[name])
        body.full_clean()
        body.save(update_fields=changed)

    admin = User.objects.filter(username__iexact=username).first()
    created = admin is None
    if admin is None:
        admin = User(username=username, email=admin_email, body=body, role=Role.ADMIN, is_staff=True)
        admin.set_unusable_password()
        admin.full_clean()
        admin.save()
        AuditEntry.objects.log_create(
            admin,
            action=AuditEntry.Action.CREATE,
            changes={
                "username": [None, username],
                "email": [None, admin_email],
                "body": [None, body.pk],
                "role": [None, Role.ADMIN.value],
                "is_staff": [None, True],
            },
            additional_data={"body_id": body.pk},
        )
        who = username if username == admin_email else f"{username} <{admin_email}>"
        changes.append(f"admin user created: {who}, role admin, can use the admin site")
    else:
        if admin.body_id != body.pk:
            where = admin.body or "no body (a national administrator)"
            raise ValidationError(f"The user {admin.username!r} belongs to {where}, not {body}; choose another name.")
        wanted_user: dict[str, object] = {"email": admin_email, "role": Role.ADMIN.value, "is_staff": True}
        if not admin.is_active:
            wanted_user["is_active"] = True
        differs = {name: value for name, value in wanted_user.items() if getattr(admin, name) != value}
        if differs:
            AuditEntry.objects.log_create(
                admin,
                action=AuditEntry.Action.UPDATE,
                changes={name: [getattr(admin, name), value] for name, value in differs.items()},
                additional_data={"body_id": body.pk},
            )
            for name, value in differs.items():
                changes.append(f"admin {admin.username} {name}: {_shown(getattr(admin, name))} → {_shown(value)}")
                setattr(admin, name, value)
            admin.save(update_fields=list(differs))
    return OfficeSetup(body=body, admin=admin, admin_created=created, activated="active" in changed, changes=changes)


def set_password_link(*, user: User) -> str:
    """An absolute link to choose a password. It works once: the token is made from the user's password hash and last
    sign-in, so setting a password (or signing in) spends it; unused, it lapses after PASSWORD_RESET_TIMEOUT."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{settings.SITE_URL}{reverse('password_reset_confirm', args=[uid, token])}"
