"""Shared fixtures. Services (PostgreSQL, Redis, Chromium) are used when present and skipped otherwise —
unless REQUIRE_SERVICES=1, which turns every such skip into a failure (CI sets it)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def need(condition: bool, reason: str) -> None:
    """Skip (or, with REQUIRE_SERVICES=1, fail) when a real service is missing."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def using_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def redis_available() -> bool:
    try:
        import redis

        redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), socket_timeout=1).ping()
        return True
    except Exception:  # noqa: BLE001
        return False


@pytest.fixture
def require_postgres() -> None:
    need(using_postgres(), "PostgreSQL is not configured (set DATABASE_URL=postgres://...)")


@pytest.fixture
def require_redis() -> None:
    need(bool(os.environ.get("REDIS_URL")) and redis_available(), "Redis is not reachable at REDIS_URL")


@pytest.fixture
def require_chromium() -> str:
    need(Path(CHROMIUM).exists() or bool(shutil.which("chromium")), f"Chromium not found at {CHROMIUM}")
    return CHROMIUM


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "reference_data: keep the forces, bodies, publication types and checklist steps that migrate creates"
    )


@pytest.fixture(autouse=True)
def _no_reference_data(request: pytest.FixtureRequest) -> None:
    """Each database test starts without the reference rows that ``migrate`` creates, and builds what it needs with
    the factories: otherwise a ``BodyFactory(force=ForceFactory(name="Norfolk"))`` would hand back the seeded,
    inactive Norfolk body. A test about those rows themselves is marked ``reference_data``: it is left alone (no
    query at all, since tests/deploy/test_topology.py must hold no lock on those tables)."""
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db"} & set(request.fixturenames)
    )
    if not uses_db or request.node.get_closest_marker("reference_data"):
        return
    request.getfixturevalue("db")
    from tests.reference_data import clear_reference_tables

    clear_reference_tables()


@pytest.fixture
def steps(db: Any) -> Any:
    from tests.factories import seed_checklist_steps

    return seed_checklist_steps()


@pytest.fixture(autouse=True)
def _mail_dir(tmp_path: Path, settings: Any) -> Iterator[None]:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    yield


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: counts kept there (the force's link's rate limits) belong to one test,
    not to whichever ran before it in the same process."""
    from django.core.cache import cache

    cache.clear()
