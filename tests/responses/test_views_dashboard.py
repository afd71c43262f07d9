"""The dashboard: the body's responses, nearest statutory last day first, with counts, filters and pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from inspections.models import Finding, FindingKind, Inspection
from responses import services
from responses.models import ChecklistStep, Response
from tests.factories import BodyFactory, ForceFactory, UserFactory, make_inspection, make_response

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def body(steps: Any) -> Any:
    return BodyFactory(force=ForceFactory(name="Norfolk"))


@pytest.fixture
def client_for(body: Any) -> Any:
    def login(role: str = Role.EDITOR, **kwargs: Any) -> Client:
        client = Client()
        client.force_login(UserFactory(body=body, role=role, **kwargs), backend=BACKEND)
        return client

    return login


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def rows(html: str) -> list[str]:
    """The inspection titles of the table's rows, in order."""
    return re.findall(r'<a class="govuk-link" href="/responses/\d+/">([^<]+)</a>', html)


def test_lists_own_bodys_responses_nearest_statutory_last_day_first(body: Any, client_for: Any) -> None:
    make_response(body=body, published_on=days_ago(10), title="Later")
    make_response(body=body, published_on=days_ago(60), title="Overdue one")
    make_response(body=body, published_on=days_ago(50), title="Soon")
    make_response(body=BodyFactory(force=ForceFactory(name="Suffolk")), title="Someone else's")
    html = client_for(Role.VIEWER).get(reverse("dashboard")).content.decode()
    assert rows(html) == ["Overdue one", "Soon", "Later"]
    assert "Someone else" not in html


def test_each_row_shows_dates_status_checklist_progress_types_and_owner(body: Any, client_for: Any) -> None:
    owner = UserFactory(body=body, first_name="Tom", last_name="Hayward")
    response = make_response(body=body, published_on=days_ago(60), title="Child protection", owner=owner)
    services.checklist_tick(
        response=response, step=ChecklistStep.objects.get(key="forwarded_to_panel"), user=owner, done_on=days_ago(1)
    )
    html = client_for().get(reverse("dashboard")).content.decode()
    row = html[html.index("Child protection") :]
    row = row[: row.index("</tr>")]
    assert f"{response.deadline:%-d %b %Y}" in row
    assert f"{response.statutory_last_day:%-d %b %Y}" in row
    assert "5 days late" in row
    assert "app-status-tag--overdue" in row and "Overdue" in row
    assert "1/4" in row
    assert "PEEL" in row
    assert "Tom Hayward" in row


def test_status_tags_name_due_within_seven_days_and_published(body: Any, client_for: Any) -> None:
    make_response(body=body, published_on=days_ago(50), title="Due soon")
    published = make_response(body=body, published_on=days_ago(40), title="Published")
    published.body_comments = "Ours"
    published.cc_comments_not_received = True
    published.save()
    services.response_publish(response=published, published_on=days_ago(1))
    html = client_for().get(reverse("dashboard")).content.decode()
    assert "Due within 7 days" in html
    assert "app-status-tag--published" in html


def test_counts_per_status_link_to_the_filter(body: Any, client_for: Any) -> None:
    make_response(body=body, published_on=days_ago(60), title="Late A")
    make_response(body=body, published_on=days_ago(70), title="Late B")
    make_response(body=body, published_on=days_ago(5), title="Fresh")
    html = client_for().get(reverse("dashboard")).content.decode()
    overdue = re.search(r'href="\?status=overdue">\s*<span class="app-count">(\d+)</span>', html)
    not_started = re.search(r'href="\?status=not_started">\s*<span class="app-count">(\d+)</span>', html)
    assert overdue and overdue.group(1) == "2"
    assert not_started and not_started.group(1) == "3"


def test_filters_narrow_the_list_and_show_what_is_selected(body: Any, client_for: Any) -> None:
    make_response(body=body, published_on=days_ago(60), title="Overdue custody visit")
    make_response(body=body, published_on=days_ago(5), title="Fresh custody visit")
    make_response(body=body, published_on=days_ago(61), title="Overdue PEEL")
    html = client_for().get(reverse("dashboard"), {"status": "overdue", "q": "custody"}).content.decode()
    assert rows(html) == ["Overdue custody visit"]
    assert "Selected filters" in html
    assert "Remove this filter</span> Overdue" in html
    assert "Remove this filter</span> “custody”" in html


def test_bad_filter_values_are_ignored_not_an_error(body: Any, client_for: Any) -> None:
    make_response(body=body, title="Any")
    result = client_for().get(reverse("dashboard"), {"status": "nonsense", "year": "abc", "owner": "<script>"})
    assert result.status_code == 200
    assert rows(result.content.decode()) == ["Any"]


def test_export_link_carries_the_current_filters(body: Any, client_for: Any) -> None:
    make_response(body=body, title="Any")
    html = client_for().get(reverse("dashboard"), {"status": "overdue", "q": "x", "page": "1"}).content.decode()
    link = re.search(r'href="([^"]+)">Export these as CSV', html)
    assert link is not None
    assert link.group(1).startswith(reverse("export_register") + "?")
    assert "status=overdue" in link.group(1) and "q=x" in link.group(1)
    assert "page=" not in link.group(1)


