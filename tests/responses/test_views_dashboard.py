"""The dashboard: the body's open responses, overdue first then the nearest statutory last day (finished work behind
"Show finished"), with counts, filters, sortable columns, exports and pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from inspections.models import Finding, FindingKind, Inspection
from notifications.models import OutboxEmail, ReminderKind
from notifications.planner import plan_reminders
from responses import services
from responses.models import ChecklistStep, Response
from tests.factories import BodyFactory, ForceFactory, UserFactory, approve, make_inspection, make_response

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"
LONDON = ZoneInfo("Europe/London")
LAST_DAY_KINDS = (ReminderKind.LAST_DAY, ReminderKind.OVERDUE)  # the reminders about the statutory last day


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
    approve(published)
    services.response_publish(response=published, published_on=days_ago(1))
    html = client_for().get(reverse("dashboard"), {"finished": "1"}).content.decode()
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


# The session, the user, the counts (two), the page of rows, the header's body, the filter form's publication
# types, years and owners, and the spotted reports waiting (an editor's "N new reports spotted").
DASHBOARD_QUERIES = 10


def _count_queries(client: Client, django_assert_max_num_queries: Any, limit: int, **params: str) -> int:
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(reverse("dashboard"), params).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "params",
    [{}, {"finished": "1", "sort": "-owner"}],
    ids=["default", "finished-and-sorted"],
)
def test_query_count_does_not_grow_with_the_number_of_responses(
    body: Any, client_for: Any, django_assert_max_num_queries: Any, params: dict[str, str]
) -> None:
    client = client_for()
    _bulk_responses(body, 10)
    client.get(reverse("dashboard"), params)  # the first visit remembers "Show finished" in the session
    with_ten = _count_queries(client, django_assert_max_num_queries, DASHBOARD_QUERIES, **params)
    _bulk_responses_more = 190
    for n in range(_bulk_responses_more):
        inspection = Inspection.objects.create(title=f"More {n:03d}", published_on=days_ago(n % 90))
        inspection.forces.set([body.force])
        inspection.publication_types.set(Inspection.objects.get(title="Bulk 001").publication_types.all())
        Finding.objects.create(inspection=inspection, kind=FindingKind.RECOMMENDATION, number=1, text="Do it")
        services.inspection_sync_responses(inspection=inspection)
    assert Response.objects.filter(body=body).count() == 200
    with_two_hundred = _count_queries(client, django_assert_max_num_queries, with_ten, **params)
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


# --- the order of the work, finished work, sorting, "Mine" ---------------------------------------------------------
def _finish(response: Response, *, published: int) -> None:
    response.body_comments = "Ours"
    response.cc_comments_not_received = True
    response.save()
    approve(response)
    services.response_publish(response=response, published_on=days_ago(published))


def test_finished_work_is_hidden_until_show_finished_then_listed_after_the_open_work(
    body: Any, client_for: Any
) -> None:
    make_response(body=body, published_on=days_ago(10), title="Later")
    make_response(body=body, published_on=days_ago(70), title="Very late")
    make_response(body=body, published_on=days_ago(50), title="Soon")
    _finish(make_response(body=body, published_on=days_ago(80), title="Published long ago"), published=30)
    _finish(make_response(body=body, published_on=days_ago(40), title="Published lately"), published=1)
    client = client_for()
    html = client.get(reverse("dashboard")).content.decode()
    assert rows(html) == ["Very late", "Soon", "Later"]
    assert "3 responses" in html
    assert 'href="?finished=1">Show finished</a>' in html
    shown = client.get(reverse("dashboard"), {"finished": "1"}).content.decode()
    # The open work as before, then the finished, the most recent statutory last day first.
    assert rows(shown) == ["Very late", "Soon", "Later", "Published lately", "Published long ago"]
    assert "5 responses" in shown
    assert 'href="?finished=0">Hide finished</a>' in shown


def test_show_finished_is_remembered_until_switched_off(body: Any, client_for: Any) -> None:
    make_response(body=body, title="Open")
    _finish(make_response(body=body, published_on=days_ago(40), title="Finished"), published=1)
    client = client_for()
    client.get(reverse("dashboard"), {"finished": "1"})
    assert rows(client.get(reverse("dashboard")).content.decode()) == ["Open", "Finished"]
    assert rows(client.get(reverse("dashboard"), {"q": "n"}).content.decode()) == ["Open", "Finished"]
    client.get(reverse("dashboard"), {"finished": "0"})
    assert rows(client.get(reverse("dashboard")).content.decode()) == ["Open"]
    # Another user's choice is their own.
    assert rows(client_for().get(reverse("dashboard")).content.decode()) == ["Open"]


def test_a_status_filter_for_finished_work_lists_it_with_finished_hidden(body: Any, client_for: Any) -> None:
    make_response(body=body, title="Open")
    _finish(make_response(body=body, published_on=days_ago(40), title="Finished"), published=1)
    html = client_for().get(reverse("dashboard"), {"status": "published"}).content.decode()
    assert rows(html) == ["Finished"]
    assert "1 response<" in html or "1 response\n" in html


def _sortable(body: Any) -> dict[str, Response]:
    amy = UserFactory(body=body, first_name="Amy", last_name="Zeal")
    zoe = UserFactory(body=body, first_name="Zoe", last_name="Able")
    made = {
        "b": make_response(body=body, published_on=days_ago(20), title="Beta", owner=zoe),
        "a": make_response(body=body, published_on=days_ago(5), title="alpha", owner=amy),
        "c": make_response(body=body, published_on=days_ago(58), title="Gamma"),
    }
    services.response_update_comments(
        response=made["a"], expected_version=made["a"].version, body_comments="Drafting now"
    )
    return made


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("inspection", ["alpha", "Beta", "Gamma"]),
        ("-inspection", ["Gamma", "Beta", "alpha"]),
        ("published_on", ["Gamma", "Beta", "alpha"]),
        ("-published_on", ["alpha", "Beta", "Gamma"]),
        ("statutory_last_day", ["Gamma", "Beta", "alpha"]),
        ("-statutory_last_day", ["alpha", "Beta", "Gamma"]),
        ("status", ["Gamma", "Beta", "alpha"]),  # not started (the nearest last day first), then drafting
        ("-status", ["alpha", "Gamma", "Beta"]),
        ("owner", ["alpha", "Beta", "Gamma"]),  # Amy, Zoe, then nobody
        ("-owner", ["Beta", "alpha", "Gamma"]),  # nobody last either way
    ],
)
def test_each_sortable_column_orders_the_list(body: Any, client_for: Any, sort: str, expected: list[str]) -> None:
    _sortable(body)
    assert rows(client_for().get(reverse("dashboard"), {"sort": sort}).content.decode()) == expected


def test_column_headers_are_sort_links_that_keep_the_other_filters(body: Any, client_for: Any) -> None:
    _sortable(body)
    client = client_for()
    html = client.get(reverse("dashboard"), {"q": "a", "page": "1"}).content.decode()
    for key in ("inspection", "published_on", "statutory_last_day", "status", "owner"):
        assert f'href="?q=a&amp;sort={key}"' in html, key
    assert 'aria-sort="none"' in html
    sorted_html = client.get(reverse("dashboard"), {"q": "a", "sort": "inspection"}).content.decode()
    assert 'aria-sort="ascending"' in sorted_html
    assert 'href="?q=a&amp;sort=-inspection"' in sorted_html  # pressed again: descending
    assert '<input type="hidden" name="sort" value="inspection"' in sorted_html  # "Apply filters" keeps it
    assert "Remove this filter</span> Inspection" not in sorted_html


@pytest.mark.parametrize("sort", ["nonsense", "-", "--inspection", "inspection,owner", "id", "<script>", "-body"])
def test_an_invalid_sort_is_ignored_not_an_error(body: Any, client_for: Any, sort: str) -> None:
    _sortable(body)
    result = client_for().get(reverse("dashboard"), {"sort": sort, "finished": "yes"})
    assert result.status_code == 200
    assert rows(result.content.decode()) == ["Gamma", "Beta", "alpha"]


def test_mine_lists_the_signed_in_users_own_responses(body: Any) -> None:
    me = UserFactory(body=body, role=Role.EDITOR, first_name="Tom", last_name="Hayward")
    make_response(body=body, title="Mine", owner=me)
    make_response(body=body, title="A colleague's", owner=UserFactory(body=body))
    make_response(body=body, title="Nobody's")
    client = Client()
    client.force_login(me, backend=BACKEND)
    everyone = client.get(reverse("dashboard")).content.decode()
    assert 'href="?owner=me">Mine</a>' in everyone
    html = client.get(reverse("dashboard"), {"owner": "me"}).content.decode()
    assert rows(html) == ["Mine"]
    assert "Remove this filter</span> Me" in html
    assert 'href="?">Show everyone\'s</a>' in html


def test_the_export_links_carry_the_filters_sort_and_what_the_page_shows(body: Any, client_for: Any) -> None:
    make_response(body=body, title="Any")
    html = client_for().get(reverse("dashboard"), {"q": "x", "sort": "-owner", "page": "2"}).content.decode()
    csv_link = re.search(r'href="([^"]+)">Export these as CSV', html)
    xlsx_link = re.search(r'href="([^"]+)">Download as Excel \(XLSX\)', html)
    assert csv_link and xlsx_link
    assert csv_link.group(1) == reverse("export_register") + "?q=x&amp;sort=-owner&amp;finished=0&amp;excel=1"
    assert xlsx_link.group(1) == reverse("export_register_xlsx") + "?q=x&amp;sort=-owner&amp;finished=0"


def test_the_audit_export_is_offered_to_those_who_may_take_it(body: Any, client_for: Any) -> None:
    link = f'href="{reverse("export_audit")}?excel=1">Download the audit trail (CSV)</a>'
    assert link in client_for(Role.VIEWER).get(reverse("dashboard")).content.decode()
    national = Client()
    national.force_login(UserFactory(username="national", body=None, is_superuser=True), backend=BACKEND)
    assert link in national.get(reverse("dashboard")).content.decode()
    nobody = Client()
    nobody.force_login(UserFactory(username="bodiless", body=None), backend=BACKEND)
    assert link not in nobody.get(reverse("dashboard")).content.decode()


# --- the statutory last day itself ------------------------------------------------------------------------------
def test_on_the_last_day_it_is_due_today_and_the_day_after_overdue(body: Any, client_for: Any) -> None:
    """The tile count, the filter, the register export row and the reminder planner agree: in time on the
    statutory last day, overdue from the day after."""
    owner = UserFactory(body=body, email="owner@opcc.example")
    response = make_response(body=body, published_on=dt.date(2024, 9, 24), title="PEEL", owner=owner)
    last_day = dt.date(2024, 11, 18)
    assert response.statutory_last_day == last_day
    client = client_for()

    def seen_on(day: dt.date) -> dict[str, Any]:
        with time_machine.travel(dt.datetime(day.year, day.month, day.day, 12, tzinfo=LONDON), tick=False):
            html = client.get(reverse("dashboard")).content.decode()
            overdue_filter = client.get(reverse("dashboard"), {"status": "overdue"}).content.decode()
            export = b"".join(client.get(reverse("export_register")).streaming_content).decode()
        tile = re.search(r'href="\?status=overdue">\s*<span class="app-count">(\d+)</span>', html)
        tag = re.search(r'app-status-tag--[\w-]+">([^<]+)<', html)
        (row,) = csv.DictReader(io.StringIO(export))
        plan_reminders(day)
        kinds = set(
            OutboxEmail.objects.filter(response=response, due_on=day, kind__in=LAST_DAY_KINDS).values_list(
                "kind", flat=True
            )
        )
        return {
            "tile": int(tile.group(1)) if tile else None,
            "tag": tag.group(1) if tag else None,
            "filter": rows(overdue_filter),
            "export": (row["status"], row["days_left"]),
            "reminders": kinds,
        }

    assert seen_on(last_day) == {
        "tile": 0,
        "tag": "Due today",
        "filter": [],
        "export": ("not_started", "0"),
        "reminders": {ReminderKind.LAST_DAY},
    }
    assert seen_on(last_day + dt.timedelta(days=1)) == {
        "tile": 1,
        "tag": "Overdue",
        "filter": ["PEEL"],
        "export": ("overdue", "-1"),
        "reminders": {ReminderKind.OVERDUE},
    }
