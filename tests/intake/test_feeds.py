"""Watched feeds (`intake.feeds`, `check_feeds`): RSS and Atom feeds written for these tests, served over https on
loopback by pytest-httpserver; each relevant item becomes one spotted report per body, once, and a feed that fails is
recorded without stopping the others."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.module_loading import import_string
from django_q.models import Schedule
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from inspections.models import Force
from intake.feeds import FeedItem, feeds_check, force_named, parse_feed, relevant_bodies
from intake.models import SpottedReport, SpottedStatus, WatchedFeed
from intake.schedules import SCHEDULE_NAME, ensure_feeds_schedule
from tests.factories import BodyFactory, ForceFactory
from tests.intake.sites import https_site

pytestmark = pytest.mark.django_db

Item = tuple[str, str, str, tuple[str, ...]]  # title, path, RFC 822 date, categories


def rss(items: list[Item], base: str) -> str:
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>{base}{path}</link><pubDate>{date}</pubDate>"
        + "".join(f"<category>{escape(c)}</category>" for c in categories)
        + "</item>"
        for title, path, date, categories in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Publications</title>'
        f"<link>{base}/</link><description>New publications</description>{entries}</channel></rss>"
    )


def atom(items: list[Item], base: str) -> str:
    entries = "".join(
        f'<entry><title>{escape(title)}</title><link href="{base}{path}"/><id>{base}{path}</id>'
        f"<updated>{date}</updated>" + "".join(f'<category term="{escape(c)}"/>' for c in categories) + "</entry>"
        for title, path, date, categories in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>News</title>'
        f"<id>{base}/feed</id><updated>2026-11-30T09:00:00Z</updated>{entries}</feed>"
    )


NORFOLK_PEEL: Item = (
    "PEEL 2025–27: Police effectiveness, efficiency and legitimacy – Norfolk Constabulary",
    "/publications/peel-norfolk/",
    "Mon, 30 Nov 2026 09:00:00 +0000",
    ("PEEL",),
)
THEMATIC: Item = (
    "An inspection of vetting in all police forces in England and Wales",
    "/publications/vetting-thematic/",
    "Fri, 27 Nov 2026 10:30:00 +0000",
    ("Thematic",),
)
SUFFOLK: Item = (
    "PEEL 2025–27: Suffolk Constabulary",
    "/publications/peel-suffolk/",
    "Thu, 26 Nov 2026 09:00:00 +0000",
    ("PEEL",),
)
BY_CATEGORY: Item = (
    "Joint targeted area inspection: children at risk",
    "/publications/jtai-norwich/",
    "Wed, 25 Nov 2026 09:00:00 +0000",
    ("Child protection", "Norfolk"),
)


@pytest.fixture
def site(settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HTTPServer]:
    with https_site(settings, monkeypatch, tmp_path) as server:
        yield server


@pytest.fixture
def norfolk() -> Force:
    return BodyFactory(force=ForceFactory(name="Norfolk")).force


@pytest.fixture
def suffolk() -> Force:
    return BodyFactory(force=ForceFactory(name="Suffolk")).force


def watch(settings: Any, *urls: str) -> None:
    settings.INTAKE_FEEDS = list(urls)


def test_items_naming_the_force_or_all_forces_become_spotted_reports_and_others_do_not(
    site: HTTPServer, settings: Any, norfolk: Force
) -> None:
    base = site.url_for("").rstrip("/")
    site.expect_request("/feed.xml").respond_with_data(
        rss([NORFOLK_PEEL, THEMATIC, SUFFOLK, BY_CATEGORY], base), content_type="application/rss+xml"
    )
    watch(settings, site.url_for("/feed.xml"))

    run = feeds_check()

    assert (run.feeds, run.failed, run.spotted) == (1, 0, 3)
    spotted = {
        (s.title, s.link, s.published_on, s.names_force, s.status)
        for s in SpottedReport.objects.filter(body__force=norfolk)
    }
    assert spotted == {
        (NORFOLK_PEEL[0], base + NORFOLK_PEEL[1], dt.date(2026, 11, 30), True, SpottedStatus.NEW),
        (THEMATIC[0], base + THEMATIC[1], dt.date(2026, 11, 27), False, SpottedStatus.NEW),
        (BY_CATEGORY[0], base + BY_CATEGORY[1], dt.date(2026, 11, 25), True, SpottedStatus.NEW),
    }
    assert SpottedReport.objects.count() == 3  # Suffolk's report concerns no active body here


def test_each_body_gets_its_own_spotted_report_and_an_inactive_body_none(
    site: HTTPServer, settings: Any, norfolk: Force, suffolk: Force
) -> None:
    BodyFactory(force=ForceFactory(name="Essex"), active=False)
    base = site.url_for("").rstrip("/")
    site.expect_request("/feed.xml").respond_with_data(rss([THEMATIC, SUFFOLK], base))
    watch(settings, site.url_for("/feed.xml"))

    feeds_check()

    assert sorted(SpottedReport.objects.values_list("body__force__name", "title")) == [
        ("Norfolk", THEMATIC[0]),
        ("Suffolk", THEMATIC[0]),
        ("Suffolk", SUFFOLK[0]),
    ]


def test_a_repeated_item_and_a_second_check_spot_nothing_new(site: HTTPServer, settings: Any, norfolk: Force) -> None:
    base = site.url_for("").rstrip("/")
    site.expect_request("/feed.xml").respond_with_data(rss([NORFOLK_PEEL, NORFOLK_PEEL], base))
    site.expect_request("/news.atom").respond_with_data(atom([_atom(NORFOLK_PEEL)], base))
    watch(settings, site.url_for("/feed.xml"), site.url_for("/news.atom"))

    first = feeds_check()
    second = feeds_check()

    assert (first.spotted, second.spotted) == (1, 0)
    assert SpottedReport.objects.get().link == base + NORFOLK_PEEL[1]


def _atom(item: Item) -> Item:
    title, path, _, categories = item
    return (title, path, "2026-11-30T09:00:00Z", categories)


def test_a_dismissed_report_is_not_spotted_again(site: HTTPServer, settings: Any, norfolk: Force) -> None:
    base = site.url_for("").rstrip("/")
    site.expect_request("/feed.xml").respond_with_data(rss([NORFOLK_PEEL], base))
    watch(settings, site.url_for("/feed.xml"))
    feeds_check()
    SpottedReport.objects.update(status=SpottedStatus.DISMISSED, dismissed_reason="A duplicate")

    assert feeds_check().spotted == 0
    assert SpottedReport.objects.get().status == SpottedStatus.DISMISSED


def test_the_next_check_is_conditional_and_an_unchanged_feed_is_not_read_again(
    site: HTTPServer, settings: Any, norfolk: Force
) -> None:
    base = site.url_for("").rstrip("/")
    seen: list[dict[str, str | None]] = []

    def answer(request: Request) -> Response:
        seen.append({"etag": request.headers.get("If-None-Match"), "since": request.headers.get("If-Modified-Since")})
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(
            rss([NORFOLK_PEEL], base),
            content_type="application/rss+xml",
            headers={"ETag": '"v1"', "Last-Modified": "Mon, 30 Nov 2026 09:00:00 GMT"},
        )

    site.expect_request("/feed.xml").respond_with_handler(answer)
    watch(settings, site.url_for("/feed.xml"))

    feeds_check()
    second = feeds_check()

    assert seen == [{"etag": None, "since": None}, {"etag": '"v1"', "since": "Mon, 30 Nov 2026 09:00:00 GMT"}]
    assert second.checks[0].not_modified and second.spotted == 0
    feed = WatchedFeed.objects.get()
    assert (feed.etag, feed.failures, feed.last_error) == ('"v1"', 0, "")


def test_a_broken_feed_is_recorded_and_the_others_are_still_read(
    site: HTTPServer, settings: Any, norfolk: Force
) -> None:
    base = site.url_for("").rstrip("/")
    site.expect_request("/gone.xml").respond_with_data("Not here", status=404)
    site.expect_request("/junk.xml").respond_with_data("<html><body>Not a feed", content_type="text/html")
    site.expect_request("/feed.xml").respond_with_data(rss([NORFOLK_PEEL], base))
    watch(
        settings,
        site.url_for("/gone.xml"),
        site.url_for("/junk.xml"),
        "https://news.example.org/feed.xml",
        site.url_for("/feed.xml"),
    )

    run = feeds_check()
    feeds_check()

    assert (run.feeds, run.failed, run.spotted) == (4, 3, 1)
    errors = dict(WatchedFeed.objects.values_list("url", "last_error"))
    assert "answered 404" in errors[site.url_for("/gone.xml")]
    assert "not give an RSS or Atom feed" in errors[site.url_for("/junk.xml")]
    assert "news.example.org" in errors["https://news.example.org/feed.xml"]
    assert errors[site.url_for("/feed.xml")] == ""
    assert WatchedFeed.objects.get(url=site.url_for("/gone.xml")).failures == 2


def test_a_feed_that_does_not_answer_in_time_is_recorded(site: HTTPServer, settings: Any, norfolk: Force) -> None:
    import time

    def slow(request: Request) -> Response:
        time.sleep(1)
        return Response("late")

    settings.INTAKE_FETCH_TIMEOUT_SECONDS = 0.2
    site.expect_request("/slow.xml").respond_with_handler(slow)
    watch(settings, site.url_for("/slow.xml"))

    run = feeds_check()

    assert run.failed == 1
    assert "did not answer within 0.2 seconds" in WatchedFeed.objects.get().last_error


def test_an_inactive_feed_is_not_read(site: HTTPServer, settings: Any, norfolk: Force) -> None:
    WatchedFeed.objects.create(url=site.url_for("/feed.xml"), active=False)

    assert feeds_check().feeds == 0
    assert len(site.log) == 0


def test_the_command_reports_each_feed_and_can_fail_on_error(site: HTTPServer, settings: Any, norfolk: Force) -> None:
    base = site.url_for("").rstrip("/")
    site.expect_request("/feed.xml").respond_with_data(rss([NORFOLK_PEEL, THEMATIC], base))
    site.expect_request("/gone.xml").respond_with_data("", status=500)
    watch(settings, site.url_for("/feed.xml"), site.url_for("/gone.xml"))
    out, err = io.StringIO(), io.StringIO()

    call_command("check_feeds", stdout=out, stderr=err)

    assert f"{site.url_for('/feed.xml')}: 2 item(s), 2 new spotted report(s)" in out.getvalue()
    assert "2 feed(s) checked, 1 failed, 2 new spotted report(s)." in out.getvalue()
    assert f"{site.url_for('/gone.xml')}: failed:" in err.getvalue()
    with pytest.raises(CommandError, match="1 failed"):
        call_command("check_feeds", "--fail-on-error", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_schedule_is_kept_once_and_calls_the_feeds_task(site: HTTPServer, settings: Any, norfolk: Force) -> None:
    import ast

    base = site.url_for("").rstrip("/")
    site.expect_request("/feed.xml").respond_with_data(rss([NORFOLK_PEEL], base))
    watch(settings, site.url_for("/feed.xml"))
    Schedule.objects.filter(name=SCHEDULE_NAME).delete()
    first = ensure_feeds_schedule()
    settings.INTAKE_FEED_MINUTES = 30
    assert ensure_feeds_schedule().pk == first.pk
    schedule = Schedule.objects.get(name=SCHEDULE_NAME)
    assert schedule.minutes == 30

    import_string(schedule.func)(*ast.literal_eval(schedule.args))

    assert SpottedReport.objects.get().title == NORFOLK_PEEL[0]


# --- reading and matching, without a server --------------------------------------------------------------------
def test_a_force_is_named_with_or_without_its_suffix_and_not_inside_another_word() -> None:
    assert force_named("PEEL 2025: Norfolk Constabulary", "Norfolk")
    assert force_named("PEEL 2025: Norfolk", "Norfolk Constabulary")
    assert not force_named("PEEL 2025: Norfolkshire", "Norfolk")
    assert not force_named("PEEL 2025: North Yorkshire Police", "West Yorkshire Police")


def test_relevance_reads_the_categories_as_well_as_the_title(norfolk: Force) -> None:
    body = norfolk.bodies.get()
    item = FeedItem("A joint inspection", "https://x.example/j/", None, ("Norfolk",))

    assert relevant_bodies(item, [body]) == [(body, True)]
    assert relevant_bodies(FeedItem("Annual report", "https://x.example/a/", None), [body]) == []


def test_items_without_a_link_or_title_are_left_out() -> None:
    feed = rss([("", "/a/", "Mon, 30 Nov 2026 09:00:00 +0000", ())], "https://x.example") + ""
    assert parse_feed(feed.encode()) == []
