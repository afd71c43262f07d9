"""Read an inspection's facts from the inspectorate's publication page.

The page states them in a fixed form: the title as its heading, then "Published on: 21 October 2022",
"Publication types: Child protection", "Police Forces: Derbyshire", and links to the report online and as a PDF.
`read_publication_page` fetches the page and returns what it found; anything it did not find is left empty for the
person checking the form to fill in. It never guesses.

What is fetched, and from where (`fetch`):

- https only, from a host in `settings.INTAKE_ALLOWED_HOSTS` (the inspectorate's, unless configured otherwise);
- a redirect is followed only to another such address, at most `MAX_REDIRECTS` times;
- at most `settings.INTAKE_MAX_PAGE_BYTES`, within `settings.INTAKE_FETCH_TIMEOUT_SECONDS`.

Every way of failing raises `PageUnreadable`, whose message is written for the person who pasted the address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
from bs4 import BeautifulSoup, Tag
from django.conf import settings

MAX_REDIRECTS = 5
USER_AGENT = "Section55Tracker (reads HMICFRS publication pages)"

_LABELS = {
    "published_on": re.compile(r"^\s*published\s+on\s*:?\s*", re.IGNORECASE),
    "publication_types": re.compile(r"^\s*publication\s+types?\s*:?\s*", re.IGNORECASE),
    "forces": re.compile(r"^\s*police\s+forces?\s*:?\s*", re.IGNORECASE),
}
_ONLINE = re.compile(r"\b(read|view)\b.*\bonline\b|\bonline\b.*\b(report|version)\b|\bhtml version\b", re.IGNORECASE)
_TITLE_SUFFIX = re.compile(r"\s+[-–|]\s+(HMICFRS|His Majesty.s Inspectorate.*)$", re.IGNORECASE)


class PageUnreadable(Exception):
    """The page could not be fetched or read; the message says why, for the person who gave its address."""


@dataclass
class PublicationPage:
    """What a publication page says; a fact it does not state is empty."""

    url: str
    title: str = ""
    published_on: str = ""  # as written on the page, e.g. "21 October 2022": the form reads it
    publication_types: list[str] = field(default_factory=list)
    forces: list[str] = field(default_factory=list)
    online_url: str = ""
    pdf_url: str = ""

    @property
    def report_url(self) -> str:
        """The report's address: the online report where the page links to one, else the page itself."""
        return self.online_url or self.url


@dataclass
class Fetched:
    url: str  # after any redirects
    content: bytes
    content_type: str
    charset: str | None
    status: int = httpx.codes.OK  # or NOT_MODIFIED, for a conditional GET that found nothing new
    etag: str = ""
    last_modified: str = ""


def allowed_hosts() -> list[str]:
    return [host.strip().lower() for host in settings.INTAKE_ALLOWED_HOSTS if host.strip()]


