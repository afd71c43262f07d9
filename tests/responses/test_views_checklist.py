"""The office-use checklist: tick a step with a date and evidence, untick it with a reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEntry
from responses import services
from responses.models import ChecklistItem, Response
from tests.factories import BodyFactory, ForceFactory, UserFactory, approve, make_response

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def response(steps: Any) -> Response:
    return make_response(body=BodyFactory(force=ForceFactory(name="Norfolk")), published_on=dt.date(2024, 9, 24))


@pytest.fixture
def editor(response: Response) -> Any:
    return UserFactory(body=response.body, role=Role.EDITOR)


@pytest.fixture
def client(editor: Any) -> Client:
    client = Client()
    client.force_login(editor, backend=BACKEND)
    return client


def tick(client: Client, response: Response, key: str, **data: Any) -> Any:
    version = Response.objects.get(pk=response.pk).version
    return client.post(reverse("checklist_tick", args=[response.pk, key]), {"version": version, **data}, follow=True)


def test_ticking_a_step_with_evidence(client: Client, response: Response, editor: Any) -> None:
    result = tick(client, response, "forwarded_to_panel", done_on="2024-11-01", evidence_reference="Scrutiny officer")
    assert [str(m) for m in result.context["messages"]] == [
        "Ticked: Response forwarded to the Police and Crime Panel, done on 1 November 2024."
    ]
    assert result.redirect_chain[-1][0] == f"{response.get_absolute_url()}#checklist"
    item = ChecklistItem.objects.get(response=response, step__key="forwarded_to_panel")
    assert (item.done_on, item.done_by, item.evidence_reference) == (dt.date(2024, 11, 1), editor, "Scrutiny officer")
    assert AuditEntry.objects.filter(response_id=response.pk, object_repr__startswith="Response forwarded").exists()


def test_a_tick_needs_evidence_and_a_date_not_in_the_future(client: Client, response: Response) -> None:
    html = tick(client, response, "forwarded_to_panel", done_on="2024-11-01").content.decode()
    assert "Give a web address or a reference as evidence that this was done." in html
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    html = tick(client, response, "forwarded_to_panel", done_on=tomorrow.isoformat(), evidence_reference="x").content
    assert b"cannot be in the future" in html
    html = tick(client, response, "forwarded_to_panel", done_on="2024-11-01", evidence_url="not a url").content
    assert b"Enter a valid URL." in html
    assert b'value="not a url"' in html
    assert not ChecklistItem.objects.filter(response=response, done_on__isnull=False).exists()


def test_unticking_needs_a_reason_which_is_recorded(client: Client, response: Response) -> None:
    tick(client, response, "submitted_to_portal", done_on="2024-11-10", evidence_reference="PORTAL-123")
    url = reverse("checklist_untick", args=[response.pk, "submitted_to_portal"])
    version = Response.objects.get(pk=response.pk).version
    refused = client.post(url, {"version": version, "reason": ""})
    assert "govuk-error-summary" in refused.content.decode()
    result = client.post(url, {"version": version, "reason": "Portal rejected the upload"}, follow=True)
    assert [str(m) for m in result.context["messages"]] == [
        "Unticked: Response submitted to the HMICFRS monitoring portal."
    ]
    item = ChecklistItem.objects.get(response=response, step__key="submitted_to_portal")
    assert item.done_on is None
    entry = AuditEntry.objects.filter(response_id=response.pk, reason="Portal rejected the upload")
    assert entry.exists()


def test_unticking_a_step_that_is_not_ticked_is_refused(client: Client, response: Response) -> None:
    url = reverse("checklist_untick", args=[response.pk, "submitted_to_portal"])
    html = client.post(url, {"version": response.version, "reason": "Oops"}).content.decode()
    assert "This step is not ticked." in html


def test_step_page_offers_untick_only_when_done(client: Client, response: Response) -> None:
    url = reverse("checklist_step", args=[response.pk, "forwarded_to_panel"])
    assert "Untick this step" not in client.get(url).content.decode()
    tick(client, response, "forwarded_to_panel", done_on="2024-11-01", evidence_reference="Panel")
    html = client.get(url).content.decode()
    assert "Untick this step" in html and "Panel" in html


def test_published_on_website_step_suggests_the_public_page(client: Client, response: Response, settings: Any) -> None:
    settings.SITE_URL = "https://s55.example"
    response.body_comments = "Ours"
    response.cc_comments_not_received = True
    response.save()
    approve(response)
    services.response_publish(response=response, published_on=dt.date(2024, 11, 15))
    html = client.get(reverse("checklist_step", args=[response.pk, "published_on_website"])).content.decode()
    public = f"/published/{Response.objects.get(pk=response.pk).slug}/"
    assert f'value="https://s55.example{public}"' in html


def test_unknown_step_is_404(client: Client, response: Response) -> None:
    assert client.get(reverse("checklist_step", args=[response.pk, "no-such-step"])).status_code == 404
