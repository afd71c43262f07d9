"""The staff page "Add an inspection" (/inspections/add/): a publication page read into the form, checked, saved
with its responses; the page it cannot read, the forces a body may not name, and who may use it."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from pytest_httpserver import HTTPServer
from werkzeug import Request
from werkzeug import Response as WerkzeugResponse

from accounts.models import Role
from inspections.models import Force, Inspection
from responses.models import Response
from tests.factories import BodyFactory, ForceFactory, PublicationTypeFactory, UserFactory, make_inspection
from tests.intake.sites import https_site, publication_page

pytestmark = pytest.mark.django_db

ADD = "/inspections/add/"


@pytest.fixture
def site(settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HTTPServer]:
    with https_site(settings, monkeypatch, tmp_path) as server:
        yield server


@pytest.fixture
def derbyshire() -> Force:
    PublicationTypeFactory(name="Child protection")
    return BodyFactory(force=ForceFactory(name="Derbyshire")).force


def signed_in(**user: Any) -> Client:
    client = Client()
    client.force_login(UserFactory(**user))
    return client


@pytest.fixture
def editor(derbyshire: Force) -> Client:
    return signed_in(username="derbyshire-editor", body=derbyshire.bodies.get(), role=Role.EDITOR)


def read(client: Client, address: str) -> Any:
    return client.post(ADD, {"page-address": address, "read": "1"})


def save_data(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Derbyshire – Joint targeted area inspection of the response to children at risk",
        "published_on": "21 October 2022",
        "publication_types": "Child protection",
        "forces": "Derbyshire",
        "report_url": "https://localhost/publications/derbyshire-jtai/report/",
        "pdf_url": "",
        "save": "1",
    }
    data.update(overrides)
    return data


def test_the_address_is_the_first_thing_the_page_asks_for(editor: Client) -> None:
    page = editor.get(ADD)

    assert page.status_code == 200
    assert 'name="page-address"' in page.content.decode()
    assert "Add an inspection" in page.content.decode()


def test_the_publication_page_is_read_into_the_form_every_field_filled_in(editor: Client, site: HTTPServer) -> None:
    site.expect_request("/publications/derbyshire-jtai/").respond_with_data(
        publication_page(types=("Child protection", "Joint")), content_type="text/html; charset=utf-8"
    )

    page = read(editor, site.url_for("/publications/derbyshire-jtai/"))

    assert page.status_code == 200
    form = page.context["form"]
    assert not form.is_bound
    assert {name: form[name].value() for name in form.fields} == {
        "title": "Derbyshire – Joint targeted area inspection of the response to children at risk",
        "published_on": "21 October 2022",
        "publication_types": "Child protection; Joint",
        "forces": "Derbyshire",
        "national": None,
        "report_url": site.url_for("/publications/derbyshire-jtai/report/"),
        "pdf_url": site.url_for("/wp-content/uploads/derbyshire-jtai-2022.pdf"),
    }
    html = page.content.decode()
    assert 'name="published_on-day" type="text" inputmode="numeric" value="21"' in html
    assert 'name="published_on-month" type="text" inputmode="numeric" value="10"' in html
    assert 'name="published_on-year" type="text" inputmode="numeric" value="2022"' in html
    assert "Check what was read" in html
    assert not Inspection.objects.exists()


def test_saving_creates_the_inspection_and_its_responses_and_names_them(
    editor: Client, derbyshire: Force, settings: Any
) -> None:
    settings.INTAKE_ALLOWED_HOSTS = ["localhost"]
    other = BodyFactory(force=ForceFactory(name="Nottinghamshire"))

    page = editor.post(ADD, save_data(pdf_url="https://localhost/wp-content/uploads/r.pdf"))

    inspection = Inspection.objects.get()
    assert inspection.published_on == dt.date(2022, 10, 21)
    assert [t.name for t in inspection.publication_types.all()] == ["Child protection"]
    assert list(inspection.forces.all()) == [derbyshire]
    assert inspection.report_url == "https://localhost/publications/derbyshire-jtai/report/"
    response = Response.objects.get()
    assert response.body == derbyshire.bodies.get() != other
    assert response.statutory_last_day == dt.date(2022, 12, 15)  # published + 55 days
    assert page.status_code == 302
    assert page["Location"] == reverse("inspection_findings", args=[inspection.pk]) + (
        "?pdf=https%3A%2F%2Flocalhost%2Fwp-content%2Fuploads%2Fr.pdf"
    )
    [message] = [str(m) for m in get_messages(page.wsgi_request)]
    assert message == (
        "Derbyshire – Joint targeted area inspection of the response to children at risk is recorded. "
        "Created 1 response(s): Derbyshire OPCC."
    )


def test_the_findings_page_links_only_to_a_pdf_on_an_allowed_host(editor: Client, settings: Any) -> None:
    settings.INTAKE_ALLOWED_HOSTS = ["localhost"]
    editor.post(ADD, save_data(pdf_url="https://example.org/r.pdf"))
    inspection = Inspection.objects.get()

    shown = editor.get(reverse("inspection_findings", args=[inspection.pk]) + "?pdf=https://example.org/r.pdf")

    assert "example.org" not in shown.content.decode()


def test_a_recorded_inspection_is_refused_naming_it(editor: Client) -> None:
    editor.post(ADD, save_data())

    page = editor.post(
        ADD, save_data(title="derbyshire - joint targeted area inspection of the response to children at risk")
    )

    assert page.status_code == 200
    assert "already recorded" in " ".join(page.context["form"].errors["title"])
    assert Inspection.objects.count() == 1


def test_a_body_names_only_its_own_force(editor: Client) -> None:
    ForceFactory(name="Leicestershire")

    page = editor.post(ADD, save_data(forces="Derbyshire; Leicestershire"))

    assert page.context["form"].errors["forces"] == [
        "You can add inspections of Derbyshire only; Leicestershire's office adds its own."
    ]
    assert not Inspection.objects.exists()


def test_a_body_cannot_name_every_force(editor: Client) -> None:
    page = editor.post(ADD, save_data(forces="All"))

    assert "Only a national administrator can record a report about every force" in str(page.context["form"].errors)
    assert not Inspection.objects.exists()


def test_a_national_report_recorded_by_a_body_names_its_own_force(editor: Client, derbyshire: Force) -> None:
    editor.post(ADD, save_data(national="on"))

    inspection = Inspection.objects.get()
    assert inspection.is_national
    assert list(inspection.forces.all()) == [derbyshire]


def test_a_national_administrator_records_a_report_about_every_force(derbyshire: Force) -> None:
    BodyFactory(force=ForceFactory(name="Kent"))
    client = signed_in(username="national", body=None, is_superuser=True, role=Role.ADMIN)

    client.post(ADD, save_data(forces="All"))

    inspection = Inspection.objects.get()
    assert inspection.is_national
    assert inspection.forces.count() == 2
    assert Response.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("published_on", "October 2022", "'October 2022' has no day: give the day of publication"),
        ("published_on", "21/10/22", "'21/10/22' has a two-digit year"),
        ("publication_types", "Inspection", "unknown publication type 'Inspection'; add it in the admin first"),
        ("forces", "Derbyshire Constabulary", "unknown force 'Derbyshire Constabulary'"),
        ("title", "", "the title is empty"),
    ],
)
def test_the_form_refuses_what_the_importer_refuses(editor: Client, field: str, typed: str, message: str) -> None:
    page = editor.post(ADD, save_data(**{field: typed}))

    assert page.status_code == 200
    assert any(error.startswith(message) for error in page.context["form"].errors[field])
    assert "There is a problem" in page.content.decode()
    assert not Inspection.objects.exists()


def test_a_page_from_a_host_not_on_the_list_gives_a_message_and_an_empty_form(editor: Client) -> None:
    page = read(editor, "https://example.org/publications/derbyshire-jtai/")

    assert page.status_code == 200
    assert "is not on that list" in page.context["address_form"].errors["address"][0]
    assert not any(page.context["form"][name].value() for name in ("title", "published_on", "forces"))
    assert "Or fill it in by hand" in page.content.decode()


def test_a_missing_page_gives_a_message_and_an_empty_form(editor: Client, site: HTTPServer) -> None:
    site.expect_request("/gone/").respond_with_data("Not found", status=404)

    page = read(editor, site.url_for("/gone/"))

    assert page.status_code == 200
    assert "the site answered 404 (Not Found)" in page.content.decode()


def test_a_site_that_does_not_answer_in_time_gives_a_message(editor: Client, site: HTTPServer, settings: Any) -> None:
    settings.INTAKE_FETCH_TIMEOUT_SECONDS = 0.2

    def slow(request: Request) -> WerkzeugResponse:
        time.sleep(1)
        return WerkzeugResponse(publication_page(), content_type="text/html")

    site.expect_request("/slow/").respond_with_handler(slow)

    page = read(editor, site.url_for("/slow/"))

    assert page.status_code == 200
    assert "did not answer within 0.2 seconds" in page.content.decode()


def test_no_address_asks_for_one(editor: Client) -> None:
    page = read(editor, "")

    assert page.context["address_form"].errors["address"] == ["Enter the address of the report's publication page."]


def test_a_viewer_may_not_add_an_inspection(derbyshire: Force) -> None:
    viewer = signed_in(username="viewer", body=derbyshire.bodies.get(), role=Role.VIEWER)

    assert viewer.get(ADD).status_code == 403
    assert viewer.post(ADD, save_data()).status_code == 403
    assert not Inspection.objects.exists()


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in() -> None:
    page = Client().get(ADD)

    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))


def test_an_account_without_a_body_that_is_not_national_may_not_add(derbyshire: Force) -> None:
    assert signed_in(username="nobody", body=None, role=Role.EDITOR).get(ADD).status_code == 403


def test_an_inspection_already_recorded_by_another_route_is_refused(editor: Client, derbyshire: Force) -> None:
    make_inspection(
        title="Derbyshire – Joint targeted area inspection of the response to children at risk",
        published_on=dt.date(2022, 10, 21),
        forces=[derbyshire],
    )

    page = editor.post(ADD, save_data())

    assert "This inspection is already recorded" in page.context["form"].errors["title"][0]
