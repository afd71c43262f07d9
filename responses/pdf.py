"""A response as a PDF: the public page's content (templates/published/includes/document.html) laid out for paper
by WeasyPrint, as a tagged PDF with its title and language set, headings as bookmarks, page numbers, and the
report's address written out. A draft says "DRAFT — not published" at the top and foot of every page and in its
title. The same document gives the same bytes (its date is the version's, not the clock's)."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string

from responses.docx import DRAFT_MARK
from responses.snapshot import PublicDocument


def response_pdf(document: PublicDocument, *, public_url: str = "", moment: dt.datetime | None = None) -> bytes:
    html = render_to_string(
        "published/document_pdf.html",
        {
            "pub": document,
            "public_url": public_url,
            "draft_mark": DRAFT_MARK,
            "moment": (moment or dt.datetime.now(dt.UTC)).replace(microsecond=0),
        },
    )
    from weasyprint import HTML  # imported when a PDF is asked for: it takes a while, and most processes never do

    # No base URL: the template loads nothing (no images, no stylesheets), so nothing is fetched while rendering.
    return HTML(string=html).write_pdf(pdf_tags=True)  # type: ignore[no-any-return]
