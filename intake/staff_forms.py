"""The forms of the staff pages that add an inspection (`intake.views`).

`InspectionAddForm` is the importer's row form (`intake.forms.InspectionRowForm`: the model's fields and validators,
types and forces by name, the duplicate check) with the admin's rule on forces (`intake.tenancy`): a body's staff name
only their own force. The findings and grades read from a report come back as two formsets, to be checked and
corrected before they are saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from core.dates import long_date, parse_day
from core.forms import GovukDateField
from inspections.models import (
    Addressee,
    Finding,
    FindingKind,
    Force,
    Grade,
    GradeValue,
    Inspection,
    PublicationType,
)
from intake import tenancy
from intake.forms import ALL_FORCES, InspectionRowForm, split_names
from intake.timescales import timescale_due_on


def names(objects: Iterable[Force] | Iterable[PublicationType]) -> dict[str, Any]:
    """Name and slug (casefolded) → object: how the row form looks names up."""
    found: dict[str, Any] = {}
    for obj in objects:
        found[obj.name.casefold()] = obj
        found[obj.slug.casefold()] = obj
    return found


class AddressForm(forms.Form):
    address = forms.CharField(
        label="Address of the publication page",
        max_length=500,
        help_text="Copy it from the browser's address bar on the inspectorate's page for the report, "
        "e.g. https://hmicfrs.justiceinspectorates.gov.uk/publications/…",
        widget=forms.TextInput(attrs={"autocomplete": "url", "spellcheck": "false", "inputmode": "url"}),
        error_messages={"required": "Enter the address of the report's publication page."},
    )


class InspectionAddForm(InspectionRowForm):
    """The facts of a new inspection, as read from its publication page or typed, checked as an imported row is."""

    national = forms.BooleanField(
        required=False,
        label="This is a national (thematic) report",
        help_text="Every body whose force is a subject must respond to it.",
    )
    pdf_url = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def __init__(self, data: Mapping[str, Any] | None = None, *, user: Any, initial: dict[str, Any] | None = None):
        super().__init__(
            data,  # type: ignore[arg-type]
            types=names(PublicationType.objects.all()),
            forces=names(Force.objects.all()),
        )
        self.user = user
        self.initial.update(initial or {})
        self.fields["title"].label = "Title"
        self.fields["title"].help_text = ""
        # Day, month and year boxes (GOV.UK), where the CSV importer reads the one cell as people type it.
        self.fields["published_on"] = GovukDateField(
            label="Publication date", what="Date of publication", day_of="publication"
        )
        self.fields["published_on"].help_text = "The day the inspectorate published it."
        self.fields["publication_types"].label = "Publication types"
        self.fields["publication_types"].help_text = "Separate several with ; (semicolon), e.g. PEEL; Thematic."
        self.fields["forces"].label = "Police forces"
        own = None if tenancy.names_any_force(user) else tenancy.own_force(user)
        self.fields["forces"].help_text = (
            f"You can name {own.name} only: another body's office adds the inspections of its own force."
            if own is not None
            else "Separate several with ; (semicolon). All, for a national report about every force."
        )
        self.fields["report_url"].label = "Report address"
        self.fields["report_url"].help_text = "Where the report can be read online."
        self.fields["report_url"].required = False
        self.order_fields(["title", "published_on", "publication_types", "forces", "national", "report_url"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleaned["is_national"] = bool(cleaned.get("is_national") or cleaned.get("national"))
        if self.recorded is not None:
            recorded = self.recorded
            self.add_error(
                "title", f"This inspection is already recorded: {recorded.title} ({long_date(recorded.published_on)})."
            )
        typed = split_names(str(self.data.get("forces") or ""))
        if any(name.casefold() in ALL_FORCES for name in typed) and not tenancy.names_any_force(self.user):
            self.add_error(
                "forces",
                "Only a national administrator can record a report about every force. Name your own force, "
                "and tick the box if the report is a national one.",
            )
        elif cleaned.get("forces"):
            try:
                tenancy.check_forces(self.user, cleaned["forces"], what="inspections of")
            except ValidationError as refused:
                self.add_error("forces", refused)
        return cleaned


# --- findings and grades read from a report --------------------------------------------------------------------------
class ReportForm(forms.Form):
    """The report to read: its PDF, or its text pasted."""

    report_pdf = forms.FileField(
        required=False,
        label="The report as a PDF",
        help_text="The PDF the inspectorate publishes; its text is read, not kept.",
    )
    report_text = forms.CharField(
        required=False,
        label="Or paste the report's text",
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text="The findings' headings as the report writes them: Recommendation 1, Area for improvement 2, "
        "Cause of concern.",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        pdf: UploadedFile | None = cleaned.get("report_pdf")
        text = (cleaned.get("report_text") or "").strip()
        if pdf is None and not text:
            raise ValidationError("Choose the report's PDF, or paste its text.", code="required")
        if pdf is not None:
            limit = settings.INTAKE_MAX_REPORT_BYTES
            if (pdf.size or 0) > limit:
                self.add_error("report_pdf", f"The file is larger than {limit / 1_000_000:g} MB.")
            elif pdf.read(5) != b"%PDF-":
                self.add_error("report_pdf", "The file is not a PDF.")
            pdf.seek(0)
        return cleaned


# A blank first choice, so that the empty row at the end of a formset stays empty (and is skipped) until filled in.
CHOOSE = [("", "Choose")]


class DueDayField(forms.DateField):
    """A finding's due date as people type it (`core.dates.parse_day`)."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        return parse_day(str(value), day_of="the due date")


class FindingRowForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=CHOOSE + FindingKind.choices)
    number = forms.IntegerField(
        label="Number", min_value=1, max_value=999, required=False, help_text="Left empty: the next of its kind."
    )
    text = forms.CharField(label="Text", widget=forms.Textarea(attrs={"rows": 4}))
    addressee = forms.ChoiceField(
        label="Addressed to",
        choices=[("", "Not stated"), *Addressee.choices],
        required=False,
        help_text="Whom the report asks to act, as its sentence names them.",
    )
    addressee_other = forms.CharField(
        label="Addressed to (when Other)", max_length=200, required=False, help_text="e.g. the Mayor's office."
    )
    timescale = forms.CharField(
        label="Timescale",
        max_length=200,
        required=False,
        help_text="As the report words it, e.g. By 31 March 2025, or within six months.",
    )
    due_on = DueDayField(
        label="Due by",
        required=False,
        help_text="The timescale as a date, e.g. 31 March 2025. Left empty, it is worked out from the timescale "
        "where that gives a date.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("addressee") == Addressee.OTHER and not (cleaned.get("addressee_other") or "").strip():
            self.add_error("addressee_other", "Say whom the finding is addressed to, or choose another addressee.")
        elif cleaned.get("addressee") != Addressee.OTHER:
            cleaned["addressee_other"] = ""
        return cleaned


class GradeRowForm(forms.Form):
    grade = forms.ChoiceField(label="Grade", choices=CHOOSE + GradeValue.choices)
    area = forms.CharField(label="Area", max_length=200, help_text="e.g. Responding to the public.")
    force = forms.ModelChoiceField(label="Force", queryset=Force.objects.none(), empty_label="Choose")

    def __init__(self, *args: Any, forces: Any = None, default_force: Force | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["force"]
        field.queryset = forces if forces is not None else Force.objects.none()  # type: ignore[attr-defined]
        field.initial = default_force.pk if default_force is not None else None


class _RowsFormSet(forms.BaseFormSet):
    inspection: Inspection

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this row: it is not one of the report's"

    def kept(self) -> list[forms.Form]:
        """The rows filled in and not marked to be removed, in order."""
        return [
            form
            for form in self.forms
            if form.has_changed() and not (self.can_delete and form.cleaned_data.get("DELETE"))
        ]


class BaseFindingFormSet(_RowsFormSet):
    """Findings in the report's order. A number left empty is the next of its kind; a number used twice, or already
    used on the inspection, is refused."""

    def clean(self) -> None:
        if any(self.errors):
            return
        used: dict[str, set[int]] = {kind: set() for kind in FindingKind.values}
        for recorded_kind, recorded_number in Finding.objects.filter(inspection=self.inspection).values_list(
            "kind", "number"
        ):
            used[recorded_kind].add(recorded_number)
        recorded = {kind: set(numbers) for kind, numbers in used.items()}
        for form in self.kept():
            kind, number = form.cleaned_data["kind"], form.cleaned_data.get("number")
            if number is None:
                continue
            label = FindingKind(kind).label
            if number in recorded[kind]:
                form.add_error("number", f"{label} {number} is already recorded on this inspection.")
            elif number in used[kind]:
                form.add_error("number", f"{label} {number} is given twice.")
            used[kind].add(number)
        for form in self.kept():
            if form.cleaned_data.get("number") is None:
                kind = form.cleaned_data["kind"]
                form.cleaned_data["number"] = max(used[kind], default=0) + 1
                used[kind].add(form.cleaned_data["number"])
            if form.cleaned_data.get("due_on") is None and form.cleaned_data.get("timescale"):
                form.cleaned_data["due_on"] = timescale_due_on(
                    form.cleaned_data["timescale"], published_on=self.inspection.published_on
                )


class BaseGradeFormSet(_RowsFormSet):
    """Graded judgments in the report's order; one per force and area."""

    def clean(self) -> None:
        if any(self.errors):
            return
        recorded = {
            (force_id, area.casefold())
            for force_id, area in Grade.objects.filter(inspection=self.inspection).values_list("force_id", "area")
        }
        seen: set[tuple[int, str]] = set()
        for form in self.kept():
            key = (form.cleaned_data["force"].pk, form.cleaned_data["area"].casefold())
            if key in recorded:
                form.add_error("area", "This force already has a grade for this area on this inspection.")
            elif key in seen:
                form.add_error("area", "This area is graded twice for the same force.")
            seen.add(key)


FindingFormSet = cast(
    type[BaseFindingFormSet],
    forms.formset_factory(FindingRowForm, formset=BaseFindingFormSet, extra=1, can_delete=True),
)
GradeFormSet = cast(
    type[BaseGradeFormSet], forms.formset_factory(GradeRowForm, formset=BaseGradeFormSet, extra=1, can_delete=True)
)
