"""Deliver the outbox: claim → send → mark.

Only the worker whose conditional UPDATE moved a row from PENDING to SENDING (under its own claim token) sends it,
so two workers never send the same reminder. A failed send is recorded as a DeliveryAttempt and the row goes back
to PENDING with an exponential backoff, until settings.REMINDER_MAX_ATTEMPTS attempts have failed.

A worker renews its claim while it works (a heartbeat: `claimed_at` of every row it still holds, three times per
settings.OUTBOX_HEARTBEAT_SECONDS, and of each row just before sending it). A claim not renewed for that long is
a worker's that died or hung: any worker's sweep puts those rows back, at its start and as it goes.

When the mail server cannot be reached, the rows wait their backoff without spending attempts; the first send that
goes through afterwards, by any worker, releases them, so that they follow in the same sweep. A sweep with nothing
else to send tries one of them (a probe), so a backlog held back whole goes with the first sweep after the server is
back rather than after its backoff; while the server is still down that is one connection attempt a sweep.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import mailers
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from notifications.emails import build_message, digest_subject
from notifications.models import DIGESTIBLE_KINDS, DeliveryAttempt, OutboxEmail, OutboxStatus, ReminderKind
from notifications.selectors import open_work

logger = logging.getLogger(__name__)

CLAIM_TIMEOUT = dt.timedelta(seconds=60)  # claim_timeout() when settings.OUTBOX_HEARTBEAT_SECONDS is not set
BATCH_SIZE = 50
MAX_LOST_CLAIMS = 100
ERROR_MAX_LENGTH = 2000

OnSent = Callable[[OutboxEmail, str], None]


def claim_timeout() -> dt.timedelta:
    """A claim not renewed for this long belongs to a worker that died or hung."""
    return dt.timedelta(seconds=getattr(settings, "OUTBOX_HEARTBEAT_SECONDS", CLAIM_TIMEOUT.total_seconds()))


def heartbeat_every() -> dt.timedelta:
    """How often a working worker renews its claim: three beats per timeout, so one slow send loses no claim."""
    return claim_timeout() / 3


def retry_base() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "REMINDER_RETRY_BASE_SECONDS", 300))


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next try after `attempts` failures: base, 2×base, 4×base … capped at six hours."""
    return min(retry_base() * (2 ** max(attempts - 1, 0)), dt.timedelta(hours=6))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0  # failed attempts (the row is retried unless it gave up)
    gave_up: int = 0
    reclaimed: int = 0
    digests: int = 0
    released: int = 0  # rows held back by an unreachable mail server, released by a send that went through


# --- housekeeping before sending ----------------------------------------------------------------------------------
def reclaim_stuck(*, now: dt.datetime, worker: str) -> int:
    """Put rows back whose claim has not been renewed for claim_timeout(): their worker crashed or hung.

    The attempt is counted: the worker may have sent the email before it stopped.
    """
    reclaimed = 0
    timeout = claim_timeout()
    cutoff = now - timeout
    stuck = OutboxEmail.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=cutoff)
    for row in stuck.only("pk", "claimed_by", "attempts"):
        attempts = row.attempts + 1
        gave_up = attempts >= settings.REMINDER_MAX_ATTEMPTS
        error = f"The claim by {row.claimed_by} was not renewed for {int(timeout.total_seconds())} seconds."
        # Still stale at the moment of the update: a worker that renewed its claim meanwhile keeps its row.
        moved = OutboxEmail.objects.filter(
            pk=row.pk, status=OutboxStatus.SENDING, claimed_by=row.claimed_by, claimed_at__lt=cutoff
        ).update(
            status=OutboxStatus.FAILED if gave_up else OutboxStatus.PENDING,
            attempts=attempts,
            next_attempt_at=None,
            claimed_by="",
            claimed_at=None,
            server_unreachable=False,
            last_error=error,
        )
        if moved:
            DeliveryAttempt.objects.create(email=row, ok=False, error=error, worker=worker)
            reclaimed += 1
    return reclaimed


def _sendable(today: dt.date, now: dt.datetime) -> QuerySet[OutboxEmail]:
    return OutboxEmail.objects.filter(status=OutboxStatus.PENDING, due_on__lte=today).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


class _NothingToDigest(Exception):
    pass


def combine_digests(*, today: dt.date, now: dt.datetime) -> int:
    """Fold the pending reminders of each digest user into one DIGEST row per user and address.

    The digest's unique key serialises workers doing this at once; the parts move to DIGESTED with a conditional
    update, so a part is either in one digest or sent on its own, never both.
    """
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    parts = (
        _sendable(today, now)
        .filter(user__daily_digest=True, user__is_active=True, kind__in=DIGESTIBLE_KINDS)
        .values_list("user_id", "recipient", "pk")
    )
    for user_id, recipient, pk in parts:
        groups[(user_id, recipient)].append(pk)
    made = 0
    for (user_id, recipient), part_ids in groups.items():
        number = OutboxEmail.objects.filter(kind=ReminderKind.DIGEST, user_id=user_id, due_on=today).count() + 1
        try:
            with transaction.atomic():
                digest = OutboxEmail.objects.create(
                    key=f"digest:{user_id}:{today.isoformat()}:{number}",
                    kind=ReminderKind.DIGEST,
                    recipient=recipient,
                    user_id=user_id,
                    due_on=today,
                    subject=digest_subject(day=today, count=len(part_ids)),
                )
                moved = OutboxEmail.objects.filter(pk__in=part_ids, status=OutboxStatus.PENDING).update(
                    status=OutboxStatus.DIGESTED, digest=digest
                )
                if not moved:
                    raise _NothingToDigest
        except (IntegrityError, _NothingToDigest):
            continue  # another worker is making this digest, or the parts went elsewhere
        made += 1
    return made


