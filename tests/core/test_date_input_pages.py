"""The date inputs on the response pages: the publish page's error summary links the place at fault (the missing
explanation, the missing comments), not the date; a deadline past the statutory last day needs its box ticked."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from inspections.models import FindingKind
from responses.models import Response
from tests.factories import BodyFactory, ForceFactory, UserFactory, make_response

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def response(steps: Any) -> Response:
    body = BodyFactory(force=ForceFactory(name="Norfolk"))
    return make_response(body=body, published_on=timezone.localdate() - dt.timedelta(days=20), recommendations=2)


@pytest.fixture
def client(response: Response) -> Client:
    client = Client()
    client.force_login(UserFactory(body=response.body, role=Role.EDITOR), backend=BACKEND)
    return client


def summary_links(html: str) -> list[str]:
    start = html.index("govuk-error-summary")
    return re.findall(r'<a href="([^"]+)">', html[start : html.index("</ul>", start)])


def date_post(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def test_publish_errors_link_the_missing_explanation_and_comments_not_the_date(
    client: Client, response: Response
) -> None:
    first = response.finding_responses.get(finding__kind=FindingKind.RECOMMENDATION, finding__number=1)
    first.explanation = "Done"
    first.save()
    second = response.finding_responses.get(finding__kind=FindingKind.RECOMMENDATION, finding__number=2)
    data = {"version": response.version, **date_post("published_on", timezone.localdate())}
    html = client.post(reverse("response_publish", args=[response.pk]), data).content.decode()
    comments = reverse("response_edit_comments", args=[response.pk])
    links = summary_links(html)
    assert reverse("finding_edit", args=[response.pk, second.pk]) + "#id_explanation" in links
    assert f"{comments}#id_cc_comments" in links
    assert f"{comments}#id_body_comments" in links
    assert not any("published_on" in link for link in links)
    assert Response.objects.get(pk=response.pk).published_on is None


def test_a_bad_publication_date_links_its_own_box(client: Client, response: Response) -> None:
    data = {
        "version": response.version,
        "published_on-day": "31",
        "published_on-month": "2",
        "published_on-year": "2025",
    }
    html = client.post(reverse("response_publish", args=[response.pk]), data).content.decode()
    assert summary_links(html) == ["#id_published_on-day"]
    assert "Date of publication must be a real date" in html


def test_a_deadline_after_the_statutory_last_day_needs_the_box_ticked(client: Client, response: Response) -> None:
    url = reverse("response_edit_deadline", args=[response.pk])
    later = response.statutory_last_day + dt.timedelta(days=10)
    data = {"version": response.version, "reason": "Agreed with HMICFRS", **date_post("deadline", later)}
    html = client.post(url, data).content.decode()
    assert summary_links(html) == ["#id_after_statutory_confirmed"]
    assert "is after the statutory last day" in html
    assert Response.objects.get(pk=response.pk).deadline == response.deadline
    saved = client.post(url, data | {"after_statutory_confirmed": "on"})
    assert saved.status_code == 302
    assert Response.objects.get(pk=response.pk).deadline == later


def test_a_deadline_before_the_statutory_last_day_needs_no_box(client: Client, response: Response) -> None:
    url = reverse("response_edit_deadline", args=[response.pk])
    earlier = response.statutory_last_day - dt.timedelta(days=3)
    data = {"version": response.version, "reason": "Agreed early", **date_post("deadline", earlier)}
    assert client.post(url, data).status_code == 302
    assert Response.objects.get(pk=response.pk).deadline == earlier
