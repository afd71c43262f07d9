"""The project's own middleware (settings.MIDDLEWARE says where each sits, and why there)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.views import defaults

from config.client_ip import client_ip_address
from config.views import DATABASE_UNAVAILABLE, service_unavailable

GetResponse = Callable[[HttpRequest], HttpResponse]
ADMIN_PREFIX = "/admin/"  # config/urls.py


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


def _has_nul(values: Iterable[str]) -> bool:
    return any("\x00" in value for value in values)


def _query_has_nul(query: QueryDict) -> bool:
    return any("\x00" in key or _has_nul(values) for key, values in query.lists())


class RejectNulMiddleware:
    """No page's address has a null character (404); a request with one in its cookies or headers, or in the query
    of an admin page, cannot be read (400).

    No text this service stores or looks up may contain one, and PostgreSQL refuses it in any query: whichever
    lookup met it first would fail with a 500. The admin's lists turn query parameters straight into lookups. The
    service's own pages read their query and form fields through Django form fields, which refuse a null character
    themselves: a filter is ignored, a form says what is wrong beside the field and keeps what the user typed.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            return defaults.bad_request(request, ValueError("null character"), template_name="errors/400.html")
        if "\x00" in request.path_info:
            raise Http404("No page has a null character in its address.")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        headers = (value for name, value in request.META.items() if name.startswith("HTTP_") and isinstance(value, str))
        return (
            _has_nul(request.COOKIES.keys())
            or _has_nul(request.COOKIES.values())
            or _has_nul(headers)
            or (request.path_info.startswith(ADMIN_PREFIX) and _query_has_nul(request.GET))
        )


class PrivateNoStoreMiddleware:
    """Every response to a signed-in user says `Cache-Control: private, no-store`, so that neither a shared cache
    nor the browser's own keeps a body's drafts, exports or admin pages after the session ends (the back button of a
    shared computer, a proxy's disk).

    Not the public pages (/published/…) or /healthz, which set their own, nor static files (served before this).
    A response that already says both is left as it is (Django's never_cache says more).
    """

    PUBLIC_PREFIXES = ("/published/", "/healthz")

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        path = request.path_info
        if path.startswith((*self.PUBLIC_PREFIXES, settings.STATIC_URL)):
            return response
        directives = {d.split("=", 1)[0].strip().lower() for d in response.get("Cache-Control", "").split(",")}
        if {"private", "no-store"} <= directives:
            return response
        if self._signed_in(request):
            response["Cache-Control"] = "private, no-store"
        return response

    @staticmethod
    def _signed_in(request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        try:
            return bool(user is not None and user.is_authenticated)
        except DatabaseError:
            return True  # cannot tell whose response this is: keep it out of every cache


class DatabaseUnavailableMiddleware:
    """While the database cannot be reached, a view's failure is the 503 page, not a 500.

    A lookup made by a middleware (the session, for the audit trail's actor) fails outside any view: the 500 handler
    (config.urls.server_error) answers those with the same page.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return service_unavailable(request, exception)
        return None
