from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from auditlog.context import set_actor
from django.http import Http404

from inspections.models import Finding, FindingKind, Grade, GradeValue
from responses import selectors, services
from responses.models import ChecklistStep, Response
from responses.snapshot import grade_phrase
from tests.factories import BodyFactory, ForceFactory, UserFactory, approve, make_response

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def body(steps: Any) -> Any:
    return BodyFactory(force=ForceFactory(name="Norfolk"))


def test_response_for_user_hides_other_bodies_responses(body: Any) -> None:
    response = make_response(body=body)
    own = UserFactory(body=body)
    stranger = UserFactory(body=BodyFactory(force=ForceFactory(name="Suffolk")))
    national = UserFactory(username="national", body=None, is_superuser=True)
    assert selectors.response_for_user(user=own, pk=response.pk) == response
    assert selectors.response_for_user(user=national, pk=response.pk) == response
    with pytest.raises(Http404):
        selectors.response_for_user(user=stranger, pk=response.pk)


def test_status_counts_split_late_and_soon_from_stored_statuses(body: Any) -> None:
    today = D(2024, 12, 1)
    make_response(body=body, published_on=today - dt.timedelta(days=60))  # overdue
    make_response(body=body, published_on=today - dt.timedelta(days=50))  # last day in 5 days
    make_response(body=body, published_on=today - dt.timedelta(days=48))  # last day in 7 days
    make_response(body=body, published_on=today - dt.timedelta(days=10))
    make_response(body=BodyFactory(force=ForceFactory(name="Suffolk")), published_on=today - dt.timedelta(days=60))
    counts = {c.key: c.count for c in selectors.status_counts(user=UserFactory(body=body), today=today)}
    assert counts["overdue"] == 1
    assert counts["due_7"] == 2
    assert counts["not_started"] == 4
    assert counts["published"] == 0


def test_dashboard_rows_carry_checklist_progress(body: Any) -> None:
    response = make_response(body=body)
    other = make_response(body=body)
    step = ChecklistStep.objects.get(key="forwarded_to_panel")
    optional = ChecklistStep.objects.get(key="copied_to_home_secretary")
    services.checklist_tick(response=response, step=step, user=None, done_on=D(2024, 10, 1))
    services.checklist_tick(response=response, step=optional, user=None, done_on=D(2024, 10, 1))
    rows = {r.pk: r for r in selectors.dashboard_responses(user=UserFactory(body=body))}
    assert (rows[response.pk].checklist_done, rows[response.pk].checklist_required) == (1, 4)
    assert (rows[other.pk].checklist_done, rows[other.pk].checklist_required) == (0, 4)


def test_response_document_groups_findings_and_keeps_the_bodys_grades(body: Any) -> None:
    response = make_response(body=body, recommendations=2, afis=3)
    inspection = response.inspection
    other_force = ForceFactory(name="Suffolk")
    Grade.objects.create(inspection=inspection, force=body.force, area="Preventing crime", grade=GradeValue.GOOD)
    Grade.objects.create(inspection=inspection, force=other_force, area="Preventing crime", grade=GradeValue.INADEQUATE)
    Finding.objects.create(inspection=inspection, kind=FindingKind.CAUSE_OF_CONCERN, number=1, text="Concern")
    services.response_sync_findings(response=response)
    first = response.finding_responses.get(finding__kind=FindingKind.RECOMMENDATION, finding__number=1)
    first.explanation = "Done"
    first.save()
    doc = selectors.response_document(response)
    assert [fr.finding.number for fr in doc.recommendations] == [1, 2]
    assert [fr.finding.number for fr in doc.areas_for_improvement] == [1, 2, 3]
    assert len(doc.causes_of_concern) == 1
    assert [g.get_grade_display() for g in doc.grades] == ["Good"]
    assert [fr.finding.number for fr in doc.unexplained_recommendations] == [2]
    assert grade_phrase(doc.grades[0]) == ("Good", "at preventing crime")
    assert doc.checklist_required == 4 and doc.checklist_done == 0


