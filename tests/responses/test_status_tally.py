"""The status tally (responses/migrations/0003): PostgreSQL's triggers keep, per body and status, the number of
responses, whatever changes them; the dashboard's counts read it and agree with a live count."""

from __future__ import annotations

import datetime as dt
import importlib
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import Role
from notifications.services import reminders_sweep
from responses import selectors, services
from responses.models import Response, Status, StatusTally
from tests.factories import BodyFactory, ForceFactory, UserFactory, make_inspection, make_response

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("require_postgres", "steps")]


def tally() -> Counter[tuple[int, str]]:
    """The tally's rows summed per (body, status), zeros dropped."""
    sums: Counter[tuple[int, str]] = Counter()
    for row in StatusTally.objects.all():
        sums[(row.body_id, row.status)] += row.n
    return Counter({key: n for key, n in sums.items() if n})


def live() -> Counter[tuple[int, str]]:
    rows = Response.objects.order_by().values("body_id", "status").annotate(n=Count("id"))
    return Counter({(row["body_id"], row["status"]): row["n"] for row in rows})


@pytest.fixture
def bodies() -> list[Any]:
    return [BodyFactory(force=ForceFactory(name=f"Force {n}")) for n in range(3)]


def test_creating_responses_counts_them_in_one_statement_or_many(bodies: list[Any]) -> None:
    for n, body in enumerate(bodies):
        make_response(body=body, title=f"Single {n}")
    # One inspection of all three forces: inspection_sync_responses creates its responses together.
    make_inspection(title="National thematic", forces=[body.force for body in bodies])
    assert tally() == live()
    assert sum(tally().values()) == 6


def test_status_changes_bulk_updates_moves_and_deletes_keep_it_exact(bodies: list[Any]) -> None:
    responses = [make_response(body=bodies[n % 3], title=f"R{n}") for n in range(9)]
    Response.objects.filter(pk=responses[0].pk).update(status=Status.DRAFTING)
    Response.objects.filter(pk__in=[r.pk for r in responses[1:5]]).update(status=Status.COMPLETE)
    Response.objects.filter(pk=responses[5].pk).update(body_comments="no status change")
    Response.objects.filter(pk=responses[6].pk).update(body=bodies[2], status=Status.PUBLISHED)
    responses[7].delete()
    assert tally() == live()
    assert tally()[(bodies[1].pk, Status.COMPLETE)] == 2


def test_a_rolled_back_change_leaves_no_trace(bodies: list[Any]) -> None:
    response = make_response(body=bodies[0])
    before = tally()
    with pytest.raises(RuntimeError), transaction.atomic():
        Response.objects.filter(pk=response.pk).update(status=Status.COMPLETE)
        raise RuntimeError("rolled back")
    assert tally() == before == live()


def test_truncate_empties_it(bodies: list[Any]) -> None:
    make_response(body=bodies[0])
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses while deferred FK checks are pending
        cursor.execute("TRUNCATE responses_response CASCADE")
    assert tally() == Counter() == live()


def test_recount_rebuilds_it_from_the_responses(bodies: list[Any]) -> None:
    make_response(body=bodies[0])
    make_response(body=bodies[1])
    StatusTally.objects.all().delete()
    migration = importlib.import_module("responses.migrations.0003_status_tally")
    migration.recount(connection.schema_editor(atomic=False))
    assert tally() == live() != Counter()
    StatusTally.objects.create(body_id=bodies[0].pk, status=Status.DRAFTING, n=5)  # gone wrong somehow
    call_command("recount_statuses", stdout=StringIO())
    assert tally() == live()


def test_rows_are_only_added_and_compacting_folds_them_without_changing_a_count(bodies: list[Any]) -> None:
    responses = [make_response(body=bodies[0], title=f"C{n}") for n in range(4)]
    for response in responses:
        Response.objects.filter(pk=response.pk).update(status=Status.DRAFTING)
        Response.objects.filter(pk=response.pk).update(status=Status.COMPLETE)
    rows_before = StatusTally.objects.count()
    assert rows_before > 4  # deltas, one set per statement
    before = tally()
    left = services.status_tally_compact()
    assert tally() == before == live()
    # One row per (body, status) still counted: the not-started and drafting rows summed to zero and went.
    assert left == StatusTally.objects.count() == len(before) < rows_before
    assert services.status_tally_compact() == left  # a second pass changes nothing


def test_the_reminder_sweep_compacts_it(bodies: list[Any]) -> None:
    response = make_response(body=bodies[0])
    Response.objects.filter(pk=response.pk).update(status=Status.DRAFTING)
    assert StatusTally.objects.count() > len(tally())
    reminders_sweep(today=timezone.localdate(), actor="test")
    assert StatusTally.objects.count() == len(tally())


def test_a_status_the_app_no_longer_knows_is_not_shown(bodies: list[Any]) -> None:
    make_response(body=bodies[0])
    StatusTally.objects.create(body_id=bodies[0].pk, status="retired", n=3)
    user = UserFactory(body=bodies[0])
    counts = {item.key: item.count for item in selectors.status_counts(user=user, today=timezone.localdate())}
    assert "retired" not in counts and counts[Status.NOT_STARTED] == 1


@pytest.mark.parametrize("national", [False, True])
def test_dashboard_counts_from_the_tally_agree_with_a_live_count(bodies: list[Any], national: bool) -> None:
    today = timezone.localdate()
    for n in range(6):
        response = make_response(body=bodies[n % 2], published_on=today - dt.timedelta(days=10 * n), title=f"D{n}")
        if n % 3 == 0:
            Response.objects.filter(pk=response.pk).update(status=Status.COMPLETE)
    user = (
        UserFactory(is_superuser=True, is_staff=True, body=None, role=Role.ADMIN)
        if national
        else UserFactory(body=bodies[0])
    )
    assert user.is_national is national
    mine = Response.objects.for_user(user)
    assert sorted(selectors.tallied_by_status(user)) == sorted(selectors.counted_by_status(mine))
    counts = {item.key: item.count for item in selectors.status_counts(user=user, today=today)}
    assert sum(counts[s] for s in Status.values) == mine.count() > 0


def test_a_user_who_may_see_nothing_gets_nothing(bodies: list[Any]) -> None:
    make_response(body=bodies[0])
    assert selectors.tallied_by_status(UserFactory(body=None)) == []
