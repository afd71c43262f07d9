import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from inspections.models import Finding, FindingKind, Grade
from responses.models import Response
from tests.factories import BodyFactory, ForceFactory, make_inspection

pytestmark = pytest.mark.django_db


def test_finding_numbers_are_unique_per_inspection_and_kind() -> None:
    inspection = make_inspection(recommendations=1)
    Finding.objects.create(inspection=inspection, kind=FindingKind.AREA_FOR_IMPROVEMENT, number=1, text="ok")
    with pytest.raises(IntegrityError), transaction.atomic():
        Finding.objects.create(inspection=inspection, kind=FindingKind.RECOMMENDATION, number=1, text="dup")


def test_grades_only_on_the_five_point_scale() -> None:
    inspection = make_inspection()
    force = ForceFactory()
    Grade.objects.create(inspection=inspection, force=force, area="Preventing crime", grade="good")
    with pytest.raises(IntegrityError), transaction.atomic():
        Grade.objects.create(inspection=inspection, force=force, area="Investigating crime", grade="excellent")


def test_one_response_per_inspection_and_body() -> None:
    body = BodyFactory()
    inspection = make_inspection(forces=[body.force])
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            inspection=inspection, body=body, deadline=dt.date(2024, 11, 19), statutory_last_day=dt.date(2024, 11, 18)
        )
