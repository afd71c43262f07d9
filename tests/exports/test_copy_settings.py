"""The settings an export's COPY runs with stay with that COPY, even inside a caller's transaction (PostgreSQL)."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection, transaction

from core.csv import COPY_SETTINGS, copy_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("require_postgres")]


def current() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join('current_setting(%s)' for _ in COPY_SETTINGS)}", list(COPY_SETTINGS))
        row = cursor.fetchone()
    return dict(zip(COPY_SETTINGS, row, strict=True))


def test_the_copy_sees_its_settings_and_the_transaction_around_it_does_not() -> None:
    with transaction.atomic():
        before = current()
        assert before != COPY_SETTINGS
        seen = "".join(
            copy_csv(f"SELECT {', '.join('current_setting(%s)' for _ in COPY_SETTINGS)}", list(COPY_SETTINGS))
        )
        assert next(csv.reader(io.StringIO(seen))) == list(COPY_SETTINGS.values())
        assert current() == before
