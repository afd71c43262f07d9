"""The file mail backend of the demo run (MAIL_TO_FILES): each message is one complete file, written to a temporary
file in the same directory and renamed into place; a disk that fills up mid-message leaves no partial file, and the
outbox's retry writes the message once, whole.

The full disk is real: RLIMIT_FSIZE caps the size of any file this process writes, so the backend's write fails
part-way as it would on a full disk (with SIGXFSZ ignored, the write raises OSError instead of ending the process).
"""

from __future__ import annotations

import datetime as dt
import resource
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from django.core.mail import EmailMessage, mailers

from config import settings_test as configured
from notifications.delivery import backoff, deliver_due
from notifications.models import OutboxEmail, OutboxStatus
from notifications.planner import plan_reminders
from responses.models import Response
from tests.notifications.conftest import People, london
from tests.security.test_deploy_check import check_deploy, production

TODAY = dt.date(2024, 11, 11)  # 7 days before the statutory last day of a report published 24 September 2024
BIG_BODY = "A reminder that does not fit on the disk.\n" * 8000  # about 330 KB
DISK_LEFT = 64 * 1024


@contextmanager
def disk_full_at(size: int) -> Iterator[None]:
    """Any file this process writes cannot grow past `size` bytes."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)


@pytest.fixture
def mail_dir(tmp_path: Path, settings: Any) -> Path:
    """The mailer the settings configure for MAIL_TO_FILES, writing to a directory of this test's own."""
    directory = tmp_path / "mail"
    settings.MAILERS = {"default": {**configured.MAILERS["default"], "OPTIONS": {"file_path": str(directory)}}}
    return directory


def message(subject: str = "Section 55 response due", body: str = "Due in 7 days.") -> EmailMessage:
    return EmailMessage(subject, body, "s55@opcc.example", ["owner@opcc.example"], headers={"Message-ID": "<x@y>"})


def files(directory: Path) -> list[Path]:
    return sorted(path for path in directory.iterdir())


def test_each_message_is_one_complete_file_of_its_own(mail_dir: Path) -> None:
    with mailers.default as mailer:
        assert mailer.send_messages([message("First"), message("Second")]) == 2
    assert mailers.default.send_messages([message("Third")]) == 1
    written = files(mail_dir)
    assert [path.suffix for path in written] == [".eml"] * 3
    parsed = [message_from_bytes(path.read_bytes(), policy=policy.default) for path in written]
    assert sorted(str(m["Subject"]) for m in parsed) == ["First", "Second", "Third"]
    assert all(m.get_content().strip() == "Due in 7 days." for m in parsed)  # type: ignore[attr-defined]


def test_a_disk_full_mid_message_leaves_no_partial_file_and_the_retry_writes_it_once_whole(mail_dir: Path) -> None:
    mail_dir.mkdir()
    big = message(body=BIG_BODY)
    with disk_full_at(DISK_LEFT), pytest.raises(OSError), mailers.default as mailer:
        mailer.send_messages([big])
    assert files(mail_dir) == []  # no truncated message, no temporary file

    assert mailers.default.send_messages([big]) == 1
    (written,) = files(mail_dir)
    assert written.stat().st_size > DISK_LEFT
    assert written.read_bytes() == big.message().as_bytes()


def test_a_full_disk_fails_the_send_so_the_outbox_retries_and_every_reminder_is_one_whole_file(
    mail_dir: Path,
    people: People,
    response_of: Callable[..., Response],
    frozen: Callable[[dt.datetime], None],
    monkeypatch: Any,
) -> None:
    frozen(london(TODAY, 9))
    response_of(settle_comments=True)
    plan_reminders(TODAY)
    rows = list(OutboxEmail.objects.filter(status=OutboxStatus.PENDING))
    assert len(rows) == 2
    # Reminders are short: a disk with only a few hundred bytes left fails each one part-way.
    with disk_full_at(300):
        report = deliver_due(today=TODAY)
    assert (report.sent, report.failed) == (0, 2)
    assert set(OutboxEmail.objects.values_list("status", "attempts")) == {(OutboxStatus.PENDING, 1)}
    assert not mail_dir.exists() or files(mail_dir) == []

    frozen(london(TODAY, 9) + backoff(1))
    assert deliver_due(today=TODAY).sent == 2
    written = files(mail_dir)
    assert len(written) == 2
    ids = {str(message_from_bytes(path.read_bytes())["Message-ID"]) for path in written}
    assert ids == {f"<s55-outbox-{row.pk}@127.0.0.1>" for row in rows}


def test_check_deploy_refuses_the_file_backend(tmp_path: Path) -> None:
    result = check_deploy(tmp_path, **production(MAIL_TO_FILES="1"))
    assert result.returncode != 0
    assert "notifications.E001" in result.stdout + result.stderr
