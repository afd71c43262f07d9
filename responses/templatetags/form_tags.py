"""Helpers for templates/includes/field.html, the GOV.UK form group every form field renders through (the form
renderer's field template: core/forms.py)."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.html import format_html_join
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


@register.simple_tag
def field_group(field: BoundField, **options: str) -> SafeString:
    """`{{ field.as_field_group }}` with options for the field template: label_class, input_class, hint."""
    return field.render(context={**field.get_context(), **options})
