"""The Panel report as a PDF: the page's figures, tables and charts on A4, laid out by WeasyPrint (as
responses/pdf.py lays out a response), a tagged PDF with its title and language set and page numbers. The charts are
the page's own SVG (reports/charts.py), given to WeasyPrint as `data:` images: nothing is fetched while rendering."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string

from reports import notes
from reports.charts import Chart
from reports.selectors import PanelReport


def panel_pdf(report: PanelReport, charts: dict[str, Chart], *, moment: dt.datetime) -> bytes:
    context = {"report": report, "charts": charts, "notes": notes, "moment": moment.replace(microsecond=0)}
    html = render_to_string("reports/panel_pdf.html", context)
    from weasyprint import HTML  # imported when a PDF is asked for: it takes a while, and most processes never do

    return HTML(string=html).write_pdf(pdf_tags=True)  # type: ignore[no-any-return]
