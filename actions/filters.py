"""The tracker's filters and sorts (a django-filter FilterSet); the CSV and XLSX exports read the same parameters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import F, Q, QuerySet

from accounts.models import User
from actions.models import AMBER_DAYS, CLOSED_ACTION_STATUSES, OPEN_ACTION_STATUSES, Action, ActionStatus, Rag
from inspections.models import Addressee, FindingKind, PublicationType

SORTS = {
    "target_date": (F("target_date").asc(nulls_last=True),),
    "-target_date": (F("target_date").desc(nulls_last=True),),
    "status": (F("status").asc(),),
    "-status": (F("status").desc(),),
    "inspection": (F("response__inspection__published_on").asc(),),
    "-inspection": (F("response__inspection__published_on").desc(),),
    "owner": (F("owner__username").asc(nulls_last=True), F("owner_name").asc()),
    "-owner": (F("owner__username").desc(nulls_last=True), F("owner_name").desc()),
}


class ActionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices, empty_label="Any status", label="Status")
    rag = django_filters.ChoiceFilter(choices=Rag.choices, empty_label="Any RAG", label="RAG", method="filter_rag")
    overdue = django_filters.BooleanFilter(label="Overdue only", method="filter_overdue")
    owner = django_filters.ChoiceFilter(empty_label=None, label="Owner", method="filter_owner")
    addressee = django_filters.ChoiceFilter(
        choices=Addressee.choices, field_name="finding__addressee", empty_label="Anyone", label="Addressed to"
    )
    kind = django_filters.ChoiceFilter(
        choices=FindingKind.choices, field_name="finding__kind", empty_label="Any kind", label="Kind"
    )
    publication_type = django_filters.ModelChoiceFilter(
        queryset=PublicationType.objects.order_by("name"),
        to_field_name="slug",
        field_name="response__inspection__publication_types",
        empty_label="Any type",
        label="Publication type",
        distinct=False,
    )
    year = django_filters.NumberFilter(field_name="response__inspection__published_on__year", label="Year published")
    repeated = django_filters.BooleanFilter(label="Repeats an earlier finding", method="filter_repeated")
    sort = django_filters.ChoiceFilter(
        choices=[(key, key) for key in SORTS], label="Sort by", method="sorted_last", empty_label="Target date"
    )

    class Meta:
        model = Action
        fields: list[str] = []

    def __init__(self, data: Any = None, queryset: Any = None, *, user: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(data, queryset, **kwargs)
        self.user, self.today = user, today
        self.filters["owner"].extra["choices"] = self._owner_choices
        for name in ("overdue", "repeated"):
            self.filters[name].field.widget = django_filters.widgets.BooleanWidget()

    def filter_rag(self, queryset: QuerySet[Action], name: str, value: str) -> QuerySet[Action]:
        today, soon = self.today, self.today + dt.timedelta(days=AMBER_DAYS)
        closed = Q(status__in=CLOSED_ACTION_STATUSES)
        if value == Rag.CLOSED:
            return queryset.filter(closed)
        open_ = queryset.filter(status__in=OPEN_ACTION_STATUSES)
        manual = Q(rag_override=value)
        derived = {
            Rag.RED: Q(target_date__lt=today),
            Rag.AMBER: Q(target_date__gte=today) & (Q(target_date__lte=soon) | Q(status=ActionStatus.BLOCKED))
            | Q(target_date__isnull=True),
            Rag.GREEN: Q(target_date__gt=soon) & ~Q(status=ActionStatus.BLOCKED),
        }[Rag(value)]
        return open_.filter(manual | (Q(rag_override="") & derived))

    def filter_overdue(self, queryset: QuerySet[Action], name: str, value: bool | None) -> QuerySet[Action]:
        return queryset.overdue(self.today) if value else queryset  # type: ignore[attr-defined]

    def filter_repeated(self, queryset: QuerySet[Action], name: str, value: bool | None) -> QuerySet[Action]:
        if value is None:
            return queryset
        return queryset.filter(repeats__isnull=not value)

    def filter_owner(self, queryset: QuerySet[Action], name: str, value: str) -> QuerySet[Action]:
        if value == "none":
            return queryset.filter(owner__isnull=True, owner_name="")
        if value == "outside":
            return queryset.exclude(owner_name="")
        return queryset.filter(owner_id=int(value))

    def sorted_last(self, queryset: QuerySet[Action], name: str, value: str) -> QuerySet[Action]:
        return queryset

    def filter_queryset(self, queryset: QuerySet[Action]) -> QuerySet[Action]:
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") if self.form.is_valid() else ""
        return queryset.order_by(*SORTS.get(sort or "", SORTS["target_date"]), "id")

    def _owner_choices(self) -> list[tuple[str, str]]:
        if not hasattr(self, "_owners"):
            users = User.objects.filter(is_active=True).order_by("username")
            if not self.user.is_national:
                users = users.filter(body_id=self.user.body_id)
            self._owners = [
                ("", "Anyone"),
                ("none", "Nobody"),
                ("outside", "Outside the app"),
                *(
                    (str(u.pk), u.get_full_name() or u.username)
                    for u in users.only("pk", "username", "first_name", "last_name")
                ),
            ]
        return self._owners
