"""responses/filters.py: the dashboard's and the register export's shared filters (a django-filter FilterSet)."""

from __future__ import annotations

import datetime as dt

import pytest

from responses import services
from responses.filters import ResponseFilter
from responses.models import Response
from tests.exports.helpers import national_user
from tests.factories import BodyFactory, UserFactory, approve, make_inspection, make_response

TODAY = dt.date(2024, 11, 10)


@pytest.fixture
def body(db):
    return BodyFactory()


def filters(params: dict | None, *, user=None, today: dt.date = TODAY) -> ResponseFilter:
    return ResponseFilter(params, queryset=Response.objects.all(), user=user, today=today)


def titles(filterset: ResponseFilter) -> list[str]:
    return sorted(filterset.qs.values_list("inspection__title", flat=True))


def test_no_parameters_apply_no_filter(body) -> None:
    make_response(body=body, title="A")
    make_response(body=body, title="B")
    assert titles(filters(None)) == ["A", "B"]
    assert titles(filters({})) == ["A", "B"]


def test_status_filters_by_stored_status(body) -> None:
    drafting = make_response(body=body, title="Drafting")
    make_response(body=body, title="Not started")
    drafting.body_comments = "Our view"
    drafting.save()
    services.response_sync_status(response=drafting)
    assert titles(filters({"status": "drafting"})) == ["Drafting"]
    assert titles(filters({"status": "not_started"})) == ["Not started"]


def test_overdue_means_open_and_past_the_statutory_last_day(body) -> None:
    make_response(body=body, title="Past", published_on=dt.date(2024, 9, 1))  # last day 26 Oct
    make_response(body=body, title="Last day today", published_on=dt.date(2024, 9, 16))  # last day 10 Nov
    assert titles(filters({"status": "overdue"})) == ["Past"]


def test_overdue_excludes_published_responses(body) -> None:
    published = make_response(body=body, title="Published late", published_on=dt.date(2024, 9, 1))
    published.body_comments = "Ours"
    published.cc_comments_not_received = True
    published.save()
    approve(published)
    services.response_publish(response=published, published_on=dt.date(2024, 11, 1), late_reason="Comments late.")
    assert titles(filters({"status": "overdue"})) == []


def test_due_7_covers_today_to_seven_days_ahead(body) -> None:
    make_response(body=body, title="Due today", published_on=dt.date(2024, 9, 16))  # last day 10 Nov
    make_response(body=body, title="Due in 7", published_on=dt.date(2024, 9, 23))  # last day 17 Nov
    make_response(body=body, title="Due in 8", published_on=dt.date(2024, 9, 24))  # last day 18 Nov
    make_response(body=body, title="Overdue", published_on=dt.date(2024, 9, 15))  # last day 9 Nov
    assert titles(filters({"status": "due_7"})) == ["Due in 7", "Due today"]


def test_publication_type_filters_by_slug(body) -> None:
    make_inspection(title="A PEEL report", forces=[body.force], types=["PEEL"])
    make_inspection(title="A thematic", forces=[body.force], types=["Thematic"])
    assert titles(filters({"publication_type": "thematic"})) == ["A thematic"]


def test_year_filters_by_publication_year(body) -> None:
    make_response(body=body, title="2023 report", published_on=dt.date(2023, 12, 31))
    make_response(body=body, title="2024 report", published_on=dt.date(2024, 1, 1))
    assert titles(filters({"year": "2023"})) == ["2023 report"]


def test_owner_filters_by_user_of_the_same_body_or_none(body) -> None:
    alice = UserFactory(username="alice", body=body)
    make_response(body=body, title="Alice's", owner=alice)
    make_response(body=body, title="Nobody's")
    assert titles(filters({"owner": str(alice.pk)}, user=alice)) == ["Alice's"]
    assert titles(filters({"owner": "none"}, user=alice)) == ["Nobody's"]


def test_owner_of_another_body_is_not_a_valid_choice(body) -> None:
    alice = UserFactory(username="alice", body=body)
    stranger = UserFactory(username="stranger", body=BodyFactory())
    make_response(body=body, title="Mine")
    form = filters({"owner": str(stranger.pk)}, user=alice)
    assert titles(form) == ["Mine"]
    assert "owner" in form.errors


def test_national_user_may_filter_by_any_owner(body) -> None:
    alice = UserFactory(username="alice", body=body)
    make_response(body=body, title="Alice's", owner=alice)
    make_response(body=body, title="Nobody's")
    assert titles(filters({"owner": str(alice.pk)}, user=national_user())) == ["Alice's"]


