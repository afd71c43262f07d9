"""The Inspection admin keeps each body to its own force: a Norfolk editor cannot open, through an inspection, its
grades or its findings, anything in Suffolk's dashboard, audit trail or reminders."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from audit.models import AuditEntry
from inspections.models import Finding, Force, Grade, Inspection, LocalPolicingBody
from notifications.models import OutboxEmail
from notifications.planner import plan_reminders
from responses.models import Response
from tests.factories import BodyFactory, ForceFactory, PublicationTypeFactory, UserFactory, make_inspection

pytestmark = pytest.mark.django_db

ADD = "/admin/inspections/inspection/add/"
TODAY = dt.date(2025, 3, 10)
PUBLISHED = TODAY - dt.timedelta(days=30)  # a reminder is due today for any response to it


@pytest.fixture(autouse=True)
def today() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2025, 3, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def norfolk() -> LocalPolicingBody:
    return BodyFactory(force=ForceFactory(name="Norfolk", slug="norfolk"))


@pytest.fixture
def suffolk() -> LocalPolicingBody:
    return BodyFactory(force=ForceFactory(name="Suffolk", slug="suffolk"))


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def norfolk_editor(norfolk: LocalPolicingBody) -> Client:
    return client_for(UserFactory(username="norfolk-editor", body=norfolk, role=Role.EDITOR))


def form(*forces: Force, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "An inspection of how forces respond to missing people",
        "published_on": PUBLISHED.isoformat(),
        "correction_reason": "",
        "report_url": "https://hmicfrs.example/missing",
        "publication_types": [str(PublicationTypeFactory(name="Thematic").pk)],
        "forces": [str(force.pk) for force in forces],
        "key_findings": "",
        "grades-TOTAL_FORMS": "0",
        "grades-INITIAL_FORMS": "0",
        "findings-TOTAL_FORMS": "0",
        "findings-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def said(page: Any) -> str:
    """The page's text as a person reads it (the admin escapes the apostrophe in "Suffolk's")."""
    return html.unescape(page.content.decode())


def nothing_reaches(body: LocalPolicingBody) -> None:
    """No response of `body`, nothing in its audit trail, and no reminder for it after a sweep's planning."""
    assert not Response.objects.filter(body=body).exists()
    assert not AuditEntry.objects.filter(body_id=body.pk).exists()
    plan_reminders(TODAY)
    assert not OutboxEmail.objects.filter(response__body=body).exists()


# --- adding ----------------------------------------------------------------------------------------------------------
def test_a_body_editor_cannot_add_an_inspection_of_another_bodys_force(
    norfolk_editor: Client, suffolk: LocalPolicingBody
) -> None:
    page = norfolk_editor.post(ADD, form(suffolk.force))
    assert page.status_code == 200, "the admin saved the inspection"
    assert "You can add inspections of Norfolk only; Suffolk's office adds its own." in said(page)
    assert not Inspection.objects.exists()
    nothing_reaches(suffolk)


def test_a_joint_inspection_naming_another_force_is_refused_naming_each_other_force(
    norfolk_editor: Client, norfolk: LocalPolicingBody, suffolk: LocalPolicingBody
) -> None:
    essex = BodyFactory(force=ForceFactory(name="Essex", slug="essex"))
    page = norfolk_editor.post(ADD, form(norfolk.force, suffolk.force, essex.force))
    assert page.status_code == 200
    assert "You can add inspections of Norfolk only; the offices of Essex and Suffolk add their own." in (said(page))
    assert not Inspection.objects.exists()
    nothing_reaches(suffolk)
    nothing_reaches(essex)


def test_a_body_editor_adds_an_inspection_of_their_own_force_and_opens_only_their_response(
    norfolk_editor: Client, norfolk: LocalPolicingBody, suffolk: LocalPolicingBody
) -> None:
    page = norfolk_editor.get(ADD)
    assert "You can choose Norfolk only" in said(page)
    assert norfolk_editor.post(ADD, form(norfolk.force)).status_code == 302
    inspection = Inspection.objects.get()
    assert list(inspection.responses.values_list("body__name", flat=True)) == [norfolk.name]
    nothing_reaches(suffolk)


def test_a_body_editor_may_record_a_national_report_about_their_own_force_or_none_but_not_about_others(
    norfolk_editor: Client, norfolk: LocalPolicingBody, suffolk: LocalPolicingBody
) -> None:
    refused = norfolk_editor.post(ADD, form(norfolk.force, suffolk.force, is_national="on"))
    assert refused.status_code == 200
    assert "You can add inspections of Norfolk only; Suffolk's office adds its own." in said(refused)
    assert norfolk_editor.post(ADD, form(norfolk.force, is_national="on")).status_code == 302
    national = Inspection.objects.get()
    assert national.is_national
    assert list(national.responses.values_list("body__name", flat=True)) == [norfolk.name]
    nothing_reaches(suffolk)


