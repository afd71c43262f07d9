"""The one way a response is saved: claim the version the page was loaded with, save once, re-derive the status."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from audit.context import audit_reason
from responses.models import Response
from responses.rules import open_required_steps, publication_problems
from responses.services.approval import approval_clear_if_stale


class EditConflict(Exception):
    """The response changed after the form was loaded; nothing was saved."""

    def __init__(self, response: Response) -> None:
        super().__init__(f"Response {response.pk} changed since the form was loaded.")
        self.response = response


@contextlib.contextmanager
def editing(response: Response, expected_version: int | None, *, reason: str = "") -> Iterator[None]:
    """One write to `response`, all or nothing, with `reason` on its audit entries.

    With `expected_version`, the row is claimed first: an UPDATE that matches only while the stored version is the
    one the form was loaded with. It changes nothing but locks the row, so a concurrent save waits and then finds the
    version moved on. Either way the block works on what is stored now, never on a copy loaded earlier. On any error
    the claim and every change roll back and the in-memory response is reloaded (so the page shows the current
    version).
    """
    try:
        with transaction.atomic(), audit_reason(reason):
            if expected_version is not None:
                claimed = Response.objects.filter(pk=response.pk, version=expected_version).update(version=F("version"))
                if claimed != 1:
                    raise EditConflict(response)
            response.refresh_from_db()
            yield
    except BaseException:
        if expected_version is not None:
            response.refresh_from_db()
        raise


def derived_status(response: Response) -> str:
    work_started = response.finding_responses.exclude(explanation="").exists()
    return response.derive_status(open_required_steps=len(open_required_steps(response)), work_started=work_started)


def save_response(response: Response) -> Response:
    """Save `response` with its version bumped once and its status re-derived from the facts.

    A ready (unpublished) response whose s55 checks fail again is no longer ready; an approval of a text that has
    since changed is cleared. The version is bumped in the
    database (`version + 1`), so a save that did not claim a version still moves it on for every open form.
    """
    if response.ready_at and not response.published_on and publication_problems(response):
        response.ready_at = None
    approval_clear_if_stale(response)  # a change to the text clears its sign-off (services/approval.py)
    response.status = derived_status(response)
    response.version = F("version") + 1  # type: ignore[assignment]
    response.save()
    response.refresh_from_db(fields=["version"])
    return response


def response_sync_status(*, response: Response) -> str:
    """Store the status derived from facts that changed elsewhere (a checklist step, a finding added to the report).

    The response's own fields are not touched and its version stays: no open form is made stale by it.
    """
    status = derived_status(response)
    if status != response.status:
        response.status = status
        response.save(update_fields=["status", "updated_at"])
    return status


def refuse_if_published_and_failing(response: Response) -> None:
    """A published response must stay compliant: refuse (and roll back) the change rather than un-publish."""
    if response.published_on:
        problems = publication_problems(response)
        if problems:
            raise ValidationError(problems)
