"""Test helpers for intake's web reading: an https server on loopback that the app trusts, and publication pages
written in the inspectorate's layout (the facts as "Published on: …" lines, links to the report online and as a PDF).

No test reaches beyond 127.0.0.1: the server is pytest-httpserver's, with a certificate from a throwaway trustme
authority that httpx trusts through SSL_CERT_FILE, and "localhost" is the only allowed host.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape
from pathlib import Path
from typing import Any

import pytest
import trustme
from pytest_httpserver import HTTPServer


@contextmanager
def https_site(settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HTTPServer]:
    authority = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    ca_file = tmp_path / "test-ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    settings.INTAKE_ALLOWED_HOSTS = ["localhost"]
    server = HTTPServer(host="localhost", port=0, ssl_context=context)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        if server.is_running():
            server.stop()


@contextmanager
def http_site() -> Iterator[HTTPServer]:
    server = HTTPServer(host="localhost", port=0)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        server.stop()


def publication_page(
    *,
    title: str = "Derbyshire – Joint targeted area inspection of the response to children at risk",
    published: str = "21 October 2022",
    types: tuple[str, ...] = ("Child protection",),
    forces: tuple[str, ...] = ("Derbyshire",),
    online: str | None = "/publications/derbyshire-jtai/report/",
    pdf: str | None = "/wp-content/uploads/derbyshire-jtai-2022.pdf",
    layout: str = "list",
) -> str:
    """A publication page in the inspectorate's layout; `layout` is how the facts are marked up: "list" (a list
    with the labels in <strong>), "paragraphs" (one <p> each) or "definitions" (a <dl>)."""

    def links(names: tuple[str, ...], path: str) -> str:
        return ", ".join(f'<a href="/{path}/{escape(n.lower())}/">{escape(n)}</a>' for n in names)

    facts = [
        ("Published on:", escape(published)),
        ("Publication types:", links(types, "publication-types")),
        ("Police Forces:", links(forces, "police-forces")),
    ]
    if layout == "list":
        block = (
            "<ul class='publication-meta'>"
            + "".join(f"<li><strong>{label}</strong> {value}</li>" for label, value in facts)
            + "</ul>"
        )
    elif layout == "paragraphs":
        block = "".join(f"<p>{label} {value}</p>" for label, value in facts)
    else:
        block = "<dl>" + "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in facts) + "</dl>"
    buttons = ""
    if online:
        buttons += f'<a class="button" href="{online}">Read the report online</a>'
    if pdf:
        buttons += f'<a class="button" href="{pdf}">Download the report (PDF, 1.2 MB)</a>'
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)} - HMICFRS</title>
<script>var publicationTypes = "Publication types: not this";</script></head>
<body>
<nav class="site-search"><h2>Filter</h2>
<p>Publication types: <a href="/t/peel/">PEEL</a>, <a href="/t/x/">Thematic</a></p>
<a href="/about/annual-report.pdf">Our annual report</a></nav>
<main id="main">
<article>
<h1 class="entry-title">{escape(title)}</h1>
{block}
<div class="summary"><p>This report sets out what we found when we inspected the service.</p></div>
<div class="actions">{buttons}</div>
</article>
</main>
</body></html>"""
