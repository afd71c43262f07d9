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

On PostgreSQL the database writes the same CSV (`audit_csv_postgres`, one COPY per page of 50,000 entries, each
finished into a spool file before it is sent, so there too a slow download holds nothing open).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils import timezone

from audit.models import AuditEntry, AuditEntryQuerySet
from core.csv import copy_csv, csv_stream, header_line, sql_csv_text, uses_postgres_writer
from inspections.models import Inspection, LocalPolicingBody
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


def audit_csv(entries: AuditEntryQuerySet, *, chunk_size: int | None = None) -> Iterator[str]:
    if uses_postgres_writer():
        return audit_csv_postgres(entries, chunk_size=chunk_size or POSTGRES_CHUNK_SIZE)
    return audit_csv_python(entries, chunk_size=chunk_size or AUDIT_CHUNK_SIZE)


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
                user_ids.update(_user_ids_in((changes or {}).get(name) if isinstance(changes, dict) else None))
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
            objects = value.get("objects")
            old, new = "", f"{verb}: {'; '.join(_display(o) for o in (objects if isinstance(objects, list) else []))}"
        elif isinstance(value, list | tuple) and len(value) == 2:
            old, new = (_display(v, names.users if field in user_fields else None) for v in value)
        else:
            old, new = "", _display(value)
        yield [*common, field, old, new, reason]


def _changed_fields(changes: Any, own: frozenset[str] | None) -> list[tuple[str, Any]]:
    if isinstance(changes, str):  # text changes, should a row predate AUDITLOG_STORE_JSON_CHANGES: shown as they are
        return [("changes", changes)]
    if not isinstance(changes, dict):
        return []
    # django-auditlog also lists reverse relations on create/delete ("responses.Response.None"): not fields of the
    # object itself, so not a change an auditor needs.
    return [(field, value) for field, value in changes.items() if own is None or field in own]


_USER_ID = re.compile(r"[0-9]{1,18}")


