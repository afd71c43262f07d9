"""A request whose user is signed in: what every view behind `login_required` receives.

Views annotate their request with it, so `request.user.body_id` and `request.user.can_edit()` are typed as the
staff user they are, not as `User | AnonymousUser`.
"""

from __future__ import annotations

from django.http import HttpRequest

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User  # type: ignore[assignment]
