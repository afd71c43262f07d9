import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.models import AuditEntry
from inspections.models import Finding, FindingKind
from responses import services
from responses.models import ChecklistStep, Response, Status
from tests.factories import BodyFactory, ForceFactory, UserFactory, approve, make_inspection, make_response

pytestmark = pytest.mark.django_db
D = dt.date


def test_reference_response_gets_both_deadlines() -> None:
    response = make_response(published_on=D(2024, 9, 24))
    assert response.deadline == D(2024, 11, 19)
    assert response.statutory_last_day == D(2024, 11, 18)
    assert response.comments_due is not None and response.comments_due < response.statutory_last_day


def test_creating_an_inspection_creates_a_response_per_active_body_of_its_forces() -> None:
    norfolk = BodyFactory(force=ForceFactory(name="Norfolk"))
    suffolk = BodyFactory(force=ForceFactory(name="Suffolk"), active=False)
    essex = BodyFactory(force=ForceFactory(name="Essex"))
    inspection = make_inspection(forces=[norfolk.force, suffolk.force])
    assert set(inspection.responses.values_list("body_id", flat=True)) == {norfolk.pk}
    assert not Response.objects.filter(body=essex).exists()


def test_correcting_publication_date_recomputes_dates_and_records_reason() -> None:
    response = make_response(published_on=D(2024, 9, 24))
    services.inspection_correct_published_on(
        inspection=response.inspection, published_on=D(2024, 9, 26), reason="HMICFRS moved publication by two days"
    )
    response.refresh_from_db()
    assert response.statutory_last_day == D(2024, 11, 20)
    assert response.deadline == D(2024, 11, 21)
    entry = AuditEntry.objects.filter(response_id=response.pk, changes__has_key="statutory_last_day").latest()
    assert "HMICFRS moved publication by two days" in entry.reason


def test_correcting_publication_date_needs_a_reason() -> None:
    response = make_response()
    with pytest.raises(ValidationError, match="Say why"):
        services.inspection_correct_published_on(
            inspection=response.inspection, published_on=D(2024, 10, 1), reason=" "
        )


def test_overridden_deadline_survives_a_corrected_publication_date() -> None:
    response = make_response(published_on=D(2024, 9, 24))
    services.response_override_deadline(response=response, deadline=D(2024, 11, 29), reason="Agreed with HMICFRS")
    services.inspection_correct_published_on(inspection=response.inspection, published_on=D(2024, 9, 25), reason="Typo")
    response.refresh_from_db()
    assert response.deadline == D(2024, 11, 29)
    assert response.deadline_overridden
    assert response.statutory_last_day == D(2024, 11, 19)  # the law still moves with the publication date


def test_override_needs_a_reason_in_the_service_and_in_the_database() -> None:
    response = make_response()
    with pytest.raises(ValidationError):
        services.response_override_deadline(response=response, deadline=D(2024, 12, 1), reason="")
    response.deadline_overridden = True
    response.deadline_override_reason = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        response.save()


