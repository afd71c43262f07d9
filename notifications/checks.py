"""System check of REMINDER_POLICY: a policy the planner cannot read is reported at start-up, not mid-sweep."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register


@register()
def check_reminder_policy(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    from notifications.planner import policy_tracks

    try:
        policy_tracks()
    except (KeyError, TypeError, ValueError) as error:
        detail = f"missing {error}" if isinstance(error, KeyError) else str(error)
        return [Error(f"REMINDER_POLICY cannot be used: {detail}.", id="notifications.E001")]
    return []
