"""Template tags of intake: one-line wrappers over its selectors."""

from __future__ import annotations

from typing import Any

from django import template

from intake.selectors import spotted_count_for_user

register = template.Library()


@register.simple_tag
def spotted_count(user: Any) -> int:
    """`{% spotted_count user as n %}`: the spotted reports waiting for the user's body (none for a viewer)."""
    if not getattr(user, "is_authenticated", False) or not user.can_edit():
        return 0
    return spotted_count_for_user(user=user)
