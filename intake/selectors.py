"""Reads for intake: the recorded inspection that a new one would repeat; a user's staged register upload; the
spotted reports a user's body has still to deal with.

Two inspections are the same when they were published on the same day and their titles differ only in case,
spacing or the kind of dash (hyphen, en dash, em dash): a title copied from a web page and one typed by hand.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from collections.abc import Iterable
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.scoping import scope_to_body
from inspections.models import Inspection
from intake.models import STAGED_IMPORT_LIFETIME, SpottedReport, SpottedStatus, StagedImport

# Hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus sign.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


def title_key(title: str) -> str:
    """A title as it is compared: case, spacing and the kind of dash ignored."""
    text = unicodedata.normalize("NFKC", title).translate(_DASHES).casefold()
    return "".join(text.split())


def same_inspection(candidates: Iterable[Inspection], *, title: str) -> Inspection | None:
    """The candidate with the same title as `title` but for case, spacing and dash style; one with exactly this
    title is preferred."""
    key = title_key(title)
    matches = [c for c in candidates if title_key(c.title) == key]
    return next((c for c in matches if c.title == title), matches[0] if matches else None)


def inspection_matching(*, title: str, published_on: dt.date, exclude_pk: int | None = None) -> Inspection | None:
    """The recorded inspection that one with this title and publication date would repeat, if there is one."""
    candidates = Inspection.objects.filter(published_on=published_on).order_by("pk")
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    return same_inspection(candidates, title=title)


def staged_import_for_user(*, user: Any, pk: str) -> StagedImport:
    """The user's own staged register upload, still within its lifetime; anyone else's, an expired one or a
    malformed reference is a 404."""
    try:
        key = uuid.UUID(str(pk))
    except ValueError:
        raise Http404("No such upload.") from None
    fresh = StagedImport.objects.filter(created_at__gte=timezone.now() - STAGED_IMPORT_LIFETIME)
    return get_object_or_404(fresh, pk=key, uploaded_by_id=user.pk)


def spotted_reports_for_user(*, user: Any) -> Any:
    """The spotted reports of the user's body (every body's, for a national superuser) not yet added or dismissed,
    the newest first."""
    return (
        scope_to_body(SpottedReport.objects.all(), user)
        .filter(status=SpottedStatus.NEW)
        .select_related("body")
        .order_by("-published_on", "-spotted_at", "pk")
    )


def spotted_report_for_user(*, user: Any, pk: int) -> SpottedReport:
    """One spotted report of the user's body (any body's, for a national superuser); another body's is a 404."""
    return get_object_or_404(scope_to_body(SpottedReport.objects.select_related("body"), user), pk=pk)


def spotted_count_for_user(*, user: Any) -> int:
    """How many spotted reports wait for the user's body: the dashboard's "N new reports spotted"."""
    return scope_to_body(SpottedReport.objects.all(), user).filter(status=SpottedStatus.NEW).count()