def test_a_national_superuser_adds_an_inspection_of_any_force(
    norfolk: LocalPolicingBody, suffolk: LocalPolicingBody
) -> None:
    national = client_for(UserFactory(username="national", body=None, is_superuser=True))
    assert national.post(ADD, form(norfolk.force, suffolk.force)).status_code == 302
    assert set(Response.objects.values_list("body__name", flat=True)) == {norfolk.name, suffolk.name}


def test_staff_with_no_body_and_no_superuser_status_cannot_add_an_inspection(suffolk: LocalPolicingBody) -> None:
    bodiless = client_for(UserFactory(username="bodiless", body=None, role=Role.EDITOR))
    assert bodiless.get(ADD).status_code == 403
    assert bodiless.post(ADD, form(suffolk.force)).status_code == 403
    nothing_reaches(suffolk)


# --- changing --------------------------------------------------------------------------------------------------------
def change_url(inspection: Inspection) -> str:
    return reverse("admin:inspections_inspection_change", args=[inspection.pk])


def test_widening_an_own_inspection_to_another_force_is_refused(
    norfolk_editor: Client, norfolk: LocalPolicingBody, suffolk: LocalPolicingBody
) -> None:
    inspection = make_inspection(title="Norfolk custody", published_on=PUBLISHED, forces=[norfolk.force])
    page = norfolk_editor.post(change_url(inspection), form(norfolk.force, suffolk.force, title=inspection.title))
    assert page.status_code == 200
    assert "You can add inspections of Norfolk only; Suffolk's office adds its own." in said(page)
    assert list(inspection.forces.all()) == [norfolk.force]
    nothing_reaches(suffolk)


def test_an_inspection_that_concerns_another_force_is_read_only_even_where_that_body_has_no_response(
    norfolk_editor: Client, norfolk: LocalPolicingBody
) -> None:
    essex = BodyFactory(force=ForceFactory(name="Essex", slug="essex"), active=False)  # not served: no response
    inspection = make_inspection(title="Joint report", published_on=PUBLISHED, forces=[norfolk.force, essex.force])
    assert norfolk_editor.get(change_url(inspection)).status_code == 200  # a public fact: readable
    page = norfolk_editor.post(change_url(inspection), form(norfolk.force, essex.force, title=inspection.title))
    assert page.status_code == 403
    delete = norfolk_editor.post(reverse("admin:inspections_inspection_delete", args=[inspection.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert Inspection.objects.filter(pk=inspection.pk).exists()


def test_a_body_admin_cannot_delete_another_forces_inspection_with_the_bulk_action(norfolk: LocalPolicingBody) -> None:
    admin = client_for(UserFactory(username="norfolk-admin", body=norfolk, role=Role.ADMIN))
    essex = ForceFactory(name="Essex", slug="essex")  # no body of this deployment: the inspection has no response
    theirs = make_inspection(title="Essex custody", published_on=PUBLISHED, forces=[essex])
    admin.post(
        reverse("admin:inspections_inspection_changelist"),
        {"action": "delete_selected", "_selected_action": [str(theirs.pk)], "post": "yes"},
    )
    assert Inspection.objects.filter(pk=theirs.pk).exists()


# --- grades and findings ---------------------------------------------------------------------------------------------
def test_a_grade_for_another_force_is_refused_on_the_inspection_form(
    norfolk_editor: Client, norfolk: LocalPolicingBody, suffolk: LocalPolicingBody
) -> None:
    data = form(
        norfolk.force,
        **{
            "grades-TOTAL_FORMS": "1",
            "grades-0-order": "1",
            "grades-0-force": str(suffolk.force.pk),
            "grades-0-area": "Responding to the public",
            "grades-0-grade": "good",
        },
    )
    page = norfolk_editor.post(ADD, data)
    assert page.status_code == 200
    assert "You can add grades for Norfolk only; Suffolk's office adds its own." in said(page)
    assert not Grade.objects.exists()
    data["grades-0-force"] = str(norfolk.force.pk)
    assert norfolk_editor.post(ADD, data).status_code == 302
    assert Grade.objects.get().force == norfolk.force


def test_a_finding_addressed_to_another_force_is_refused_on_the_inspection_form(
    norfolk_editor: Client, norfolk: LocalPolicingBody, suffolk: LocalPolicingBody
) -> None:
    inspection = make_inspection(title="Norfolk custody", published_on=PUBLISHED, forces=[norfolk.force])
    data = form(
        norfolk.force,
        title=inspection.title,
        **{
            "findings-TOTAL_FORMS": "1",
            "findings-0-kind": "recommendation",
            "findings-0-number": "1",
            "findings-0-text": "Review every detention",
            "findings-0-forces": [str(suffolk.force.pk)],
        },
    )
    page = norfolk_editor.post(change_url(inspection), data)
    assert page.status_code == 200
    assert "You can add findings for Norfolk only; Suffolk's office adds its own." in said(page)
    assert not Finding.objects.exists()
    data["findings-0-forces"] = [str(norfolk.force.pk)]
    assert norfolk_editor.post(change_url(inspection), data).status_code == 302
    assert list(Finding.objects.get().forces.all()) == [norfolk.force]
