"""Whose data a user may see: the one rule of tenancy, used by every queryset, selector and admin.

A national superuser (superuser with no body) sees every body's rows; any other active, signed-in user sees their own
body's; anyone else sees nothing. Inspections, forces and publication types are public facts and are not scoped.
"""

from __future__ import annotations

import enum
from typing import Any, Final, Literal

from django.db.models import QuerySet


class Scope(enum.Enum):
    EVERY_BODY = "every body"


EVERY_BODY: Final = Scope.EVERY_BODY


def body_scope(user: Any) -> int | Literal[Scope.EVERY_BODY] | None:
    """EVERY_BODY (a national superuser), one body's id, or None (nobody's)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_national:
        return EVERY_BODY
    return user.body_id


def scope_to_body[Q: QuerySet[Any]](queryset: Q, user: Any, *, field: str = "body_id") -> Q:
    """`queryset` narrowed to the rows `user` may see, by the body in `field`."""
    scope = body_scope(user)
    if scope is None:
        return queryset.none()
    if scope is EVERY_BODY:
        return queryset
    return queryset.filter(**{field: scope})
