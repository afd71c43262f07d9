"""send_reminders [--today YYYY-MM-DD] [--dry-run]."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from notifications.models import OutboxEmail, SweepRun
from responses.models import Response
from tests.notifications.conftest import People, london


def run(*args: str) -> list[str]:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue().splitlines()


def test_prints_one_line_per_email_sent(people: People, response_of: Callable[..., Response]) -> None:
    response_of(title="Crime data integrity", settle_comments=True)
    lines = run("--today", "2024-11-04")
    assert sorted(lines) == [
        f"sent 2024-11-04 last_day to {people.inbox}: 14 days left: Section 55 response to Crime data integrity",
        "sent 2024-11-04 last_day to owner@opcc.example: 14 days left: Section 55 response to Crime data integrity",
    ]
    assert len(mail.outbox) == 2
    assert SweepRun.objects.get().actor == "command:send_reminders"
    assert run("--today", "2024-11-04") == []


def test_dry_run_prints_what_would_be_sent_and_writes_nothing(
    people: People, response_of: Callable[..., Response]
) -> None:
    response_of(title="Custody", settle_comments=True)
    lines = run("--today", "2024-11-04", "--dry-run")
    assert len(lines) == 2
    assert all(line.startswith("would send 2024-11-04 last_day to ") for line in lines)
    assert not OutboxEmail.objects.exists()
    assert not SweepRun.objects.exists()
    assert mail.outbox == []
    # The real run afterwards sends exactly what the dry run announced.
    assert sorted(line.removeprefix("sent ") for line in run("--today", "2024-11-04")) == sorted(
        line.removeprefix("would send ") for line in lines
    )


def test_a_bad_date_is_a_usage_error(db: Any) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--today", "04/11/2024")


def test_without_today_it_uses_the_london_date(db: Any, frozen: Callable[[dt.datetime], None]) -> None:
    frozen(london(dt.date(2024, 10, 21)))  # 23:30 UTC on the 20th
    run()
    assert SweepRun.objects.get().today == dt.date(2024, 10, 21)