def check_address(url: str) -> None:
    """Refuse an address that is not https on an allowed host, saying which hosts are allowed."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        raise PageUnreadable(f"'{url:.80}' is not a web address.") from None
    if parts.scheme.lower() != "https":
        raise PageUnreadable(f"Only https addresses are read; '{url:.80}' is not one.")
    if parts.username or parts.password:
        raise PageUnreadable("An address with a user name or password in it is not read.")
    hosts = allowed_hosts()
    if host not in hosts:
        raise PageUnreadable(
            f"Pages are read only from {', '.join(hosts) or 'no host (none is configured)'}; "
            f"'{host or url:.80}' is not on that list."
        )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB"


def fetch(url: str, *, headers: dict[str, str] | None = None) -> Fetched:
    """GET `url` within the limits in the module's docstring; raise PageUnreadable otherwise.

    `headers` are sent as well: a feed's conditional GET sends If-None-Match and If-Modified-Since, and a 304 answer
    comes back as a Fetched with that status and no content.
    """
    limit = settings.INTAKE_MAX_PAGE_BYTES
    current = url.strip()
    with httpx.Client(
        timeout=settings.INTAKE_FETCH_TIMEOUT_SECONDS,
        follow_redirects=False,
        headers={**(headers or {}), "User-Agent": USER_AGENT},
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_address(current)
            try:
                with client.stream("GET", current) as response:
                    if response.status_code == httpx.codes.NOT_MODIFIED and headers:
                        return Fetched(
                            url=current,
                            content=b"",
                            content_type="",
                            charset=None,
                            status=response.status_code,
                            etag=response.headers.get("etag", ""),
                            last_modified=response.headers.get("last-modified", ""),
                        )
                    if response.has_redirect_location:
                        location = response.headers.get("location", "")
                        current = urljoin(current, location)
                        continue
                    if response.status_code != httpx.codes.OK:
                        raise PageUnreadable(
                            f"The page could not be read: the site answered {response.status_code} "
                            f"({httpx.codes.get_reason_phrase(response.status_code) or 'an error'}). Check the address."
                        )
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > limit:
                        raise PageUnreadable(f"The page is larger than {_megabytes(limit)}, so it was not read.")
                    content = bytearray()
                    for chunk in response.iter_bytes():
                        content += chunk
                        if len(content) > limit:
                            raise PageUnreadable(f"The page is larger than {_megabytes(limit)}, so it was not read.")
                    return Fetched(
                        url=current,
                        content=bytes(content),
                        content_type=response.headers.get("content-type", ""),
                        charset=response.charset_encoding,
                        etag=response.headers.get("etag", ""),
                        last_modified=response.headers.get("last-modified", ""),
                    )
            except httpx.TimeoutException:
                raise PageUnreadable(
                    f"The site did not answer within {settings.INTAKE_FETCH_TIMEOUT_SECONDS:g} seconds. "
                    "Try again later, or fill in the form by hand."
                ) from None
            except (httpx.HTTPError, httpx.InvalidURL) as error:
                raise PageUnreadable(
                    f"The site could not be reached ({type(error).__name__}). Check the address, or try again later."
                ) from None
    raise PageUnreadable(f"The page redirected more than {MAX_REDIRECTS} times, so it was not read.")


# --- reading the page ---------------------------------------------------------------------------------------------
def _text(element: Tag) -> str:
    return " ".join(element.get_text(" ").split())


def _labelled(soup: Tag, label: re.Pattern[str]) -> Tag | None:
    """The smallest element whose text starts with `label` ("Published on:"), or None."""
    found: Tag | None = None
    for element in soup.find_all(string=label):
        parent = element.parent
        # The label may be a <strong> or <dt> of its own: the value is then in the enclosing element or the next.
        while isinstance(parent, Tag) and parent.name in ("strong", "b", "span", "em", "label"):
            if parent.parent is None:
                break
            parent = parent.parent
        if isinstance(parent, Tag):
            found = parent
            break
    return found


def _value_element(holder: Tag, label: re.Pattern[str]) -> tuple[Tag, str]:
    """The element holding a label's value and its text: the holder itself, or (for <dt>/<th> and a label alone in
    its element) the next element."""
    text = label.sub("", _text(holder), count=1).strip()
    if text:
        return holder, text
    sibling = holder.find_next_sibling()
    if isinstance(sibling, Tag):
        return sibling, _text(sibling)
    return holder, ""


def _names(holder: Tag, label: re.Pattern[str]) -> list[str]:
    element, text = _value_element(holder, label)
    links = [_text(a) for a in element.find_all("a") if _text(a)]
    names = links or [part.strip() for part in re.split(r"[,;]", text)]
    return list(dict.fromkeys(name.strip(" .") for name in names if name.strip(" .")))


def _title(soup: BeautifulSoup, content: Tag) -> str:
    heading = content.find("h1") or soup.find("h1")
    if isinstance(heading, Tag) and _text(heading):
        return _text(heading)
    meta = soup.find("meta", attrs={"property": "og:title"})
    if isinstance(meta, Tag) and str(meta.get("content") or "").strip():
        return " ".join(str(meta["content"]).split())
    if soup.title and soup.title.string:
        return _TITLE_SUFFIX.sub("", " ".join(soup.title.string.split()))
    return ""


def _links(soup: Tag, base: str) -> tuple[str, str]:
    """(online report, PDF) addresses, absolute; each empty when the page has none."""
    online = pdf = ""
    for anchor in soup.find_all("a", href=True):
        href = urljoin(base, str(anchor["href"]).strip())
        if urlsplit(href).scheme not in ("http", "https"):
            continue
        if not pdf and urlsplit(href).path.lower().endswith(".pdf"):
            pdf = href
        elif not online and _ONLINE.search(_text(anchor)):
            online = href
    return online, pdf


def parse_publication_page(html: bytes | str, *, url: str, charset: str | None = None) -> PublicationPage:
    """Read the facts out of a publication page's HTML (see the module's docstring)."""
    soup = BeautifulSoup(html, "html.parser", from_encoding=charset if isinstance(html, bytes) else None)
    for unwanted in soup(["script", "style", "noscript", "template"]):
        unwanted.decompose()
    # The page's own content, where it marks it: a site menu or search filter may name "Publication types" too.
    main = soup.find("main") or soup.find("article")
    content: Tag = main if isinstance(main, Tag) else soup
    page = PublicationPage(url=url, title=_title(soup, content)[:300])
    holder = _labelled(content, _LABELS["published_on"])
    if holder is not None:
        page.published_on = _value_element(holder, _LABELS["published_on"])[1][:40]
    holder = _labelled(content, _LABELS["publication_types"])
    if holder is not None:
        page.publication_types = _names(holder, _LABELS["publication_types"])
    holder = _labelled(content, _LABELS["forces"])
    if holder is not None:
        page.forces = _names(holder, _LABELS["forces"])
    page.online_url, page.pdf_url = _links(content, url)
    return page


def read_publication_page(url: str) -> PublicationPage:
    """Fetch the page at `url` and read it; raise PageUnreadable with the reason when either fails."""
    fetched = fetch(url)
    if fetched.content_type and "html" not in fetched.content_type.lower():
        kind = fetched.content_type.split(";")[0].strip()
        raise PageUnreadable(
            f"That address is not a web page ({kind}). Paste the address of the report's publication page."
        )
    page = parse_publication_page(fetched.content, url=fetched.url, charset=fetched.charset)
    if not (page.title or page.published_on or page.forces):
        raise PageUnreadable(
            "The page was fetched, but it does not look like a publication page: it has no title, publication date "
            "or forces. Fill in the form by hand."
        )
    return page
