from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html_join

from core.admin import NationalOnlyAdmin, ReadOnlyAdmin, RoleAdminMixin, is_staff
from inspections.admin import PublishedYearFilter
from responses import services
from responses.models import OVERDUE, ChecklistItem, ChecklistStep, FindingResponse, PublishedVersion, Response


class FindingResponseForm(forms.ModelForm):
    class Meta:
        model = FindingResponse
        fields = ("explanation",)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk and "explanation" in self.changed_data:
            try:
                services.validate_explanation(self.instance, cleaned.get("explanation", ""))
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class FindingResponseInline(RoleAdminMixin, admin.StackedInline):
    model = FindingResponse
    form = FindingResponseForm
    extra = 0
    can_delete = False
    fields = ("finding_text", "explanation", "progress")
    # Progress changes with a dated note, on the finding's page: its history is append-only.
    readonly_fields = ("finding_text", "progress")
    verbose_name = "explanation (s55(5B))"
    verbose_name_plural = "Explanations of recommendations and areas for improvement (s55(5B))"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # one row per finding is created for the response automatically

    @admin.display(description="Finding")
    def finding_text(self, obj: FindingResponse) -> str:
        return f"{obj.finding}: {obj.finding.text}"


class ChecklistItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ("step", "done_on", "evidence_url", "evidence_reference", "note")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        was_done = self.instance.pk and self.initial.get("done_on")
        if was_done and not cleaned.get("done_on") and not cleaned.get("note", "").strip():
            self.add_error("note", "Say why this step is no longer done.")
        done_on = cleaned.get("done_on")
        response = getattr(self.instance, "response", None)
        if done_on and response is not None:
            try:
                services.validate_done_on(response, done_on)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class ChecklistItemInline(RoleAdminMixin, admin.TabularInline):
    model = ChecklistItem
    form = ChecklistItemForm
    extra = 0
    can_delete = False
    fields = ("step", "done_on", "evidence_url", "evidence_reference", "note", "done_by")
    readonly_fields = ("done_by",)
    verbose_name = "office-use step"
    verbose_name_plural = "For office use only: checklist"


STALE = (
    "Someone else saved a change to this response after you opened it, so nothing was saved. What you typed is "
    "still below: open the response again in another tab to see the saved text, then save here to overwrite it."
)


