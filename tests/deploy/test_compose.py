"""docker-compose.yml and the Dockerfile describe the topology that tests/deploy/test_topology.py runs natively.

No Docker engine runs here, so these read the files: the compose file must parse and wire the services as
docs/operations.md, "Running at scale", says (a one-shot migrate that the others wait for, configuration only by
environment, healthchecks).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
LONG_RUNNING = ("web", "worker", "beat")


@pytest.fixture
def compose() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed (add pyyaml to the dev dependencies)")
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_web_worker_beat_db_redis_and_a_one_shot_migrate(compose: dict[str, Any]) -> None:
    services = compose["services"]

    assert set(services) == {"db", "redis", "migrate", *LONG_RUNNING}
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"
    assert services["web"]["command"] == ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]


def test_long_running_services_start_only_after_migrate_has_completed(compose: dict[str, Any]) -> None:
    services = compose["services"]

    for name in LONG_RUNNING:
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
        assert services[name]["depends_on"]["redis"] == {"condition": "service_healthy"}, name
    assert services["migrate"]["depends_on"]["db"] == {"condition": "service_healthy"}


def test_app_services_are_configured_only_by_environment_with_no_secret_in_the_file(compose: dict[str, Any]) -> None:
    services = compose["services"]

    for name in ("migrate", *LONG_RUNNING):
        env = services[name]["environment"]
        assert env["TASKS_BACKEND"] == "celery", name
        assert env["REDIS_URL"].startswith("redis://redis:6379"), name
        assert env["DATABASE_URL"].startswith("postgres://"), name
        for required in ("SECRET_KEY", "ALLOWED_HOSTS"):
            assert re.fullmatch(rf"\$\{{{required}:\?[^}}]+\}}", env[required]), (name, required)
        assert "${POSTGRES_PASSWORD:?" in env["DATABASE_URL"], name
        for key in ("EMAIL_HOST", "SITE_URL", "DEFAULT_FROM_EMAIL"):
            assert key in env, (name, key)


def test_web_healthcheck_asks_healthz_and_backing_services_have_healthchecks(compose: dict[str, Any]) -> None:
    services = compose["services"]

    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert "ping" in " ".join(services["redis"]["healthcheck"]["test"])


def test_dockerfile_builds_assets_with_node_and_installs_the_production_lock() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert re.search(r"^FROM node:\S+ AS assets$", dockerfile, re.M)
    assert re.search(r"^FROM python:3\.13-slim\b", dockerfile, re.M)
    assert "npm run build" in dockerfile
    assert "--require-hashes" in dockerfile and "requirements-prod.lock" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert re.search(r"^USER (?!root)\S+$", dockerfile, re.M)
    assert 'CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]' in dockerfile
