"""`{% form_group %}` writes, for text inputs and selects, the same HTML as includes/field.html."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django import forms
from django.template import Context, Template

from responses.filters import ResponseFilter
from tests.factories import BodyFactory, UserFactory

INCLUDE = Template(
    '{% include "includes/field.html" with field=field label_class=label_class input_class=input_class hint=hint %}'
)
TAG = Template("{% load form_tags %}{% form_group field label_class input_class hint %}")


def normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def both(field: Any, label_class: str = "", input_class: str = "", hint: str = "") -> tuple[str, str]:
    context = {"field": field, "label_class": label_class, "input_class": input_class, "hint": hint}
    return normalised(TAG.render(Context(context))), normalised(INCLUDE.render(Context(context)))


class Sample(forms.Form):
    title = forms.CharField(max_length=20, help_text="As <b>HMICFRS</b> titles it", required=True)
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    count = forms.IntegerField(required=False, disabled=True)
    kind = forms.ChoiceField(choices=[("", "Any"), ("a", "A & B"), ("c", '"C"')], required=False)
    grouped = forms.ChoiceField(choices=[("Group", [("x", "X"), ("y", "Y")]), ("z", "Z")], required=False)
    note = forms.CharField(widget=forms.Textarea, required=False)


@pytest.mark.parametrize(
    "data",
    [None, {}, {"title": "<script>", "email": "not an email", "kind": "c", "grouped": "y"}, {"kind": "nonsense"}],
)
@pytest.mark.parametrize("name", ["title", "email", "count", "kind", "grouped", "note"])
def test_the_tag_writes_what_the_include_writes(data: dict[str, str] | None, name: str) -> None:
    form = Sample(data) if data is not None else Sample()
    tag, include = both(form[name], label_class="govuk-label--s", input_class="govuk-input--width-20")
    assert tag == include
    assert f'id="id_{name}"' in tag


def test_a_hint_given_overrides_the_help_text() -> None:
    form = Sample({"title": ""})
    tag, include = both(form["title"], hint="Another hint")
    assert tag == include
    assert "Another hint" in tag and "HMICFRS" not in tag


@pytest.mark.django_db
def test_the_dashboards_filter_fields_are_the_same_either_way() -> None:
    user = UserFactory(body=BodyFactory())
    form = ResponseFilter({"status": "overdue", "q": "x" * 300, "year": "abc"}, user=user).form
    for name in form.fields:
        tag, include = both(form[name], label_class="govuk-label--s")
        assert tag == include, name
