"""Settings for the test suite: the real settings with test-only defaults for what must be secret in production."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghijklmnop")
os.environ.setdefault("SECURE", "0")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test"))
os.environ.setdefault("TASKS_BACKEND", "immediate")
os.environ.setdefault("MAIL_TO_FILES", "1")

from config.settings import *  # noqa: F403
from config.settings import STATIC_ROOT, STORAGES

# Fast hashing: the suite creates many users. Production keeps Argon2 (see config/settings.py).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
AXES_ENABLED = False
# The suite signs users in with force_login; the two-factor tests turn the gate on (tests/accounts/test_two_factor*).
TWO_FACTOR_ENFORCED = False
from pathlib import Path as _Path

_Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
