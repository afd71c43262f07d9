"""The Inspection admin's add form, as a national superuser: what it refuses and what it says when it saves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from inspections.models import Force, Inspection
from responses.models import Response
from tests.factories import BodyFactory, ForceFactory, PublicationTypeFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/inspections/inspection/add/"


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


def add_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "PEEL 2023–2025: An inspection of Norfolk Constabulary",
        "published_on": "24/09/2024",
        "correction_reason": "",
        "report_url": "https://hmicfrs.example/norfolk",
        "publication_types": [str(PublicationTypeFactory(name="PEEL").pk)],
        "forces": [],
        "key_findings": "",
        "grades-TOTAL_FORMS": "0",
        "grades-INITIAL_FORMS": "0",
        "findings-TOTAL_FORMS": "0",
        "findings-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def refused(client: Client, data: dict[str, Any]) -> str:
    page = client.post(ADD, data)
    assert page.status_code == 200, "the admin saved the inspection"
    return page.content.decode()


@pytest.mark.parametrize("typed", ["9999-12-31", "0001-01-01", "31/12/1999", "11/03/2026"])
def test_a_publication_date_outside_the_allowed_range_is_refused_naming_the_range(
    national: Client, norfolk: Force, typed: str
) -> None:
    html = refused(national, add_form(published_on=typed, forces=[str(norfolk.pk)]))
    assert "The publication date must be between 1 January 2000 and 10 March 2026." in html
    assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("June 2013", "give the day of publication (e.g. 24 September 2024)"),
        ("24/09/24", "has a two-digit year"),
        ("31/02/2024", "is not a real date: February 2024 has 29 days"),
    ],
)
def test_a_date_that_would_have_to_be_guessed_is_refused_in_the_admin_too(
    national: Client, norfolk: Force, typed: str, expected: str
) -> None:
    html = refused(national, add_form(published_on=typed, forces=[str(norfolk.pk)]))
    assert expected in html
    assert not Inspection.objects.exists()


def test_a_date_in_the_range_is_saved_and_read_day_first(national: Client, norfolk: Force) -> None:
    page = national.post(ADD, add_form(published_on="03/04/2017", forces=[str(norfolk.pk)]))
    assert page.status_code == 302
    inspection = Inspection.objects.get()
    assert inspection.published_on == dt.date(2017, 4, 3)
    assert Response.objects.filter(inspection=inspection).count() == 1


# --- duplicates and inspections about no force --------------------------------------------------------------------
@pytest.mark.parametrize(
    "title",
    [
        "PEEL 2023–2025: An inspection of Norfolk Constabulary",  # exactly the same
        "PEEL 2023-2025: An inspection of Norfolk Constabulary",  # hyphen for the en dash
        "peel 2023 — 2025: an inspection of norfolk  constabulary",
    ],
)
def test_an_inspection_already_recorded_is_refused_naming_the_recorded_one(
    national: Client, norfolk: Force, title: str
) -> None:
    assert national.post(ADD, add_form(forces=[str(norfolk.pk)])).status_code == 302
    html = refused(national, add_form(title=title, published_on="2024-09-24", forces=[str(norfolk.pk)]))
    assert (
        "This inspection is already recorded: PEEL 2023–2025: An inspection of Norfolk Constabulary (24 Sep 2024)."
        in html
    )
    assert "already exists" not in html  # the one message, not the database constraint's as well
    assert Inspection.objects.count() == 1


def test_the_same_title_on_another_day_is_saved(national: Client, norfolk: Force) -> None:
    assert national.post(ADD, add_form(forces=[str(norfolk.pk)])).status_code == 302
    assert national.post(ADD, add_form(published_on="24/09/2025", forces=[str(norfolk.pk)])).status_code == 302
    assert Inspection.objects.count() == 2


def test_an_inspection_about_no_force_and_not_national_is_refused(national: Client, norfolk: Force) -> None:
    html = refused(national, add_form(forces=[]))
    assert "Choose the forces this report is about, or tick “Is national” for a national report." in html
    assert not Inspection.objects.exists()


def messages_after(client: Client, data: dict[str, Any]) -> list[str]:
    page = client.post(ADD, data, follow=True)
    assert page.redirect_chain, "the admin refused the inspection"
    return [str(message) for message in page.context["messages"]]


def test_saving_names_the_responses_it_created(national: Client, norfolk: Force) -> None:
    suffolk = BodyFactory(force=ForceFactory(name="Suffolk", slug="suffolk")).force
    said = messages_after(national, add_form(forces=[str(norfolk.pk), str(suffolk.pk)]))
    assert "Created 2 response(s): Norfolk OPCC, Suffolk OPCC." in said


def test_saving_says_why_no_response_was_created_when_no_active_body_is_concerned(national: Client) -> None:
    essex = ForceFactory(name="Essex", slug="essex")  # no body of this deployment
    said = messages_after(national, add_form(forces=[str(essex.pk)]))
    assert "No response was created: no active body's force is a subject of this report." in said
    assert not Response.objects.exists()


def test_saving_a_national_report_about_no_force_says_why_no_response_was_created(
    national: Client, norfolk: Force
) -> None:
    said = messages_after(national, add_form(forces=[], is_national="on"))
    assert any(message.startswith("No response was created: the report names no force.") for message in said)
    assert Inspection.objects.get().is_national
