"""Exports: the response register (CSV, XLSX) and the audit trail (CSV).

Each view: scope to the user's body (a national superuser sees every body), apply the filters in the query string,
record the export (audit.services.export_record_create — an ExportRecord, and through django-auditlog an audit entry),
then stream. Nothing is read into memory whole.

The CSVs are for machines as they are: UTF-8 without a byte-order mark. `?excel=1` (the dashboard's links) starts
them with one, which is how Excel knows the file is UTF-8 when it is opened with a double click. The register's
workbook download is the one for people: headed in words, statuses and owners by name.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from itertools import chain

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from audit.filters import AuditFilter
from audit.models import ExportKind
from audit.selectors import audit_entries_for_user, exports_taken_since
from audit.services import export_record_create
from core.csv import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from exports.audit import audit_csv
from exports.register import register_csv, register_xlsx
from responses.filters import ResponseFilter
from responses.models import Response

# Exports hold unpublished drafts: never kept by a shared cache or the browser's.
NO_STORE = "private, no-store"
BYTE_ORDER_MARK = "\ufeff"


def _over_limit(request: AuthenticatedHttpRequest) -> HttpResponse | None:
    """A 429 page once the user has taken EXPORT_LIMIT exports within EXPORT_LIMIT_MINUTES, else None.

    Every export writes an export record and an audit entry: the limit keeps a stuck script or a held-down key from
    filling the audit trail. Counted from the export records, so it holds across every web process."""
    window = dt.timedelta(minutes=settings.EXPORT_LIMIT_MINUTES)
    now = timezone.now()
    if exports_taken_since(request.user, now - window) < settings.EXPORT_LIMIT:
        return None
    context = {"limit": settings.EXPORT_LIMIT, "minutes": settings.EXPORT_LIMIT_MINUTES, "retry_at": now + window}
    page = render(request, "errors/429.html", context, status=429)
    page["Retry-After"] = str(int(window.total_seconds()))
    return page


@login_required
@require_GET
def export_register(request: AuthenticatedHttpRequest, file_format: str = "csv") -> HttpResponseBase:
    if refused := _over_limit(request):
        return refused
    today = timezone.localdate()
    filterset = ResponseFilter(
        request.GET, queryset=Response.objects.for_user(request.user), user=request.user, today=today
    )
    form, responses = filterset.form, filterset.qs
    export_record_create(
        kind=ExportKind.REGISTER, file_format=file_format, filters=form.active_filters(), user=request.user
    )
    filename = f"s55-register-{today.isoformat()}.{file_format}"
    if file_format == "xlsx":
        # A zip cannot be written a row at a time to the client: build it on disk, then stream the file.
        file = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it, and the OS removes it)
        register_xlsx(responses, today=today, file=file, ordering=filterset.ordering, for_people=True)
        file.seek(0)
        response = FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
        response["Cache-Control"] = NO_STORE
        return response
    content = register_csv(responses, today=today, ordering=filterset.ordering)
    return _csv_response(_for_excel(request, content), filename)


@login_required
@require_GET
def export_audit(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    if refused := _over_limit(request):
        return refused
    filterset = AuditFilter(request.GET, queryset=audit_entries_for_user(request.user))
    form, entries = filterset.form, filterset.qs
    export_record_create(kind=ExportKind.AUDIT, file_format="csv", filters=form.active_filters(), user=request.user)
    return _csv_response(_for_excel(request, audit_csv(entries)), f"s55-audit-{timezone.localdate().isoformat()}.csv")


def _for_excel(request: AuthenticatedHttpRequest, content: Iterator[str]) -> Iterator[str]:
    """`content`, with the byte-order mark in front when `?excel=1` asks for it; untouched otherwise."""
    if request.GET.get("excel") != "1":
        return content
    return chain([BYTE_ORDER_MARK], content)


def _csv_response(content: Iterator[str], filename: str) -> StreamingHttpResponse:
    return StreamingHttpResponse(
        content,
        content_type=CSV_CONTENT_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": NO_STORE},
    )
