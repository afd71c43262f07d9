"""Staff pages that bring a report in: "Add an inspection" from its publication page, then its findings and grades
from the report's PDF or text.

Both need an editor or an admin (a viewer gets 403). Adding an inspection follows the admin's rule
(`intake.tenancy`): a body's staff name only their own force; adding findings to an inspection needs the right to
change it (`tenancy.may_change_inspection`: for a body's staff, an inspection of their own force only, that no
other body responds to). Nothing read from a page or a report is saved until the person has checked it and pressed
save; a page or a file that cannot be read gives its reason and an empty form, never an error page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from core.dates import long_date
from inspections.models import FindingKind, Force, Inspection
from intake import services, tenancy
from intake.admin import responses_message
from intake.publication_page import PageUnreadable, check_address, read_publication_page
from intake.report_text import ReportFindings, ReportUnreadable, read_pdf, read_report
from intake.staff_forms import AddressForm, FindingFormSet, GradeFormSet, InspectionAddForm, ReportForm
from intake.timescales import addressee_choice, timescale_due_on
from responses.models import Response


def _require_editor(request: AuthenticatedHttpRequest, inspection: Inspection | None = None) -> None:
    if not request.user.can_edit():
        raise PermissionDenied("Your role can read responses but not add inspections.")
    if not tenancy.may_change_inspection(request.user, inspection):
        raise PermissionDenied(
            "Only a national administrator can change this inspection: it concerns another force or body."
            if inspection is not None
            else "Only a national administrator can add inspections: your account belongs to no local policing body."
        )


def _shown_pdf_link(url: str) -> str:
    """The report's PDF address read from its page, if it is one this app would fetch (else nothing is shown)."""
    try:
        check_address(url)
    except PageUnreadable:
        return ""
    return url


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def inspection_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_editor(request)
    # From the spotted reports: ?address= fills in the page's address (nothing is fetched until "Read the page").
    spotted_link = request.GET.get("address", "")[:500]
    address_form = AddressForm(prefix="page", initial={"address": spotted_link} if spotted_link else None)
    form = InspectionAddForm(user=request.user)
    read_from = ""
    if request.method == "POST" and "read" in request.POST:
        address_form = AddressForm(request.POST, prefix="page")
        if address_form.is_valid():
            try:
                page = read_publication_page(address_form.cleaned_data["address"])
            except PageUnreadable as unreadable:
                address_form.add_error("address", str(unreadable))
            else:
                read_from = page.url
                form = InspectionAddForm(
                    user=request.user,
                    initial={
                        "title": page.title,
                        "published_on": page.published_on,
                        "publication_types": "; ".join(page.publication_types),
                        "forces": "; ".join(page.forces),
                        "report_url": page.report_url,
                        "pdf_url": page.pdf_url,
                    },
                )
    elif request.method == "POST":
        form = InspectionAddForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            inspection, created = services.inspection_add(
                title=data["title"],
                published_on=data["published_on"],
                publication_types=data["publication_types"],
                forces=data["forces"],
                is_national=data["is_national"],
                report_url=data["report_url"],
            )
            services.spotted_reports_mark_added(
                user=request.user, links=[spotted_link, data["report_url"]], inspection=inspection
            )
            text, level = responses_message(inspection, created)
            messages.add_message(request, level, f"{inspection.title} is recorded. {text}")
            url = reverse("inspection_findings", args=[inspection.pk])
            pdf = _shown_pdf_link(data.get("pdf_url") or "")
            return redirect(f"{url}?{urlencode({'pdf': pdf})}" if pdf else url)
    return render(
        request, "intake/add_inspection.html", {"address_form": address_form, "form": form, "read_from": read_from}
    )


def _grade_forces(request: AuthenticatedHttpRequest, inspection: Inspection) -> tuple[list[Force], Force | None]:
    """The inspection's forces the user may grade, and the one a new grade row starts with."""
    forces = [f for f in inspection.forces.order_by("name") if not tenancy.forces_refused(request.user, [f])]
    own = tenancy.own_force(request.user)
    default = forces[0] if len(forces) == 1 else next((f for f in forces if own and f.pk == own.pk), None)
    return forces, default


_KINDS = (
    (FindingKind.RECOMMENDATION, "recommendation", "recommendations"),
    (FindingKind.AREA_FOR_IMPROVEMENT, "area for improvement", "areas for improvement"),
    (FindingKind.CAUSE_OF_CONCERN, "cause of concern", "causes of concern"),
)


