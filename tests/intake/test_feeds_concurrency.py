"""Two feed checks at once (PostgreSQL): each relevant item is spotted once per body, and counted as new once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from intake import services
from intake.feeds import FeedItem
from intake.models import SpottedReport
from tests.factories import BodyFactory

ITEMS = 200
CHECKS = 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_checks_recording_the_same_items_at_once_spot_each_once(require_postgres: None) -> None:
    body = BodyFactory()
    items = [FeedItem(f"Report {n} about all forces", f"https://hmicfrs.example/p/{n}/", None) for n in range(ITEMS)]
    start = threading.Barrier(CHECKS)
    counted: list[int] = []
    errors: list[BaseException] = []

    def check() -> None:
        try:
            start.wait(timeout=30)
            counted.append(
                services.spotted_reports_record(feed=None, found=[(item, [(body, False)]) for item in items])
            )
        except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            connection.close()

    threads: list[Any] = [threading.Thread(target=check) for _ in range(CHECKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sum(counted) == ITEMS
    assert SpottedReport.objects.filter(body=body).count() == ITEMS
