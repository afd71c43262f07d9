"""Whom a finding is for and by when: the report's words mapped to `Finding.addressee` and a due date
(`intake.timescales`), shown on the findings page to be corrected, and saved with the finding."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from inspections.models import Addressee, Finding, Force, Inspection
from intake.timescales import add_months, addressee_choice, timescale_due_on
from tests.factories import BodyFactory, ForceFactory, UserFactory, make_inspection
from tests.intake.test_findings_page import preview_data

PUBLISHED = dt.date(2025, 8, 31)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("chief constables", Addressee.CHIEF_CONSTABLES),
        ("all chief constables", Addressee.CHIEF_CONSTABLES),
        ("police and crime commissioners", Addressee.COMMISSIONERS),
        ("the Home Office", Addressee.HOME_OFFICE),
        ("the National Police Chiefs' Council", Addressee.NPCC),
        ("the National Police Chiefs’ Council", Addressee.NPCC),
        ("the NPCC", Addressee.NPCC),
        ("the College of Policing", Addressee.COLLEGE),
        ("the force", Addressee.FORCE),
        ("the constabulary", Addressee.FORCE),
        ("Westshire Police", Addressee.FORCE),
        ("chief constables and police and crime commissioners", Addressee.CHIEF_CONSTABLES),
        ("the Home Office, working with the College of Policing", Addressee.HOME_OFFICE),
    ],
)
def test_the_words_of_a_finding_map_to_its_addressee(words: str, expected: str) -> None:
    assert addressee_choice(words, force_names=["Westshire"]) == (expected, "")


def test_words_that_name_nobody_known_are_kept_as_other_and_no_words_give_no_addressee() -> None:
    assert addressee_choice("the Mayor's Office for Policing and Crime") == (
        Addressee.OTHER,
        "the Mayor's Office for Policing and Crime",
    )
    assert addressee_choice("  ") == ("", "")


@pytest.mark.parametrize(
    ("timescale", "expected"),
    [
        ("By 31 March 2026", dt.date(2026, 3, 31)),
        ("By March 2026", dt.date(2026, 3, 31)),
        ("by February 2028", dt.date(2028, 2, 29)),
        ("by the end of June 2026", dt.date(2026, 6, 30)),
        ("before 1 April 2026", dt.date(2026, 3, 31)),
        ("Before April 2026", dt.date(2026, 3, 31)),
        ("within six months", dt.date(2026, 2, 28)),
        ("within 3 months", dt.date(2025, 11, 30)),
        ("within 28 days", dt.date(2025, 9, 28)),
        ("within twelve weeks", dt.date(2025, 11, 23)),
        ("within a year", dt.date(2026, 8, 31)),
        ("Immediately", None),
        ("By 31 February 2026", None),
        ("within some months", None),
    ],
)
def test_a_timescale_gives_its_date(timescale: str, expected: dt.date | None) -> None:
    assert timescale_due_on(timescale, published_on=PUBLISHED) == expected


def test_a_period_needs_the_publication_day_to_count_from() -> None:
    assert timescale_due_on("within six months", published_on=None) is None
    assert timescale_due_on("By 31 March 2026", published_on=None) == dt.date(2026, 3, 31)


def test_months_are_added_across_year_ends_and_short_months() -> None:
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 11, 15), 3) == dt.date(2026, 2, 15)
    assert add_months(dt.date(2025, 12, 31), 12) == dt.date(2026, 12, 31)


# --- the findings page --------------------------------------------------------------------------------------------
REPORT = (
    "Recommendation 1\n\nBy 31 March 2026, chief constables should check the vetting of every officer.\n\n"
    "Recommendation 2\n\nWithin six months, the Home Office should publish a code of practice on vetting.\n\n"
    "Recommendation 3\n\nThe National Police Chiefs' Council should agree a common vetting standard by June 2026.\n\n"
    "Area for improvement 1\n\nThe force should record why each vetting decision was made.\n\n"
    "Area for improvement 2\n\nThe Mayor should review the force's vetting unit.\n"
)


@pytest.fixture
def westshire() -> Force:
    return BodyFactory(force=ForceFactory(name="Westshire")).force


@pytest.fixture
def inspection(westshire: Force) -> Inspection:
    return make_inspection(title="Vetting in Westshire", published_on=PUBLISHED, forces=[westshire])


@pytest.fixture
def editor(westshire: Force) -> Client:
    client = Client()
    client.force_login(UserFactory(username="westshire-editor", body=westshire.bodies.get(), role=Role.EDITOR))
    return client


def url(inspection: Inspection) -> str:
    return reverse("inspection_findings", args=[inspection.pk])


def rows(page: Any) -> list[tuple[Any, ...]]:
    return [
        (form["addressee"].value(), form["addressee_other"].value(), form["timescale"].value(), form["due_on"].value())
        for form in page.context["findings"].forms[:-1]
    ]


@pytest.mark.django_db
def test_the_preview_shows_each_findings_addressee_and_timescale(editor: Client, inspection: Inspection) -> None:
    page = editor.post(url(inspection), {"report_text": REPORT, "read": "1"})

    assert rows(page) == [
        (Addressee.CHIEF_CONSTABLES, "", "By 31 March 2026", "31 March 2026"),
        (Addressee.HOME_OFFICE, "", "Within six months", "28 February 2026"),
        (Addressee.NPCC, "", "by June 2026", "30 June 2026"),
        (Addressee.FORCE, "", "", ""),
        (Addressee.OTHER, "the Mayor", "", ""),
    ]
    html = page.content.decode()
    assert "Addressed to" in html and "Due by" in html
    assert not Finding.objects.exists()


@pytest.mark.django_db
def test_saving_keeps_the_addressee_timescale_and_date_as_corrected(editor: Client, inspection: Inspection) -> None:
    preview = editor.post(url(inspection), {"report_text": REPORT, "read": "1"})
    data = preview_data(preview)
    data["findings-3-addressee"] = Addressee.COLLEGE  # the officer corrects the force to the College
    data["findings-1-due_on"] = ""  # emptied: worked out again from the timescale
    data["findings-0-due_on"] = "30 April 2026"  # the report's date corrected by hand

    saved = editor.post(url(inspection), data)

    assert saved.status_code == 302
    found = [
        (f.number, f.addressee, f.addressee_other, f.timescale, f.due_on)
        for f in Finding.objects.filter(inspection=inspection).order_by("pk")
    ]
    assert found == [
        (1, Addressee.CHIEF_CONSTABLES, "", "By 31 March 2026", dt.date(2026, 4, 30)),
        (2, Addressee.HOME_OFFICE, "", "Within six months", dt.date(2026, 2, 28)),
        (3, Addressee.NPCC, "", "by June 2026", dt.date(2026, 6, 30)),
        (1, Addressee.COLLEGE, "", "", None),
        (2, Addressee.OTHER, "the Mayor", "", None),
    ]


@pytest.mark.django_db
def test_other_without_a_name_and_a_date_that_is_not_one_are_refused(editor: Client, inspection: Inspection) -> None:
    preview = editor.post(url(inspection), {"report_text": REPORT, "read": "1"})
    data = preview_data(preview)
    data["findings-4-addressee_other"] = ""
    data["findings-2-due_on"] = "June 2026"

    page = editor.post(url(inspection), data)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Say whom the finding is addressed to, or choose another addressee." in html
    assert "give the day of the due date" in html
    assert not Finding.objects.exists()
