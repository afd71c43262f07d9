"""The Police and Crime Panel's report (`/reports/panel/`, its PDF and workbook) and the public progress page.

The report is for the staff of a body, about their own body (any role may read it); the national superuser picks a
body or all bodies. Nothing here writes. The period and body arrive in the query string, so a report's address can
be written into the Panel's papers; a wrong date is shown back with the GOV.UK error summary, never as an error page.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from core.csv import XLSX_CONTENT_TYPE
from reports import charts, notes, progress, selectors
from reports.forms import PanelReportForm
from reports.pdf import panel_pdf
from reports.xlsx import panel_xlsx

PDF_TYPE = "application/pdf"


def _report(request: AuthenticatedHttpRequest) -> tuple[PanelReportForm, selectors.PanelReport | None]:
    """The form as asked, and the report it names (None while the form has errors). 403 for a signed-in user who
    belongs to no body and is not the national superuser."""
    today = timezone.localdate()
    form = PanelReportForm(request.GET, today=today, national=request.user.is_national)
    if selectors.scope_for(user=request.user, body=None) is None:
        raise PermissionDenied("The Panel report is for the staff of a body.")
    if not form.is_valid():
        return form, None
    scope = selectors.scope_for(user=request.user, body=form.cleaned_data.get("body"))
    assert scope is not None
    report = selectors.panel_report(
        scope=scope, start=form.cleaned_data["start"], end=form.cleaned_data["end"], today=today
    )
    return form, report


def _filename(report: selectors.PanelReport, extension: str) -> str:
    name = slugify(f"panel report {report.scope.name} {report.start} {report.end}")
    return f"{name}.{extension}"


def _page(
    request: AuthenticatedHttpRequest, form: PanelReportForm, report: selectors.PanelReport | None
) -> HttpResponse:
    query = request.GET.urlencode()
    return render(
        request,
        "reports/panel.html",
        {
            "form": form,
            "report": report,
            "charts": charts.panel_charts(report) if report else None,
            "notes": notes,
            "query": query,
        },
    )


@login_required
@require_GET
def panel(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, report = _report(request)
    return _page(request, form, report)


@login_required
@require_GET
def panel_download_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, report = _report(request)
    if report is None:
        return _page(request, form, report)
    content = panel_pdf(report, charts.panel_charts(report), moment=timezone.now())
    return _attachment(content, PDF_TYPE, _filename(report, "pdf"))


@login_required
@require_GET
def panel_download_xlsx(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, report = _report(request)
    if report is None:
        return _page(request, form, report)
    file = io.BytesIO()
    panel_xlsx(report, file=file)
    return _attachment(file.getvalue(), XLSX_CONTENT_TYPE, _filename(report, "xlsx"))


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    result = HttpResponse(content, content_type=content_type)
    result["Content-Disposition"] = f'attachment; filename="{filename}"'
    return result


# --- the public progress page ---------------------------------------------------------------------------------------
@require_GET
def published_progress(request: HttpRequest) -> HttpResponse:
    """Public: the status of each recommendation of a body's published responses, for the bodies that chose to show
    it (settings.PUBLIC_PROGRESS_BODIES). With one such body, its page; with several, `?body=<id>` picks one and
    without it the page lists them. A body that has not chosen to show it is a 404."""
    bodies = progress.showing_bodies()
    chosen = request.GET.get("body", "")
    if chosen:
        body = next((b for b in bodies if str(b.pk) == chosen), None)
    elif len(bodies) == 1:
        body = bodies[0]
    else:
        if not bodies:
            raise Http404("No body shows its progress here.")
        return render(request, "reports/progress_index.html", {"bodies": bodies})
    if body is None:
        raise Http404("This body does not show its progress here.")
    today = timezone.localdate()
    return render(
        request,
        "reports/progress.html",
        {
            "body": body,
            "current_body": body,
            "responses": progress.recommendation_progress(body=body),
            "today": today,
            "site_url": settings.SITE_URL,
        },
    )
