"""Inspections in the admin: the form that creates them and corrects their publication date.

It lives with intake because saving an inspection opens its responses (and correcting its date moves theirs)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from core.admin import NationalOnlyAdmin, RoleAdminMixin
from inspections.admin import PublishedYearFilter
from inspections.models import Finding, Force, Grade, Inspection
from intake import tenancy
from intake.forms import PublicationDayField
from intake.models import WatchedFeed
from intake.selectors import inspection_matching
from responses import services
from responses.models import Response


def may_change_inspection(request: HttpRequest, obj: Inspection | None) -> bool:
    """An inspection is a shared fact: see `intake.tenancy.may_change_inspection` for who may change which."""
    return tenancy.may_change_inspection(request.user, obj)


class InspectionScopedMixin(RoleAdminMixin):
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and may_change_inspection(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and may_change_inspection(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        obj = args[0] if args else None  # inlines pass the parent inspection
        return super().has_add_permission(request, *args) and may_change_inspection(request, obj)


class SavedByForm(forms.ModelForm):
    """A form that knows who is saving it: the admin builds a subclass carrying `user` for each request."""

    user: Any = None

    def check_forces(self, field: str, forces: list[Force], *, already: Any = (), what: str) -> None:
        """Refuse, on `field`, the forces the user may not add (`intake.tenancy`)."""
        try:
            tenancy.check_forces(self.user, forces, already=already, what=what)
        except ValidationError as refused:
            self.add_error(field, refused)


def saved_by[F: type[forms.BaseForm]](form: F, request: HttpRequest) -> F:
    return cast(F, type(form.__name__, (form,), {"user": request.user}))


class GradeForm(SavedByForm):
    def __init__(self, *args: Any, default_force: Force | None = None, order: int | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            if default_force is not None and "force" in self.fields:
                self.fields["force"].initial = default_force.pk
            if order is not None and "order" in self.fields:
                self.fields["order"].initial = order

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        force = cleaned.get("force")
        if force is not None and "force" in self.changed_data and not cleaned.get("DELETE"):
            self.check_forces("force", [force], what="grades for")
        return cleaned


class FindingForm(SavedByForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "number" in self.fields:
            # FindingFormSet fills in an empty number before the row is checked.
            self.fields["number"].required = False
            self.fields["number"].help_text = "Left empty: the next number of its kind."

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("forces") and not cleaned.get("DELETE"):
            already = self.instance.forces.all() if self.instance.pk else ()
            self.check_forces("forces", list(cleaned["forces"]), already=already, what="findings for")
        return cleaned


class InspectionInline(InspectionScopedMixin):
    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)  # type: ignore[misc]
        formset.form = saved_by(formset.form, request)
        return formset


class GradeFormSet(forms.BaseInlineFormSet):
    """A new grade row starts with the inspection's force (where it names one only) and the next order."""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        inspection = self.instance
        forces = list(inspection.forces.all()[:2]) if inspection.pk else []
        kwargs["default_force"] = forces[0] if len(forces) == 1 else None
        kwargs["order"] = (index + 1) if index is not None else None
        return kwargs


class FindingFormSet(forms.BaseInlineFormSet):
    """A finding row whose kind is chosen and whose number is empty gets the next number of its kind: after those
    recorded on the inspection and those given on the other rows, in the order of the rows."""

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None:
            data = data.copy()
            prefix = kwargs.get("prefix") or self.get_default_prefix()
            instance = kwargs.get("instance")
            _number_rows(data, prefix, instance if instance is not None and instance.pk else None)
        super().__init__(data, *args, **kwargs)


def _number_rows(data: Any, prefix: str, inspection: Inspection | None) -> None:
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except ValueError:
        return  # the management form's own check reports it
    total = min(total, 1000)
    used: dict[str, set[int]] = {}
    if inspection is not None:
        for kind, number in Finding.objects.filter(inspection=inspection).values_list("kind", "number"):
            used.setdefault(kind, set()).add(number)
    rows = [f"{prefix}-{i}-" for i in range(total)]
    for row in rows:
        typed = str(data.get(row + "number", "")).strip()
        if typed.isdigit():
            used.setdefault(str(data.get(row + "kind", "")), set()).add(int(typed))
    for row in rows:
        kind = str(data.get(row + "kind", "")).strip()
        if kind and not str(data.get(row + "number", "")).strip() and not data.get(row + "DELETE"):
            numbers = used.setdefault(kind, set())
            data[row + "number"] = str(max(numbers, default=0) + 1)
            numbers.add(int(data[row + "number"]))


class GradeInline(InspectionInline, admin.TabularInline):
    model = Grade
    form = GradeForm
    formset = GradeFormSet
    extra = 0
    fields = ("order", "force", "area", "grade")
    autocomplete_fields = ("force",)


class FindingInline(InspectionInline, admin.StackedInline):
    model = Finding
    form = FindingForm
    formset = FindingFormSet
    extra = 0
    fields = (("kind", "number"), "text", ("addressee", "addressee_other"), ("timescale", "due_on"), "forces")
    autocomplete_fields = ("forces",)