def _bulk_responses(body: Any, count: int) -> None:
    """`count` responses, each with its own inspection and a publication type, some with checklist ticks."""
    step = ChecklistStep.objects.get(key="forwarded_to_panel")
    for n in range(count):
        inspection = make_inspection(
            title=f"Bulk {n:03d}",
            published_on=days_ago(n % 90),
            forces=[body.force],
            types=["PEEL", "Thematic"] if n % 2 else ["Custody"],
        )
        if n % 3 == 0:
            response = Response.objects.get(inspection=inspection, body=body)
            services.checklist_tick(response=response, step=step, user=None, done_on=days_ago(0))


def _count_queries(client: Client, django_assert_max_num_queries: Any, limit: int) -> int:
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(reverse("dashboard")).status_code == 200
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_the_number_of_responses(
    body: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for()
    _bulk_responses(body, 10)
    with_ten = _count_queries(client, django_assert_max_num_queries, 15)
    _bulk_responses_more = 190
    for n in range(_bulk_responses_more):
        inspection = Inspection.objects.create(title=f"More {n:03d}", published_on=days_ago(n % 90))
        inspection.forces.set([body.force])
        inspection.publication_types.set(Inspection.objects.get(title="Bulk 001").publication_types.all())
        Finding.objects.create(inspection=inspection, kind=FindingKind.RECOMMENDATION, number=1, text="Do it")
        services.inspection_sync_responses(inspection=inspection)
    assert Response.objects.filter(body=body).count() == 200
    with_two_hundred = _count_queries(client, django_assert_max_num_queries, with_ten)
    assert with_two_hundred == with_ten


def test_pages_of_25_keep_the_filters(body: Any, client_for: Any) -> None:
    _bulk_responses(body, 30)
    client = client_for()
    first = client.get(reverse("dashboard"), {"q": "Bulk"}).content.decode()
    assert len(rows(first)) == 25
    assert "Showing 1 to 25 of 30 responses" in first
    assert 'href="?q=Bulk&amp;page=2"' in first
    second = client.get(reverse("dashboard"), {"q": "Bulk", "page": "2"}).content.decode()
    assert len(rows(second)) == 5
    # A page number past the end shows the last page rather than an error.
    assert client.get(reverse("dashboard"), {"page": "99"}).status_code == 200


@pytest.mark.parametrize("status", ["", "overdue", "due_7", "not_started", "drafting", "published", "complete"])
def test_the_count_shown_is_the_number_listed_for_every_status_filter(body: Any, client_for: Any, status: str) -> None:
    """With no filter or a status filter the paginator takes its count from the status counts: it must agree
    with the rows the filter really lists, across pages."""
    _bulk_responses(body, 30)
    for n, days in enumerate((5, 52, 58, 70)):
        make_response(body=body, published_on=days_ago(days), title=f"Spread {n}")
    published = make_response(body=body, published_on=days_ago(20), title="Published one")
    Response.objects.filter(pk=published.pk).update(status="published", published_on=days_ago(1))
    make_response(body=BodyFactory(force=ForceFactory(name="Suffolk")), title="Not counted")
    client = client_for()
    listed: list[str] = []
    for page in range(1, 4):
        html = client.get(reverse("dashboard"), {"status": status, "page": page} if status else {"page": page})
        listed += rows(html.content.decode())
        if 'rel="next"' not in html.content.decode():
            break
    expected = len(set(listed))
    assert expected == len(listed)
    text = html.content.decode()
    shown = re.search(r'id="results-count">\s*(.*?)\s*</p>', text, re.S)
    if not expected:
        assert shown is None and "No responses match" in text
    elif expected > 25:
        assert shown is not None and shown.group(1).endswith(f" of {expected} responses")
    else:
        assert shown is not None and shown.group(1) == f"{expected} response{'s' if expected != 1 else ''}"


def test_national_superuser_sees_every_body_with_a_body_column(body: Any) -> None:
    make_response(body=body, title="Norfolk report")
    make_response(body=BodyFactory(force=ForceFactory(name="Suffolk")), title="Suffolk report")
    client = Client()
    client.force_login(UserFactory(username="national", body=None, is_superuser=True), backend=BACKEND)
    html = client.get(reverse("dashboard")).content.decode()
    assert set(rows(html)) == {"Norfolk report", "Suffolk report"}
    assert ">Body</th>" in html


def test_empty_dashboard_says_so(body: Any, client_for: Any) -> None:
    html = client_for().get(reverse("dashboard")).content.decode()
    assert "There are no responses for your body yet" in html


def test_deadline_calendar_shows_three_months_of_last_days(body: Any, client_for: Any) -> None:
    response = make_response(body=body, published_on=days_ago(40), title="Due in fifteen days")
    html = client_for().get(reverse("deadline_calendar")).content.decode()
    first = timezone.localdate().replace(day=1)
    assert f"{first:%B %Y}" in html
    assert html.count('<table class="govuk-table app-calendar__month">') == 3
    assert "Statutory last day: Due in fifteen days" in html
    assert f'href="{response.get_absolute_url()}"' in html


def test_deadline_calendar_moves_by_three_months(body: Any, client_for: Any) -> None:
    html = client_for().get(reverse("deadline_calendar"), {"from": "2024-11"}).content.decode()
    assert "November 2024" in html and "January 2025" in html
    assert 'href="?from=2025-02"' in html and 'href="?from=2024-08"' in html
    for nonsense in ("nonsense", "0001-01", "9999-12"):
        assert client_for().get(reverse("deadline_calendar"), {"from": nonsense}).status_code == 200
