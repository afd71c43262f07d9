"""Template helpers for response pages: status tags, days left, and prose rendered as plain-text paragraphs."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from inspections.models import Grade
from responses.models import Response, Status
from responses.selectors import DUE_SOON_DAYS, grade_phrase

register = template.Library()

_TAG_CLASSES = {
    Status.NOT_STARTED: "not-started",
    Status.AWAITING_CHIEF_CONSTABLE: "drafting",
    Status.DRAFTING: "drafting",
    Status.READY: "published",
    Status.PUBLISHED: "published",
    Status.COMPLETE: "complete",
}


def status_key(response: Response, today: dt.date) -> tuple[str, str]:
    """(label, modifier) of the tag a response shows: lateness first, then its stored status."""
    if response.is_overdue(today):
        return "Overdue", "overdue"
    if response.is_open and response.days_left(today) <= DUE_SOON_DAYS:
        return f"Due within {DUE_SOON_DAYS} days", "due-soon"
    status = Status(response.status)
    return str(status.label), _TAG_CLASSES[status]


@register.simple_tag
def status_tag(response: Response, today: dt.date) -> SafeString:
    label, modifier = status_key(response, today)
    return format_html('<strong class="govuk-tag app-status-tag app-status-tag--{}">{}</strong>', modifier, label)


@register.filter
def days_left_text(days: int) -> str:
    if days == 0:
        return "Last day today"
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    return f"{-days} day{'s' if days != -1 else ''} late"


@register.simple_tag
def days_left(response: Response, today: dt.date) -> int:
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
