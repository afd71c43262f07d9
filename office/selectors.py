"""Reads of the office's administration: which body a visitor administers, and that body's people, invitations,
signatories and outbox. Another body's object is a 404 (as `responses.selectors.response_for_user`); a visitor who
administers no body is refused with 403 by the views before any of these is asked."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from inspections.models import LocalPolicingBody, Signatory
from notifications.models import OutboxEmail
from office.models import Invitation


def administered_body(user: Any, requested: str | None) -> LocalPolicingBody | None:
    """The body whose office `user` is administering: a body admin's own (asking for another is a 404), or for a
    national administrator the one named by `requested` (None when none is named yet: they choose one first)."""
    if user.is_national:
        if not requested:
            return None
        if not requested.isdigit():
            raise Http404("No such body.")
        body = LocalPolicingBody.objects.filter(pk=int(requested)).first()
        if body is None:
            raise Http404("No such body.")
        return body
    if requested and requested != str(user.body_id):
        raise Http404("No such body.")
    return user.body  # type: ignore[no-any-return]


def _own(queryset: QuerySet[Any], user: Any, field: str) -> QuerySet[Any]:
    return queryset if user.is_national else queryset.filter(**{field: user.body_id})


def _get(queryset: QuerySet[Any], pk: object) -> Any:
    obj = queryset.filter(pk=pk).first() if str(pk).isdigit() else None
    if obj is None:
        raise Http404("Not found.")
    return obj


def members_of_body(body: LocalPolicingBody) -> QuerySet[User]:
    return User.objects.filter(body=body).order_by("-is_active", "last_name", "first_name", "username")


def member_for_admin(user: Any, pk: object) -> User:
    """A user of a body `user` administers (never a national administrator, who has no body)."""
    return _get(_own(User.objects.filter(body__isnull=False).select_related("body"), user, "body_id"), pk)  # type: ignore[no-any-return]


def open_invitations(body: LocalPolicingBody) -> QuerySet[Invitation]:
    return Invitation.objects.filter(body=body, accepted_at__isnull=True, revoked_at__isnull=True)


def invitation_for_admin(user: Any, pk: object) -> Invitation:
    return _get(_own(Invitation.objects.select_related("body"), user, "body_id"), pk)  # type: ignore[no-any-return]


def signatory_for_admin(user: Any, pk: object) -> Signatory:
    return _get(_own(Signatory.objects.select_related("body"), user, "body_id"), pk)  # type: ignore[no-any-return]


def _outbox_of(body_id: int) -> Q:
    # An email belongs to its own body, else its response's, else (a digest) the body of the person it is for.
    return (
        Q(body_id=body_id)
        | Q(body__isnull=True, response__body_id=body_id)
        | Q(body__isnull=True, response__isnull=True, user__body_id=body_id)
    )


def outbox_of_body(body: LocalPolicingBody) -> QuerySet[OutboxEmail]:
    return (
        OutboxEmail.objects.filter(_outbox_of(body.pk))
        .select_related("response__inspection")
        .order_by("-created_at", "-id")
    )


def outbox_email_for_admin(user: Any, pk: object) -> OutboxEmail:
    rows = OutboxEmail.objects.select_related("response", "user")
    if not user.is_national:
        rows = rows.filter(_outbox_of(user.body_id))
    return _get(rows, pk)  # type: ignore[no-any-return]
