"""Without DEBUG, SECRET_KEY must come from the environment: the web server refuses to start without it, while
commands that sign nothing (makemigrations --check in a fresh checkout) still run."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env["VAR_DIR"] = str(ROOT / "var" / "test")
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_makemigrations_check_runs_without_a_secret_key() -> None:
    result = run("manage.py", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_the_web_server_refuses_to_start_without_a_secret_key() -> None:
    result = run("-c", "import config.wsgi")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
