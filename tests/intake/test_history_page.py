"""/office/history/: a body admin uploads the office's register, checks the preview, and confirms it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from audit.models import AuditEntry
from inspections.models import Inspection, LocalPolicingBody
from intake.models import StagedImport
from responses.models import Response
from tests.factories import BodyFactory, ForceFactory, PublicationTypeFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "inspection,publication_types,force,body,published_on,forwarded_to_panel,response_published_on,owner\n"
NORFOLK_PCC = "Norfolk Police and Crime Commissioner"
SUFFOLK_PCC = "Suffolk Police and Crime Commissioner"


def active_body(force: str, name: str) -> LocalPolicingBody:
    body = BodyFactory(force=ForceFactory(name=force, slug=force.lower()), name=name)
    body.active, body.short_name = True, f"{force} OPCC"
    body.save()
    return body


@pytest.fixture
def norfolk(steps: object) -> LocalPolicingBody:
    active_body("Suffolk", SUFFOLK_PCC)
    PublicationTypeFactory(name="PEEL")
    return active_body("Norfolk", NORFOLK_PCC)


def user(body: LocalPolicingBody | None, role: str, **extra: object) -> User:
    return UserFactory(username=f"{role}-{body.pk if body else 'national'}", body=body, role=role, **extra)


def signed_in(who: User, **client_options: object) -> Client:
    client = Client(**client_options)  # type: ignore[arg-type]
    client.force_login(who)
    return client


def upload(client: Client, text: str, name: str = "register.csv") -> str:
    page = client.post(reverse("import_history"), {"file": SimpleUploadedFile(name, (HEADER + text).encode())})
    assert page.status_code == 200
    return page.content.decode()


GOOD = "PEEL 2021/22: Norfolk,PEEL,Norfolk,Norfolk Police and Crime Commissioner,2022-03-10,2022-04-01,2022-05-01,\n"


def test_a_body_admin_uploads_a_register_checks_the_preview_and_confirms_it(norfolk: LocalPolicingBody) -> None:
    admin = user(norfolk, Role.ADMIN)
    client = signed_in(admin)
    form = client.get(reverse("import_history")).content.decode()
    assert 'enctype="multipart/form-data"' in form
    assert 'class="govuk-file-upload"' in form and 'accept=".csv,.xlsx"' in form

    preview = upload(client, GOOD)

    assert "Check the import" in preview
    assert "new inspection" in preview and "new response for Norfolk OPCC" in preview
    assert "Response forwarded to the Police and Crime Panel: 1 April 2022" in preview
    assert "published on 1 May 2022" in preview
    assert "Confirm import" in preview
    assert not Inspection.objects.exists()  # nothing written before the confirmation
    staged = StagedImport.objects.get()

    done = client.post(reverse("import_history_confirm"), {"staged": str(staged.pk)}, follow=True)

    assert done.redirect_chain[-1][0] == reverse("import_history")
    banner = done.content.decode()
    assert "History imported from register.csv: 1 inspection(s) and 1 response(s) created" in banner
    response = Response.objects.get()
    assert response.published_on == dt.date(2022, 5, 1) and response.publication_imported
    assert not StagedImport.objects.exists()
    entries = AuditEntry.objects.filter(response_id=response.pk)
    assert entries.exists() and all(entry.actor_id == admin.pk for entry in entries)


def test_a_viewer_and_an_editor_are_refused(norfolk: LocalPolicingBody) -> None:
    for role in (Role.VIEWER, Role.EDITOR):
        client = signed_in(user(norfolk, role))
        assert client.get(reverse("import_history")).status_code == 403
        posted = client.post(reverse("import_history"), {"file": SimpleUploadedFile("r.csv", (HEADER + GOOD).encode())})
        assert posted.status_code == 403
        assert client.post(reverse("import_history_confirm"), {"staged": "x"}).status_code == 403
    assert not StagedImport.objects.exists()


def test_another_bodys_rows_are_problems_by_line_for_a_body_admin(norfolk: LocalPolicingBody) -> None:
    suffolk_row = GOOD.replace("Norfolk,Norfolk Police", "Suffolk,Suffolk Police").replace(": Norfolk", ": Suffolk")
    preview = upload(signed_in(user(norfolk, Role.ADMIN)), GOOD + suffolk_row)

    assert "There is a problem: nothing has been imported" in preview
    assert (
        "Line 3, column body: this row is Suffolk Police and Crime Commissioner&#x27;s; you can import only "
        "Norfolk Police and Crime Commissioner&#x27;s history"
    ) in preview
    assert "Confirm import" not in preview
    assert 'href="#id_file"' in preview and 'id="id_file"' in preview  # the problems link to the upload again
    assert not StagedImport.objects.exists()


def test_a_national_superuser_may_import_any_bodys_rows(norfolk: LocalPolicingBody) -> None:
    national = user(None, Role.ADMIN, is_superuser=True)
    suffolk_row = GOOD.replace("Norfolk,Norfolk Police", "Suffolk,Suffolk Police")
    preview = upload(signed_in(national), GOOD + suffolk_row)
    assert "new response for Suffolk OPCC" in preview and "Confirm import" in preview


def test_only_the_uploader_may_confirm_and_only_within_the_hour(norfolk: LocalPolicingBody) -> None:
    uploader = user(norfolk, Role.ADMIN)
    upload(signed_in(uploader), GOOD)
    staged = StagedImport.objects.get()
    colleague = UserFactory(username="another-admin", body=norfolk, role=Role.ADMIN)
    assert signed_in(colleague).post(reverse("import_history_confirm"), {"staged": str(staged.pk)}).status_code == 404
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=61)):
        assert (
            signed_in(uploader).post(reverse("import_history_confirm"), {"staged": str(staged.pk)}).status_code == 404
        )
    assert signed_in(uploader).post(reverse("import_history_confirm"), {"staged": "not-a-uuid"}).status_code == 404
    assert not Inspection.objects.exists()


def test_every_post_needs_the_csrf_token(norfolk: LocalPolicingBody) -> None:
    uploader = user(norfolk, Role.ADMIN)
    client = signed_in(uploader, enforce_csrf_checks=True)
    posted = client.post(reverse("import_history"), {"file": SimpleUploadedFile("r.csv", (HEADER + GOOD).encode())})
    assert posted.status_code == 403
    upload(signed_in(uploader), GOOD)
    staged = StagedImport.objects.get()
    assert client.post(reverse("import_history_confirm"), {"staged": str(staged.pk)}).status_code == 403
    assert not Inspection.objects.exists()
    page = client.get(reverse("import_history")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_preview_counts_open_responses_long_past_their_last_day(norfolk: LocalPolicingBody) -> None:
    long_ago = (timezone.localdate() - dt.timedelta(days=200)).isoformat()
    preview = upload(signed_in(user(norfolk, Role.ADMIN)), f"Old and open,PEEL,Norfolk,{NORFOLK_PCC},{long_ago},,,\n")
    assert "1 response(s) in this file will be open with a statutory last day more than 56 days ago" in preview


def test_a_file_of_another_kind_is_refused_by_the_form(norfolk: LocalPolicingBody) -> None:
    client = signed_in(user(norfolk, Role.ADMIN))
    page = client.post(reverse("import_history"), {"file": SimpleUploadedFile("register.ods", b"x")})
    text = page.content.decode()
    assert "There is a problem" in text and "The file must be a CSV (.csv) or an Excel workbook (.xlsx)" in text
    assert "<title>Error: Import history" in text
    assert "Choose the register file to import" in client.post(reverse("import_history"), {}).content.decode()


def test_a_register_already_imported_has_nothing_to_import(norfolk: LocalPolicingBody) -> None:
    client = signed_in(user(norfolk, Role.ADMIN))
    upload(client, GOOD)
    client.post(reverse("import_history_confirm"), {"staged": str(StagedImport.objects.get().pk)})
    again = upload(client, GOOD)
    assert "Nothing to import: every row is already as recorded." in again
    assert "Confirm import" not in again
    assert not StagedImport.objects.exists()


def test_the_dashboard_links_a_body_admin_to_the_page(norfolk: LocalPolicingBody) -> None:
    link = f'href="{reverse("import_history")}"'
    assert link in signed_in(user(norfolk, Role.ADMIN)).get(reverse("dashboard")).content.decode()
    assert link not in signed_in(user(norfolk, Role.EDITOR)).get(reverse("dashboard")).content.decode()
