"""Turn the reminder policy into outbox rows: one idempotent, set-based pass per sweep.

Each kind of reminder belongs to a *track*: a date it is about (the statutory last day, the chief constable's
comments-due date, the publication date for checklist nags) and the days, relative to that date, on which to remind.
For a given `today`, only the *latest* reminder day of a track that is not after today matters: an earlier one that
was never sent has been overtaken ("don't send '14 days left' on the day '7 days left' is due"), and a reminder day
missed while no worker ran is caught up once. Which day that is depends only on how far the about-date is from today,
so the candidate dates are known in advance and one query per track finds every response with a reminder to plan,
skipping those already planned (an anti-join on the outbox). No Python loop runs over responses that have nothing new.

Keys include the date the reminder is about, so a corrected date produces new keys; rows about the old date are
cancelled, never sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Case, DateField, Exists, F, Min, OuterRef, Q, QuerySet, Value, When

from inspections.models import LocalPolicingBody
from notifications.emails import reminder_subject
from notifications.models import OutboxEmail, OutboxStatus, ReminderKind
from responses.models import OPEN_STATUSES, ChecklistItem, ChecklistStep, Response, Status

logger = logging.getLogger(__name__)

KEY_MAX_LENGTH = OutboxEmail._meta.get_field("key").max_length or 200


@dataclass(frozen=True)
class Track:
    """A sequence of reminders about one date of a response."""

    name: str
    date_field: str  # the Response field the reminders are about
    before: tuple[int, ...]  # remind this many days before the date (0 = on the day)
    daily_after: int  # then every day for this many days after it
    every: int  # then every this many days, for as long as the subject is not done
    before_kind: str  # kind of the reminders up to and on the day
    after_kind: str  # kind of the reminders after the day

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.before_kind, self.after_kind)))

    @property
    def first_periodic_offset(self) -> int:
        return self.daily_after if self.daily_after >= 1 else self.every

    def offsets(self, until: int) -> list[int]:
        """Every reminder day as days after the about-date (negative: before it), up to `until`. For docs and tests."""
        found = sorted({-n for n in self.before})
        found += list(range(1, self.daily_after))
        offset = self.first_periodic_offset
        while offset <= until:
            found.append(offset)
            offset += self.every
        return [o for o in found if o <= until]

    def kind_for(self, about: dt.date, due: dt.date) -> str:
        return self.before_kind if due <= about else self.after_kind


def policy_tracks() -> tuple[Track, Track, Track]:
    policy: dict[str, Any] = settings.REMINDER_POLICY
    last_day = Track(
        name="last_day",
        date_field="statutory_last_day",
        before=tuple(sorted({int(n) for n in policy["before_last_day"]}, reverse=True)),
        daily_after=int(policy["overdue_daily_days"]),
        every=int(policy["overdue_every_days"]),
        before_kind=ReminderKind.LAST_DAY,
        after_kind=ReminderKind.OVERDUE,
    )
    comments = Track(
        name="comments",
        date_field="comments_due",
        before=tuple(sorted({int(n) for n in policy["comments_due_before"]}, reverse=True)),
        daily_after=0,
        every=int(policy["comments_overdue_every_days"]),
        before_kind=ReminderKind.COMMENTS_DUE,
        after_kind=ReminderKind.COMMENTS_OVERDUE,
    )
    checklist = Track(
        name="checklist",
        date_field="published_on",
        before=(),
        daily_after=0,
        every=int(policy["checklist_every_days"]),
        before_kind=ReminderKind.CHECKLIST,
        after_kind=ReminderKind.CHECKLIST,
    )
    for track in (last_day, comments, checklist):
        if track.every < 1 or track.daily_after < 0 or any(n < 0 for n in track.before):
            raise ValueError(f"REMINDER_POLICY for {track.name} needs positive intervals and days before >= 0.")
    return last_day, comments, checklist


@dataclass
class PlanResult:
    planned: int = 0
    cancelled: int = 0
    superseded: int = 0


# --- which day is the latest reminder day, for every possible about-date ------------------------------------------
def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _django_week_day(day: dt.date) -> int:
    """Django's `__week_day` numbering: 1 = Sunday … 7 = Saturday."""
    return day.isoweekday() % 7 + 1


