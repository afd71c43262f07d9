"""The project's own middleware (settings.MIDDLEWARE says where each sits, and why there)."""

from __future__ import annotations

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.http import HttpRequest

from config.client_ip import client_ip_address


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's, recording the client's address as sign-in throttling sees it.

    django-auditlog records the left-most X-Forwarded-For address, which whoever sends the request writes; the
    audit trail must record the address the trusted proxy saw instead.
    """

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        return client_ip_address(request)
