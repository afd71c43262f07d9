"""Who is acting, for the audit trail, when the actor is not a web request's user."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from auditlog.context import set_actor

_label: ContextVar[str] = ContextVar("audit_actor_label", default="")


def current_label() -> str:
    return _label.get()


@contextlib.contextmanager
def acting_as(*, user: Any = None, label: str) -> Iterator[None]:
    """Attribute every change inside the block to `user` (may be None) and a process label.

    Commands use `command:<name>`, background work `task:<name>`.
    """
    token = _label.set(label)
    try:
        with set_actor(user):
            yield
    finally:
        _label.reset(token)
