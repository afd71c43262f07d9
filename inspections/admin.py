from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin import NationalOnlyAdmin
from inspections.models import Force, Inspection, LocalPolicingBody, PublicationType, Signatory


class PublishedYearFilter(admin.SimpleListFilter):
    title = "year published"
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = Inspection.objects.dates("published_on", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value and value.isdigit():
            prefix = "" if queryset.model is Inspection else "inspection__"
            return queryset.filter(**{f"{prefix}published_on__year": int(value)})
        return queryset


@admin.register(Force)
class ForceAdmin(NationalOnlyAdmin):
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0


@admin.register(LocalPolicingBody)
class LocalPolicingBodyAdmin(NationalOnlyAdmin):
    inlines = (SignatoryInline,)
    list_display = ("name", "kind", "force", "active", "shared_inbox")
    list_filter = ("kind", "active")
    search_fields = ("name", "short_name", "force__name")
    list_select_related = ("force",)


@admin.register(PublicationType)
class PublicationTypeAdmin(NationalOnlyAdmin):
    """Shared by every body's inspections: renaming or deleting one changes other bodies' records."""

    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
