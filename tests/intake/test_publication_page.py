"""Reading a publication page: the facts in each of the layouts the page uses, and every way a fetch can fail,
against a local https server (no network beyond loopback)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from intake.publication_page import PageUnreadable, check_address, parse_publication_page, read_publication_page
from tests.intake.sites import http_site, https_site, publication_page


@pytest.fixture
def site(settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HTTPServer]:
    with https_site(settings, monkeypatch, tmp_path) as server:
        yield server


@pytest.mark.parametrize("layout", ["list", "paragraphs", "definitions"])
def test_every_fact_is_read_from_the_page_whatever_its_markup(layout: str) -> None:
    html = publication_page(
        types=("Child protection", "Joint"), forces=("Derbyshire", "Avon and Somerset"), layout=layout
    )

    page = parse_publication_page(html, url="https://hmicfrs.example/publications/derbyshire-jtai/")

    assert page.title == "Derbyshire – Joint targeted area inspection of the response to children at risk"
    assert page.published_on == "21 October 2022"
    assert page.publication_types == ["Child protection", "Joint"]
    assert page.forces == ["Derbyshire", "Avon and Somerset"]
    assert page.online_url == "https://hmicfrs.example/publications/derbyshire-jtai/report/"
    assert page.pdf_url == "https://hmicfrs.example/wp-content/uploads/derbyshire-jtai-2022.pdf"
    assert page.report_url == page.online_url


def test_the_site_menu_and_scripts_are_not_read_as_the_reports_facts() -> None:
    page = parse_publication_page(publication_page(pdf=None), url="https://hmicfrs.example/p/")

    assert page.publication_types == ["Child protection"]
    assert page.pdf_url == ""  # the menu's annual report is not this report's PDF


def test_a_page_without_an_online_report_gives_its_own_address_as_the_reports() -> None:
    page = parse_publication_page(publication_page(online=None), url="https://hmicfrs.example/p/")

    assert page.report_url == "https://hmicfrs.example/p/"


def test_names_written_as_text_are_split_at_commas_only() -> None:
    html = "<main><h1>A thematic</h1><p>Police Forces: Avon and Somerset, Devon and Cornwall</p></main>"

    assert parse_publication_page(html, url="https://x.example/").forces == ["Avon and Somerset", "Devon and Cornwall"]


def test_the_page_is_fetched_over_https_from_an_allowed_host_and_read(site: HTTPServer) -> None:
    site.expect_request("/publications/derbyshire-jtai/").respond_with_data(
        publication_page(), content_type="text/html; charset=utf-8"
    )

    page = read_publication_page(site.url_for("/publications/derbyshire-jtai/"))

    assert page.forces == ["Derbyshire"]
    assert page.pdf_url == site.url_for("/wp-content/uploads/derbyshire-jtai-2022.pdf")


def test_a_page_from_a_host_not_on_the_list_is_refused_without_being_fetched(site: HTTPServer) -> None:
    with pytest.raises(PageUnreadable, match=r"read only from localhost; 'example\.org' is not on that list"):
        read_publication_page("https://example.org/publications/derbyshire-jtai/")
    assert site.log == []


def test_the_inspectorates_host_is_the_only_one_allowed_by_default() -> None:
    check_address("https://hmicfrs.justiceinspectorates.gov.uk/publications/peel-2023-25-norfolk/")
    with pytest.raises(PageUnreadable, match="not on that list"):
        check_address("https://hmicfrs.justiceinspectorates.gov.uk.evil.example/publications/")


def test_a_page_over_plain_http_is_refused_even_from_an_allowed_host(settings: Any) -> None:
    settings.INTAKE_ALLOWED_HOSTS = ["localhost"]
    with http_site() as server:
        server.expect_request("/p/").respond_with_data(publication_page(), content_type="text/html")
        with pytest.raises(PageUnreadable, match="Only https addresses are read"):
            read_publication_page(server.url_for("/p/"))
        assert server.log == []


@pytest.mark.parametrize(
    "address", ["not an address", "https://user:secret@localhost/p/", "ftp://localhost/p/", "https://localhost:99999/"]
)
def test_an_address_that_is_not_an_allowed_https_one_is_refused_with_a_reason(settings: Any, address: str) -> None:
    settings.INTAKE_ALLOWED_HOSTS = ["localhost"]
    with pytest.raises(PageUnreadable):
        check_address(address)


def test_a_redirect_is_followed_within_the_allowed_hosts(site: HTTPServer) -> None:
    site.expect_request("/old/").respond_with_data("", status=301, headers={"Location": "/publications/new/"})
    site.expect_request("/publications/new/").respond_with_data(publication_page(), content_type="text/html")

    page = read_publication_page(site.url_for("/old/"))

    assert page.url == site.url_for("/publications/new/")
    assert page.title.startswith("Derbyshire")


def test_a_redirect_off_the_list_is_refused_and_not_followed(site: HTTPServer) -> None:
    site.expect_request("/old/").respond_with_data("", status=302, headers={"Location": "https://example.org/x/"})

    with pytest.raises(PageUnreadable, match=r"'example\.org' is not on that list"):
        read_publication_page(site.url_for("/old/"))


def test_endless_redirects_are_given_up(site: HTTPServer) -> None:
    site.expect_request("/loop/").respond_with_data("", status=302, headers={"Location": "/loop/"})

    with pytest.raises(PageUnreadable, match="redirected more than 5 times"):
        read_publication_page(site.url_for("/loop/"))


def test_a_404_says_the_site_answered_404(site: HTTPServer) -> None:
    site.expect_request("/gone/").respond_with_data("Not found", status=404)

    with pytest.raises(PageUnreadable, match=r"the site answered 404 \(Not Found\)"):
        read_publication_page(site.url_for("/gone/"))


def test_a_site_that_does_not_answer_in_time_is_given_up(site: HTTPServer, settings: Any) -> None:
    settings.INTAKE_FETCH_TIMEOUT_SECONDS = 0.3

    def slow(request: Request) -> Response:
        time.sleep(1.2)
        return Response(publication_page(), content_type="text/html")

    site.expect_request("/slow/").respond_with_handler(slow)

    with pytest.raises(PageUnreadable, match=r"did not answer within 0\.3 seconds"):
        read_publication_page(site.url_for("/slow/"))


def test_a_site_that_cannot_be_reached_says_so(settings: Any) -> None:
    settings.INTAKE_ALLOWED_HOSTS = ["localhost"]
    with http_site() as server:
        closed = server.url_for("/p/").replace("http://", "https://")
    with pytest.raises(PageUnreadable, match=r"The site could not be reached \(ConnectError\)"):
        read_publication_page(closed)


def test_an_over_large_page_that_declares_its_size_is_not_downloaded(site: HTTPServer) -> None:
    site.expect_request("/big/").respond_with_data(b"x" * 5_000_001, content_type="text/html")

    with pytest.raises(PageUnreadable, match="larger than 5 MB"):
        read_publication_page(site.url_for("/big/"))


def test_an_over_large_page_sent_without_its_size_is_cut_off_at_the_cap(site: HTTPServer) -> None:
    sent = []

    def endless(request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            for _ in range(400):  # 26 MB in all, if nothing stopped reading
                sent.append(1)
                yield b"<p>" + b"x" * 65_533

        return Response(chunks(), content_type="text/html")

    site.expect_request("/endless/").respond_with_handler(endless)

    with pytest.raises(PageUnreadable, match="larger than 5 MB, so it was not read"):
        read_publication_page(site.url_for("/endless/"))
    time.sleep(0.2)
    assert len(sent) < 200


def test_an_address_that_is_not_a_web_page_is_refused(site: HTTPServer) -> None:
    site.expect_request("/report.pdf").respond_with_data(b"%PDF-1.7", content_type="application/pdf")

    with pytest.raises(PageUnreadable, match=r"not a web page \(application/pdf\)"):
        read_publication_page(site.url_for("/report.pdf"))


def test_a_web_page_that_is_not_a_publication_page_is_refused(site: HTTPServer) -> None:
    site.expect_request("/").respond_with_data("<html><body><p>Welcome</p></body></html>", content_type="text/html")

    with pytest.raises(PageUnreadable, match="does not look like a publication page"):
        read_publication_page(site.url_for("/"))
