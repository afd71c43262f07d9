"""System check of the office's setting: an invitation that lapses before it is sent is reported at start-up."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_invitation_days(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    days = getattr(settings, "OFFICE_INVITATION_DAYS", 7)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 90:
        return [
            Error(
                f"OFFICE_INVITATION_DAYS must be a whole number of days from 1 to 90; got {days!r}.",
                hint="Invitation links lapse after this many days (docs/office.md).",
                id="office.E001",
            )
        ]
    return []
