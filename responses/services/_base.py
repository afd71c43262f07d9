"""The one way a response is saved: claim the version the page was loaded with, save once, re-derive the status."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model

from audit.context import audit_reason
from audit.models import AuditEntry
from responses.models import COMMENT_FIELDS, ChecklistItem, ChecklistStep, FindingResponse, Response
from responses.rules import open_required_steps, publication_problems
from responses.services.approval import approval_clear_if_stale


@dataclass(frozen=True)
class Part:
    """One part of a response that a form edits: the rows of `model` matching `lookup`, and their `fields`.

    Conflicts are per part: a form carries the part's `state()` as it was loaded, and a save is refused only when
    that part changed meanwhile, not when another part of the response did (another finding's explanation, a
    checklist step). `label` names it in the conflict message, e.g. "the explanation of Recommendation 2".
    """

    label: str
    model: type[Model]
    lookup: dict[str, Any] = field(hash=False)
    fields: tuple[str, ...] = ()

    def state(self) -> str:
        """A digest of the part as stored now (empty rows give a digest too: a step not yet ticked)."""
        rows = list(self.model._default_manager.filter(**self.lookup).order_by("pk").values_list(*self.fields))
        return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()[:32]

    def last_change(self) -> AuditEntry | None:
        """The latest audit entry that changed one of the part's fields: who saved it, and when."""
        pks = [str(pk) for pk in self.model._default_manager.filter(**self.lookup).values_list("pk", flat=True)]
        if not pks:
            return None
        entries = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), object_pk__in=pks
        ).select_related("actor")
        for entry in entries.order_by("-timestamp", "-pk")[:50]:
            changed = entry.changes if isinstance(entry.changes, dict) else {}
            if not changed or set(changed) & set(self.fields):
                return entry
        return None


def part_explanation(finding_response: FindingResponse) -> Part:
    return Part(
        f"the explanation of {finding_response.finding}", FindingResponse, {"pk": finding_response.pk}, ("explanation",)
    )


def part_comments(response: Response) -> Part:
    return Part("the comments", Response, {"pk": response.pk}, tuple(COMMENT_FIELDS))


def part_dates(response: Response) -> Part:
    return Part("the dates", Response, {"pk": response.pk}, ("deadline", "deadline_overridden", "comments_due"))


def part_owner(response: Response) -> Part:
    return Part("the owner", Response, {"pk": response.pk}, ("owner",))


def part_step(response: Response, step: ChecklistStep) -> Part:
    return Part(
        f"the step “{step.label}”",
        ChecklistItem,
        {"response_id": response.pk, "step_id": step.pk},
        ("done_on", "evidence_url", "evidence_reference", "note"),
    )


class EditConflict(Exception):
    """The response (or, with a part, that part) changed after the form was loaded; nothing was saved.

    `who` and `when` name the latest save of the part (or of the response) from the audit trail, where it has one;
    `part_state` is the part as stored now, for the form to carry so that a second save succeeds."""

    def __init__(self, response: Response, *, part: Part | None = None) -> None:
        super().__init__(f"Response {response.pk} changed since the form was loaded.")
        self.response = response
        self.part = part
        self.part_state = part.state() if part is not None else ""
        entry = part.last_change() if part is not None else _last_response_change(response)
        self.who = _actor_name(entry) if entry is not None else ""
        self.when: dt.datetime | None = entry.timestamp if entry is not None else None

    @property
    def what(self) -> str:
        return self.part.label if self.part is not None else "the response"


def _last_response_change(response: Response) -> AuditEntry | None:
    return (
        AuditEntry.objects.filter(response_id=response.pk).select_related("actor").order_by("-timestamp", "-pk").first()
    )


def _actor_name(entry: AuditEntry) -> str:
    actor = entry.actor
    if actor is not None:
        return str(actor.get_full_name() or actor.get_username())  # type: ignore[attr-defined]
    return entry.actor_label or "the system"


@contextlib.contextmanager
def editing(
    response: Response,
    expected_version: int | None,
    *,
    reason: str = "",
    part: Part | None = None,
    expected_part: str = "",
) -> Iterator[None]:
    """One write to `response`, all or nothing, with `reason` on its audit entries.

    With `expected_version`, the row is claimed first: an UPDATE that matches only while the stored version is the
    one the form was loaded with. It changes nothing but locks the row, so a concurrent save waits and then finds the
    version moved on. When it has moved on and the form edits one `part` whose state it loaded (`expected_part`),
    the save goes ahead if that part is as it was (a change to another part is no conflict): the row is locked
    first, then the part compared, so two saves of the same part still cannot both pass. Either way the block works
    on what is stored now, never on a copy loaded earlier. On any error the claim and every change roll back and the
    in-memory response is reloaded (so the page shows the current version).
    """
    try:
        with transaction.atomic(), audit_reason(reason):
            if expected_version is not None:
                claimed = Response.objects.filter(pk=response.pk, version=expected_version).update(version=F("version"))
                if claimed != 1:
                    if part is None or not expected_part:
                        raise EditConflict(response, part=part)
                    Response.objects.filter(pk=response.pk).update(version=F("version"))  # lock the row
                    if part.state() != expected_part:
                        raise EditConflict(response, part=part)
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