def _display(value: Any, users: dict[int, str] | None = None) -> str:
    """A stored value as text: empty for null, a string as it is, anything else as its JSON (keys in stored order).
    With `users` (a user field), an id that names a user reads as the username."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    else:
        text = _json_text(value)
    if users is not None and _USER_ID.fullmatch(text):
        return users.get(int(text)) or text
    return text


def _json_text(value: Any) -> str:
    """JSON as PostgreSQL writes a jsonb value: ", " and ": " between items, numbers in plain notation (0.000025,
    not 2.5e-05), so both writers give the same text."""
    if isinstance(value, dict):
        items = (f"{json.dumps(str(key), ensure_ascii=False)}: {_json_text(item)}" for key, item in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_json_text(item) for item in value) + "]"
    if isinstance(value, float) and math.isfinite(value):
        return format(Decimal(repr(value)), "f")
    return json.dumps(value, ensure_ascii=False, default=str)


def _add(ids: set[int], value: int | None) -> None:
    if value is not None:
        ids.add(value)


def _user_ids_in(value: Any) -> list[int]:
    if not isinstance(value, list | tuple):
        return []
    return [int(text) for text in (_display(item) for item in value) if _USER_ID.fullmatch(text)]


class _Types:
    """What the export needs to know about each content type, looked up once per export."""

    def __init__(self) -> None:
        # Every content type in one query (a few dozen rows), rather than one get_for_id query per type.
        self._types = {content_type.pk: content_type for content_type in ContentType.objects.all()}
        self.inspection = ContentType.objects.get_for_model(Inspection).pk
        self._names: dict[int, str] = {}
        self._own: dict[int, frozenset[str] | None] = {}
        self._users: dict[int, frozenset[str]] = {}

    def name(self, ct_id: int) -> str:
        if ct_id not in self._names:
            content_type = self._content_type(ct_id)
            model = content_type.model_class()
            self._names[ct_id] = str(model._meta.verbose_name) if model else content_type.model
        return self._names[ct_id]

    def own_fields(self, ct_id: int) -> frozenset[str] | None:
        if ct_id not in self._own:
            model = self._content_type(ct_id).model_class()
            self._own[ct_id] = (
                frozenset(f.name for f in model._meta.get_fields() if f.concrete or not f.auto_created)
                if model
                else None
            )
        return self._own[ct_id]

    def _content_type(self, ct_id: int) -> ContentType:
        """From the types loaded at the start; one made since (a new model's first entry) is looked up."""
        return self._types.get(ct_id) or ContentType.objects.get_for_id(ct_id)

    def describe_all(self) -> list[dict[str, Any]]:
        """Every content type's name, own fields (None: keep every field) and user fields, for the SQL writer."""
        described = []
        for ct_id in sorted(self._types):
            own = self.own_fields(ct_id)
            described.append(
                {
                    "id": ct_id,
                    "name": self.name(ct_id),
                    "own": sorted(own) if own is not None else None,
                    "users": sorted(self.user_fields(ct_id)),
                }
            )
        return described

    def user_fields(self, ct_id: int) -> frozenset[str]:
        """Fields holding a user id (owner, done_by, ...): shown as the username, like the actor."""
        if ct_id not in self._users:
            model = self._content_type(ct_id).model_class()
            user_model = get_user_model()
            self._users[ct_id] = frozenset(
                f.name
                for f in (model._meta.get_fields() if model else [])
                if f.many_to_one and f.concrete and f.related_model is user_model
            )
        return self._users[ct_id]


# --- PostgreSQL writes the CSV ---------------------------------------------------------------------------------------
# The rows of `audit_rows`, written by the database (responses/exports.py explains the two writers): jsonb_each
# expands an entry into one row per changed field, in the order it was stored, and the names are joined in.
POSTGRES_CHUNK_SIZE = 50_000


def audit_csv_python(entries: AuditEntryQuerySet, *, chunk_size: int = AUDIT_CHUNK_SIZE) -> Iterator[str]:
    return csv_stream(AUDIT_COLUMNS, audit_rows(entries, chunk_size=chunk_size))


def audit_csv_postgres(entries: AuditEntryQuerySet, *, chunk_size: int = POSTGRES_CHUNK_SIZE) -> Iterator[str]:
    """Keyset pages of `chunk_size` entries by id, one COPY each: no statement outlives its page, and rows come in
    id order up to the newest entry that existed when the export began. Each page's ids are read first and given
    to the COPY as an array, so it reads those entries by primary key however sparse the filter leaves them."""
    yield header_line(AUDIT_COLUMNS)
    newest = entries.aggregate(newest=Max("id"))["newest"]
    if newest is None:
        return
    types = _Types()
    query = _audit_sql(inspection_type=types.inspection)
    described = json.dumps(types.describe_all())
    after = 0
    while after < newest:
        page = entries.filter(id__gt=after, id__lte=newest).order_by("id").values_list("id", flat=True)
        ids = list(page[:chunk_size])
        if not ids:
            return
        yield from copy_csv(query, [described, settings.TIME_ZONE, ids])
        after = ids[-1]


def _audit_sql(*, inspection_type: int) -> str:
    """The COPY query for one page. Parameters: the content types (`_Types.describe_all`, JSON), the time zone and
    the page's entry ids. The entries' own columns are worked out once per entry (the `OFFSET 0` keeps PostgreSQL
    from folding that subquery into the outer one), then each entry's changes are expanded into rows."""
    users = get_user_model()._meta.db_table

    # `v #>> '{}'` reads a stored value as `_display` does: NULL for null, a string as it is, else its JSON text.
    # For a user field, an id is shown as the username.
    def shown(value: str) -> str:
        text = f"({value} #>> '{{}}')"
        return (
            f"CASE WHEN e.users ? ch.key AND {text} ~ '^[0-9]{{1,18}}$' "  # noqa: S608 - our own table name
            f"THEN coalesce((SELECT nullif(username, '') FROM {users} WHERE id = {text}::bigint), {text}) "
            f"ELSE {text} END"
        )

    is_pair = "jsonb_typeof(ch.value) = 'array' AND jsonb_array_length(ch.value) = 2"
    is_m2m = "jsonb_typeof(ch.value) = 'object' AND ch.value ->> 'type' = 'm2m'"
    m2m_objects = (
        "(SELECT string_agg(coalesce(o.value #>> '{}', ''), '; ' ORDER BY o.n) FROM jsonb_array_elements("
        "CASE jsonb_typeof(ch.value -> 'objects') WHEN 'array' THEN ch.value -> 'objects' END"
        ") WITH ORDINALITY AS o(value, n))"
    )
    # ±HH:MM as Python's isoformat() writes it, with :SS only when the offset has seconds (London before 1847).
    offset = (
        "CASE WHEN lt.off < interval '0' THEN '-' || to_char(-lt.off, 'HH24:MI') "
        "ELSE '+' || to_char(lt.off, 'HH24:MI') END "
        "|| CASE WHEN extract(second FROM lt.off) <> 0 "
        "THEN ':' || lpad(abs(extract(second FROM lt.off))::int::text, 2, '0') ELSE '' END"
    )
    inspection = Inspection._meta.db_table
    return f"""
        WITH types AS (
            SELECT (t ->> 'id')::int AS id, t ->> 'name' AS name, t -> 'own' AS own, t -> 'users' AS users
            FROM jsonb_array_elements(%s::jsonb) AS t
        )
        SELECT e.stamp, {sql_csv_text("e.actor")}, {sql_csv_text("e.body")}, {sql_csv_text("e.inspection")},
               e.response_id, {sql_csv_text("e.object")}, {sql_csv_text("c.field")}, {sql_csv_text("c.old")},
               {sql_csv_text("c.new")}, {sql_csv_text("e.reason")}
        FROM (
            SELECT a.id, a.changes, ty.own, ty.users,
                   to_char(lt.local, 'YYYY-MM-DD"T"HH24:MI:SS') || {offset} AS stamp,
                   coalesce(nullif(u.username, ''), nullif(a.actor_label, ''), nullif(a.actor_email, ''), 'system')
                       AS actor,
                   b.name AS body,
                   CASE WHEN a.response_id IS NOT NULL THEN ri.title
                        WHEN a.content_type_id = {int(inspection_type)} THEN oi.title END AS inspection,
                   a.response_id,
                   ty.name || ' #' || a.object_pk || ': ' || a.object_repr AS object,
                   a.reason
            FROM {AuditEntry._meta.db_table} a
            CROSS JOIN LATERAL (SELECT a.timestamp AT TIME ZONE %s AS local) l0
            CROSS JOIN LATERAL (SELECT l0.local, l0.local - (a.timestamp AT TIME ZONE 'UTC') AS off) lt
            LEFT JOIN types ty ON ty.id = a.content_type_id
            LEFT JOIN {users} u ON u.id = a.actor_id
            LEFT JOIN {LocalPolicingBody._meta.db_table} b ON b.id = a.body_id
            LEFT JOIN {Response._meta.db_table} r ON r.id = a.response_id
            LEFT JOIN {inspection} ri ON ri.id = r.inspection_id
            LEFT JOIN {inspection} oi ON a.content_type_id = {int(inspection_type)} AND oi.id = a.object_id
            WHERE a.id = ANY(%s::bigint[])
            OFFSET 0
        ) e
        LEFT JOIN LATERAL (
            SELECT ch.n, ch.key AS field,
                   CASE WHEN {is_pair} THEN {shown("ch.value -> 0")} END AS old,
                   CASE WHEN {is_m2m}
                        THEN CASE WHEN ch.value ->> 'operation' = 'add' THEN 'added' ELSE 'removed' END
                             || ': ' || coalesce({m2m_objects}, '')
                        WHEN {is_pair} THEN {shown("ch.value -> 1")}
                        ELSE ch.value #>> '{{}}' END AS new
            FROM (
                SELECT kv.key, kv.value, kv.n
                FROM jsonb_each(CASE jsonb_typeof(e.changes) WHEN 'object' THEN e.changes END)
                     WITH ORDINALITY AS kv(key, value, n)
                WHERE jsonb_typeof(e.own) IS DISTINCT FROM 'array' OR e.own ? kv.key
                UNION ALL
                SELECT 'changes', e.changes, 1 WHERE jsonb_typeof(e.changes) = 'string'
            ) AS ch
        ) AS c ON true
        ORDER BY e.id, c.n
    """  # noqa: S608 - table names and ids of our own; every value a user chose is a parameter
