"""Conflicts per part under real concurrency (PostgreSQL, two connections): two saves of the same explanation loaded
together cannot both pass; two saves of different explanations both do."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection

from inspections.models import FindingKind
from responses import services
from responses.models import FindingResponse, Response
from responses.services._base import part_explanation
from tests.factories import BodyFactory, ForceFactory, make_response

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def response(require_postgres: None, steps: Any) -> Response:
    return make_response(
        body=BodyFactory(force=ForceFactory(name="Norfolk")), published_on=dt.date(2024, 9, 24), recommendations=2
    )


def race(saves: list[tuple[int, str]], version: int, states: dict[int, str]) -> list[str]:
    """Run one explanation save a thread, all released at once; each thread's outcome ("saved" or "conflict")."""
    barrier = threading.Barrier(len(saves))
    outcomes: list[str] = []

    def save(pk: int, text: str) -> None:
        try:
            finding = FindingResponse.objects.select_related("finding", "response").get(pk=pk)
            barrier.wait(timeout=10)
            services.finding_response_explain(
                finding_response=finding, explanation=text, expected_version=version, expected_part=states[pk]
            )
            outcomes.append("saved")
        except services.EditConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=saves[i]) for i in range(len(saves))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_saves_of_the_same_explanation_cannot_both_pass(response: Response) -> None:
    one = response.finding_responses.get(finding__kind=FindingKind.RECOMMENDATION, finding__number=1)
    states = {one.pk: part_explanation(one).state()}
    outcomes = race([(one.pk, "First"), (one.pk, "Second")], response.version, states)
    assert sorted(outcomes) == ["conflict", "saved"]
    assert FindingResponse.objects.get(pk=one.pk).explanation in {"First", "Second"}


def test_two_saves_of_different_explanations_both_pass(response: Response) -> None:
    one, two = response.finding_responses.filter(finding__kind=FindingKind.RECOMMENDATION).order_by("finding__number")
    states = {fr.pk: part_explanation(fr).state() for fr in (one, two)}
    outcomes = race([(one.pk, "First"), (two.pk, "Second")], response.version, states)
    assert outcomes == ["saved", "saved"]
    assert FindingResponse.objects.get(pk=one.pk).explanation == "First"
    assert FindingResponse.objects.get(pk=two.pk).explanation == "Second"
    assert Response.objects.get(pk=response.pk).version == response.version + 2
