from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html_join

from core.admin import NationalOnlyAdmin, RoleAdminMixin
from inspections.admin import PublishedYearFilter
from responses import deadlines, services
from responses.models import OVERDUE, ChecklistItem, ChecklistStep, FindingResponse, Response
from responses.rules import publication_problems


class FindingResponseInline(RoleAdminMixin, admin.StackedInline):
    model = FindingResponse
    extra = 0
    can_delete = False
    fields = ("finding_text", "explanation", "progress")
    readonly_fields = ("finding_text",)
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
        if done_on and done_on > timezone.localdate():
            self.add_error("done_on", "The date a step was done cannot be in the future.")
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


class ResponseAdminForm(forms.ModelForm):
    class Meta:
        model = Response
        fields = "__all__"
        widgets = {"deadline_override_reason": forms.Textarea(attrs={"rows": 2})}

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.instance.pk and "comments_due" in cleaned:
            try:
                services.validate_comments_due(self.instance, cleaned["comments_due"])
            except ValidationError as exc:
                self.add_error(None, exc)
        if (
            self.instance.pk
            and self.instance.deadline_overridden
            and "deadline" not in self.changed_data
            and not cleaned.get("deadline_override_reason", "").strip()
        ):
            self.add_error(
                "deadline_override_reason",
                "The deadline is overridden, so it needs a reason. "
                "To go back to the form date, set the deadline to it.",
            )
        if self.instance.pk and "deadline" in self.changed_data and cleaned.get("deadline"):
            computed = deadlines.form_deadline(self.instance.inspection.published_on)
            if cleaned["deadline"] != computed and not cleaned.get("deadline_override_reason", "").strip():
                self.add_error("deadline_override_reason", "Overriding the deadline needs a reason.")
        return cleaned


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
        (None, {"fields": ("inspection", "body", "owner", "status")}),
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

    def save_model(self, request: HttpRequest, obj: Response, form: forms.ModelForm, change: bool) -> None:
        if change and "deadline" in form.changed_data:
            new_deadline = obj.deadline
            reason = form.cleaned_data.get("deadline_override_reason", "")
            obj.deadline = form.initial["deadline"]
            obj.deadline_override_reason = form.initial.get("deadline_override_reason", "")
            super().save_model(request, obj, form, change)
            if new_deadline == deadlines.form_deadline(obj.inspection.published_on):
                services.response_restore_deadline(response=obj, reason=reason or "Deadline set back to the form date")
            else:
                services.response_override_deadline(response=obj, deadline=new_deadline, reason=reason)
        else:
            obj.version += 1
            super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is ChecklistItem:
            for item_form in formset.forms:
                item = item_form.instance
                if not item_form.has_changed():
                    continue
                if item.done_on and (not item.done_by_id or "done_on" in item_form.changed_data):
                    item.done_by = request.user
                if not item.done_on:
                    item.done_by = None
                    item._change_reason = item.note
        super().save_formset(request, form, formset, change)

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        response = form.instance
        if response.ready_at and not response.published_on and publication_problems(response):
            services.response_unmark_ready(response=response)
            self.message_user(request, "No longer ready to publish: the s55 checks fail again.", messages.WARNING)
        else:
            services.response_sync_status(response=response)

    @admin.action(description="Mark ready to publish (runs the s55 checks)")
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