class InspectionAdminForm(SavedByForm):
    correction_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for correcting the publication date",
        help_text="Needed only when you change the publication date of a saved inspection. "
        "Every response's dates are recomputed (an overridden deadline is kept).",
    )

    class Meta:
        model = Inspection
        fields = "__all__"
        # The importer's reading of a date, so the admin does not quietly read 24/09/24 as 2024 either.
        field_classes = {"published_on": PublicationDayField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        own = None if tenancy.names_any_force(self.user) else tenancy.own_force(self.user)
        if own is not None and "forces" in self.fields:
            hint = f"You can choose {own.name} only: another body's office adds the inspections of its own force."
            self.fields["forces"].help_text = hint

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if (
            self.instance.pk
            and "published_on" in self.changed_data
            and not cleaned.get("correction_reason", "").strip()
        ):
            self.add_error("correction_reason", "Say why the publication date is being corrected.")
        title, published_on = cleaned.get("title"), cleaned.get("published_on")
        if title and published_on and (not self.instance.pk or {"title", "published_on"} & set(self.changed_data)):
            same = inspection_matching(title=title, published_on=published_on, exclude_pk=self.instance.pk)
            if same is not None:
                self.add_error(
                    "title",
                    f"This inspection is already recorded: {same}. Titles are compared ignoring case, spacing and "
                    "the kind of dash.",
                )
        if cleaned.get("forces"):
            # Naming a force opens its body's response: a body's staff name only their own (intake.tenancy).
            already = self.instance.forces.all() if self.instance.pk else ()
            self.check_forces("forces", list(cleaned["forces"]), already=already, what="inspections of")
        # An inspection about no force opens no response: nobody would be reminded to answer it.
        if "forces" in cleaned and not cleaned["forces"] and not cleaned.get("is_national"):
            self.add_error(
                "forces",
                "Choose the forces this report is about, or tick “Is national” for a national report.",
            )
        return cleaned


@admin.register(Inspection)
class InspectionAdmin(InspectionScopedMixin, admin.ModelAdmin):
    form = InspectionAdminForm
    list_display = ("title", "published_on", "types", "force_count", "finding_count", "response_count")
    list_filter = ("publication_types", PublishedYearFilter, "is_national", "forces")
    search_fields = ("title",)
    date_hierarchy = "published_on"
    filter_horizontal = ("publication_types", "forces")
    inlines = [GradeInline, FindingInline]
    fieldsets = (
        (None, {"fields": ("title", "published_on", "correction_reason", "report_url")}),
        ("Who it concerns", {"fields": ("publication_types", "is_national", "forces")}),
        ("Key findings", {"fields": ("key_findings",)}),
    )

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        return saved_by(super().get_form(request, obj, change, **kwargs), request)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .prefetch_related("publication_types")
            .annotate(
                n_forces=Count("forces", distinct=True),
                n_findings=Count("findings", distinct=True),
                n_responses=Count("responses", distinct=True),
            )
        )

    @admin.display(description="Types")
    def types(self, obj: Inspection) -> str:
        return ", ".join(t.name for t in obj.publication_types.all())

    @admin.display(description="Forces", ordering="n_forces")
    def force_count(self, obj: Any) -> int:
        return obj.n_forces

    @admin.display(description="Findings", ordering="n_findings")
    def finding_count(self, obj: Any) -> int:
        return obj.n_findings

    @admin.display(description="Responses", ordering="n_responses")
    def response_count(self, obj: Any) -> int:
        return obj.n_responses

    def save_model(self, request: HttpRequest, obj: Inspection, form: forms.ModelForm, change: bool) -> None:
        if change and "published_on" in form.changed_data:
            corrected = obj.published_on
            obj.published_on = form.initial["published_on"]
            super().save_model(request, obj, form, change)
            services.inspection_correct_published_on(
                inspection=obj, published_on=corrected, reason=form.cleaned_data["correction_reason"]
            )
            self.message_user(
                request,
                f"Publication date corrected to {corrected:%-d %B %Y}; every response's dates were recomputed.",
                messages.SUCCESS,
            )
        else:
            super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        created = services.inspection_sync_responses(inspection=form.instance)
        self.message_user(request, *responses_message(form.instance, created))


def responses_message(inspection: Inspection, created: list[Response]) -> tuple[str, int]:
    """What saving the inspection did to its responses: the ones it created, or why there are none."""
    if created:
        names = ", ".join(r.body.display_name for r in created)
        return f"Created {len(created)} response(s): {names}.", messages.SUCCESS
    if not inspection.forces.exists():
        return (
            "No response was created: the report names no force. Choose the forces that are its subjects, and "
            "their bodies' responses are opened.",
            messages.WARNING,
        )
    responding = services.bodies_to_respond(inspection)
    if responding:
        names = ", ".join(body.display_name for body in responding)
        return f"No new response was needed: every body concerned already has one ({names}).", messages.INFO
    return "No response was created: no active body's force is a subject of this report.", messages.WARNING


@admin.register(WatchedFeed)
class WatchedFeedAdmin(NationalOnlyAdmin):
    """The feeds `check_feeds` reads, for every body: changed by national administrators; how each last check went
    is shown, not edited."""

    list_display = ("url", "active", "last_checked_at", "last_ok_at", "failures", "last_error")
    list_filter = ("active",)
    readonly_fields = ("last_checked_at", "last_ok_at", "failures", "last_error", "etag", "last_modified")
    fields = ("url", "active", *readonly_fields)
