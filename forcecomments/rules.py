"""When a link lapses, and whether comments have arrived: one home for each rule."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from forcecomments.models import Invitation


def link_days() -> int:
    """How long a link answers after the comments-due date (settings.FORCE_COMMENTS_LINK_DAYS, 14 by default)."""
    return int(getattr(settings, "FORCE_COMMENTS_LINK_DAYS", 14))


def expires_on(invitation: Invitation) -> dt.date:
    """The last day the link answers: the comments-due date plus link_days() (from the invitation day when the
    office has since cleared the due date)."""
    start = invitation.response.comments_due or timezone.localtime(invitation.created_at).date()
    return start + dt.timedelta(days=link_days())


def is_expired(invitation: Invitation, today: dt.date) -> bool:
    return today > expires_on(invitation)
