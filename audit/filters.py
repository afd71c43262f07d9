"""The filters of the audit export: `from`, `to` (inclusive dates, Europe/London) and `response` (a response id).

Same contract as responses.filters.ResponseFilterForm: a bad value is ignored (that filter is not applied), never a
500. Commands use `errors_text()` to refuse bad values instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from audit.models import AuditEntryQuerySet


class AuditFilterForm(forms.Form):
    response = forms.IntegerField(required=False, min_value=1, label="Response id")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these two cannot be declared as class attributes.
        self.fields["from"] = forms.DateField(required=False, label="From (inclusive)", input_formats=["%Y-%m-%d"])
        self.fields["to"] = forms.DateField(required=False, label="To (inclusive)", input_formats=["%Y-%m-%d"])
        self.order_fields(["from", "to", "response"])

    def _valid_data(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()  # cleaned_data keeps only the fields that validated
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def apply(self, queryset: AuditEntryQuerySet) -> AuditEntryQuerySet:
        data = self._valid_data()
        if "from" in data:
            queryset = queryset.filter(timestamp__gte=_start_of(data["from"]))
        if "to" in data and data["to"] < dt.date.max:  # "to 9999-12-31" means no upper bound
            queryset = queryset.filter(timestamp__lt=_start_of(data["to"] + dt.timedelta(days=1)))
        if "response" in data:
            queryset = queryset.filter(response_id=data["response"])
        return queryset

    def active_filters(self) -> dict[str, Any]:
        """The filters applied, JSON-ready (recorded with the export)."""
        return {
            name: value.isoformat() if isinstance(value, dt.date) else value
            for name, value in self._valid_data().items()
        }

    def errors_text(self) -> str:
        return "; ".join(f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in self.errors.items())


def _start_of(day: dt.date) -> dt.datetime:
    # Local midnight: "to 2024-03-31" means up to the end of that day in London, whatever the offset (GMT/BST).
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