def counted(counts: dict[str, int], grades: int) -> str:
    """'2 recommendations, 1 area for improvement and 9 grades' (kinds with none left out; 'nothing' for none)."""
    parts = [f"{counts[kind]} {one if counts[kind] == 1 else many}" for kind, one, many in _KINDS if counts.get(kind)]
    if grades:
        parts.append(f"{grades} grade{'' if grades == 1 else 's'}")
    if not parts:
        return "nothing"
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def inspection_findings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(Inspection, pk=pk)
    _require_editor(request, inspection)
    forces, default_force = _grade_forces(request, inspection)
    grade_kwargs: dict[str, Any] = {
        "form_kwargs": {"forces": Force.objects.filter(pk__in=[f.pk for f in forces]), "default_force": default_force}
    }
    report_form = ReportForm()
    findings = grades = None
    found: ReportFindings | None = None
    if request.method == "POST" and "read" in request.POST:
        report_form = ReportForm(request.POST, request.FILES)
        if report_form.is_valid():
            pdf = report_form.cleaned_data.get("report_pdf")
            try:
                found = (
                    read_pdf(pdf.read()) if pdf is not None else read_report(report_form.cleaned_data["report_text"])
                )
            except ReportUnreadable as unreadable:
                report_form.add_error("report_pdf", str(unreadable))
            else:
                findings = FindingFormSet(prefix="findings", initial=finding_rows(found, inspection))
                grades = GradeFormSet(
                    prefix="grades",
                    initial=[
                        {"grade": g.grade, "area": g.area, "force": default_force.pk if default_force else None}
                        for g in found.grades
                    ],
                    **grade_kwargs,
                )
    elif request.method == "POST":
        findings = FindingFormSet(request.POST, prefix="findings")
        grades = GradeFormSet(request.POST, prefix="grades", **grade_kwargs)
        findings.inspection = grades.inspection = inspection
        if findings.is_valid() and grades.is_valid():
            new_findings = [
                services.NewFinding(
                    kind=d["kind"],
                    number=d["number"],
                    text=d["text"].strip(),
                    addressee=d.get("addressee") or "",
                    addressee_other=(d.get("addressee_other") or "").strip(),
                    timescale=(d.get("timescale") or "").strip(),
                    due_on=d.get("due_on"),
                )
                for d in (form.cleaned_data for form in findings.kept())
            ]
            new_grades = [
                services.NewGrade(force=d["force"], area=d["area"].strip(), grade=d["grade"])
                for d in (form.cleaned_data for form in grades.kept())
            ]
            if new_findings or new_grades:
                services.inspection_add_findings(inspection=inspection, findings=new_findings, grades=new_grades)
                counts = {kind: sum(1 for f in new_findings if f.kind == kind) for kind in FindingKind.values}
                messages.success(request, f"Saved {counted(counts, len(new_grades))}.")
                return redirect(_after_findings(request, inspection))
            messages.warning(request, "Nothing was saved: every row was empty or marked to be removed.")
    return render(
        request,
        "intake/findings.html",
        {
            "inspection": inspection,
            "report_form": report_form,
            "findings": findings,
            "grades": grades,
            "formsets": [f for f in (findings, grades) if f is not None and f.is_bound],
            "found": _found_summary(found) if found is not None else "",
            "grade_forces": forces,
            "pdf_link": _shown_pdf_link(request.GET.get("pdf", "")),
            "recorded": inspection.findings.order_by("kind", "number"),
            "recorded_grades": inspection.grades.select_related("force"),
        },
    )


def finding_rows(found: ReportFindings, inspection: Inspection) -> list[dict[str, Any]]:
    """The findings read from a report as the preview's rows: the addressee's words mapped to a choice, the
    timescale to a date (`intake.timescales`)."""
    force_names = [force.name for force in inspection.forces.all()]
    rows = []
    for f in found.findings:
        addressee, other = addressee_choice(f.addressee, force_names=force_names)
        due_on = timescale_due_on(f.timescale, published_on=inspection.published_on) if f.timescale else None
        rows.append(
            {
                "kind": f.kind,
                "number": f.number,
                "text": f.text,
                "addressee": addressee,
                "addressee_other": other,
                "timescale": f.timescale[:200],
                "due_on": long_date(due_on) if due_on else "",
            }
        )
    return rows


def _found_summary(found: ReportFindings) -> str:
    counts = {kind: found.count(kind) for kind in FindingKind.values}
    return counted(counts, len(found.grades))


def _after_findings(request: AuthenticatedHttpRequest, inspection: Inspection) -> str:
    """The user's body's response to the inspection, where there is one; else the dashboard."""
    response = Response.objects.filter(inspection=inspection, body_id=request.user.body_id).first()
    return response.get_absolute_url() if response is not None else reverse("dashboard")
