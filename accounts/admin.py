from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts are managed by national administrators (superusers with no body) only: a role or superuser flag is
    power, and a superuser who belongs to a body could otherwise make themselves any body's, or every body's."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and getattr(user, "is_national", False))

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