def test_q_searches_inspection_titles_case_insensitively(body) -> None:
    make_response(body=body, title="PEEL 2023–2025: Norfolk")
    make_response(body=body, title="Custody suites")
    assert titles(filters({"q": "  norfolk "})) == ["PEEL 2023–2025: Norfolk"]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "bogus"},
        {"publication_type": "no-such-type"},
        {"year": "twenty"},
        {"year": "1066"},
        {"owner": "999999"},
        {"owner": "'; drop table"},
        {"q": "x" * 201},
        {"status": ["a", "b"]},
        {"sort": "nonsense"},
        {"sort": "-"},
        {"sort": "body__name"},
        {"finished": "yes"},
    ],
)
def test_an_invalid_parameter_applies_no_filter(body, params) -> None:
    make_response(body=body, title="A")
    form = filters(params)
    assert titles(form) == ["A"]
    assert form.errors


def test_a_bad_parameter_leaves_the_good_ones_applied(body) -> None:
    make_response(body=body, title="Norfolk", published_on=dt.date(2023, 5, 1))
    make_response(body=body, title="Suffolk", published_on=dt.date(2023, 5, 1))
    form = filters({"q": "Norfolk", "year": "not-a-year", "status": "nonsense"})
    assert titles(form) == ["Norfolk"]
    assert form.form.active_filters() == {"q": "Norfolk"}


def test_active_filters_are_json_ready(body) -> None:
    make_inspection(title="T", forces=[body.force], types=["PEEL"], published_on=dt.date(2024, 3, 1))
    form = filters({"publication_type": "peel", "year": "2024", "status": "overdue", "owner": "none"})
    assert form.form.active_filters() == {
        "publication_type": "peel",
        "year": 2024,
        "status": "overdue",
        "owner": "none",
    }


def test_owner_me_is_the_signed_in_users_own(body) -> None:
    alice = UserFactory(username="alice", body=body)
    make_response(body=body, title="Alice's", owner=alice)
    make_response(body=body, title="Bob's", owner=UserFactory(username="bob", body=body))
    assert titles(filters({"owner": "me"}, user=alice)) == ["Alice's"]
    assert filters({"owner": "me"}, user=alice).form.active_filters() == {"owner": "me"}


def _publish(response: Response) -> None:
    response.body_comments = "Ours"
    response.cc_comments_not_received = True
    response.save()
    approve(response)
    services.response_publish(response=response, published_on=dt.date(2024, 11, 1))


def ordered(filterset: ResponseFilter) -> list[str]:
    return list(filterset.qs.values_list("inspection__title", flat=True))


def test_finished_work_follows_the_parameter_else_the_callers_default(body) -> None:
    make_response(body=body, title="Open", published_on=dt.date(2024, 10, 1))
    finished = make_response(body=body, title="Finished", published_on=dt.date(2024, 9, 20))
    _publish(finished)
    finished.refresh_from_db()
    # The register's default: every response, in the queryset's own order.
    assert ordered(filters({})) == ["Finished", "Open"]
    assert filters({}).ordering is None
    assert ordered(filters({"finished": "0"})) == ["Open"]
    assert ordered(filters({"finished": "1"})) == ["Open", "Finished"]
    # The dashboard's default: hidden, unless the status asked for is a finished one.
    hidden = {"queryset": Response.objects.all(), "today": TODAY, "finished_default": False}
    assert ordered(ResponseFilter({}, **hidden)) == ["Open"]
    assert ordered(ResponseFilter({"status": finished.status}, **hidden)) == ["Finished"]
    assert ordered(ResponseFilter({"finished": "1"}, **hidden)) == ["Open", "Finished"]


def test_sort_orders_by_the_column_and_keeps_the_filters(body) -> None:
    make_response(body=body, title="b report", published_on=dt.date(2024, 9, 1))
    make_response(body=body, title="A report", published_on=dt.date(2024, 10, 1))
    make_response(body=body, title="C other", published_on=dt.date(2024, 8, 1))
    assert ordered(filters({"sort": "inspection"})) == ["A report", "b report", "C other"]
    assert ordered(filters({"sort": "-inspection", "q": "report"})) == ["b report", "A report"]
    assert ordered(filters({"sort": "-published_on"})) == ["A report", "b report", "C other"]
    assert filters({"sort": "-published_on"}).form.active_filters() == {"sort": "-published_on"}
