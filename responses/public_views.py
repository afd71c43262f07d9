"""The public index of published responses, by year, and its Atom feed (Django's syndication framework).

Only responses the public can read are listed: published here, with a published version (a publication recorded
from an imported register has no public page, a draft or a response closed as not required has nothing to show).
`?body=<id>` narrows both to one body, as an office website embeds them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Max, Min, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_GET

from inspections.models import LocalPolicingBody
from responses.models import Response, Status


def public_responses(body: LocalPolicingBody | None = None) -> QuerySet[Response]:
    """The responses the public can read, newest report first, with their first and latest version's moments."""
    responses = (
        Response.objects.filter(published_on__isnull=False, slug__isnull=False, published_versions__isnull=False)
        .exclude(status=Status.NOT_REQUIRED)
        .exclude(not_required_reason__gt="")
        .annotate(
            first_published_at=Min("published_versions__published_at"),
            updated_at_latest=Max("published_versions__published_at"),
            latest_number=Max("published_versions__number"),
        )
        .select_related("inspection", "body")
        .order_by("-inspection__published_on", "-published_on", "id")
    )
    if body is not None:
        responses = responses.filter(body=body)
    return responses


def _body_of(request: HttpRequest) -> LocalPolicingBody | None:
    value = request.GET.get("body", "")
    if not value.isdigit():
        return None
    return LocalPolicingBody.objects.filter(pk=int(value)).first()


@dataclass(frozen=True)
class IndexRow:
    response: Response
    report_on: dt.date
    on_time: str

    @property
    def late(self) -> bool:
        return bool(self.response.days_late())


def on_time_text(response: Response) -> str:
    if response.statutory_last_day is None:
        return "No statutory deadline"
    late = response.days_late()
    if not late:
        return "On time"
    return f"{late} day{'s' if late != 1 else ''} late"


@require_GET
def published_index(request: HttpRequest) -> HttpResponse:
    body = _body_of(request)
    rows = [IndexRow(r, r.inspection.published_on, on_time_text(r)) for r in public_responses(body)]
    years = [(year, list(group)) for year, group in groupby(rows, key=lambda row: row.report_on.year)]
    many_bodies = body is None and len({row.response.body_id for row in rows}) > 1
    return render(
        request,
        "published/index.html",
        {"years": years, "current_body": body, "many_bodies": many_bodies, "count": len(rows)},
    )


class PublishedFeed(Feed):  # type: ignore[type-arg]
    """The published responses as Atom, newest first: one entry a response, updated when a correction is published."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> LocalPolicingBody | None:
        return _body_of(request)

    def title(self, obj: LocalPolicingBody | None) -> str:
        return f"Section 55 responses published by {obj.name}" if obj else "Published section 55 responses"

    def subtitle(self, obj: LocalPolicingBody | None) -> str:
        who = obj.name if obj else "local policing bodies"
        return f"Responses by {who} to HMICFRS inspection reports, under section 55 of the Police Act 1996."

    def link(self, obj: LocalPolicingBody | None) -> str:
        return reverse("published_index") + (f"?body={obj.pk}" if obj else "")

    def feed_url(self, obj: LocalPolicingBody | None) -> str:
        return reverse("published_feed") + (f"?body={obj.pk}" if obj else "")

    def author_name(self, obj: LocalPolicingBody | None) -> str:
        return obj.name if obj else "Section 55 Tracker"

    def items(self, obj: LocalPolicingBody | None) -> list[Response]:
        return sorted(public_responses(obj)[:100], key=lambda r: r.updated_at_latest, reverse=True)  # type: ignore[attr-defined]

    def item_title(self, item: Response) -> str:
        return f"{item.body.name}: response to {item.inspection.title}"

    def item_description(self, item: Response) -> str:
        text = (
            f"Report published on {item.inspection.published_on:%-d %B %Y}; response published on "
            f"{item.published_on:%-d %B %Y} ({on_time_text(item).lower()})."
        )
        if item.latest_number > 1:  # type: ignore[attr-defined]
            text += f" Updated: version {item.latest_number}."  # type: ignore[attr-defined]
        return text

    def item_link(self, item: Response) -> str:
        return reverse("published_response", args=[item.slug])

    def item_guid(self, item: Response) -> str:
        return f"{settings.SITE_URL}{reverse('published_response', args=[item.slug])}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Response) -> dt.datetime:
        return item.first_published_at  # type: ignore[attr-defined,no-any-return]

    def item_updateddate(self, item: Response) -> dt.datetime:
        return item.updated_at_latest  # type: ignore[attr-defined,no-any-return]

    def item_author_name(self, item: Response) -> str:
        return item.body.name