def release_after_outage() -> int:
    """A send has just gone through: the rows held back because the mail server could not be reached are due now.

    They keep their place in the claim order (due day, id) and are claimed like any other row.
    """
    return OutboxEmail.objects.filter(status=OutboxStatus.PENDING, server_unreachable=True).update(
        next_attempt_at=None, server_unreachable=False
    )


# --- claim ---------------------------------------------------------------------------------------------------------
def claim_batch(
    *, today: dt.date, now: dt.datetime, token: str, size: int = BATCH_SIZE, held_back: bool = False
) -> list[OutboxEmail] | None:
    """Move up to `size` sendable rows to SENDING under `token` and return exactly the rows this call claimed.

    `held_back`: claim among the rows an unreachable mail server held back instead, their backoff notwithstanding.
    None when nothing was left to claim; an empty list when other workers claimed the candidates first.
    """
    if held_back:
        waiting = OutboxEmail.objects.filter(status=OutboxStatus.PENDING, due_on__lte=today, server_unreachable=True)
    else:
        waiting = _sendable(today, now)
    candidates = waiting.filter(
        Q(user__isnull=True) | Q(user__daily_digest=False) | Q(kind=ReminderKind.DIGEST)
    ).order_by("due_on", "id")
    claimed_at = timezone.now()
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(candidates.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)[:size])
            OutboxEmail.objects.filter(pk__in=ids, status=OutboxStatus.PENDING).update(
                status=OutboxStatus.SENDING, claimed_at=claimed_at, claimed_by=token
            )
    else:
        ids = list(candidates.values_list("pk", flat=True)[:size])
        # The conditional UPDATE is the claim: a row another worker took meanwhile is no longer PENDING.
        OutboxEmail.objects.filter(pk__in=ids, status=OutboxStatus.PENDING).update(
            status=OutboxStatus.SENDING, claimed_at=claimed_at, claimed_by=token
        )
    if not ids:
        return None
    return list(
        OutboxEmail.objects.filter(status=OutboxStatus.SENDING, claimed_by=token, pk__in=ids)
        .select_related("response__inspection", "response__body", "step", "user")
        .order_by("due_on", "id")
    )


# --- mark ----------------------------------------------------------------------------------------------------------
def mark_sent(row: OutboxEmail, *, token: str, subject: str, message_id: str) -> bool:
    """One conditional UPDATE, straight after the send: the row is SENT only if this worker's claim still holds."""
    moved = OutboxEmail.objects.filter(pk=row.pk, status=OutboxStatus.SENDING, claimed_by=token).update(
        status=OutboxStatus.SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        subject=subject,
        message_id=message_id[:300],
        next_attempt_at=None,
        server_unreachable=False,
        last_error="",
    )
    if not moved:
        logger.warning("Outbox row %s was sent but its claim had expired; it may be sent again.", row.pk)
    return bool(moved)


@transaction.atomic
def mark_failed(row: OutboxEmail, *, token: str, error: BaseException, server_down: bool = False) -> bool:
    """Record the failure; back to PENDING with backoff, or FAILED once the attempts are used up. True if gave up.

    When the mail server could not be reached at all (`server_down`), the attempt is recorded but not counted:
    an outage, however long, must not use up a reminder's attempts and lose it.
    """
    text = f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]
    attempts = row.attempts if server_down else row.attempts + 1
    gave_up = attempts >= settings.REMINDER_MAX_ATTEMPTS
    OutboxEmail.objects.filter(pk=row.pk, status=OutboxStatus.SENDING, claimed_by=token).update(
        status=OutboxStatus.FAILED if gave_up else OutboxStatus.PENDING,
        attempts=attempts,
        next_attempt_at=None if gave_up else timezone.now() + backoff(max(attempts, 1)),
        claimed_by="",
        claimed_at=None,
        server_unreachable=server_down and not gave_up,
        last_error=text,
    )
    DeliveryAttempt.objects.create(email=row, ok=False, error=text, worker=token)
    logger.warning("Sending outbox row %s to %s failed (attempt %s): %s", row.pk, row.recipient, attempts, text)
    return gave_up


