"""The public index /published/ (by year: date of report, report, response, published on, on time) and its Atom feed
/published/feed.atom, parsed with feedparser: only responses the public can read, never a draft or a response
closed as not required; the public pages' header does not link to the staff sign-in."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import feedparser
import pytest
from django.test import Client
from django.urls import reverse

from responses import services
from responses.models import Response
from tests.factories import BodyFactory, ForceFactory, approve, make_response

pytestmark = pytest.mark.django_db

D = dt.date


def _fresh(response: Response) -> Response:
    return Response.objects.get(pk=response.pk)


def _publish(response: Response, on: dt.date, *, late_reason: str = "") -> Response:
    services.response_update_comments(
        response=response, cc_comments="Welcomed.", body_comments="Ours.", response_to_cc=""
    )
    approve(_fresh(response))
    services.response_publish(response=_fresh(response), published_on=on, late_reason=late_reason)
    return _fresh(response)


@pytest.fixture
def world(steps: Any) -> dict[str, Any]:
    norfolk = BodyFactory(force=ForceFactory(name="Norfolk"), name="Norfolk Police and Crime Commissioner")
    suffolk = BodyFactory(force=ForceFactory(name="Suffolk"), name="Suffolk Police and Crime Commissioner")
    on_time = _publish(make_response(body=norfolk, title="PEEL 2024", published_on=D(2024, 9, 24)), D(2024, 11, 1))
    late = _publish(
        make_response(body=norfolk, title="Custody 2023", published_on=D(2023, 3, 1)),
        D(2023, 5, 1),
        late_reason="The comments came late.",
    )
    before_2017 = _publish(make_response(body=norfolk, title="Old report", published_on=D(2016, 6, 1)), D(2016, 7, 1))
    draft = make_response(body=norfolk, title="DRAFT-ONLY report", published_on=D(2024, 10, 1))
    not_required = make_response(body=norfolk, title="NOT-REQUIRED report", published_on=D(2024, 10, 2))
    services.response_close_not_required(response=not_required, reason="Clearly not the subject.")
    imported = make_response(body=norfolk, title="IMPORTED report", published_on=D(2022, 1, 10))
    services.response_record_published(response=imported, published_on=D(2022, 2, 1), reason="Our register")
    other = _publish(make_response(body=suffolk, title="Suffolk PEEL", published_on=D(2024, 9, 24)), D(2024, 11, 2))
    return {
        "norfolk": norfolk,
        "suffolk": suffolk,
        "on_time": on_time,
        "late": late,
        "before_2017": before_2017,
        "draft": draft,
        "other": other,
    }


def _rows(html: str) -> list[list[str]]:
    body = html[html.index("<main") : html.index("</main>")]
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', body, re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in rows
        if "<td" in row
    ]


def test_the_index_lists_the_bodys_published_responses_by_year(world: dict[str, Any]) -> None:
    norfolk = world["norfolk"]
    html = Client().get(reverse("published_index"), {"body": norfolk.pk}).content.decode()
    years = re.findall(r'<h2 class="govuk-heading-m" id="year-(\d+)">', html)
    assert years == ["2024", "2023", "2016"]
    assert _rows(html) == [
        ["24 September 2024", "PEEL 2024 (the HMICFRS report)", "Response to PEEL 2024", "1 November 2024", "On time"],
        ["1 March 2023", "Custody 2023 (the HMICFRS report)", "Response to Custody 2023", "1 May 2023", "6 days late"],
        [
            "1 June 2016",
            "Old report (the HMICFRS report)",
            "Response to Old report",
            "1 July 2016",
            "No statutory deadline",
        ],
    ]
    assert f'href="{reverse("published_response", args=[world["on_time"].slug])}"' in html
    assert 'href="https://hmicfrs.example/report"' in html
    for hidden in ("DRAFT-ONLY", "NOT-REQUIRED", "IMPORTED", "Suffolk PEEL"):
        assert hidden not in html


def test_without_a_body_every_bodys_responses_are_listed_with_who_published_them(world: dict[str, Any]) -> None:
    html = Client().get(reverse("published_index")).content.decode()
    assert "Published by" in html and "Suffolk PEEL" in html and "Norfolk Police and Crime Commissioner" in html
    assert "DRAFT-ONLY" not in html and "NOT-REQUIRED" not in html


def test_the_public_header_does_not_link_to_the_staff_sign_in(world: dict[str, Any]) -> None:
    for url in (
        reverse("published_index") + f"?body={world['norfolk'].pk}",
        reverse("published_response", args=[world["on_time"].slug]),
    ):
        html = Client().get(url).content.decode()
        header = html[html.index("<header") : html.index("</header>")]
        assert reverse("login") not in header and reverse("dashboard") + '"' not in header
        assert f'href="{reverse("published_index")}?body={world["norfolk"].pk}"' in header


def test_the_atom_feed_parses_and_lists_only_published_responses(world: dict[str, Any]) -> None:
    result = Client().get(reverse("published_feed"), {"body": world["norfolk"].pk})
    assert result["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(result.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Section 55 responses published by Norfolk Police and Crime Commissioner"
    titles = [entry.title for entry in feed.entries]
    assert sorted(titles) == sorted(
        f"Norfolk Police and Crime Commissioner: response to {title}"
        for title in ("PEEL 2024", "Custody 2023", "Old report")
    )
    links = {entry.link for entry in feed.entries}
    assert f"http://testserver{reverse('published_response', args=[world['late'].slug])}" in links
    late = next(entry for entry in feed.entries if "Custody 2023" in entry.title)
    assert "6 days late" in late.summary
    assert all(entry.updated for entry in feed.entries)


def test_a_correction_moves_the_response_up_the_feed_and_says_so(world: dict[str, Any]) -> None:
    late = world["late"]
    services.response_update_comments(
        response=_fresh(late), cc_comments="Welcomed.", body_comments="Ours, corrected.", response_to_cc=""
    )
    approve(_fresh(late))
    services.response_publish_correction(response=_fresh(late), reason="Our comments were corrected.")
    feed = feedparser.parse(Client().get(reverse("published_feed"), {"body": world["norfolk"].pk}).content)
    assert not feed.bozo
    assert "Custody 2023" in feed.entries[0].title and "Updated: version 2." in feed.entries[0].summary
    html = Client().get(reverse("published_index"), {"body": world["norfolk"].pk}).content.decode()
    assert "Response to Custody 2023 (updated)" in [row[2] for row in _rows(html)]


def test_an_unknown_or_nonsense_body_lists_every_body(world: dict[str, Any]) -> None:
    for value in ("999999", "x", "1 OR 1=1"):
        assert Client().get(reverse("published_index"), {"body": value}).status_code == 200
        feed = feedparser.parse(Client().get(reverse("published_feed"), {"body": value}).content)
        assert not feed.bozo and len(feed.entries) == 4
