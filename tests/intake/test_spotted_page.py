"""The spotted reports page (/inspections/spotted/): the body's new spotted reports, "Add this inspection" (through
/inspections/add/, pre-filled) and "Dismiss" (with a reason, audited); the dashboard's count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEntry
from inspections.models import Force, Inspection
from intake.models import SpottedReport, SpottedStatus
from tests.factories import BodyFactory, ForceFactory, PublicationTypeFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = "https://hmicfrs.justiceinspectorates.gov.uk/publications/peel-westshire-2026/"


@pytest.fixture
def westshire() -> Force:
    return BodyFactory(force=ForceFactory(name="Westshire")).force


@pytest.fixture
def spotted(westshire: Force) -> SpottedReport:
    return SpottedReport.objects.create(
        body=westshire.bodies.get(),
        link=LINK,
        title="PEEL 2026: Westshire Police",
        published_on=dt.date(2026, 11, 30),
        names_force=True,
    )


def client_for(force: Force, role: str = Role.EDITOR) -> Client:
    client = Client()
    client.force_login(UserFactory(username=f"{force.slug}-{role}", body=force.bodies.get(), role=role))
    return client


def test_the_page_lists_the_bodys_new_spotted_reports_with_their_actions(
    westshire: Force, spotted: SpottedReport
) -> None:
    SpottedReport.objects.create(
        body=westshire.bodies.get(),
        link="https://hmicfrs.example/old/",
        title="Dealt with already",
        status=SpottedStatus.DISMISSED,
        dismissed_reason="Not ours",
    )
    other = BodyFactory(force=ForceFactory(name="Eastshire"))
    SpottedReport.objects.create(body=other, link=LINK, title="Eastshire's own copy")

    page = client_for(westshire).get(reverse("spotted_list"))

    html = page.content.decode()
    assert page.status_code == 200
    assert "PEEL 2026: Westshire Police" in html and "30 November 2026" in html and "Names Westshire" in html
    assert "Dealt with already" not in html and "Eastshire's own copy" not in html
    assert reverse("inspection_add") + "?address=https%3A%2F%2Fhmicfrs.justiceinspectorates.gov.uk" in html
    assert reverse("spotted_dismiss", args=[spotted.pk]) in html


def test_a_viewer_may_not_see_the_page(westshire: Force, spotted: SpottedReport) -> None:
    assert client_for(westshire, Role.VIEWER).get(reverse("spotted_list")).status_code == 403


def test_dismissing_needs_a_reason_and_is_audited(westshire: Force, spotted: SpottedReport) -> None:
    editor = client_for(westshire)
    url = reverse("spotted_dismiss", args=[spotted.pk])

    refused = editor.post(url, {"reason": "  "})
    assert refused.status_code == 200
    assert "Say why this report is not for your office." in refused.content.decode()
    assert SpottedReport.objects.get().status == SpottedStatus.NEW

    done = editor.post(url, {"reason": "A news item, not a report"}, follow=True)

    spotted.refresh_from_db()
    assert (spotted.status, spotted.dismissed_reason) == (SpottedStatus.DISMISSED, "A news item, not a report")
    assert spotted.handled_by is not None and spotted.handled_by.username == "westshire-editor"
    assert "is dismissed" in done.content.decode()
    assert "PEEL 2026: Westshire Police</a>" not in done.content.decode()
    entry = AuditEntry.objects.filter(object_pk=str(spotted.pk), content_type__model="spottedreport").latest("pk")
    assert entry.reason == "A news item, not a report"
    assert entry.body_id == spotted.body_id


def test_another_bodys_spotted_report_cannot_be_dismissed(westshire: Force, spotted: SpottedReport) -> None:
    eastshire = BodyFactory(force=ForceFactory(name="Eastshire")).force

    answer = client_for(eastshire).post(reverse("spotted_dismiss", args=[spotted.pk]), {"reason": "Not ours"})

    assert answer.status_code == 404
    assert SpottedReport.objects.get().status == SpottedStatus.NEW


def test_dismissing_twice_says_it_is_already_dealt_with(westshire: Force, spotted: SpottedReport) -> None:
    editor = client_for(westshire)
    editor.post(reverse("spotted_dismiss", args=[spotted.pk]), {"reason": "Not ours"})

    again = editor.post(reverse("spotted_dismiss", args=[spotted.pk]), {"reason": "Still not"}, follow=True)

    assert "has already been dealt with" in again.content.decode()
    assert SpottedReport.objects.get().dismissed_reason == "Not ours"


def test_add_this_inspection_fills_in_the_address_and_saving_marks_it_added(
    westshire: Force, spotted: SpottedReport
) -> None:
    PublicationTypeFactory(name="PEEL")
    editor = client_for(westshire)
    add = reverse("inspection_add") + "?address=" + LINK

    form = editor.get(add)
    assert form.context["address_form"]["address"].value() == LINK
    saved = editor.post(
        add,
        {
            "title": "PEEL 2026: Westshire Police",
            "published_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
            "publication_types": "PEEL",
            "forces": "Westshire",
            "report_url": LINK,
            "save": "1",
        },
    )

    assert saved.status_code == 302, saved.context and saved.context["form"].errors
    spotted.refresh_from_db()
    assert spotted.status == SpottedStatus.ADDED
    assert spotted.inspection == Inspection.objects.get(title="PEEL 2026: Westshire Police")


def test_the_dashboard_counts_the_spotted_reports_for_editors_only(westshire: Force, spotted: SpottedReport) -> None:
    SpottedReport.objects.create(body=westshire.bodies.get(), link=LINK + "2/", title="Another")

    editor_page = client_for(westshire).get(reverse("dashboard")).content.decode()
    viewer_page = client_for(westshire, Role.VIEWER).get(reverse("dashboard")).content.decode()

    assert "2 new reports spotted" in editor_page
    assert "new report" not in viewer_page