def latest_due_conditions(track: Track, today: dt.date, min_about: dt.date | None = None) -> list[tuple[Q, dt.date]]:
    """Pairs (condition on the about-date, latest reminder day not after today) covering every about-date that has one.

    The conditions are disjoint. `min_about` bounds the enumeration needed when the repeat interval is neither
    1 nor 7 days (weekly repeats are matched on the weekday, so need no bound).
    """
    field = track.date_field
    conditions: list[tuple[Q, dt.date]] = []
    # Before (and on) the day: offset -n is the latest reminder for x = today - about in [-n, next offset).
    offsets = [-n for n in track.before]  # ascending
    after_start = 1 if track.daily_after >= 1 else track.first_periodic_offset
    for i, offset in enumerate(offsets):
        following = offsets[i + 1] if i + 1 < len(offsets) else after_start
        for x in range(offset, following):
            about = today - _days(x)
            conditions.append((Q(**{field: about}), about + _days(offset)))
    # The daily reminders after the day, except the last, which starts the periodic run.
    for x in range(1, track.daily_after):
        conditions.append((Q(**{field: today - _days(x)}), today))
    # Periodic: reminders at start, start + every, … For x >= start the latest is today - ((x - start) % every).
    start, every = track.first_periodic_offset, track.every
    for r in range(every):
        anchor = today - _days(start + r)  # the latest about-date whose reminder falls on today - r
        due = today - _days(r)
        if every == 1:
            condition = Q(**{f"{field}__lte": anchor})
        elif every == 7:
            condition = Q(**{f"{field}__lte": anchor, f"{field}__week_day": _django_week_day(anchor)})
        else:
            if min_about is None or min_about > anchor:
                continue
            dates = []
            day = anchor
            while day >= min_about:
                dates.append(day)
                day -= _days(every)
            condition = Q(**{f"{field}__in": dates})
        conditions.append((condition, due))
    return conditions


