"""The report's charts: SVG drawn on the server by pygal, made inert, for an <img> (or WeasyPrint) to show.

Each chart is a picture of a table printed beside it, so nothing is known only from the picture. pygal writes a
<script> (its tooltips' configuration) and comments with a random id and the date into its SVG; `inert_svg` removes
every script, comment, event attribute and outside link, so the same figures give the same picture, and the page
shows it as an image (`data:` address, which the Content-Security-Policy's img-src allows), where nothing in it could
run anyway.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pygal
from lxml import etree
from pygal.style import Style

from reports.selectors import PanelReport

# GOV.UK's palette: blue, red, orange and green, as the pages use them; text in GOV.UK black.
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#0b0c0c",
    foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f",
    colors=("#1d70b8", "#d4351c", "#f47738", "#00703c", "#4c2c92", "#505a5f"),
    font_family="Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif",
    title_font_size=18,
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=14,
    value_font_size=14,
)
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
SVG_ID = re.compile(r"chart-[0-9a-f-]{36}")


@dataclass(frozen=True)
class Chart:
    title: str
    description: str  # the img's alt text: what it shows, and where the same figures are
    svg: str

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode("ascii")


def inert_svg(svg: str) -> str:
    """`svg` without scripts, comments, event handlers or links out, its random id replaced by a fixed one."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True)
    root = etree.fromstring(svg.encode(), parser)
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        if local in ("script", "foreignObject"):
            element.getparent().remove(element)
            continue
        for name in list(element.attrib):
            handler = etree.QName(name).localname.lower().startswith("on")
            link_out = name in (XLINK_HREF, "href") and not element.attrib[name].startswith("#")
            if handler or link_out:
                del element.attrib[name]
    return SVG_ID.sub("chart", etree.tostring(root, encoding="unicode"))


def bar_chart(
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | float | None]]],
    stacked: bool = False,
    horizontal: bool = False,
) -> Chart:
    kind = {
        (False, False): pygal.Bar,
        (True, False): pygal.StackedBar,
        (False, True): pygal.HorizontalBar,
        (True, True): pygal.HorizontalStackedBar,
    }[(stacked, horizontal)]
    chart = kind(
        style=STYLE,
        js=[],
        disable_xml_declaration=True,
        width=720,
        height=400,
        legend_at_bottom=True,
        print_values=False,
        show_y_guides=True,
        min_scale=1,
        max_scale=10,
        y_labels_major_every=None,
        value_formatter=lambda value: f"{value:g}",
        no_data_text="No data in this period",
    )
    chart.title = title
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    return Chart(title=title, description=description, svg=inert_svg(chart.render(is_unicode=True)))


def panel_charts(report: PanelReport) -> dict[str, Chart]:
    """The report's four pictures, each of the table beside it."""
    years = report.years
    labels = [row.label for row in years]
    actions = report.actions
    return {
        "received": bar_chart(
            title="Reports received and responses published, by year of the report",
            description="Bar chart of reports received and responses published each year; the table beside it "
            "gives the same figures.",
            labels=labels,
            series=[
                ("Reports received", [row.received for row in years]),
                ("Responses published", [row.published for row in years]),
            ],
        ),
        "on_time": bar_chart(
            title="Responses on time, late and overdue, by year of the report",
            description="Stacked bar chart of responses published on time, published late and overdue each year; "
            "the table beside it gives the same figures.",
            labels=labels,
            series=[
                ("On time", [row.on_time for row in years]),
                ("Late", [row.late for row in years]),
                ("Overdue, not published", [row.overdue for row in years]),
            ],
            stacked=True,
        ),
        "days": bar_chart(
            title="Days from report to response, by year of the report",
            description="Bar chart of the median and the longest number of days from report to response each "
            "year; the table beside it gives the same figures.",
            labels=labels,
            series=[
                ("Median days", [row.median_days for row in years]),
                ("Longest", [row.worst_days for row in years]),
            ],
        ),
        "actions": bar_chart(
            title="Open actions by RAG rating",
            description="Bar chart of open actions rated red, amber and green; the table beside it gives the same "
            "figures.",
            labels=[tally.label for tally in actions.by_rag],
            series=[("Open actions", [tally.count for tally in actions.by_rag])],
        ),
    }
