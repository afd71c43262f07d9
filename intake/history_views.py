"""The "Import history" page: a body admin brings the office's Section 55 history in from its register.

GET shows the upload form. POSTing a file checks it (intake.register_import, as the user: only their own body's
rows) and shows the preview: what would be created or changed per row, or every problem by line and column. A file
with something to import is staged (intake.models.StagedImport) and the preview's "Confirm import" posts back its
reference; the confirmation checks the file again and writes it. A viewer or an editor gets 403, and so does a user
with no body who is not a national administrator.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from intake import selectors, services
from intake.forms import HistoryUploadForm
from intake.register_import import ImportPlan, check_register

# A preview lists at most this many rows and problems; the counts above it are always whole.
PREVIEW_LIMIT = 500


def _require_body_admin(request: AuthenticatedHttpRequest) -> None:
    user = request.user
    if not user.can_administer() or (user.body_id is None and not user.is_national):
        raise PermissionDenied("Only your office's administrators can import its history.")


def _preview(
    request: AuthenticatedHttpRequest, plan: ImportPlan, *, file_name: str, staged: Any = None
) -> HttpResponse:
    return render(
        request,
        "intake/history_preview.html",
        {
            "plan": plan,
            "file_name": file_name,
            "staged": staged,
            "problems": plan.problems[:PREVIEW_LIMIT],
            "more_problems": max(len(plan.problems) - PREVIEW_LIMIT, 0),
            "changed_rows": plan.changed_rows[:PREVIEW_LIMIT],
            "more_rows": max(len(plan.changed_rows) - PREVIEW_LIMIT, 0),
            "form": HistoryUploadForm(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_history(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_body_admin(request)
    # Bound on any POST: an empty one (no file chosen) is an error to show, not a fresh form.
    form = HistoryUploadForm(request.POST, request.FILES) if request.method == "POST" else HistoryUploadForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        _, plan = check_register(upload.name, content, user=request.user)
        staged = None
        if plan.ok and plan.changed_rows:
            staged = services.staged_import_create(user=request.user, file_name=upload.name, content=content)
        return _preview(request, plan, file_name=upload.name, staged=staged)
    return render(request, "intake/history_upload.html", {"form": form})


@login_required
@require_POST
def import_history_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_body_admin(request)
    staged = selectors.staged_import_for_user(user=request.user, pk=request.POST.get("staged", ""))
    plan = services.staged_import_confirm(staged=staged, user=request.user)
    if not plan.written:
        # What is recorded changed since the preview: the file is shown again with what is wrong now.
        return _preview(request, plan, file_name=staged.file_name)
    messages.success(request, f"History imported from {staged.file_name}: {plan.summary()}")
    return redirect("import_history")
