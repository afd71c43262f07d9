"""A response as a PDF: the public page's content (templates/published/includes/document.html) laid out for paper
by WeasyPrint, as a tagged PDF with its title and language set, headings as bookmarks, page numbers, and the
report's address written out. A draft says "DRAFT — not published" at the top and foot of every page and in its
title. The same document gives the same bytes (its date is the version's, not the clock's)."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable

from django.template.loader import render_to_string

from responses.docx import DRAFT_MARK
from responses.snapshot import PublicDocument

# WeasyPrint embeds font subsets that fontTools saves with the clock's second in their `head` table: the same
# document rendered a second later would differ. While a PDF is written, the fonts carry its moment instead.
_FONT_MOMENT: contextvars.ContextVar[int | None] = contextvars.ContextVar("font_moment", default=None)


def _fix_font_timestamps() -> None:
    from fontTools.misc.timeTools import timestampSinceEpoch
    from fontTools.ttLib.tables import _h_e_a_d

    original: Callable[[], int] = getattr(_h_e_a_d, "_s55_original_timestamp_now", _h_e_a_d.timestampNow)

    def timestamp_now() -> int:
        moment = _FONT_MOMENT.get()
        return original() if moment is None else timestampSinceEpoch(moment)

    _h_e_a_d._s55_original_timestamp_now = original  # type: ignore[attr-defined]
    _h_e_a_d.timestampNow = timestamp_now


def response_pdf(document: PublicDocument, *, public_url: str = "", moment: dt.datetime | None = None) -> bytes:
    moment = (moment or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    html = render_to_string(
        "published/document_pdf.html",
        {
            "pub": document,
            "public_url": public_url,
            "draft_mark": DRAFT_MARK,
            "moment": moment,
        },
    )
    return html_to_pdf(html, moment=moment)


def html_to_pdf(html: str, *, moment: dt.datetime) -> bytes:
    """A tagged PDF of a standalone page (it loads nothing), its embedded fonts dated `moment`."""
    from weasyprint import HTML  # imported when a PDF is asked for: it takes a while, and most processes never do

    _fix_font_timestamps()
    token = _FONT_MOMENT.set(int(moment.timestamp()))
    try:
        # No base URL: the template loads nothing (no images, no stylesheets), so nothing is fetched while rendering.
        return HTML(string=html).write_pdf(pdf_tags=True)  # type: ignore[no-any-return]
    finally:
        _FONT_MOMENT.reset(token)
