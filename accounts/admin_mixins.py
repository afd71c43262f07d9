"""Admin permissions from the user's role (viewer / editor / admin) rather than per-model permission rows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


class RoleAdminMixin:
    """Viewers read, editors add and change, body admins also delete. National superusers do everything."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.has_module_permission(request) and request.user.can_edit()  # type: ignore[union-attr]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request) and request.user.can_edit()  # type: ignore[union-attr]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request) and request.user.can_administer()  # type: ignore[union-attr]
