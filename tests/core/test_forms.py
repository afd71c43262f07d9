"""Every form field renders through the GOV.UK form group of includes/field.html, the form renderer's field template:
`{{ field.as_field_group }}`, and `{% field_group %}` with its options, write that template's markup."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.template import Context, Template

from responses.filters import ResponseFilter
from tests.factories import BodyFactory, UserFactory

INCLUDE = Template(
    '{% include "includes/field.html" with field=field label_class=label_class input_class=input_class hint=hint %}'
)
FIELD_GROUP = Template("{{ field.as_field_group }}")
TAG = Template("{% load form_tags %}{% field_group field label_class=label_class input_class=input_class hint=hint %}")


def normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def render(template: Template, field: Any, label_class: str = "", input_class: str = "", hint: str = "") -> str:
    context = {"field": field, "label_class": label_class, "input_class": input_class, "hint": hint}
    return normalised(template.render(Context(context)))


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
def test_a_field_group_is_the_govuk_field_template(data: dict[str, str] | None, name: str) -> None:
    form = Sample(data) if data is not None else Sample()
    assert render(FIELD_GROUP, form[name]) == render(INCLUDE, form[name])
    options = {"label_class": "govuk-label--s", "input_class": "govuk-input--width-20"}
    tag = render(TAG, form[name], **options)
    assert tag == render(INCLUDE, form[name], **options)
    assert f'id="id_{name}"' in tag
    assert 'class="govuk-label govuk-label--s"' in tag


def test_the_field_group_writes_govuk_markup() -> None:
    form = Sample({"title": "", "email": "not an email", "kind": "c"})
    assert render(FIELD_GROUP, form["title"]) == (
        '<div class="govuk-form-group govuk-form-group--error"><label class="govuk-label" for="id_title">Title</label>'
        '<div id="id_title-hint" class="govuk-hint">As &lt;b&gt;HMICFRS&lt;/b&gt; titles it</div>'
        '<p class="govuk-error-message" id="id_title-error"><span class="govuk-visually-hidden">Error:</span> This'
        ' field is required.</p><input class="govuk-input govuk-input--error" id="id_title" name="title" type="text"'
        ' value="" maxlength="20" aria-describedby="id_title-hint id_title-error"></div>'
    )
    assert render(FIELD_GROUP, form["email"]) == (
        '<div class="govuk-form-group govuk-form-group--error"><label class="govuk-label" for="id_email">Email</label>'
        '<p class="govuk-error-message" id="id_email-error"><span class="govuk-visually-hidden">Error:</span> Enter a'
        ' valid email address.</p><input class="govuk-input govuk-input--error" id="id_email" name="email"'
        ' type="email" value="not an email" autocomplete="email" maxlength="320" aria-describedby=" id_email-error">'
        "</div>"
    )
    assert render(FIELD_GROUP, form["count"]) == (
        '<div class="govuk-form-group"><label class="govuk-label" for="id_count">Count</label>'
        '<input class="govuk-input" id="id_count" name="count" type="number" value="" disabled></div>'
    )
    assert render(TAG, form["kind"], label_class="govuk-label--s") == (
        '<div class="govuk-form-group"><label class="govuk-label govuk-label--s" for="id_kind">Kind</label>'
        '<select class="govuk-select" id="id_kind" name="kind"><option value="">Any</option>'
        '<option value="a">A &amp; B</option><option value="c" selected>&quot;C&quot;</option></select></div>'
    )


def test_a_hint_given_overrides_the_help_text() -> None:
    form = Sample({"title": ""})
    tag = render(TAG, form["title"], hint="Another hint")
    assert tag == render(INCLUDE, form["title"], hint="Another hint")
    assert "Another hint" in tag and "HMICFRS" not in tag


@pytest.mark.django_db
def test_the_dashboards_filter_fields_are_govuk_field_groups() -> None:
    user = UserFactory(body=BodyFactory())
    form = ResponseFilter({"status": "overdue", "q": "x" * 300, "year": "abc"}, user=user).form
    # The hidden fields (the sort, finished work shown) are carried as they are, not shown as questions.
    for name in (field.name for field in form.visible_fields()):
        tag = render(TAG, form[name], label_class="govuk-label--s")
        assert tag == render(INCLUDE, form[name], label_class="govuk-label--s"), name
        assert tag.startswith('<div class="govuk-form-group'), name


def test_djangos_own_forms_render_through_it_too() -> None:
    assert render(FIELD_GROUP, AuthenticationForm()["username"]).startswith(
        '<div class="govuk-form-group"><label class="govuk-label" for="id_username">Username</label>'
        '<input class="govuk-input" id="id_username" name="username" type="text" value=""'
    )
