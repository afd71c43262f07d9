"""The filters of the response list, shared by the dashboard and the register exports.

A stable contract — the dashboard (`/`) and `/exports/register.csv|.xlsx` read the same GET parameters, so a link
`{% url 'export_register' %}?{{ request.GET.urlencode }}` exports exactly what the dashboard shows:

- `status`: a stored status value (`not_started`, `awaiting_cc`, `drafting`, `ready`, `published`, `complete`), or
  one of two pseudo-statuses: `overdue` (open and past the statutory last day) and `due_7` (open, statutory last day
  within the next 7 days, today included);
- `publication_type`: a publication type's slug (e.g. `peel`);
- `year`: the year the report was published;
- `owner`: the id of a user of the viewer's own body (any user, for a national superuser), or `none` for unowned;
- `q`: text searched for in the inspection title (case-insensitive).

Usage: `form = ResponseFilterForm(request.GET, user=request.user)`, then
`form.apply(Response.objects.for_user(request.user), today)`. `apply` never raises on bad input: a parameter that
does not validate is ignored (and `form.errors` says why, for display), the others still apply.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Max, Min, QuerySet

from accounts.models import User
from inspections.models import Inspection, PublicationType
from responses.models import OPEN_STATUSES, Response, Status

OVERDUE = "overdue"
DUE_7 = "due_7"
DUE_SOON_DAYS = 7
NO_OWNER = "none"

STATUS_CHOICES = [
    ("", "Any status"),
    *Status.choices,
    (OVERDUE, "Overdue"),
    (DUE_7, f"Due within {DUE_SOON_DAYS} days"),
]


class ResponseFilterForm(forms.Form):
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    publication_type = forms.ModelChoiceField(
        queryset=PublicationType.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="Any type",
    )
    year = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label="Year published")
    owner = forms.ChoiceField(required=False)
    q = forms.CharField(required=False, max_length=200, label="Title contains")

    def __init__(self, data: Any = None, *, user: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.user = user
        # Callables: the queries run only when the field is validated or rendered.
        year_field: Any = self.fields["year"]
        owner_field: Any = self.fields["owner"]
        year_field.choices = self._year_choices
        owner_field.choices = self._owner_choices

    def _year_choices(self) -> list[tuple[Any, str]]:
        # Cached: Django calls a choices callable both when validating and when rendering.
        if not hasattr(self, "_years"):
            self._years = self._load_year_choices()
        return self._years

    def _owner_choices(self) -> list[tuple[str, str]]:
        if not hasattr(self, "_owners"):
            self._owners = self._load_owner_choices()
        return self._owners

    def _load_year_choices(self) -> list[tuple[Any, str]]:
        # From the first to the last year published: two index look-ups, where the distinct years of every
        # inspection took a scan of them all (21,000 at national scale).
        span = Inspection.objects.aggregate(first=Min("published_on"), last=Max("published_on"))
        years = range(span["last"].year, span["first"].year - 1, -1) if span["first"] else range(0)
        return [("", "Any year"), *((year, str(year)) for year in years)]

    def _load_owner_choices(self) -> list[tuple[str, str]]:
        users = User.objects.filter(is_active=True).order_by("username")
        if self.user is None or not getattr(self.user, "is_authenticated", False):
            users = users.none()
        elif not self.user.is_national:
            users = users.filter(body_id=self.user.body_id) if self.user.body_id else users.none()
        return [
            ("", "Anyone"),
            (NO_OWNER, "Nobody"),
            *(
                (str(pk), f"{first} {last}".strip() or username)
                for pk, username, first, last in users.values_list("pk", "username", "first_name", "last_name")
            ),
        ]

    def valid_filters(self) -> dict[str, Any]:
        """The parameters that validated and are not empty, as Python values."""
        if not self.is_bound:
            return {}
        self.is_valid()  # cleaned_data keeps only the fields that validated
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def active_filters(self) -> dict[str, Any]:
        """The filters applied, JSON-ready (recorded with each export; handy for "filtered by" labels)."""
        filters = self.valid_filters()
        if "publication_type" in filters:
            filters["publication_type"] = filters["publication_type"].slug
        return filters

    def apply(self, queryset: QuerySet[Response], today: dt.date) -> QuerySet[Response]:
        filters = self.valid_filters()
        status = filters.get("status")
        if status == OVERDUE:
            queryset = queryset.filter(status__in=OPEN_STATUSES, statutory_last_day__lt=today)
        elif status == DUE_7:
            queryset = queryset.filter(
                status__in=OPEN_STATUSES,
                statutory_last_day__gte=today,
                statutory_last_day__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
            )
        elif status:
            queryset = queryset.filter(status=status)
        if "publication_type" in filters:
            queryset = queryset.filter(inspection__publication_types=filters["publication_type"])
        if "year" in filters:
            queryset = queryset.filter(inspection__published_on__year=filters["year"])
        owner = filters.get("owner")
        if owner == NO_OWNER:
            queryset = queryset.filter(owner__isnull=True)
        elif owner:
            queryset = queryset.filter(owner_id=int(owner))
        if "q" in filters:
            queryset = queryset.filter(inspection__title__icontains=filters["q"])
        return queryset