def test_comments_due_must_fall_before_the_statutory_last_day() -> None:
    response = make_response(published_on=D(2024, 9, 24))
    with pytest.raises(ValidationError, match="before the statutory last day"):
        services.response_set_comments_due(response=response, comments_due=D(2024, 11, 18))
    services.response_set_comments_due(response=response, comments_due=D(2024, 11, 17))
    response.refresh_from_db()
    assert response.comments_due == D(2024, 11, 17)
    response.comments_due = D(2024, 12, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        response.save()


def test_ready_to_publish_is_refused_naming_unexplained_recommendations() -> None:
    response = make_response(recommendations=3, afis=1)
    response.cc_comments = "Comments from the chief constable."
    response.body_comments = "Our comments."
    response.save()
    first = response.finding_responses.get(finding__kind=FindingKind.RECOMMENDATION, finding__number=1)
    services.finding_response_explain(finding_response=first, explanation="Done by March.")
    with pytest.raises(ValidationError) as excinfo:
        services.response_mark_ready(response=response)
    message = " ".join(excinfo.value.messages)
    assert "Recommendation 2, Recommendation 3" in message
    assert "Recommendation 1," not in message
    response.refresh_from_db()
    assert response.status == Status.DRAFTING


def test_area_for_improvement_does_not_need_an_explanation_to_publish() -> None:
    response = make_response(recommendations=1, afis=2)
    response.cc_comments_not_received = True
    response.body_comments = "Our comments."
    response.save()
    rec = response.finding_responses.get(finding__kind=FindingKind.RECOMMENDATION)
    services.finding_response_explain(finding_response=rec, explanation="We accept it.")
    services.response_mark_ready(response=response)
    assert response.status == Status.READY


def test_status_moves_through_the_whole_life(steps: list[ChecklistStep]) -> None:
    user = UserFactory()
    response = make_response(body=user.body, recommendations=1)
    assert response.status == Status.NOT_STARTED
    response.cc_invited_on = D(2024, 9, 25)
    response.save()
    assert services.response_sync_status(response=response) == Status.AWAITING_CHIEF_CONSTABLE
    response.cc_comments = "The chief constable's comments."
    response.body_comments = "The body's comments."
    response.save()
    assert services.response_sync_status(response=response) == Status.DRAFTING
    services.finding_response_explain(finding_response=response.finding_responses.get(), explanation="Agreed.")
    services.response_mark_ready(response=response)
    assert response.status == Status.READY
    approve(response)
    services.response_publish(response=response, published_on=D(2024, 11, 10), published_url="https://opcc.example/r")
    assert response.status == Status.PUBLISHED
    assert response.slug
    for step in steps:
        if step.required:
            services.checklist_tick(response=response, step=step, user=user, done_on=D(2024, 11, 12))
    response.refresh_from_db()
    assert response.status == Status.COMPLETE
    services.checklist_untick(response=response, step=steps[0], reason="Sent to the wrong address")
    response.refresh_from_db()
    assert response.status == Status.PUBLISHED


def test_overdue_when_last_day_passed_unpublished() -> None:
    response = make_response(published_on=D(2024, 9, 24))
    assert not response.is_overdue(D(2024, 11, 18))
    assert response.is_overdue(D(2024, 11, 19))
    assert Response.objects.overdue(D(2024, 11, 19)).filter(pk=response.pk).exists()


def test_untick_needs_a_reason(steps: list[ChecklistStep]) -> None:
    user = UserFactory()
    response = make_response(body=user.body)
    services.checklist_tick(response=response, step=steps[0], user=user, done_on=D(2024, 11, 1))
    with pytest.raises(ValidationError):
        services.checklist_untick(response=response, step=steps[0], reason="")


def test_finding_added_later_gets_an_explanation_row() -> None:
    response = make_response(recommendations=1)
    Finding.objects.create(inspection=response.inspection, kind=FindingKind.RECOMMENDATION, number=2, text="More")
    services.inspection_sync_responses(inspection=response.inspection)
    assert response.finding_responses.count() == 2


def test_dates_before_the_report_was_published_are_refused(steps: list[ChecklistStep]) -> None:
    user = UserFactory()
    response = make_response(body=user.body, published_on=D(2024, 9, 24))
    with pytest.raises(ValidationError, match="after the report's publication"):
        services.response_set_comments_due(response=response, comments_due=D(2024, 9, 1))
    with pytest.raises(ValidationError, match="before the report was published"):
        services.checklist_tick(response=response, step=steps[0], user=user, done_on=D(1, 1, 1))
    with pytest.raises(ValidationError, match="within a year"):
        services.response_override_deadline(response=response, deadline=D(9999, 12, 31), reason="typo")
    with pytest.raises(ValidationError, match="within a year"):
        services.response_override_deadline(response=response, deadline=D(2024, 9, 1), reason="typo")


def test_a_published_response_keeps_its_recommendation_explanations() -> None:
    response = make_response(recommendations=1)
    response.cc_comments_not_received = True
    response.body_comments = "Our comments."
    response.save()
    explanation = response.finding_responses.get()
    services.finding_response_explain(finding_response=explanation, explanation="Accepted.")
    approve(response)
    services.response_publish(response=response, published_on=D(2024, 11, 10))
    with pytest.raises(ValidationError, match="must keep its explanation"):
        services.finding_response_explain(finding_response=explanation, explanation="  ")
    explanation.refresh_from_db()
    assert explanation.explanation == "Accepted."


def test_correction_resets_a_comments_due_date_that_would_precede_publication() -> None:
    response = make_response(published_on=D(2024, 9, 24))
    services.response_set_comments_due(response=response, comments_due=D(2024, 10, 1))
    services.inspection_correct_published_on(inspection=response.inspection, published_on=D(2024, 10, 5), reason="x")
    response.refresh_from_db()
    assert response.inspection.published_on < response.comments_due < response.statutory_last_day
