"""The Panel report's choices: the period (`from`, `to`) and, for the national superuser, the body."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from inspections.models import EARLIEST_PUBLICATION, LocalPolicingBody
from reports.selectors import bodies_for_choice

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d")
DATE_MESSAGES = {"invalid": "Enter a real date, for example 2024-04-01."}


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """Five calendar years up to today: this year and the four before it."""
    return dt.date(today.year - 4, 1, 1), today


class PanelReportForm(forms.Form):
    start = forms.DateField(
        label="From",
        widget=DATE_WIDGET,
        error_messages={**DATE_MESSAGES, "required": "Enter the first day of the period."},
        help_text="Reports published on or after this day.",
    )
    end = forms.DateField(
        label="To",
        widget=DATE_WIDGET,
        error_messages={**DATE_MESSAGES, "required": "Enter the last day of the period."},
        help_text="Reports published on or before this day.",
    )
    body = forms.ModelChoiceField(
        label="Body",
        queryset=LocalPolicingBody.objects.none(),
        required=False,
        empty_label="All bodies",
        error_messages={"invalid_choice": "Choose a body from the list, or All bodies."},
    )

    def __init__(self, data: Any, *, today: dt.date, national: bool) -> None:
        start, end = default_period(today)
        # The query string names them `from` and `to` (add_prefix), as the address in the Panel's papers reads.
        values = {
            "from": data.get("from", start.isoformat()),
            "to": data.get("to", end.isoformat()),
            "body": data.get("body", ""),
        }
        super().__init__(values)
        self.today = today
        if national:
            self.fields["body"].queryset = bodies_for_choice()  # type: ignore[attr-defined]
        else:
            del self.fields["body"]

    def add_prefix(self, field_name: str) -> str:
        return {"start": "from", "end": "to"}.get(field_name, field_name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and start < EARLIEST_PUBLICATION:
            self.add_error("start", f"The period cannot start before {EARLIEST_PUBLICATION.year}.")
        if end and end > self.today:
            self.add_error("end", "The period cannot end after today.")
        if start and end and start > end and not self.has_error("start") and not self.has_error("end"):
            self.add_error("end", "The last day of the period must be on or after the first.")
        return data
