"""Test data builders shared by every test module."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from accounts.models import Role, User
from inspections.models import (
    BodyKind,
    Finding,
    FindingKind,
    Force,
    Inspection,
    LocalPolicingBody,
    PublicationType,
    Signatory,
)
from responses import services
from responses.models import ChecklistStep, Response

STEP_DEFINITIONS = [
    ("forwarded_to_chief_constable", "Response forwarded to the chief constable", True),
    ("forwarded_to_panel", "Response forwarded to the Police and Crime Panel", True),
    ("published_on_website", "Response published on the OPCC website", True),
    ("submitted_to_portal", "Response submitted to the HMICFRS monitoring portal", True),
    ("copied_to_home_secretary", "Copy sent to the Home Secretary", False),
]


def seed_checklist_steps() -> list[ChecklistStep]:
    return [
        ChecklistStep.objects.update_or_create(key=key, defaults={"label": label, "required": required, "order": i})[0]
        for i, (key, label, required) in enumerate(STEP_DEFINITIONS)
    ]


class ForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Force
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Force {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalPolicingBody
        django_get_or_create = ("name",)

    kind = BodyKind.PCC
    force = factory.SubFactory(ForceFactory)
    name = factory.LazyAttribute(lambda o: f"{o.force.name} Police and Crime Commissioner")
    short_name = factory.LazyAttribute(lambda o: f"{o.force.name} OPCC")
    active = True
    shared_inbox = factory.LazyAttribute(lambda o: f"opcc@{o.force.slug}.example")
    escalation_emails = factory.LazyAttribute(lambda o: f"chief.exec@{o.force.slug}.example")


class PublicationTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicationType
        django_get_or_create = ("name",)

    name = "PEEL"
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@opcc.example")
    body = factory.SubFactory(BodyFactory)
    role = Role.EDITOR
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


def make_inspection(
    *,
    title: str = "PEEL 2023–2025: an inspection",
    published_on: dt.date = dt.date(2024, 9, 24),
    forces: list[Force] | None = None,
    types: list[str] | None = None,
    recommendations: int = 0,
    afis: int = 0,
    report_url: str = "https://hmicfrs.example/report",
) -> Inspection:
    inspection = Inspection.objects.create(title=title, published_on=published_on, report_url=report_url)
    inspection.forces.set(forces or [])
    inspection.publication_types.set([PublicationTypeFactory(name=t) for t in (types or ["PEEL"])])
    for n in range(1, recommendations + 1):
        Finding.objects.create(inspection=inspection, kind=FindingKind.RECOMMENDATION, number=n, text=f"Do thing {n}")
    for n in range(1, afis + 1):
        Finding.objects.create(inspection=inspection, kind=FindingKind.AREA_FOR_IMPROVEMENT, number=n, text=f"AFI {n}")
    services.inspection_sync_responses(inspection=inspection)
    return inspection


def make_response(
    *,
    body: LocalPolicingBody | None = None,
    published_on: dt.date = dt.date(2024, 9, 24),
    recommendations: int = 0,
    afis: int = 0,
    title: str | None = None,
    owner: User | None = None,
) -> Response:
    body = body or BodyFactory()
    inspection = make_inspection(
        title=title or f"Inspection {Inspection.objects.count() + 1}",
        published_on=published_on,
        forces=[body.force],
        recommendations=recommendations,
        afis=afis,
    )
    response = Response.objects.get(inspection=inspection, body=body)
    if owner is not None:
        response.owner = owner
        response.save()
    return response


def signatory_of(body: LocalPolicingBody) -> Signatory:
    """The body's commissioner, as the one active signatory (made the first time it is asked for)."""
    return Signatory.objects.get_or_create(
        body=body, name="Pat Commissioner", title=f"Police and Crime Commissioner for {body.force.name}"
    )[0]


def approve(response: Response, *, on: dt.date | None = None, user: User | None = None) -> Response:
    """Sign `response` off for publication as its text is now (responses.services.approval), by the body's
    commissioner on `on` (the report's publication day unless given), recorded by an approver of the body."""
    approver = user or UserFactory(username=f"approver-{response.body_id}", body=response.body, role=Role.APPROVER)
    return services.response_approve(
        response=response,
        signatory=signatory_of(response.body),
        approved_on=on or response.inspection.published_on,
        user=approver,
    )
