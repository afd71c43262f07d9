"""The filters of the response list, shared by the dashboard and the register exports (a django-filter FilterSet).

A stable contract — the dashboard (`/`) and `/exports/register.csv|.xlsx` read the same GET parameters, so a link
`{% url 'export_register' %}?{{ request.GET.urlencode }}` exports exactly what the dashboard shows:

- `status`: a stored status value (`not_started`, `awaiting_cc`, `drafting`, `ready`, `published`, `complete`), or
  one of two pseudo-statuses: `overdue` (open and past the statutory last day) and `due_7` (open, statutory last day
  within the next 7 days, today included);
- `publication_type`: a publication type's slug (e.g. `peel`);
- `year`: the year the report was published;
- `owner`: the id of a user of the viewer's own body (any user, for a national superuser), `none` for unowned, or
  `me` for the viewer's own;
- `q`: text searched for in the inspection title (case-insensitive);
- `finished`: `1` lists the finished responses (published, complete, not required) after the open ones, `0` leaves
  them out (unless `status` asks for a finished status). Without it the caller's default applies: the dashboard
  hides them (or remembers the user's choice); the register lists every response in its own order;
- `sort`: `inspection`, `published_on`, `statutory_last_day`, `status` or `owner`, `-` in front for descending.

Usage: `ResponseFilter(request.GET, queryset=Response.objects.for_user(user), user=user, today=today).qs`. Never
raises on bad input: a parameter that does not validate is ignored (and `.form.errors` says why, for display), the
others still apply. `.ordering` is the order the parameters ask for (None: the queryset's own), for the register's
writers, which order the rows themselves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, Max, Min, OrderBy, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import User
from inspections.models import Inspection, PublicationType
from responses.models import DUE_SOON, DUE_SOON_DAYS, OPEN_STATUSES, OVERDUE, Response, ResponseQuerySet, Status

NO_OWNER = "none"
MINE = "me"
SHOW, HIDE = "1", "0"
FINISHED_STATUSES = tuple(status for status in Status if status not in OPEN_STATUSES)

STATUS_CHOICES = [
    *Status.choices,
    (OVERDUE, "Overdue"),
    (DUE_SOON, f"Due within {DUE_SOON_DAYS} days"),
]


# --- the orders ---------------------------------------------------------------------------------------------------
def _last_day(descending: bool = False) -> OrderBy:
    # Reports without a statutory last day (before 2 May 2017) last either way, as PostgreSQL's index orders them.
    field = F("statutory_last_day")
    return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)


def _is_open(then: Any, default: Any = None) -> Case:
    return Case(When(status__in=OPEN_STATUSES, then=then), default=default)


# The open work alone: overdue first (their last days are the earliest), then the soonest last day. Exactly the
# columns of response_body_lastday_id_idx (and response_lastday_id_idx, nationally), so PostgreSQL reads a page of
# it straight off the index, the status filter checked in the index too; no sort.
OPEN_WORK_ORDER = (_last_day(), F("id").asc())
# With the finished work shown: the open work as above, then the finished, the most recent first (published,
# complete, not required: old history is rarely what anyone looks for). The CASEs cannot come from an index, so
# this order sorts the user's rows; it is only used when "Show finished" is on.
WORK_ORDER = (
    _is_open(Value(0), Value(1)).asc(),
    _is_open(F("statutory_last_day")).asc(nulls_last=True),
    _last_day(descending=True),
    F("id").asc(),
)
_STATUS_RANK = Case(
    *(When(status=status, then=Value(rank)) for rank, status in enumerate(Status.values)),
    output_field=IntegerField(),
)
# The sortable columns (their headers on the dashboard are links): each column's own order, the work order breaking
# ties. Status sorts in the order work goes through (not started … complete, then not required).
SORTS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "inspection": ("Inspection", (Lower("inspection__title"),)),
    "published_on": ("Published", (F("inspection__published_on"),)),
    "statutory_last_day": ("Statutory last day", ()),
    "status": ("Status", (_STATUS_RANK,)),
    "owner": ("Owner", (F("owner__first_name"), F("owner__last_name"), F("owner__username"))),
}
SORT_CHOICES = [
    choice
    for key, (label, _) in SORTS.items()
    for choice in ((key, f"{label}, ascending"), (f"-{key}", f"{label}, descending"))
]


def sort_order(sort: str) -> tuple[Any, ...]:
    """The ORDER BY of a `sort` value (one of SORT_CHOICES)."""
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    if key == "statutory_last_day":
        return (_last_day(descending), F("id").desc() if descending else F("id").asc())
    columns = tuple(
        (column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)) for column in SORTS[key][1]
    )
    return (*columns, *OPEN_WORK_ORDER)


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
    # Applied in filter_queryset, after the others: they decide what is hidden and the order, not a narrowing.
    # Hidden fields: set by the page's links, carried by the filter form.
    finished = django_filters.ChoiceFilter(
        choices=[(SHOW, "Shown"), (HIDE, "Hidden")],
        label="Finished work",
        method="applied_last",
        widget=forms.HiddenInput,
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, label="Sort by", method="applied_last", widget=forms.HiddenInput
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
        finished_default: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, queryset, **kwargs)
        self.user = user
        self.today = today or timezone.localdate()
        # Whether finished work is listed when `finished` is not given: None lists it, in the queryset's own order.
        self.finished_default = finished_default
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
        if value == MINE:
            return queryset.filter(owner_id=self.user.pk)
        return queryset.filter(owner_id=int(value))

    def applied_last(self, queryset: QuerySet[Response], name: str, value: str) -> QuerySet[Response]:
        return queryset

    def filter_queryset(self, queryset: QuerySet[Response]) -> QuerySet[Response]:
        queryset = super().filter_queryset(queryset)
        if self.show_finished is False and self.form.valid_filters().get("status") not in FINISHED_STATUSES:
            queryset = queryset.filter(status__in=OPEN_STATUSES)
        if (ordering := self.ordering) is not None:
            queryset = queryset.order_by(*ordering)
        return queryset

    @property
    def show_finished(self) -> bool | None:
        """True: finished work listed after the open; False: left out; None: listed, in the queryset's own order."""
        choice = self.form.valid_filters().get("finished")
        return self.finished_default if choice is None else choice == SHOW

    @property
    def current_sort(self) -> str:
        """The `sort` in force ("" for none)."""
        return str(self.form.valid_filters().get("sort", ""))

    @property
    def ordering(self) -> tuple[Any, ...] | None:
        """The ORDER BY the parameters ask for; None for the queryset's own (the register's, by default)."""
        if self.current_sort:
            return sort_order(self.current_sort)
        if self.show_finished is None:
            return None
        return WORK_ORDER if self.show_finished else OPEN_WORK_ORDER

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
            mine = [(MINE, "Me")] if self.user is not None and getattr(self.user, "is_authenticated", False) else []
            self._owners = [
                ("", "Anyone"),
                *mine,
                (NO_OWNER, "Nobody"),
                *(
                    (str(pk), f"{first} {last}".strip() or username)
                    for pk, username, first, last in users.values_list("pk", "username", "first_name", "last_name")
                ),
            ]
        return self._owners
