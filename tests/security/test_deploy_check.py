"""`manage.py check --deploy` is clean with production environment variables (and not without them)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Everything the settings read that a developer's or CI's shell might set; the test starts from none of them.
SETTINGS_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "BEHIND_TLS_PROXY",
    "EMAIL_HOST",
    "CSRF_TRUSTED_ORIGINS",
    "AXES_ENABLED",
    "MAIL_TO_FILES",
}


def check_deploy(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    environment.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings", "VAR_DIR": str(tmp_path), "PYTHONWARNINGS": "ignore"}, **env
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production(**extra: str) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),  # 86 characters, as `check --deploy` wants 50+ with 5+ distinct
        "ALLOWED_HOSTS": "s55.example",
        "SITE_URL": "https://s55.example",
        "SECURE": "1",
        **extra,
    }


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = check_deploy(tmp_path, **production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_is_clean_with_an_smtp_server(tmp_path: Path) -> None:
    result = check_deploy(tmp_path, **production(EMAIL_HOST="smtp.s55.example", EMAIL_USE_TLS="1"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"SECURE": "0"}, "security.W008"),  # no SSL redirect
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),  # no HSTS
    ],
)
def test_check_deploy_catches_an_insecure_setting(tmp_path: Path, override: dict[str, str], expected: str) -> None:
    result = check_deploy(tmp_path, **production(EMAIL_HOST="smtp.s55.example", **override))
    assert result.returncode != 0
    assert expected in result.stdout + result.stderr
