"""Project package. The Celery app (config/celery.py) is loaded only when asked for, so web requests and
management commands under django-q2 never import Celery; `celery -A config` finds `config.celery.app` itself."""

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "celery_app":
        from config.celery import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
