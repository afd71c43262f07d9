"""Internal dates on a weekend or an England and Wales bank holiday get a hint naming the last working day before;
the statutory last day never does, and no date moves."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from core.dates import last_working_day_before, working_day_hint
from responses.models import Response
from tests.factories import BodyFactory, ForceFactory, UserFactory, make_response

D = dt.date


@pytest.mark.parametrize(
    ("day", "hint"),
    [
        (D(2026, 12, 6), "Sunday 6 December: the last working day before is Friday 4 December"),
        (D(2026, 12, 5), "Saturday 5 December: the last working day before is Friday 4 December"),
        (D(2026, 12, 25), "Friday 25 December (Christmas Day): the last working day before is Thursday 24 December"),
        (
            D(2026, 12, 28),
            "Monday 28 December (Boxing Day (observed)): the last working day before is Thursday 24 December",
        ),
        (D(2026, 4, 6), "Monday 6 April (Easter Monday): the last working day before is Thursday 2 April"),
        (D(2026, 12, 7), ""),
        (None, ""),
    ],
)
def test_the_hint_names_the_last_working_day_before(day: dt.date | None, hint: str) -> None:
    assert working_day_hint(day) == hint


def test_the_last_working_day_before_skips_weekends_and_bank_holidays() -> None:
    assert last_working_day_before(D(2027, 1, 1)) == D(2026, 12, 31)
    assert last_working_day_before(D(2026, 5, 26)) == D(2026, 5, 22)  # the Spring bank holiday Monday


@pytest.mark.django_db
def test_the_response_page_hints_an_internal_date_but_not_the_statutory_one(steps: Any) -> None:
    # Published Sunday 11 October 2026: statutory last day Saturday 5 December, form deadline Sunday 6 December.
    body = BodyFactory(force=ForceFactory(name="Norfolk"))
    response = make_response(body=body, published_on=D(2026, 10, 11))
    assert response.statutory_last_day == D(2026, 12, 5) and response.deadline == D(2026, 12, 6)
    Response.objects.filter(pk=response.pk).update(comments_due=D(2026, 11, 1))  # a Sunday
    client = Client()
    client.force_login(UserFactory(body=body, role=Role.VIEWER), backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(reverse("response_detail", args=[response.pk])).content.decode()
    assert "Sunday 6 December: the last working day before is Friday 4 December." in html
    assert "Sunday 1 November: the last working day before is Friday 30 October." in html
    assert "Saturday 5 December: the last working day" not in html  # the statute's day is never hinted
    saved = Response.objects.get(pk=response.pk)
    assert saved.statutory_last_day == D(2026, 12, 5) and saved.deadline == D(2026, 12, 6)
