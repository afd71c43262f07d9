"""Rate limits of the link page, in Django's cache (fixed windows).

Checked before the token is looked at, so a throttled request costs no database query and finds nothing ("no hit"):

- every request to a link page, per client address: settings.FORCE_COMMENTS_RATE_PER_ADDRESS per window;
- failed tokens (a signature not this site's, or an unknown link), per client address:
  settings.FORCE_COMMENTS_FAILURES_PER_ADDRESS per window;
- failed tokens per token prefix (the link's lookup, before the signature), from any address:
  settings.FORCE_COMMENTS_FAILURES_PER_PREFIX per window, so guesses spread over many addresses are capped too.

The window is settings.FORCE_COMMENTS_RATE_WINDOW_SECONDS. The client address is read as sign-in throttling reads
it (settings.AXES_CLIENT_IP_CALLABLE: X-Forwarded-For only through a trusted proxy).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.module_loading import import_string

from forcecomments.tokens import prefix_of


def window() -> int:
    return int(getattr(settings, "FORCE_COMMENTS_RATE_WINDOW_SECONDS", 900))


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def client_address(request: HttpRequest) -> str:
    path = getattr(settings, "AXES_CLIENT_IP_CALLABLE", "")
    if path:
        address = import_string(path)(request)
        if address:
            return str(address)
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _hit(key: str) -> int:
    cache.add(key, 0, window())
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window())
        return 1


def _keys(request: HttpRequest, token: str) -> tuple[str, str, str]:
    address = client_address(request)
    return (
        f"forcecomments:requests:{address}",
        f"forcecomments:failures:{address}",
        f"forcecomments:prefix-failures:{prefix_of(token)}",
    )


def throttled(request: HttpRequest, token: str) -> bool:
    """Count this request and say whether it is over a limit (then it must be refused before any lookup)."""
    requests_key, failures_key, prefix_key = _keys(request, token)
    if int(cache.get(failures_key, 0)) >= _limit("FORCE_COMMENTS_FAILURES_PER_ADDRESS", 20):
        return True
    if int(cache.get(prefix_key, 0)) >= _limit("FORCE_COMMENTS_FAILURES_PER_PREFIX", 10):
        return True
    return _hit(requests_key) > _limit("FORCE_COMMENTS_RATE_PER_ADDRESS", 120)


def record_failure(request: HttpRequest, token: str) -> None:
    _requests_key, failures_key, prefix_key = _keys(request, token)
    _hit(failures_key)
    _hit(prefix_key)
