"""The Inspection admin as an officer uses it untrained: finding numbers fill themselves in (the next of each kind),
and a new grade row starts with the inspection's force and the next order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from inspections.models import Finding, FindingKind, Force, Inspection
from tests.factories import BodyFactory, ForceFactory, UserFactory, make_inspection
from tests.intake.test_admin import ADD, add_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2025, 3, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def norfolk() -> Force:
    return BodyFactory(force=ForceFactory(name="Norfolk", slug="norfolk")).force


@pytest.fixture
def national() -> Client:
    client = Client()
    client.force_login(UserFactory(username="national", body=None, is_superuser=True))
    return client


def findings(*rows: tuple[str, str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {"findings-TOTAL_FORMS": str(len(rows)), "findings-INITIAL_FORMS": "0"}
    for i, (kind, number, text) in enumerate(rows):
        data.update({f"findings-{i}-kind": kind, f"findings-{i}-number": number, f"findings-{i}-text": text})
    return data


def test_findings_without_numbers_are_numbered_in_order_per_kind_and_save_first_time(
    national: Client, norfolk: Force
) -> None:
    data = add_form(forces=[str(norfolk.pk)])
    data.update(
        findings(
            (FindingKind.RECOMMENDATION, "", "Vet every officer."),
            (FindingKind.AREA_FOR_IMPROVEMENT, "", "Record equality data."),
            (FindingKind.RECOMMENDATION, "5", "Publish the results."),
            (FindingKind.RECOMMENDATION, "", "Train supervisors."),
            (FindingKind.AREA_FOR_IMPROVEMENT, "", "Answer calls sooner."),
        )
    )

    saved = national.post(ADD, data)

    assert saved.status_code == 302, saved.content.decode()[:2000]
    numbered = list(Finding.objects.order_by("pk").values_list("kind", "number", "text"))
    assert numbered == [
        (FindingKind.RECOMMENDATION, 6, "Vet every officer."),
        (FindingKind.AREA_FOR_IMPROVEMENT, 1, "Record equality data."),
        (FindingKind.RECOMMENDATION, 5, "Publish the results."),
        (FindingKind.RECOMMENDATION, 7, "Train supervisors."),
        (FindingKind.AREA_FOR_IMPROVEMENT, 2, "Answer calls sooner."),
    ]


def test_a_new_finding_on_a_saved_inspection_follows_its_recorded_numbers(national: Client, norfolk: Force) -> None:
    inspection = make_inspection(forces=[norfolk], recommendations=2)
    change = f"/admin/inspections/inspection/{inspection.pk}/change/"
    page = national.get(change)
    data = _posted(page)
    total = int(data["findings-TOTAL_FORMS"])
    data.update(
        {
            "findings-TOTAL_FORMS": str(total + 1),
            f"findings-{total}-kind": FindingKind.RECOMMENDATION,
            f"findings-{total}-number": "",
            f"findings-{total}-text": "A third one.",
        }
    )

    saved = national.post(change, data)

    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert Finding.objects.get(text="A third one.").number == 3


def test_a_new_grade_row_starts_with_the_inspections_only_force_and_the_next_order(
    national: Client, norfolk: Force
) -> None:
    inspection = make_inspection(forces=[norfolk])

    page = national.get(f"/admin/inspections/inspection/{inspection.pk}/change/")

    empty = page.context["inline_admin_formsets"][0].formset.empty_form
    formset = page.context["inline_admin_formsets"][0].formset
    assert formset.form(prefix="x", **formset.get_form_kwargs(0))["force"].value() == norfolk.pk
    assert formset.form(prefix="x", **formset.get_form_kwargs(2))["order"].value() == 3
    assert empty["force"].value() == norfolk.pk


def test_with_two_forces_a_grade_row_starts_with_no_force(national: Client, norfolk: Force) -> None:
    inspection = make_inspection(forces=[norfolk, ForceFactory(name="Suffolk")])

    page = national.get(f"/admin/inspections/inspection/{inspection.pk}/change/")

    assert page.context["inline_admin_formsets"][0].formset.empty_form["force"].value() is None


def _posted(page: Any) -> dict[str, Any]:
    """The admin change form's values as the browser would post them back, unchanged."""
    data: dict[str, Any] = {"_save": "Save"}
    adminform = page.context["adminform"].form
    for name in adminform.fields:
        value = adminform[name].value()
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
        else:
            data[name] = "" if value is None else str(value)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(n): str(management[n].value()) for n in management.fields})
        for form in formset.forms:
            for name in form.fields:
                value = form[name].value()
                if isinstance(value, list | tuple):
                    data[form.add_prefix(name)] = [str(v) for v in value]
                elif value is None or value is False:
                    continue
                else:
                    data[form.add_prefix(name)] = str(value.pk if isinstance(value, Inspection) else value)
    return data
