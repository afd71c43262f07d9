"""The filters of the response list, shared by the dashboard and the register exports (a django-filter FilterSet).

A stable contract — the dashboard (`/`) and `/exports/register.csv|.xlsx` read the same GET parameters, so a link
`{% url 'export_register' %}?{{ request.GET.urlencode }}` exports exactly what the dashboard shows:

- `status`: a stored status value (`not_started`, `awaiting_cc`, `drafting`, `ready`, `published`, `complete`), or
  one of two pseudo-statuses: `overdue` (open and past the statutory last day) and `due_7` (open, statutory last day
  within the next 7 days, today included);
- `publication_type`: a publication type's slug (e.g. `peel`);
- `year`: the year the report was published;
- `owner`: the id of a user of the viewer's own body (any user, for a national superuser), or `none` for unowned;
- `q`: text searched for in the inspection title (case-insensitive).

Usage: `ResponseFilter(request.GET, queryset=Response.objects.for_user(user), user=user, today=today).qs`. Never
raises on bad input: a parameter that does not validate is ignored (and `.form.errors` says why, for display), the
others still apply.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from accounts.models import User
from inspections.models import Inspection, PublicationType
from responses.models import DUE_SOON, DUE_SOON_DAYS, OVERDUE, Response, ResponseQuerySet, Status

NO_OWNER = "none"

STATUS_CHOICES = [
    *Status.choices,
    (OVERDUE, "Overdue"),
    (DUE_SOON, f"Due within {DUE_SOON_DAYS} days"),
]


class ResponseFilterForm(forms.Form):
    """The filters' form: rendered on the dashboard, and asked which filters are in force."""

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


class ResponseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, empty_label="Any status", label="Status", method="filter_status"
    )
    publication_type = django_filters.ModelChoiceFilter(
        queryset=PublicationType.objects.order_by("name"),
        to_field_name="slug",
        field_name="inspection__publication_types",
        empty_label="Any type",
        label="Publication type",
        distinct=False,
    )
    year = django_filters.TypedChoiceFilter(
        coerce=int, empty_value=None, field_name="inspection__published_on__year", label="Year published"
    )
    owner = django_filters.ChoiceFilter(empty_label=None, label="Owner", method="filter_owner")
    q = django_filters.CharFilter(
        field_name="inspection__title", lookup_expr="icontains", max_length=200, label="Title contains"
    )

    class Meta:
        model = Response
        fields: list[str] = []
        form = ResponseFilterForm

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet[Response] | None = None,
        *,
        user: Any = None,
        today: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, queryset, **kwargs)
        self.user = user
        self.today = today or timezone.localdate()
        # Callables: the queries run only when the field is validated or rendered, and once.
        self.filters["year"].extra["choices"] = self._year_choices
        self.filters["owner"].extra["choices"] = self._owner_choices

    @property
    def form(self) -> ResponseFilterForm:
        return super().form  # type: ignore[no-any-return]

    def filter_status(self, queryset: ResponseQuerySet, name: str, value: str) -> QuerySet[Response]:
        if value == OVERDUE:
            return queryset.overdue(self.today)
        if value == DUE_SOON:
            return queryset.due_within(self.today, DUE_SOON_DAYS)
        return queryset.filter(status=value)

    def filter_owner(self, queryset: QuerySet[Response], name: str, value: str) -> QuerySet[Response]:
        if value == NO_OWNER:
            return queryset.filter(owner__isnull=True)
        return queryset.filter(owner_id=int(value))

    def _year_choices(self) -> list[tuple[Any, str]]:
        # Cached: Django calls a choices callable both when validating and when rendering.
        if not hasattr(self, "_years"):
            # From the first to the last year published: two index look-ups, where the distinct years of every
            # inspection took a scan of them all.
            span = Inspection.objects.aggregate(first=Min("published_on"), last=Max("published_on"))
            years = range(span["last"].year, span["first"].year - 1, -1) if span["first"] else range(0)
            self._years = [("", "Any year"), *((year, str(year)) for year in years)]
        return self._years

    def _owner_choices(self) -> list[tuple[str, str]]:
        if not hasattr(self, "_owners"):
            users = User.objects.filter(is_active=True).order_by("username")
            if self.user is None or not getattr(self.user, "is_authenticated", False):
                users = users.none()
            elif not self.user.is_national:
                users = users.filter(body_id=self.user.body_id) if self.user.body_id else users.none()
            self._owners = [
                ("", "Anyone"),
                (NO_OWNER, "Nobody"),
                *(
                    (str(pk), f"{first} {last}".strip() or username)
                    for pk, username, first, last in users.values_list("pk", "username", "first_name", "last_name")
                ),
            ]
        return self._owners
