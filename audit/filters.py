"""The filters of the audit trail and its export: `from`, `to` (inclusive dates, Europe/London) and `response`.

Same contract as the response filters: a bad value is ignored (that filter is not applied), never a 500. Commands
use `form.errors_text()` to refuse bad values instead. Usage: `AuditFilter(request.GET, queryset=entries).qs`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditEntry


class AuditFilterForm(forms.Form):
    def valid_filters(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()  # cleaned_data keeps only the fields that validated
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def active_filters(self) -> dict[str, Any]:
        """The filters applied, JSON-ready (recorded with the export)."""
        return {
            name: value.isoformat() if isinstance(value, dt.date) else value
            for name, value in self.valid_filters().items()
        }

    def errors_text(self) -> str:
        return "; ".join(f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in self.errors.items())


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class AuditFilter(django_filters.FilterSet):
    response = IntegerFilter(field_name="response_id", min_value=1, label="Response id")

    class Meta:
        model = AuditEntry
        fields: list[str] = []
        form = AuditFilterForm

    @property
    def form(self) -> AuditFilterForm:
        return super().form  # type: ignore[no-any-return]

    def filter_from(self, queryset: QuerySet[AuditEntry], name: str, value: dt.date) -> QuerySet[AuditEntry]:
        return queryset.filter(timestamp__gte=_start_of(value))

    def filter_to(self, queryset: QuerySet[AuditEntry], name: str, value: dt.date) -> QuerySet[AuditEntry]:
        if value >= dt.date.max:  # "to 9999-12-31" means no upper bound
            return queryset
        return queryset.filter(timestamp__lt=_start_of(value + dt.timedelta(days=1)))


# "from" is a Python keyword, so these two cannot be declared as class attributes; shown in this order.
AuditFilter.base_filters = {
    "from": django_filters.DateFilter(method="filter_from", label="From (inclusive)", input_formats=["%Y-%m-%d"]),
    "to": django_filters.DateFilter(method="filter_to", label="To (inclusive)", input_formats=["%Y-%m-%d"]),
    **AuditFilter.base_filters,
}


def _start_of(day: dt.date) -> dt.datetime:
    # Local midnight: "to 2024-03-31" means up to the end of that day in London, whatever the offset (GMT/BST).
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
