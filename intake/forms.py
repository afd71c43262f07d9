"""One row of an inspections CSV, checked as a form.

The title, publication date and report address are the `Inspection` model's own fields, so a row meets the
model's limits and validators and fails with the model's messages. The publication types and forces are names
separated by ';', looked up (ignoring case) by name or slug; 'All' as a force makes a national report about every
force. The row's problems are the form's errors, keyed by column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model

from core.dates import long_date, parse_day
from inspections.models import Force, Inspection, PublicationType
from intake.selectors import inspection_matching

ALL_FORCES = frozenset({"all", "all forces"})


class PublicationDayField(forms.DateField):
    """A publication date as people type it, read by `core.dates.parse_day`: nothing guessed, nothing filled in."""

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        return parse_day(str(value), day_of="publication")


def split_names(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(";") if part.strip()]


class NamesField(forms.Field):
    """Names separated by ';', each one looked up (ignoring case) in `choices`; the objects come back in order.

    A name in `all_words` stands for every object in `choices`.
    """

    def __init__(
        self, *, choices: Mapping[str, Model], unknown: str, all_words: frozenset[str] = frozenset(), **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.choices = choices
        self.unknown = unknown
        self.all_words = all_words

    def to_python(self, value: Any) -> list[str]:
        return split_names(value or "")

    def clean(self, value: Any) -> list[Model]:
        names = self.to_python(value)
        self.validate(names)
        if any(name.casefold() in self.all_words for name in names):
            return list({obj.pk: obj for obj in self.choices.values()}.values())
        found: dict[Any, Model] = {}
        errors = []
        for name in names:
            obj = self.choices.get(name.casefold())
            if obj is None:
                errors.append(ValidationError(self.unknown, code="unknown", params={"name": name}))
            else:
                found.setdefault(obj.pk, obj)
        if errors:
            raise ValidationError(errors)
        return list(found.values())


FindRecorded = Callable[[str, dt.date], Inspection | None]


def _find_recorded(title: str, published_on: dt.date) -> Inspection | None:
    return inspection_matching(title=title, published_on=published_on)


class InspectionRowForm(forms.ModelForm):
    """One CSV row: title, published_on, publication_types, forces, report_url.

    A row that repeats a recorded inspection (`intake.selectors`) is a problem, unless its title is exactly the
    recorded one's: then it is a re-import, `recorded` is that inspection, and importing it changes nothing.
    """

    class Meta:
        model = Inspection
        fields = ("title", "published_on", "report_url")
        # A row is plain text: the form's URL field would quietly add "https://" to an address without one.
        field_classes = {"published_on": PublicationDayField, "report_url": forms.CharField}
        error_messages = {
            "title": {"required": "the title is empty"},
            "published_on": {"required": "a date is required, e.g. 2024-09-24 or 24 September 2024"},
            "report_url": {"invalid": "'%(value).80s' is not a web address starting http:// or https://"},
        }

    def __init__(
        self,
        data: Mapping[str, str],
        *,
        types: Mapping[str, PublicationType],
        forces: Mapping[str, Force],
        find_recorded: FindRecorded | None = None,
    ) -> None:
        super().__init__(data)
        self.find_recorded = find_recorded or _find_recorded
        self.recorded: Inspection | None = None
        self.fields["publication_types"] = NamesField(
            choices=types,
            unknown="unknown publication type '%(name)s'; add it in the admin first",
            error_messages={"required": "at least one publication type is required"},
        )
        self.fields["forces"] = NamesField(
            choices=forces,
            unknown="unknown force '%(name)s'",
            all_words=ALL_FORCES,
            error_messages={"required": "at least one force is required (or 'All' for a national report)"},
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        names = split_names(str(self.data.get("forces") or ""))
        cleaned["is_national"] = any(name.casefold() in ALL_FORCES for name in names)
        title, published_on = cleaned.get("title"), cleaned.get("published_on")
        if title and published_on:
            match = self.find_recorded(title, published_on)
            if match is not None and match.title == title:
                self.recorded = match
            elif match is not None:
                self.add_error(
                    "title",
                    f"the same inspection as '{match.title}' ({long_date(match.published_on)}), which is already "
                    "recorded (titles are compared ignoring case, spacing and the kind of dash); leave this row out, "
                    "or correct the recorded one in the admin",
                )
        return cleaned

    def validate_constraints(self) -> None:
        # A row recorded with exactly this title and date is a re-import, which changes nothing: not a problem.
        if self.recorded is None:
            super().validate_constraints()

    def problems(self, columns: Sequence[str]) -> list[tuple[str, str]]:
        """(column, message) for each distinct problem, in the order of `columns`; row-wide ones under '-'."""
        found: list[tuple[str, str]] = []
        for column in (*columns, "__all__"):
            for message in dict.fromkeys(self.errors.get(column, [])):
                found.append(("-" if column == "__all__" else column, str(message)))
        return found


# The largest register file the "Import history" page takes; a register of MAX_ROWS rows is well under it.
MAX_REGISTER_UPLOAD_BYTES = 50 * 1024 * 1024


class HistoryUploadForm(forms.Form):
    """The register file of the "Import history" page: CSV or XLSX, by its name."""

    file = forms.FileField(
        label="Register file",
        help_text="The register as CSV (UTF-8) or as an Excel workbook (.xlsx), in the register export's columns.",
        error_messages={"required": "Choose the register file to import", "empty": "The chosen file is empty"},
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError("The file must be a CSV (.csv) or an Excel workbook (.xlsx)")
        if upload.size > MAX_REGISTER_UPLOAD_BYTES:
            raise ValidationError(f"The file must be smaller than {MAX_REGISTER_UPLOAD_BYTES // (1024 * 1024)} MB")
        return upload
