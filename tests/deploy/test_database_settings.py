"""PostgreSQL connection options come from the environment: JIT off, server-side binding, prepared statements."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRINT_OPTIONS = (
    "from django.conf import settings; import json; print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
)


def options(**env: str) -> dict[str, Any]:
    """The default database's OPTIONS as config/settings.py builds them for this environment (no connection made)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    base.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", "VAR_DIR": str(ROOT / "var" / "test")})
    base.update(env)
    script = f"import django; django.setup(); {PRINT_OPTIONS}"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


POSTGRES = "postgres://s55@db.example:5432/s55"


def test_postgres_connections_turn_jit_off_and_prepare_repeated_queries() -> None:
    assert options(DATABASE_URL=POSTGRES) == {
        "options": "-c jit=off",
        "server_side_binding": True,
        "prepare_threshold": 5,
    }


def test_preparing_can_be_turned_off_for_pgbouncer_and_options_in_the_url_still_apply() -> None:
    got = options(
        DATABASE_URL=f"{POSTGRES}?options=-c%20statement_timeout%3D5000",
        DATABASE_PREPARE_THRESHOLD="0",
        DATABASE_SERVER_SIDE_BINDING="0",
    )
    assert got == {
        "options": "-c jit=off -c statement_timeout=5000",
        "server_side_binding": False,
        "prepare_threshold": None,
    }


@pytest.mark.parametrize("url", ["sqlite:///var/test/x.sqlite3"])
def test_sqlite_gets_none_of_them(url: str) -> None:
    got = options(DATABASE_URL=url)
    assert "server_side_binding" not in got and "prepare_threshold" not in got


def test_sqlite_runs_in_wal_mode_and_waits_20_seconds_for_the_write_lock() -> None:
    # IMMEDIATE: a transaction takes the write lock when it begins, so it waits (the busy timeout) instead of
    # failing with "database is locked" when it first writes after reading.
    assert options(DATABASE_URL="sqlite:///var/test/x.sqlite3") == {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