# --- recipients and keys ----------------------------------------------------------------------------------------------
def _valid_address(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    # validate_email allows nothing that could break a header, but be explicit about it.
    return "\r" not in address and "\n" not in address


def reminder_recipients(
    *,
    kind: str,
    owner_id: int | None,
    owner_email: str | None,
    owner_active: bool | None,
    shared_inbox: str,
    escalation_emails: str,
) -> list[tuple[str, int | None]]:
    """(address, user id) for each person told: the owner, the body's shared inbox and, once overdue, escalation."""
    candidates: list[tuple[str, int | None]] = []
    if owner_id and owner_active and owner_email:
        candidates.append((owner_email.strip(), owner_id))
    if shared_inbox:
        candidates.append((shared_inbox.strip(), None))
    if kind == ReminderKind.OVERDUE:
        escalation = LocalPolicingBody(escalation_emails=escalation_emails or "").escalation_list()
        candidates.extend((address, None) for address in escalation)
    seen: set[str] = set()
    recipients = []
    for address, user_id in candidates:
        if address.lower() in seen:
            continue
        if not _valid_address(address):
            logger.warning("Skipping invalid reminder address %r", address)
            continue
        seen.add(address.lower())
        recipients.append((address, user_id))
    return recipients


def reminder_key(*parts: object) -> str:
    key = ":".join(str(p) for p in parts).lower()
    if len(key) <= KEY_MAX_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"{key[: KEY_MAX_LENGTH - 41]}:{digest}"


# --- the plan ---------------------------------------------------------------------------------------------------------
_CANDIDATE_FIELDS = (
    "pk",
    "reminder_due",
    "inspection__title",
    "owner_id",
    "owner__email",
    "owner__is_active",
    "body__shared_inbox",
    "body__escalation_emails",
)


def _track_responses(track: Track) -> QuerySet[Response]:
    """Responses the track applies to, before any date condition. A report published before the 56-day rule came
    into force (2 May 2017) has no statutory last day: its response is never reminded about, on any track."""
    responses = Response.objects.filter(body__active=True, statutory_last_day__isnull=False)
    if track.name == "last_day":
        return responses.filter(status__in=OPEN_STATUSES)
    if track.name == "comments":
        # The text test is finished in Python (cc_comments_settled strips every kind of whitespace).
        return responses.filter(status__in=OPEN_STATUSES, comments_due__isnull=False, cc_comments_not_received=False)
    # A publication recorded from an imported register is history: its office-use steps are not chased.
    return responses.filter(status=Status.PUBLISHED, published_on__isnull=False, publication_imported=False)


def _candidates(track: Track, today: dt.date) -> list[dict[str, Any]]:
    """Responses with a reminder day on this track, up to today, that has no outbox row yet."""
    responses = _track_responses(track)
    min_about = None
    if track.every not in (1, 7):
        min_about = responses.aggregate(m=Min(track.date_field))["m"]
    conditions = latest_due_conditions(track, today, min_about)
    if not conditions:
        return []
    already_planned = OutboxEmail.objects.filter(
        response=OuterRef("pk"),
        kind__in=track.kinds,
        about_date=OuterRef(track.date_field),
        due_on=OuterRef("reminder_due"),
    )
    fields = [*_CANDIDATE_FIELDS, track.date_field]
    if track.name == "comments":
        fields.append("cc_comments")
    return list(
        responses.filter(reduce(or_, (condition for condition, _ in conditions)))
        .annotate(reminder_due=Case(*(When(c, then=Value(due)) for c, due in conditions), output_field=DateField()))
        .filter(~Exists(already_planned))
        .values(*fields)
    )


def _chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _open_required_steps(response_ids: list[int]) -> dict[int, list[ChecklistStep]]:
    required = list(ChecklistStep.objects.filter(required=True))
    done: set[tuple[int, int]] = set()
    for chunk in _chunks(response_ids):
        done.update(
            ChecklistItem.objects.filter(response_id__in=chunk, done_on__isnull=False).values_list(
                "response_id", "step_id"
            )
        )
    return {rid: [s for s in required if (rid, s.pk) not in done] for rid in response_ids}


def _rows_for(track: Track, candidates: list[dict[str, Any]]) -> list[OutboxEmail]:
    rows: list[OutboxEmail] = []
    steps_by_response = _open_required_steps([c["pk"] for c in candidates]) if track.name == "checklist" else {}
    for c in candidates:
        if track.name == "comments" and c["cc_comments"].strip():
            continue
        about: dt.date = c[track.date_field]
        due: dt.date = c["reminder_due"]
        kind = track.kind_for(about, due)
        recipients = reminder_recipients(
            kind=kind,
            owner_id=c["owner_id"],
            owner_email=c["owner__email"],
            owner_active=c["owner__is_active"],
            shared_inbox=c["body__shared_inbox"],
            escalation_emails=c["body__escalation_emails"],
        )
        steps: list[ChecklistStep | None] = [None]
        if track.name == "checklist":
            steps = list(steps_by_response.get(c["pk"], []))
        for step in steps:
            subject = reminder_subject(
                kind=kind, title=c["inspection__title"], about=about, day=due, step_label=step.label if step else ""
            )
            for address, user_id in recipients:
                key_parts: list[object] = [kind, c["pk"]]
                if step is not None:
                    key_parts.append(step.key)
                key_parts += [about.isoformat(), due.isoformat(), address]
                rows.append(
                    OutboxEmail(
                        key=reminder_key(*key_parts),
                        kind=kind,
                        response_id=c["pk"],
                        recipient=address,
                        user_id=user_id,
                        due_on=due,
                        about_date=about,
                        subject=subject,
                        step=step,
                    )
                )
    return rows


def _insert(rows: list[OutboxEmail]) -> int:
    # Sorted by key so that concurrent sweeps inserting the same rows take the unique-index locks in the same order
    # (PostgreSQL could otherwise deadlock two ON CONFLICT DO NOTHING inserts).
    rows.sort(key=lambda row: row.key)
    for chunk in _chunks(rows, 1000):
        OutboxEmail.objects.bulk_create(chunk, ignore_conflicts=True)
    return len(rows)


def due_reminders(today: dt.date) -> list[OutboxEmail]:
    """The rows the policy asks for up to `today` that are not in the outbox yet (unsaved)."""
    rows: list[OutboxEmail] = []
    for track in policy_tracks():
        rows.extend(_rows_for(track, _candidates(track, today)))
    return rows


def _pending() -> QuerySet[OutboxEmail]:
    return OutboxEmail.objects.filter(status=OutboxStatus.PENDING, resend_of__isnull=True)


def cancel_obsolete() -> int:
    """Cancel pending reminders whose subject is done or whose date has changed since they were planned."""
    last_day, comments, checklist = policy_tracks()
    not_active = Q(response__isnull=True) | Q(response__body__active=False)
    cancelled = (
        _pending()
        .filter(user__is_active=False)
        .update(status=OutboxStatus.CANCELLED, last_error="Cancelled: the user's account is no longer active.")
    )
    cancelled += (
        _pending()
        .filter(kind__in=last_day.kinds)
        .filter(not_active | ~Q(response__status__in=OPEN_STATUSES) | ~Q(about_date=F("response__statutory_last_day")))
        .update(status=OutboxStatus.CANCELLED, last_error="Cancelled: published, or the last day changed.")
    )
    comment_rows = _pending().filter(kind__in=comments.kinds)
    cancelled += comment_rows.filter(
        not_active
        | ~Q(response__status__in=OPEN_STATUSES)
        | Q(response__comments_due__isnull=True)
        | ~Q(about_date=F("response__comments_due"))
        | Q(response__cc_comments_not_received=True)
    ).update(status=OutboxStatus.CANCELLED, last_error="Cancelled: comments settled, or their date changed.")
    # Whether the comments text is blank is decided as the model decides it; few rows are pending at once.
    waiting = Response.objects.filter(pk__in=comment_rows.values("response_id"))
    settled = [r.pk for r in waiting.only("pk", "cc_comments", "cc_comments_not_received") if r.cc_comments_settled()]
    if settled:
        cancelled += comment_rows.filter(response_id__in=settled).update(
            status=OutboxStatus.CANCELLED, last_error="Cancelled: the chief constable's comments are recorded."
        )
    step_done = ChecklistItem.objects.filter(
        response_id=OuterRef("response_id"), step_id=OuterRef("step_id"), done_on__isnull=False
    )
    cancelled += (
        _pending()
        .filter(kind__in=checklist.kinds)
        .filter(
            not_active
            | ~Q(response__status=Status.PUBLISHED)
            | Q(response__published_on__isnull=True)
            | ~Q(about_date=F("response__published_on"))
            | Q(response__publication_imported=True)
            | Q(step__isnull=True)
            | Q(step__required=False)
            | Exists(step_done)
        )
        .update(status=OutboxStatus.CANCELLED, last_error="Cancelled: the step is done or no longer required.")
    )
    return cancelled


def supersede_overtaken() -> int:
    """Mark pending reminders SUPERSEDED when a later reminder of the same track and date exists for the same person."""
    superseded = 0
    for track in policy_tracks():
        later = OutboxEmail.objects.filter(
            response_id=OuterRef("response_id"),
            recipient=OuterRef("recipient"),
            kind__in=track.kinds,
            # Only a later reminder about the same date: one about a date since corrected overtakes nothing.
            about_date=OuterRef("about_date"),
            due_on__gt=OuterRef("due_on"),
            resend_of__isnull=True,
        ).exclude(status__in=[OutboxStatus.CANCELLED, OutboxStatus.SUPERSEDED])
        if track.name == "checklist":
            later = later.filter(step_id=OuterRef("step_id"))
        superseded += (
            _pending()
            .filter(kind__in=track.kinds)
            .filter(Exists(later))
            .update(status=OutboxStatus.SUPERSEDED, last_error="Superseded by a later reminder.")
        )
    return superseded


def plan_reminders(today: dt.date) -> PlanResult:
    """Cancel what is no longer needed, insert what is due up to `today`, supersede what a later reminder overtook.

    Idempotent: running it twice on the same day changes nothing the second time.
    """
    result = PlanResult()
    result.cancelled = cancel_obsolete()
    result.planned = _insert(due_reminders(today))
    result.superseded = supersede_overtaken()
    return result
