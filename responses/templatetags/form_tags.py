"""Helpers for templates/includes/field.html, the GOV.UK form group every form field renders through."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_SELECTED = mark_safe(" selected")
_NOT_SELECTED = mark_safe("")


@register.simple_tag
def select_options(field: BoundField) -> SafeString:
    """A select's <option> elements: what a template loop over `field.subwidgets` writes, in one pass of Python
    (a filter form's owner list runs to dozens of options on every dashboard page). Values and labels escaped."""
    widget = field.field.widget
    value = widget.format_value(field.value())  # type: ignore[attr-defined]
    options = (
        option
        for _group, group_options, _index in widget.optgroups(field.html_name, value, widget.attrs)  # type: ignore[attr-defined]
        for option in group_options
    )
    return format_html_join(
        "\n    ",
        '<option value="{}"{}>{}</option>',
        ((str(o["value"]), _SELECTED if o["selected"] else _NOT_SELECTED, o["label"]) for o in options),
    )


_TEXT_INPUTS = frozenset({"text", "email", "url", "number", "search", "tel"})


@register.simple_tag
def form_group(field: BoundField, label_class: str = "", input_class: str = "", hint: str = "") -> SafeString:
    """A text input's or a select's GOV.UK form group, written in Python: the markup includes/field.html writes for
    those widgets (tests/responses/test_form_tags.py holds the two to the same HTML), for a page that renders several
    on every view (the dashboard's filters). Any other widget goes through includes/field.html itself."""
    widget_type = field.widget_type
    if widget_type not in _TEXT_INPUTS and widget_type != "select":
        context = {"field": field, "label_class": label_class, "input_class": input_class, "hint": hint}
        return mark_safe(render_to_string("includes/field.html", context))
    control_id = field.auto_id
    hint_text = hint or field.help_text
    errors = field.errors
    described_by = " ".join(
        [*([f"{control_id}-hint"] if hint_text else []), *([f"{control_id}-error"] if errors else [])]
    )
    # The template writes `aria-describedby="{hint} {error}"` with a leading space when there is no hint.
    if errors and not hint_text:
        described_by = f" {described_by}"
    parts = [
        format_html(
            '<div class="govuk-form-group{}">\n',
            " govuk-form-group--error" if errors else "",
        ),
        format_html(
            '  <label class="govuk-label{}" for="{}">{}</label>\n',
            f" {label_class}" if label_class else "",
            control_id,
            field.label,
        ),
    ]
    if hint_text:
        parts.append(format_html('  <div id="{}-hint" class="govuk-hint">{}</div>\n', control_id, hint_text))
    for n, error in enumerate(errors):
        parts.append(
            format_html(
                '<p class="govuk-error-message"{}><span class="govuk-visually-hidden">Error:</span> {}</p>',
                format_html(' id="{}-error"', control_id) if n == 0 else "",
                error,
            )
        )
    if errors:
        parts.append(mark_safe("\n"))
    attrs = _widget_attrs(field, skip={"class", "id", "type"} if widget_type != "select" else {"class", "id"})
    disabled = " disabled" if field.field.disabled else ""
    aria = format_html(' aria-describedby="{}"', described_by) if described_by else ""
    if widget_type == "select":
        parts.append(
            format_html(
                '  <select class="govuk-select{}{}" id="{}" name="{}"{}{}{}>\n    {}\n  </select>\n',
                " govuk-select--error" if errors else "",
                f" {input_class}" if input_class else "",
                control_id,
                field.html_name,
                attrs,
                disabled,
                aria,
                select_options(field),
            )
        )
    else:
        value = field.value()
        parts.append(
            format_html(
                '  <input class="govuk-input{}{}" id="{}" name="{}" type="{}" value="{}"{}{}{}>\n',
                " govuk-input--error" if errors else "",
                f" {input_class}" if input_class else "",
                control_id,
                field.html_name,
                getattr(field.field.widget, "input_type", None) or "text",
                "" if value is None else value,
                attrs,
                disabled,
                aria,
            )
        )
    parts.append(mark_safe("</div>\n"))
    return mark_safe("".join(conditional_escape(part) for part in parts))


def _widget_attrs(field: BoundField, *, skip: set[str]) -> SafeString:
    """The widget's attrs as field.html copies them: not class/id (ours), False/None left out, True bare."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in field.field.widget.attrs.items()
            if name not in skip and value is not False and value is not None
        ),
    )
