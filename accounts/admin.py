from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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
