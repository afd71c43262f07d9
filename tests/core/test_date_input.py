"""core.forms.GovukDateField: GOV.UK's day, month and year boxes, with GOV.UK's error messages, the boxes at fault
marked, and the error summary linking the first of them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms
from django.template import Context, Template

from core.forms import GovukDateField

SUMMARY = Template('{% include "includes/error_summary.html" with form=form %}{{ form.published_on.as_field_group }}')


class PublishedForm(forms.Form):
    published_on = GovukDateField(label="Date published", what="Date of publication")
    optional_on = GovukDateField(label="Optional date", required=False)


def bound(day: str, month: str, year: str, **extra: str) -> PublishedForm:
    return PublishedForm({"published_on-day": day, "published_on-month": month, "published_on-year": year, **extra})


def boxes_in_error(html: str) -> list[str]:
    return re.findall(r'govuk-input--error" id="id_published_on-(\w+)"', html)


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("24", "9", "2024", dt.date(2024, 9, 24)),
        (" 24 ", "09", "2024", dt.date(2024, 9, 24)),
        ("24", "Sep", "2024", dt.date(2024, 9, 24)),
        ("24", "September", "2024", dt.date(2024, 9, 24)),
        ("29", "2", "2024", dt.date(2024, 2, 29)),
    ],
)
def test_three_boxes_make_one_date(day: str, month: str, year: str, expected: dt.date) -> None:
    form = bound(day, month, year)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["published_on"] == expected


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "at_fault"),
    [
        ("", "", "", "Enter date of publication", ["day", "month", "year"]),
        ("24", "", "2024", "Date of publication must include a month", ["month"]),
        ("", "9", "2024", "Date of publication must include a day", ["day"]),
        ("24", "", "", "Date of publication must include a month and year", ["month", "year"]),
        ("31", "2", "2024", "Date of publication must be a real date", ["day"]),
        ("29", "2", "2023", "Date of publication must be a real date", ["day"]),
        ("24", "13", "2024", "Date of publication must be a real date", ["month"]),
        ("24", "Smarch", "2024", "Date of publication must be a real date", ["month"]),
        ("x", "9", "2024", "Date of publication must be a real date", ["day"]),
        ("24", "9", "24", "Year must include 4 numbers", ["year"]),
    ],
)
def test_gov_uk_messages_name_the_date_and_mark_the_boxes_at_fault(
    day: str, month: str, year: str, message: str, at_fault: list[str]
) -> None:
    form = bound(day, month, year)
    assert not form.is_valid()
    assert form.errors["published_on"] == [message]
    html = SUMMARY.render(Context({"form": form}))
    assert boxes_in_error(html) == at_fault
    # The summary links the first box at fault, which exists on the page.
    assert f'<a href="#id_published_on-{at_fault[0]}">{message}</a>' in html
    assert f'id="id_published_on-{at_fault[0]}"' in html


def test_what_was_typed_comes_back_in_the_boxes() -> None:
    form = bound("31", "2", "2024")
    html = SUMMARY.render(Context({"form": form}))
    for part, value in (("day", "31"), ("month", "2"), ("year", "2024")):
        assert re.search(rf'name="published_on-{part}" type="text" inputmode="numeric" value="{value}"', html)


def test_an_unbound_date_shows_its_parts_in_a_fieldset_with_a_legend() -> None:
    form = PublishedForm(initial={"published_on": dt.date(2024, 9, 24)})
    html = Template("{{ form.published_on.as_field_group }}").render(Context({"form": form}))
    assert '<fieldset class="govuk-fieldset" role="group"' in html
    assert '<legend class="govuk-fieldset__legend">Date published</legend>' in html
    assert re.findall(r'inputmode="numeric" value="(\d*)"', html) == ["24", "9", "2024"]
    assert "govuk-input--error" not in html


def test_an_optional_date_left_empty_is_none_but_half_typed_is_refused() -> None:
    form = bound("24", "9", "2024")
    assert form.is_valid() and form.cleaned_data["optional_on"] is None
    form = bound("24", "9", "2024", **{"optional_on-day": "3"})
    assert form.errors["optional_on"] == ["Optional date must include a month and year"]


def test_a_date_posted_as_one_value_is_still_read() -> None:
    assert PublishedForm({"published_on": "2024-09-24"}).is_valid()
    form = PublishedForm({"published_on": "24 September 2024"})
    assert form.is_valid() and form.cleaned_data["published_on"] == dt.date(2024, 9, 24)
    form = PublishedForm({"published_on": "31/02/2024"})
    assert not form.is_valid() and "is not a real date" in form.errors["published_on"][0]


def test_a_refusal_added_after_cleaning_marks_every_box() -> None:
    form = bound("24", "9", "2030")
    assert form.is_valid()
    form.add_error("published_on", "The publication date cannot be in the future.")
    html = SUMMARY.render(Context({"form": form}))
    assert boxes_in_error(html) == ["day", "month", "year"]
    assert '<a href="#id_published_on-day">The publication date cannot be in the future.</a>' in html
