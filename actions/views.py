"""The tracker (`/actions/`), its exports, and each action's page with its history and forms.

Every page loads through `actions.selectors` (scoped to the user's body; another body's action is a 404); every
write needs `User.can_edit()` (403), sign-off `User.can_approve()` (refused with a message otherwise)."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from accounts.http import AuthenticatedHttpRequest
from actions import selectors, services
from actions.filters import ActionFilter
from actions.forms import (
    BulkForm,
    FindingForm,
    OwnerForm,
    RagForm,
    RepeatForm,
    SignOffForm,
    StatusForm,
    TargetDateForm,
    UpdateForm,
)
from actions.models import Action
from core.csv import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_stream, neutralise
from inspections.models import Finding

PAGE_SIZE = 50


def _filtered(request: AuthenticatedHttpRequest) -> ActionFilter:
    services_body = None if request.user.is_national else request.user.body_id
    if services_body is not None:
        services.actions_ensure(body_id=services_body)
    return ActionFilter(
        request.GET,
        queryset=selectors.tracker_actions(user=request.user),
        user=request.user,
        today=timezone.localdate(),
    )


@login_required
@require_GET
def action_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filterset = _filtered(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"action": a, "rag": a.rag(today), "overdue": a.is_overdue(today)} for a in page]
    return render(
        request,
        "actions/list.html",
        {
            "filters": filterset.form,
            "page_obj": page,
            "rows": rows,
            "today": today,
            "bulk_form": BulkForm(body_id=request.user.body_id),
            "can_edit": request.user.can_edit(),
            "national": request.user.is_national,
        },
    )


@login_required
@require_POST
def action_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.can_edit():
        raise PermissionDenied("Your role can read actions but not change them.")
    form = BulkForm(request.POST, body_id=request.user.body_id)
    ids = [int(i) for i in request.POST.getlist("action") if i.isdigit()]
    chosen = list(selectors.tracker_actions(user=request.user).filter(pk__in=ids))
    if form.is_valid() and not chosen:
        form.add_error(None, "Choose at least one action")
    if form.is_valid():
        try:
            with transaction.atomic():
                for action in chosen:
                    if form.cleaned_data["operation"] == "owner":
                        services.action_assign_owner(action=action, user=request.user, owner=form.cleaned_data["owner"])
                    else:
                        services.action_set_target_date(
                            action=action,
                            user=request.user,
                            target_date=form.cleaned_data["target_date"],
                            reason=form.cleaned_data["reason"],
                        )
        except ValidationError as error:
            messages.error(request, "Nothing was changed: " + " ".join(error.messages))
        else:
            messages.success(request, f"Changed {len(chosen)} action{'s' if len(chosen) != 1 else ''}.")
            return redirect("actions:action_list")
    else:
        problems = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, "Nothing was changed: " + "; ".join(problems) + ".")
    return redirect("actions:action_list")


def _export_rows(request: AuthenticatedHttpRequest) -> list[list[Any]]:
    return selectors.export_rows(_filtered(request).qs, today=timezone.localdate())


@login_required
@require_GET
def action_export_csv(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_stream(selectors.EXPORT_HEADER, _export_rows(request)), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = 'attachment; filename="actions.csv"'
    return response


@login_required
@require_GET
def action_export_xlsx(request: AuthenticatedHttpRequest) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Actions")
    sheet.freeze_panes = "A2"

    def cell(value: Any) -> Any:
        if value is None or isinstance(value, bool | int):
            return value
        if hasattr(value, "isoformat"):
            c = WriteOnlyCell(sheet, value=value)
            c.number_format = "yyyy-mm-dd"
            return c
        c = WriteOnlyCell(sheet, value=neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value))))
        c.data_type = "s"
        return c

    sheet.append([cell(name) for name in selectors.EXPORT_HEADER])
    for row in _export_rows(request):
        sheet.append([cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="actions.xlsx"'
    return response


# --- one action ---------------------------------------------------------------------------------------------
def _forms(request: AuthenticatedHttpRequest, action: Action, bound: str = "", data: Any = None) -> dict[str, Any]:
    def make(name: str, cls: Any, **kwargs: Any) -> Any:
        return cls(data if bound == name else None, prefix=name, **kwargs)

    finding = action.finding
    earlier = (
        Finding.objects.filter(
            actions__body_id=action.body_id, inspection__published_on__lt=action.response.inspection.published_on
        )
        .select_related("inspection")
        .distinct()
    )
    return {
        "owner_form": make(
            "owner",
            OwnerForm,
            body_id=action.body_id,
            initial={"owner": action.owner_id, "owner_name": action.owner_name, "owner_email": action.owner_email},
        ),
        "date_form": make("date", TargetDateForm, initial={"target_date": action.target_date}),
        "status_form": make("status", StatusForm, initial={"status": action.status, "blocked_on": action.blocked_on}),
        "update_form": make("update", UpdateForm),
        "signoff_form": make("signoff", SignOffForm),
        "rag_form": make("rag", RagForm, initial={"rag": action.rag_override, "reason": action.rag_override_reason}),
        "finding_form": make(
            "finding",
            FindingForm,
            initial={
                "addressee": finding.addressee,
                "addressee_other": finding.addressee_other,
                "timescale": finding.timescale,
                "due_on": finding.due_on,
            },
        ),
        "repeat_form": make("repeat", RepeatForm, choices=earlier, initial={"repeats": action.repeats_id}),
    }


def _page(request: AuthenticatedHttpRequest, action: Action, forms: dict[str, Any], status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    history = sorted(
        [("status", c.changed_at, c) for c in action.status_changes.all()]
        + [("date", c.changed_at, c) for c in action.target_date_changes.all()]
        + [("update", u.created_at, u) for u in action.progress_updates.all()],
        key=lambda item: item[1],
        reverse=True,
    )
    return render(
        request,
        "actions/detail.html",
        {
            "action": action,
            "rag": action.rag(today),
            "overdue": action.is_overdue(today),
            "history": history,
            "suggestions": selectors.repeat_suggestions(action) if action.repeats_id is None else [],
            "can_edit": request.user.can_edit(),
            "can_approve": request.user.can_approve(),
            "today": today,
            "errors": any(f.errors for f in forms.values()),
            **forms,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_for_user(user=request.user, pk=pk)
    if request.method != "POST":
        return _page(request, action, _forms(request, action))
    if not request.user.can_edit():
        raise PermissionDenied("Your role can read actions but not change them.")
    which = request.POST.get("form", "")
    forms = _forms(request, action, which, request.POST)
    form = forms.get(f"{which}_form")
    if form is None:
        messages.error(request, "Choose what to change.")
        return redirect(action.get_absolute_url())
    if which == "signoff" and not request.user.can_approve():
        form.is_valid()
        form.add_error(None, "Only an approver or admin can sign off an action")
    if form.is_valid():
        data, user = form.cleaned_data, request.user
        done = {
            "owner": lambda: services.action_assign_owner(
                action=action, user=user, owner=data["owner"], name=data["owner_name"], email=data["owner_email"]
            ),
            "date": lambda: services.action_set_target_date(
                action=action, user=user, target_date=data["target_date"], reason=data["reason"]
            ),
            "status": lambda: services.action_set_status(
                action=action, user=user, status=data["status"], note=data["note"], blocked_on=data["blocked_on"]
            ),
            "update": lambda: services.action_add_update(
                action=action,
                user=user,
                note=data["note"],
                evidence=data["evidence"],
                evidence_url=data["evidence_url"],
            ),
            "signoff": lambda: services.action_sign_off(action=action, user=user, note=data["note"]),
            "rag": lambda: services.action_override_rag(
                action=action, user=user, rag=data["rag"], reason=data["reason"]
            ),
            "finding": lambda: services.finding_set_timescale(
                action=action,
                user=user,
                addressee=data["addressee"],
                addressee_other=data["addressee_other"],
                timescale=data["timescale"],
                due_on=data["due_on"],
            ),
            "repeat": lambda: services.action_link_repeat(action=action, user=user, repeats=data["repeats"]),
        }
        banners = {
            "owner": "Owner saved.", "date": "Target date changed; the old date is kept in the history.",
            "status": "Status saved.", "update": "Progress update added.", "signoff": "Action signed off as complete.",
            "rag": "RAG rating saved.", "finding": "Addressee and timescale saved.", "repeat": "Repeat link saved.",
        }  # fmt: skip
        try:
            done[which]()
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errs in error.error_dict.items():
                    form.add_error(name if name in form.fields else None, errs)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, banners[which])
            return redirect(action.get_absolute_url())
    action = selectors.action_for_user(user=request.user, pk=pk)
    return _page(request, action, forms, status=400)