# --- send ----------------------------------------------------------------------------------------------------------
class _Claim:
    """The rows one worker holds under its token, renewed while it works on them."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.renewed_at = timezone.now()

    def renew(self) -> None:
        """The heartbeat: a fresh claimed_at on every row still held, once per heartbeat_every()."""
        now = timezone.now()
        if now - self.renewed_at < heartbeat_every():
            return
        OutboxEmail.objects.filter(status=OutboxStatus.SENDING, claimed_by=self.token).update(claimed_at=now)
        self.renewed_at = now

    def holds(self, row: OutboxEmail) -> bool:
        """Renew this row's claim just before sending it; False when another worker reclaimed it meanwhile."""
        return bool(
            OutboxEmail.objects.filter(pk=row.pk, status=OutboxStatus.SENDING, claimed_by=self.token).update(
                claimed_at=timezone.now()
            )
        )


def _send_batch(
    rows: list[OutboxEmail], *, token: str, today: dt.date, report: DeliveryReport, on_sent: OnSent | None
) -> bool:
    """Send the claimed rows; False when not one of them could be sent (the mail server is down, most likely)."""
    unsettled = list(rows)
    work = open_work(row.response_id for row in rows if row.response_id)
    # Successful attempts are written once per batch: the row's SENT status is the record that counts, and
    # one round trip per email instead of four keeps a large backlog quick.
    successes: list[DeliveryAttempt] = []

    def failed(row: OutboxEmail, exc: BaseException, *, server_down: bool = False) -> None:
        report.failed += 1
        report.gave_up += mark_failed(row, token=token, error=exc, server_down=server_down)

    # A slow batch must not outlive its claim and let another worker reclaim (and send) what this one still holds.
    claim = _Claim(token)

    try:
        # Entering opens the connection once for the batch; a server that is down fails every row of it.
        with mailers.default as mailer:
            while unsettled:
                row = unsettled.pop(0)
                claim.renew()
                if not claim.holds(row):
                    continue
                try:
                    subject, message = build_message(row, today=today, work=work)
                    if mailer.send_messages([message]) != 1:
                        raise RuntimeError("The mail backend did not accept the message.")
                except Exception as exc:  # noqa: BLE001 - every failure is recorded and retried
                    failed(row, exc)
                    with contextlib.suppress(Exception):
                        mailer.close()  # a broken connection is reopened by the next send_messages()
                    continue
                mark_sent(row, token=token, subject=subject, message_id=message.extra_headers["Message-ID"])
                successes.append(DeliveryAttempt(email=row, ok=True, worker=token))
                report.sent += 1
                if on_sent:
                    on_sent(row, subject)
    except Exception as exc:  # noqa: BLE001 - opening the connection failed: record it on every row left
        for row in unsettled:
            failed(row, exc, server_down=True)
    finally:
        DeliveryAttempt.objects.bulk_create(successes)
    return bool(successes)


def deliver_due(
    *,
    today: dt.date,
    now: dt.datetime | None = None,
    worker: str | None = None,
    on_sent: OnSent | None = None,
    batch_size: int = BATCH_SIZE,
) -> DeliveryReport:
    """Send every outbox row that is due, claiming each batch before sending it."""
    now = now or timezone.now()
    worker = worker or worker_name()
    report = DeliveryReport()
    report.reclaimed = reclaim_stuck(now=now, worker=worker)
    reclaimed_at = timezone.now()
    report.digests = combine_digests(today=today, now=now)
    lost_races = 0
    released = False
    while lost_races < MAX_LOST_CLAIMS:
        if timezone.now() - reclaimed_at >= heartbeat_every():
            # A long sweep also takes over, as it goes, the rows of a worker that stopped meanwhile.
            reclaimed_at = timezone.now()
            report.reclaimed += reclaim_stuck(now=reclaimed_at, worker=worker)
        token = f"{worker}:{uuid.uuid4().hex[:12]}"
        rows = claim_batch(today=today, now=now, token=token, size=batch_size)
        if rows is None and not released:
            # Nothing else to send: is the mail server back? One held-back row finds out; if it goes through, the
            # rest are released below and follow in this sweep.
            rows = claim_batch(today=today, now=now, token=token, size=1, held_back=True)
        if rows is None:
            break
        if not rows:
            lost_races += 1  # another worker took this batch first: try the next one
            continue
        if not _send_batch(rows, token=token, today=today, report=report, on_sent=on_sent):
            # Nothing got through: leave the rest pending (without spending their attempts) for the next sweep.
            break
        if not released:
            # The mail server answers: what an outage held back goes now, in this sweep, not after its backoff.
            report.released = release_after_outage()
            released = True
    return report


def preview_due(*, today: dt.date, now: dt.datetime | None = None, on_sent: OnSent) -> DeliveryReport:
    """What deliver_due would send now, without claiming or sending (for --dry-run; run it inside a rollback)."""
    now = now or timezone.now()
    report = DeliveryReport()
    report.digests = combine_digests(today=today, now=now)
    rows = (
        _sendable(today, now)
        .filter(Q(user__isnull=True) | Q(user__daily_digest=False) | Q(kind=ReminderKind.DIGEST))
        .select_related("response__inspection", "response__body", "step", "user")
        .order_by("due_on", "id")
    )
    for row in rows:
        subject, _ = build_message(row, today=today)
        on_sent(row, subject)
        report.sent += 1
    return report
