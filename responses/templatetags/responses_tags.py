"""Template helpers for response pages: status tags, days left, and prose rendered as plain-text paragraphs."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from core import dates
from inspections.models import Grade
from responses import selectors
from responses.models import Response
from responses.snapshot import grade_phrase

register = template.Library()


@register.simple_tag
def status_tag(response: Response, today: dt.date) -> SafeString:
    label, modifier = selectors.status_key(response, today)
    return format_html('<strong class="govuk-tag app-status-tag app-status-tag--{}">{}</strong>', modifier, label)


@register.filter
def working_day_hint(day: dt.date | None) -> str:
    """core.dates.working_day_hint: "Sunday 6 December: the last working day before is Friday 4 December"."""
    return dates.working_day_hint(day)


@register.filter
def days_left_text(days: int | None) -> str:
    return selectors.days_left_text(days)


@register.simple_tag
def days_left(response: Response, today: dt.date) -> int | None:
    return response.days_left(today)


@register.filter
def paragraphs(text: str | None) -> SafeString:
    """Plain text as GOV.UK paragraphs: blank lines split paragraphs, single line breaks stay. Everything escaped."""
    parts = [part.strip() for part in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")) if part.strip()]
    return format_html_join(
        "\n",
        '<p class="govuk-body">{}</p>',
        (
            (format_html_join(SafeString("<br>"), "{}", ((line.strip(),) for line in part.split("\n"))),)
            for part in parts
        ),
    )


@register.filter
def grade_text(grade: Grade) -> SafeString:
    value, area = grade_phrase(grade)
    return format_html("<strong>{}</strong> {}", value, area)


@register.simple_tag(takes_context=True)
def selected_filters(context: template.Context, form: Any) -> list[dict[str, str]]:
    """The filters in force, each with a link that removes it (for the MoJ filter's "Selected filters")."""
    request = context["request"]
    selected = []
    for name, value in form.valid_filters().items():
        field = form.fields[name]
        if field.widget.is_hidden:
            continue  # state the page carries (the order, finished work shown), not a filter to remove
        if name == "q":
            text = f"“{value}”"
        elif hasattr(field, "queryset"):
            text = str(value)
        else:
            text = str(dict(field.choices).get(value, dict(field.choices).get(str(value), value)))
        remaining = request.GET.copy()
        remaining.pop(name, None)
        remaining.pop("page", None)
        query = remaining.urlencode()
        selected.append(
            {
                "label": str(field.label or name.replace("_", " ").capitalize()),
                "text": text,
                "href": f"?{query}" if query else "?",
            }
        )
    return selected


@register.filter
def elided_pages(paginator: Any, number: int) -> list[Any]:
    return list(paginator.get_elided_page_range(number, on_each_side=2, on_ends=1))
