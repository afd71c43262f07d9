"""Admin base classes every app's admin builds on: permissions from the user's role, not per-model permission rows.

The user is read through a small protocol (the shape of `accounts.User`), so this module imports no app.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from core.scoping import scope_to_body


class StaffUser(Protocol):
    is_active: bool
    is_staff: bool
    is_superuser: bool
    body_id: int | None

    @property
    def is_national(self) -> bool: ...

    def can_edit(self) -> bool: ...

    def can_administer(self) -> bool: ...


def staff_user(request: HttpRequest) -> StaffUser:
    return cast(StaffUser, request.user)


def is_staff(request: HttpRequest) -> bool:
    user = staff_user(request)
    return bool(user.is_active and user.is_staff)


class RoleAdminMixin:
    """Viewers read, editors and approvers add and change, body admins also delete; national superusers do all."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_staff(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.has_module_permission(request) and staff_user(request).can_edit()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request) and staff_user(request).can_edit()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request) and staff_user(request).can_administer()


class NationalOnlyAdmin(admin.ModelAdmin):
    """Reference data shared by every body: viewed by staff, changed only by national administrators."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_staff(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def _national(self, request: HttpRequest) -> bool:
        # A national superuser: a superuser who also belongs to a body is that body's staff here, like any other.
        user = staff_user(request)
        return bool(user.is_active and user.is_national)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._national(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._national(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._national(request)


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is shown, never edited: no add, change or delete pages (the admin answers 403), no delete action.

    `body_field` names the body each row belongs to; the list then holds only the user's own body's rows (a national
    superuser sees every body's). None: rows that belong to no body, seen by national superusers only.
    """

    body_field: str | None = "body_id"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if self.body_field is None:
            return queryset if staff_user(request).is_national else queryset.none()
        return scope_to_body(queryset, request.user, field=self.body_field)
