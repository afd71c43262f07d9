"""The audit trail as CSV: one row per changed field.

Columns: `timestamp` (ISO 8601 with the Europe/London offset), `actor` (username; else the process label such as
`command:loaddemo`; else the email recorded for a since-deleted user; else `system`), `body`, `inspection`, `response`
(the response id), `object` (what changed: its type, id and description), `field`, `old`, `new`, `reason`.
Creates and deletes give one row per field too (old or new empty); an entry with no field changes (an access) gives
one row with `field` empty. Many-to-many changes read `added: A; B` or `removed: A; B` in `new`.

Built to stream a million rows in flat memory: keyset pagination over `values_list` tuples (no model instances), in
chunks of 2,000 by id, with the names each chunk needs loaded in a few small queries per chunk and then dropped.
Keyset pages rather than one server-side cursor, so a slow download holds no cursor or transaction open (and it
works behind a transaction-pooling proxy). Rows come in the order recorded (by id), up to the newest entry that
existed when the export began.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils import timezone

from audit.models import AuditEntryQuerySet
from inspections.models import Inspection, LocalPolicingBody
from responses.exports import csv_stream
from responses.models import Response

AUDIT_COLUMNS = ("timestamp", "actor", "body", "inspection", "response", "object", "field", "old", "new", "reason")
AUDIT_CHUNK_SIZE = 2000

_FIELDS = (
    "id",
    "timestamp",
    "actor_id",
    "actor_label",
    "actor_email",
    "body_id",
    "response_id",
    "content_type_id",
    "object_pk",
    "object_id",
    "object_repr",
    "changes",
    "reason",
)


def audit_csv(entries: AuditEntryQuerySet, *, chunk_size: int = AUDIT_CHUNK_SIZE) -> Iterator[str]:
    return csv_stream(AUDIT_COLUMNS, audit_rows(entries, chunk_size=chunk_size))


def audit_rows(entries: AuditEntryQuerySet, *, chunk_size: int = AUDIT_CHUNK_SIZE) -> Iterator[list[Any]]:
    newest = entries.aggregate(newest=Max("id"))["newest"]
    if newest is None:
        return
    page = entries.filter(id__lte=newest).order_by("id").values_list(*_FIELDS)
    types = _Types()
    after = 0
    while True:
        chunk = list(page.filter(id__gt=after)[:chunk_size])
        if not chunk:
            return
        after = chunk[-1][0]
        names = _ChunkNames(chunk, types)
        for entry in chunk:
            yield from _entry_rows(entry, names, types)
        if len(chunk) < chunk_size:
            return
        del chunk, names  # let this chunk go before the next is fetched: one chunk in memory at a time


class _ChunkNames:
    """The body, response, inspection and user names one chunk refers to: a few small queries, then dropped."""

    def __init__(self, chunk: Sequence[tuple[Any, ...]], types: _Types) -> None:
        body_ids: set[int] = set()
        response_ids: set[int] = set()
        inspection_ids: set[int] = set()
        user_ids: set[int] = set()
        for _id, _ts, actor_id, _l, _e, body_id, response_id, ct_id, _pk, object_id, _r, changes, _reason in chunk:
            _add(body_ids, body_id)
            _add(response_ids, response_id)
            _add(user_ids, actor_id)
            if ct_id == types.inspection:
                _add(inspection_ids, object_id)
            for name in types.user_fields(ct_id):
                user_ids.update(_ids_in((changes or {}).get(name) if isinstance(changes, dict) else None))
        self.bodies = dict(LocalPolicingBody.objects.filter(pk__in=body_ids).values_list("pk", "name"))
        self.responses = dict(Response.objects.filter(pk__in=response_ids).values_list("pk", "inspection__title"))
        self.inspections = dict(Inspection.objects.filter(pk__in=inspection_ids).values_list("pk", "title"))
        self.users = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))


def _entry_rows(entry: tuple[Any, ...], names: _ChunkNames, types: _Types) -> Iterator[list[Any]]:
    (
        _id,
        timestamp,
        actor_id,
        actor_label,
        actor_email,
        body_id,
        response_id,
        ct_id,
        object_pk,
        object_id,
        object_repr,
        changes,
        reason,
    ) = entry
    if response_id is not None:
        inspection = names.responses.get(response_id, "")
    elif ct_id == types.inspection:
        inspection = names.inspections.get(object_id, "")
    else:
        inspection = ""
    common = [
        timezone.localtime(timestamp, timezone.get_default_timezone()).isoformat(timespec="seconds"),
        names.users.get(actor_id) or actor_label or actor_email or "system",
        names.bodies.get(body_id, "") if body_id is not None else "",
        inspection,
        response_id,
        f"{types.name(ct_id)} #{object_pk}: {object_repr}",
    ]
    changed = _changed_fields(changes, types.own_fields(ct_id))
    if not changed:
        yield [*common, "", "", "", reason]
        return
    user_fields = types.user_fields(ct_id)
    for field, value in changed:
        if isinstance(value, dict) and value.get("type") == "m2m":
            verb = "added" if value.get("operation") == "add" else "removed"
            old, new = "", f"{verb}: {'; '.join(str(o) for o in value.get('objects', []))}"
        elif isinstance(value, list | tuple) and len(value) == 2:
            old, new = (_display(v, names.users if field in user_fields else None) for v in value)
        else:
            old, new = "", _display(value, None)
        yield [*common, field, old, new, reason]


def _changed_fields(changes: Any, own: frozenset[str] | None) -> list[tuple[str, Any]]:
    if isinstance(changes, str):  # text changes, should a row predate AUDITLOG_STORE_JSON_CHANGES
        try:
            changes = json.loads(changes)
        except ValueError:
            return [("changes", ["", changes])]
    if not isinstance(changes, dict):
        return []
    # django-auditlog also lists reverse relations on create/delete ("responses.Response.None"): not fields of the
    # object itself, so not a change an auditor needs.
    return [(field, value) for field, value in changes.items() if own is None or field in own]


def _display(value: Any, users: dict[int, str] | None) -> str:
    if value is None:
        return ""
    if users is not None:
        try:
            return users.get(int(value)) or str(value)
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _add(ids: set[int], value: int | None) -> None:
    if value is not None:
        ids.add(value)


def _ids_in(value: Any) -> list[int]:
    if not isinstance(value, list | tuple):
        return []
    ids = []
    for item in value:
        try:
            ids.append(int(item))
        except (TypeError, ValueError):
            continue
    return ids


class _Types:
    """What the export needs to know about each content type, looked up once per export."""

    def __init__(self) -> None:
        self.inspection = ContentType.objects.get_for_model(Inspection).pk
        self._names: dict[int, str] = {}
        self._own: dict[int, frozenset[str] | None] = {}
        self._users: dict[int, frozenset[str]] = {}

    def name(self, ct_id: int) -> str:
        if ct_id not in self._names:
            content_type = ContentType.objects.get_for_id(ct_id)
            model = content_type.model_class()
            self._names[ct_id] = str(model._meta.verbose_name) if model else content_type.model
        return self._names[ct_id]

    def own_fields(self, ct_id: int) -> frozenset[str] | None:
        if ct_id not in self._own:
            model = ContentType.objects.get_for_id(ct_id).model_class()
            self._own[ct_id] = (
                frozenset(f.name for f in model._meta.get_fields() if f.concrete or not f.auto_created)
                if model
                else None
            )
        return self._own[ct_id]

    def user_fields(self, ct_id: int) -> frozenset[str]:
        """Fields holding a user id (owner, done_by, ...): shown as the username, like the actor."""
        if ct_id not in self._users:
            model = ContentType.objects.get_for_id(ct_id).model_class()
            user_model = get_user_model()
            self._users[ct_id] = frozenset(
                f.name
                for f in (model._meta.get_fields() if model else [])
                if f.many_to_one and f.concrete and f.related_model is user_model
            )
        return self._users[ct_id]