def test_timeline_names_ticks_unticks_people_and_reasons_newest_first(body: Any) -> None:
    response = make_response(body=body)
    editor = UserFactory(body=body, first_name="Tom", last_name="Hayward")
    step = ChecklistStep.objects.get(key="forwarded_to_panel")
    with set_actor(editor):
        services.checklist_tick(response=response, step=step, user=editor, done_on=D(2024, 10, 1))
        services.checklist_untick(response=response, step=step, reason="Sent to the wrong address")
        response.owner = editor
        response.save()
    timeline = selectors.response_timeline(response)
    titles = [entry.title for entry in timeline]
    assert titles.index("Owner changed") < titles.index("Unticked: Response forwarded to the Police and Crime Panel")
    assert titles.index("Unticked: Response forwarded to the Police and Crime Panel") < titles.index(
        "Ticked: Response forwarded to the Police and Crime Panel"
    )
    assert titles[-1] == "Response created"
    owner_entry = next(entry for entry in timeline if entry.title == "Owner changed")
    assert owner_entry.actor == "Tom Hayward"
    assert [(c.label, c.old, c.new) for c in owner_entry.changes] == [("owner", "", "Tom Hayward")]
    untick = next(entry for entry in timeline if entry.title.startswith("Unticked"))
    assert untick.reason == "Sent to the wrong address"
    tick = next(entry for entry in timeline if entry.title.startswith("Ticked"))
    assert ("done on", "", "1 October 2024") in [(c.label, c.old, c.new) for c in tick.changes]


def test_timeline_shows_status_labels(body: Any) -> None:
    response = make_response(body=body)
    response.body_comments = "Comments"
    response.save()
    services.response_sync_status(response=response)
    status = next(entry for entry in selectors.response_timeline(response) if entry.title == "Status changed")
    assert [(c.old, c.new) for c in status.changes] == [("Not started", "Drafting")]


def test_deadline_calendar_puts_open_deadlines_on_their_days(body: Any) -> None:
    user = UserFactory(body=body)
    due = make_response(body=body, published_on=D(2024, 10, 1), title="Open one")  # last day 25 Nov 2024
    done = make_response(body=body, published_on=D(2024, 10, 2), title="Published one")
    done.body_comments = "Ours"
    done.cc_comments_not_received = True
    done.save()
    approve(done)
    services.response_publish(response=done, published_on=D(2024, 11, 1))
    months = selectors.deadline_calendar(user=user, today=D(2024, 11, 20))
    assert [m.first for m in months] == [D(2024, 11, 1), D(2024, 12, 1), D(2025, 1, 1)]
    events = months[0].events
    assert [(day, event.response.pk, event.label) for day, event in events] == [
        (D(2024, 11, 25), due.pk, "Statutory last day")
    ]
    # Weeks start on Monday; days of other months are blank.
    assert months[0].weeks[0][0].date is None and months[0].weeks[0][4].date == D(2024, 11, 1)


def test_deadline_calendar_shows_comments_due_until_they_arrive(body: Any) -> None:
    response = make_response(body=body, published_on=D(2024, 10, 1))
    user = UserFactory(body=body)
    months = selectors.deadline_calendar(user=user, today=D(2024, 10, 1), months=1)
    assert [(d, e.label) for d, e in months[0].events] == [(response.comments_due, "Chief constable's comments due")]
    response.cc_comments = "Received"
    response.save()
    assert selectors.deadline_calendar(user=user, today=D(2024, 10, 1), months=1)[0].events == []


def test_published_response_is_only_found_once_published(body: Any) -> None:
    response = make_response(body=body)
    Response.objects.filter(pk=response.pk).update(slug="draft")
    with pytest.raises(Http404):
        selectors.published_response(slug="draft")
    Response.objects.filter(pk=response.pk).update(published_on=D(2024, 11, 1))
    assert selectors.published_response(slug="draft").pk == response.pk
