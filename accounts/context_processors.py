from typing import Any

from django.http import HttpRequest


def body(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    current = getattr(user, "body", None) if user is not None and user.is_authenticated else None
    return {"current_body": current}
