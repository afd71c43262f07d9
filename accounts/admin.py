from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts are managed by national administrators (superusers) only: a role or superuser flag is power."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission  # type: ignore[assignment]

    list_display = ("username", "email", "first_name", "last_name", "body", "role", "is_staff", "is_active")
    list_filter = ("role", "body", "is_staff", "is_superuser", "is_active")
    list_select_related = ("body",)
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Body and role", {"fields": ("body", "role", "daily_digest")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("Body and role", {"fields": ("email", "body", "role", "is_staff")}),
    )
