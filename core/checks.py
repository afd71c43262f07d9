"""System checks of the settings (`manage.py check`, and every command that starts the app): a wrong value is
reported when the process starts, not when the first email or the first link needs it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.http.request import validate_host
from django.utils.module_loading import import_string

KNOWN_TASK_BACKENDS = (
    "core.task_backends.DjangoQBackend",
    "core.task_backends.CeleryBackend",
    "django.tasks.backends.immediate.ImmediateBackend",
    "django.tasks.backends.dummy.DummyBackend",
)


@register()
def check_site_url(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """SITE_URL builds every link in an email and the calendar feed: it must be a URL this site answers to."""
    url = urlsplit(settings.SITE_URL)
    if url.scheme not in ("http", "https") or not url.hostname:
        return [Error(f"SITE_URL must be an http(s) address; got {settings.SITE_URL!r}.", id="core.E001")]
    hosts = settings.ALLOWED_HOSTS or (["localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
    # No ALLOWED_HOSTS at all is Django's own error to report (every request is refused): nothing to compare with.
    if hosts and not validate_host(url.hostname, hosts):
        return [
            Warning(
                f"SITE_URL's host {url.hostname!r} is not in ALLOWED_HOSTS, so the links in emails and calendar "
                "feeds would be refused by this site.",
                hint="Add it to ALLOWED_HOSTS, or correct SITE_URL.",
                id="core.W001",
            )
        ]
    return []


@register()
def check_task_backend(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """Background work goes to django-q2 or Celery; Celery also needs its broker and its app."""
    default: dict[str, Any] = settings.TASKS.get("default", {})
    backend = default.get("BACKEND", "")
    if backend not in KNOWN_TASK_BACKENDS:
        return [Error(f"TASKS['default']['BACKEND'] is {backend!r}, not one of the known backends.", id="core.E002")]
    if backend.endswith("CeleryBackend"):
        if not getattr(settings, "CELERY_BROKER_URL", ""):
            return [Error("The Celery backend needs CELERY_BROKER_URL (REDIS_URL).", id="core.E003")]
        app_path = default.get("OPTIONS", {}).get("APP", "config.celery.app")
        try:
            import_string(app_path)
        except ImportError as error:
            return [Error(f"The Celery app {app_path!r} cannot be imported: {error}.", id="core.E004")]
    return []
