"""How a form field renders: Django's form renderer, reading the project's templates, with the GOV.UK form group of
templates/includes/field.html as the field template, so `{{ form.<name>.as_field_group }}` writes a GOV.UK field.

And the fields every app's forms share: `GovukDateField`, a date as GOV.UK asks for one (day, month, year)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

from core.dates import MONTH_NAMES, parse_day


class FormRenderer(TemplatesSetting):
    """settings.FORM_RENDERER. Widgets keep Django's own templates (found through the "django.forms" app)."""

    field_template_name = "includes/field.html"


# --- GOV.UK date input: day, month and year, each its own box --------------------------------------------------------
# The govuk-frontend `govukDateInput` component, as a Django field. Typed parts come back as typed when the form has
# errors; the messages are the GOV.UK Design System's ("… must include a month", "… must be a real date").
DatePartsValue = dict[str, str]
DATE_PARTS = ("day", "month", "year")
_MONTH_WORDS = {
    **{name.casefold(): number for number, name in enumerate(MONTH_NAMES, start=1)},
    **{name[:3].casefold(): number for number, name in enumerate(MONTH_NAMES, start=1)},
    "sept": 9,
}


def date_parts(value: Any) -> DatePartsValue:
    """The day, month and year to show in the three boxes for `value`: a date, an ISO string, or the parts as typed."""
    if isinstance(value, dict):
        return {part: str(value.get(part) or "") for part in DATE_PARTS}
    if isinstance(value, str) and value:
        try:
            value = parse_day(value, day_of="the date")
        except ValidationError:
            return {"day": "", "month": "", "year": ""}
    if isinstance(value, dt.date):
        return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
    return {"day": "", "month": "", "year": ""}


class GovukDateInput(forms.Widget):
    """Three text boxes named `<name>-day`, `<name>-month` and `<name>-year` (GOV.UK's names).

    A post that carries the date as one value under `<name>` instead (an ISO date, or "24 September 2024": the
    forms of `core.dates.parse_day`) is read as well, so a script or an older page that sends one value still works.
    """

    template_name = "django/forms/widgets/govuk_date.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["parts"] = date_parts(value)
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> DatePartsValue | str | None:
        parts = {part: data.get(f"{name}-{part}") for part in DATE_PARTS}
        if any(value is not None for value in parts.values()):
            return {part: (value or "").strip() for part, value in parts.items()}
        single = data.get(name)
        return single if single is None else str(single)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and not any(f"{name}-{part}" in data for part in DATE_PARTS)


class GovukDateBoundField(forms.BoundField):
    """A date field's bound field: the parts to show, which of them are at fault, and where an error link goes."""

    @property
    def parts(self) -> DatePartsValue:
        return date_parts(self.value())

    @property
    def parts_at_fault(self) -> tuple[str, ...]:
        if not self.errors:
            return ()
        field: GovukDateField = self.field  # type: ignore[assignment]
        # A message added later (a service refusing the date) blames the whole date.
        return field.last_faults or DATE_PARTS

    @property
    def anchor_id(self) -> str:
        """The box an error-summary link focuses: the first part at fault (GOV.UK), or the day."""
        faults = self.parts_at_fault
        return f"{self.auto_id}-{faults[0] if faults else 'day'}"


class GovukDateField(forms.Field):
    """A date typed as day, month and year in three boxes, with GOV.UK's error messages.

    `what` names the date in messages, e.g. "Date of publication" gives "Date of publication must include a month";
    it defaults to the label. A date posted as one value (`GovukDateInput`) is read by `core.dates.parse_day`, whose
    message for a date without a day ends "give the day of <day_of>". A month may be typed as a number or a name
    ("9", "Sep", "September").
    """

    widget = GovukDateInput
    bound_field_class = GovukDateBoundField

    def __init__(self, *, what: str = "", day_of: str = "", **kwargs: Any) -> None:
        self.what = what
        self.day_of = day_of
        self.required_message = (kwargs.get("error_messages") or {}).get("required", "")
        super().__init__(**kwargs)
        # Which boxes were at fault in the last clean. A form deep-copies its fields, so this is the form's own.
        self.last_faults: tuple[str, ...] = ()

    @property
    def name_in_messages(self) -> str:
        return self.what or str(self.label or "The date")

    def _lower(self) -> str:
        what = self.name_in_messages
        return what if what[:2].isupper() else what[:1].lower() + what[1:]

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            return parse_day(value, day_of=self.day_of or self._lower())
        return self._from_parts(date_parts(value))

    def _refuse(self, message: str, code: str, parts: tuple[str, ...]) -> ValidationError:
        self.last_faults = parts
        return ValidationError(message, code=code, params={"parts": parts})

    def _from_parts(self, parts: DatePartsValue) -> dt.date | None:
        if not any(parts.values()):
            return None
        missing = tuple(part for part in DATE_PARTS if not parts[part])
        if missing:
            names = " and ".join(missing) if len(missing) == 2 else missing[0]
            raise self._refuse(f"{self.name_in_messages} must include a {names}", "incomplete", missing)
        day, month, year = parts["day"], parts["month"], parts["year"]
        month_number = int(month) if month.isdigit() else _MONTH_WORDS.get(month.rstrip(".").casefold())
        if not year.isdigit() or len(year) != 4:
            raise self._refuse("Year must include 4 numbers", "year_digits", ("year",))
        if not day.isdigit() or not 1 <= int(day) <= 31:
            raise self._refuse(f"{self.name_in_messages} must be a real date", "not_real", ("day",))
        if month_number is None or not 1 <= month_number <= 12:
            raise self._refuse(f"{self.name_in_messages} must be a real date", "not_real", ("month",))
        try:
            return dt.date(int(year), month_number, int(day))
        except ValueError:
            raise self._refuse(f"{self.name_in_messages} must be a real date", "not_real", ("day",)) from None

    def clean(self, value: Any) -> dt.date | None:
        self.last_faults = ()
        if value in self.empty_values or (isinstance(value, dict) and not any(value.values())):
            if self.required:
                raise ValidationError(self.required_message or f"Enter {self._lower()}", code="required")
            return None
        return super().clean(value)

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != self.to_python(initial)
        except ValidationError:
            return True
