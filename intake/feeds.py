"""Watched feeds: the inspectorate's RSS or Atom feeds of new publications, read for reports a body must answer.

`feeds_check` reads every active `WatchedFeed` (those named in `settings.INTAKE_FEEDS` are added first) once:

- fetched by `publication_page.fetch`, the fetcher of "Add an inspection" — https only, hosts in
  `INTAKE_ALLOWED_HOSTS`, its timeout and size cap — with a conditional GET (If-None-Match / If-Modified-Since from
  the last answer), so an unchanged feed costs a 304 and nothing is read;
- parsed by feedparser; each item's title, link, date and categories are read;
- an item is *relevant* to an active body when its title or categories name the body's force ("Norfolk", or
  "Norfolk Constabulary"), or say it is about all forces (a national or thematic report): it becomes a
  `SpottedReport` for that body, once per body and link, however often the feed repeats it or however many checks
  run at once;
- a feed that cannot be fetched or read is recorded on its row (when, why, how many times in a row) and tried again
  at the next check; it never stops the other feeds.

Nothing here creates an inspection: a spotted report waits on the "Spotted reports" page for a person to add it
(through "Add an inspection") or dismiss it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import feedparser
import httpx
from django.conf import settings
from django.utils import timezone

from inspections.models import LocalPolicingBody
from intake import services
from intake.models import WatchedFeed
from intake.publication_page import PageUnreadable, check_address, fetch

_ALL_FORCES = re.compile(
    r"\ball\s+(?:\d+\s+|the\s+)?(?:police\s+)?forces\b|\bnational\b|\bthematic\b|\bforces\s+in\s+england\s+and\s+wales\b",
    re.IGNORECASE,
)
_FORCE_SUFFIX = re.compile(r"\s+(?:police|constabulary|police\s+service)$", re.IGNORECASE)


@dataclass(frozen=True)
class FeedItem:
    title: str
    link: str
    published_on: dt.date | None
    categories: tuple[str, ...] = ()

    @property
    def words(self) -> str:
        return " ".join((self.title, *self.categories))


@dataclass
class FeedCheck:
    """One feed's outcome: `error` is empty when it was read (or had not changed)."""

    url: str
    items: int = 0
    spotted: int = 0
    not_modified: bool = False
    error: str = ""


@dataclass
class FeedsRun:
    checks: list[FeedCheck] = field(default_factory=list)

    @property
    def feeds(self) -> int:
        return len(self.checks)

    @property
    def failed(self) -> int:
        return sum(1 for check in self.checks if check.error)

    @property
    def spotted(self) -> int:
        return sum(check.spotted for check in self.checks)


class FeedUnreadable(Exception):
    """The feed was fetched but is not an RSS or Atom feed."""


def _day(entry: Any) -> dt.date | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    year, month, day, hour, minute, second = parsed[:6]
    moment = dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
    return timezone.localtime(moment).date()


def parse_feed(content: bytes) -> list[FeedItem]:
    """The items of an RSS or Atom feed, in the feed's order; an item without a link or a title is left out."""
    parsed = feedparser.parse(content)
    if parsed.get("bozo") and not parsed.entries:
        raise FeedUnreadable("The address did not give an RSS or Atom feed.")
    items = []
    for entry in parsed.entries:
        link = " ".join(str(entry.get("link") or "").split())
        title = " ".join(str(entry.get("title") or "").split())
        if not link or not title:
            continue
        categories = tuple(
            " ".join(str(tag.get("term") or tag.get("label") or "").split()) for tag in entry.get("tags") or []
        )
        items.append(FeedItem(title[:300], link[:500], _day(entry), tuple(c for c in categories if c)))
    return items


def force_named(words: str, force_name: str) -> bool:
    """Do `words` name the force ("Norfolk", "Norfolk Constabulary" both name Norfolk Constabulary)?"""
    stem = _FORCE_SUFFIX.sub("", force_name.strip())
    return bool(stem) and re.search(rf"(?<!\w){re.escape(stem)}(?!\w)", words, re.IGNORECASE) is not None


def relevant_bodies(item: FeedItem, bodies: Iterable[LocalPolicingBody]) -> list[tuple[LocalPolicingBody, bool]]:
    """(body, names its force) for each body the item concerns: its force named, or every force."""
    about_all = _ALL_FORCES.search(item.words) is not None
    found = []
    for body in bodies:
        named = force_named(item.words, body.force.name)
        if named or about_all:
            found.append((body, named))
    return found


def configured_feeds() -> list[WatchedFeed]:
    """The active watched feeds, after adding those named in INTAKE_FEEDS that are not recorded yet."""
    for url in settings.INTAKE_FEEDS:
        WatchedFeed.objects.get_or_create(url=url.strip()[:500])
    return list(WatchedFeed.objects.filter(active=True).order_by("pk"))


def check_feed(feed: WatchedFeed, *, bodies: Sequence[LocalPolicingBody]) -> FeedCheck:
    """Read one feed and record what it spotted and how the check went; never raises for a feed that fails."""
    result = FeedCheck(url=feed.url)
    headers = {}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        check_address(feed.url)
        fetched = fetch(feed.url, headers=headers)
        if fetched.status == httpx.codes.NOT_MODIFIED:
            result.not_modified = True
        else:
            items = parse_feed(fetched.content)
            result.items = len(items)
            result.spotted = services.spotted_reports_record(
                feed=feed, found=[(item, relevant_bodies(item, bodies)) for item in items]
            )
    except (PageUnreadable, FeedUnreadable) as error:
        result.error = str(error)
        services.watched_feed_record_check(feed=feed, error=result.error)
        return result
    except Exception as error:  # noqa: BLE001 (one feed's surprise must not stop the others; it is recorded)
        result.error = f"The feed could not be read ({type(error).__name__})."
        services.watched_feed_record_check(feed=feed, error=result.error)
        return result
    services.watched_feed_record_check(
        feed=feed,
        etag=fetched.etag or feed.etag,
        last_modified=fetched.last_modified or feed.last_modified,
    )
    return result


def feeds_check() -> FeedsRun:
    """Check every active watched feed once (see the module's docstring)."""
    bodies = list(LocalPolicingBody.objects.filter(active=True).select_related("force").order_by("pk"))
    run = FeedsRun()
    for feed in configured_feeds():
        run.checks.append(check_feed(feed, bodies=bodies))
    return run
