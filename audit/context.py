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


_reason: ContextVar[str] = ContextVar("audit_reason", default="")


def current_reason() -> str:
    return _reason.get()


@contextlib.contextmanager
def audit_reason(reason: str) -> Iterator[None]:
    """Record `reason` with every audit entry written inside the block (a corrected date, an override, an untick).

    Services set it around the save it explains; blocks nest, and the innermost reason wins. An empty reason leaves
    the surrounding one in place.
    """
    if not reason.strip():
        yield
        return
    token = _reason.set(reason.strip())
    try:
        yield
    finally:
        _reason.reset(token)


_deferred: ContextVar[list[Any] | None] = ContextVar("audit_deferred_entries", default=None)


def deferred_entries() -> list[Any] | None:
    """The entries being collected by `collecting_entries()`, or None when each entry is written as it comes."""
    return _deferred.get()


@contextlib.contextmanager
def collecting_entries() -> Iterator[list[Any]]:
    """Inside the block, audit entries are built as usual (same content, actor, scope and reason) but written
    together, in one INSERT, when the block ends: how a bulk write (a large import) keeps its trail without a
    round trip per entry. Use inside a transaction, so that the writes and their entries stand or fall together."""
    collected: list[Any] = []
    token = _deferred.set(collected)
    try:
        yield collected
    finally:
        _deferred.reset(token)
    if collected:
        type(collected[0]).objects.bulk_create(collected, batch_size=500)