class ResponseAdminForm(forms.ModelForm):
    """The admin's change form. It carries the response's version like every staff page, refuses a stale save, and
    shows the errors of the service that saves it (responses.services.response_update)."""

    # The version the form was loaded with (not "version": that is the model's own, non-editable field).
    loaded_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Response
        fields = services.DETAIL_FIELDS
        widgets = {"deadline_override_reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.changed_data if name in services.DETAIL_FIELDS}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.instance.pk or self.errors:
            return cleaned
        stored = Response.objects.select_related("inspection").get(pk=self.instance.pk)
        if cleaned.get("loaded_version") != stored.version:
            # Shown again with the current version: saving again overwrites deliberately.
            data = self.data.copy()  # type: ignore[attr-defined]
            data["loaded_version"] = str(stored.version)
            self.data = data
            raise ValidationError(STALE)
        try:
            services.validate_response_changes(stored, self.changes())
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned

    def _post_clean(self) -> None:
        # The model's own checks run in the service, on the stored response with these changes.
        pass


class ResponseStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        from responses.models import Status

        return [(OVERDUE, "Overdue"), *Status.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == OVERDUE:
            return queryset.overdue(timezone.localdate())  # type: ignore[attr-defined]
        if value:
            return queryset.filter(status=value)
        return queryset


@admin.register(Response)
class ResponseAdmin(RoleAdminMixin, admin.ModelAdmin):
    form = ResponseAdminForm
    list_display = (
        "inspection_title",
        "body",
        "published",
        "deadline",
        "statutory_last_day",
        "days_left",
        "checklist",
        "status_label",
        "owner",
    )
    list_filter = (
        ResponseStatusFilter,
        "inspection__publication_types",
        PublishedYearFilter,
        ("body__force", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("inspection__title", "body__name")
    date_hierarchy = "statutory_last_day"
    list_select_related = ("inspection", "body", "owner")
    list_per_page = 50
    show_full_result_count = False  # one count instead of two over every row at national scale
    inlines = [FindingResponseInline, ChecklistItemInline]
    # Publishing runs the s55 checks, so it happens on the response page, never by typing a date here.
    readonly_fields = (
        "inspection",
        "body",
        "status",
        "how_dates_were_worked_out",
        "published_on",
        "published_url",
        "published_page",
    )
    actions = ["mark_ready"]
    fieldsets = (
        (None, {"fields": ("inspection", "body", "owner", "status", "loaded_version")}),
        (
            "Dates",
            {
                "fields": (
                    "statutory_last_day",
                    "deadline",
                    "deadline_override_reason",
                    "comments_due",
                    "how_dates_were_worked_out",
                )
            },
        ),
        (
            "Chief constable's comments (s55(4))",
            {"fields": ("cc_invited_on", "cc_comments_received_on", "cc_comments_not_received", "cc_comments")},
        ),
        ("The body's comments (s55(5))", {"fields": ("body_comments", "response_to_cc", "covered_by")}),
        ("Publication", {"fields": ("published_on", "published_url", "published_page")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # statutory_last_day follows the law from the publication date; it is never typed in.
        return (*self.readonly_fields, "statutory_last_day")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            Response.objects.for_user(request.user)
            .select_related("inspection", "body", "owner")
            .with_checklist_counts()
        )

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # responses are created with their inspection

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "owner" and not request.user.is_national:  # type: ignore[union-attr]
            from accounts.models import User

            kwargs["queryset"] = User.objects.filter(body_id=request.user.body_id, is_active=True)  # type: ignore[union-attr]
        if db_field.name == "covered_by":
            kwargs["queryset"] = Response.objects.for_user(request.user).select_related("inspection", "body")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Inspection", ordering="inspection__title")
    def inspection_title(self, obj: Response) -> str:
        return obj.inspection.title

    @admin.display(description="Published", ordering="inspection__published_on")
    def published(self, obj: Response) -> Any:
        return obj.inspection.published_on

    @admin.display(description="Days left", ordering="statutory_last_day")
    def days_left(self, obj: Response) -> str:
        if not obj.is_open:
            return "–"
        days = obj.days_left(timezone.localdate())
        if days is None:
            return "No statutory deadline"
        return f"{-days} overdue" if days < 0 else str(days)

    @admin.display(description="Checklist")
    def checklist(self, obj: Any) -> str:
        return f"{obj.steps_done}/{self._required_steps()}"

    def _required_steps(self) -> int:
        if not hasattr(self, "_required_cache"):
            self._required_cache = ChecklistStep.objects.filter(required=True).count()
        return self._required_cache

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        self.__dict__.pop("_required_cache", None)
        return super().changelist_view(request, extra_context)

    @admin.display(description="Status", ordering="status")
    def status_label(self, obj: Response) -> str:
        if obj.is_overdue(timezone.localdate()):
            return f"Overdue ({obj.get_status_display()})"
        return obj.get_status_display()

    @admin.display(description="How the dates were worked out")
    def how_dates_were_worked_out(self, obj: Response) -> Any:
        if not obj.pk:
            return "–"
        return format_html_join(
            "",
            "<p><strong>{}: {}</strong><br>{}</p>",
            ((e.label, f"{e.value:%-d %B %Y}", e.how) for e in obj.date_explanations()),
        )

    @admin.display(description="Public page")
    def published_page(self, obj: Response) -> str:
        return f"/published/{obj.slug}/" if obj.slug else "Not published yet"

    # --- saving: every change goes through responses.services, in the admin's one transaction -----------------
    def save_model(self, request: HttpRequest, obj: Response, form: forms.ModelForm, change: bool) -> None:
        assert isinstance(form, ResponseAdminForm)
        stored = Response.objects.get(pk=obj.pk)
        self._was_ready = stored.ready_at is not None
        services.response_update(
            response=stored, changes=form.changes(), expected_version=form.cleaned_data["loaded_version"]
        )
        obj.refresh_from_db()

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        response = Response.objects.get(pk=form.instance.pk)
        # What formset.save() would have recorded, for the admin's change message.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.forms:
            if not row.has_changed() or not row.is_valid():
                continue
            data = row.cleaned_data
            if row.instance.pk:
                formset.changed_objects.append((row.instance, row.changed_data))
            else:
                formset.new_objects.append(row.instance)
            if formset.model is FindingResponse:
                services.finding_response_explain(finding_response=row.instance, explanation=data["explanation"])
            elif formset.model is ChecklistItem and data.get("done_on"):
                services.checklist_tick(
                    response=response,
                    step=data["step"],
                    user=request.user,
                    done_on=data["done_on"],
                    evidence_url=data.get("evidence_url", ""),
                    evidence_reference=data.get("evidence_reference", "").strip(),
                    note=data.get("note", "").strip(),
                )
            elif formset.model is ChecklistItem and row.initial.get("done_on"):
                services.checklist_untick(response=response, step=data["step"], reason=data.get("note", ""))

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        response = Response.objects.get(pk=form.instance.pk)
        if getattr(self, "_was_ready", False) and response.ready_at is None:
            self.message_user(request, "No longer ready to publish: the s55 checks fail again.", messages.WARNING)

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().changeform_view(request, *args, **kwargs)
        except services.EditConflict:
            # Saved by someone else between the form's checks and its save (the checks catch every other case).
            self.message_user(request, STALE, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    @admin.action(description="Mark ready to publish (runs the s55 checks)", permissions=["change"])
    def mark_ready(self, request: HttpRequest, queryset: QuerySet) -> None:
        for response in queryset:
            try:
                services.response_mark_ready(response=response)
            except ValidationError as exc:
                self.message_user(request, f"{response}: not ready. {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{response}: marked ready to publish.", messages.SUCCESS)


@admin.register(ChecklistStep)
class ChecklistStepAdmin(NationalOnlyAdmin):
    list_display = ("label", "key", "required", "order")
    list_editable = ("required", "order")


@admin.register(PublishedVersion)
class PublishedVersionAdmin(ReadOnlyAdmin):
    """What the public saw, version by version: shown, never changed (a correction is made on the response page)."""

    body_field = "response__body_id"
    list_display = ("response", "number", "published_on", "published_by_name", "reason")
    list_select_related = ("response__inspection", "response__body")
    date_hierarchy = "published_on"
    search_fields = ("response__inspection__title",)
    readonly_fields = (
        "response",
        "number",
        "published_on",
        "published_at",
        "published_by",
        "published_by_name",
        "reason",
        "content_hash",
        "content_display",
    )
    fields = readonly_fields

    # Every member of staff reads them, as they read the response (no per-model permission, unlike the audit trail).
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_staff(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_staff(request)

    @admin.display(description="content")
    def content_display(self, obj: PublishedVersion) -> str:
        return json.dumps(obj.content, indent=2, ensure_ascii=False)
