"""Add a demo office (Norfolk) on top of the reference data that ``migrate`` creates. Safe to run again.

The forces, bodies, publication types and checklist steps come from data migrations (inspections 0003, responses
0005); this command only makes sure they are there (creating what is missing, changing nothing that exists) before
it activates the demo body and loads its users, inspections and responses.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from audit.context import acting_as
from demo import data as demo_data
from inspections.models import Finding, Force, Inspection, LocalPolicingBody, PublicationType, Signatory
from responses import services
from responses.models import ChecklistStep, FindingResponse, Response

DEMO_PASSWORDS = {
    "admin": os.environ.get("DEMO_ADMIN_PASSWORD", "norfolk-admin-demo"),
    "editor": os.environ.get("DEMO_EDITOR_PASSWORD", "norfolk-editor-demo"),
    "viewer": os.environ.get("DEMO_VIEWER_PASSWORD", "norfolk-viewer-demo"),
}


class Command(BaseCommand):
    help = "Add a demo Norfolk office (users, inspections, responses in every state) on top of the reference data."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-demo",
            action="store_true",
            help="Only make sure the reference data exists (migrate creates it), no demo office.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as(label="command:loaddemo"), transaction.atomic():
            self.load_reference_data()
            if not options["no_demo"]:
                body = self.activate_demo_body()
                self.load_users(body)
                self.load_norfolk_peel(body)
                for spec in demo_data.DEMO_INSPECTIONS:
                    self.load_demo_inspection(body, spec)
        self.stdout.write(self.style.SUCCESS(self.summary()))

    # --- reference data ------------------------------------------------------------------------
    def load_reference_data(self) -> None:
        for name in demo_data.FORCES:
            Force.objects.get_or_create(name=name, defaults={"slug": slugify(name)})
        forces = {f.name: f for f in Force.objects.all()}
        for body in demo_data.BODIES:
            LocalPolicingBody.objects.get_or_create(
                name=body["name"],
                defaults={
                    "kind": body["kind"],
                    "short_name": body["short_name"],
                    "force": forces[body["force"]],
                    "shared_inbox": body["shared_inbox"],
                    "website_url": body["website_url"],
                },
            )
        for name in demo_data.PUBLICATION_TYPES:
            PublicationType.objects.get_or_create(name=name, defaults={"slug": slugify(name)})
        for step in demo_data.CHECKLIST_STEPS:
            ChecklistStep.objects.get_or_create(
                key=step["key"],
                defaults={
                    "label": step["label"],
                    "required": step["required"],
                    "order": step["order"],
                    "evidence_hint": step["evidence_hint"],
                },
            )

    def activate_demo_body(self) -> LocalPolicingBody:
        """The demo body, active and with its (fictional) addresses; addresses someone has set are kept."""
        body = LocalPolicingBody.objects.get(name=demo_data.DEMO_BODY_NAME)
        spec = next(b for b in demo_data.BODIES if b["name"] == demo_data.DEMO_BODY_NAME)
        if not body.active:
            body.active = True
            body.escalation_emails = body.escalation_emails or "chief.executive@norfolk-pcc.example"
            body.shared_inbox = body.shared_inbox or spec["shared_inbox"]
            body.website_url = body.website_url or spec["website_url"]
            body.save()
        return body

    def load_users(self, body: LocalPolicingBody) -> None:
        for spec in demo_data.DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=spec["username"],
                defaults={
                    "first_name": spec["first_name"],
                    "last_name": spec["last_name"],
                    "email": spec["email"],
                    "body": body,
                    "role": spec["role"],
                    "is_staff": True,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORDS[spec["username"]])
                user.save()

    # --- inspections -----------------------------------------------------------------------------
    def _inspection(
        self, *, title: str, published_on: dt.date, types: list[str], forces: Any, url: str, key_findings: str
    ) -> tuple[Inspection, bool]:
        existing = Inspection.objects.filter(title=title).first()
        if existing:
            return existing, False
        inspection = Inspection.objects.create(
            title=title,
            published_on=published_on,
            report_url=url,
            key_findings=key_findings,
            is_national=forces == "ALL",
        )
        inspection.publication_types.set(PublicationType.objects.filter(name__in=types))
        inspection.forces.set(Force.objects.all() if forces == "ALL" else Force.objects.filter(name__in=forces))
        return inspection, True

    def load_norfolk_peel(self, body: LocalPolicingBody) -> None:
        spec = demo_data.NORFOLK_PEEL
        inspection, created = self._inspection(
            title=spec["title"],
            published_on=dt.date.fromisoformat(spec["published_on"]),
            types=spec["publication_types"],
            forces=spec["forces"],
            url=spec["report_url"],
            key_findings=spec["key_findings"],
        )
        if not created:
            return
        for order, (area, grade) in enumerate(spec["grades"]):
            inspection.grades.create(force=body.force, area=area, grade=grade, order=order)
        for number, text in enumerate(spec["areas_for_improvement"], start=1):
            Finding.objects.create(inspection=inspection, kind="afi", number=number, text=text)
        services.inspection_sync_responses(inspection=inspection)
        response = Response.objects.get(inspection=inspection, body=body)
        response.owner = User.objects.filter(username="editor").first()
        response.cc_invited_on = dt.date.fromisoformat(spec["cc_invited_on"])
        response.comments_due = dt.date.fromisoformat(spec["comments_due"])
        response.cc_comments_received_on = dt.date.fromisoformat(spec["cc_comments_received_on"])
        response.cc_comments = spec["cc_comments"]
        response.body_comments = spec["body_comments"]
        response.response_to_cc = spec["response_to_cc"]
        response.save()
        for fr, explanation in zip(
            FindingResponse.objects.filter(response=response).order_by("finding__number"),
            spec["afi_explanations"],
            strict=True,
        ):
            services.finding_response_explain(finding_response=fr, explanation=explanation)
        self._approve(response, dt.date.fromisoformat(spec["response_published_on"]))
        services.response_publish(
            response=response,
            published_on=dt.date.fromisoformat(spec["response_published_on"]),
            published_url=spec["response_published_url"],
        )
        self._tick(
            response,
            {k: dt.date.fromisoformat(v) for k, v in spec["checklist_done"].items()},
            spec["checklist_evidence"],
        )

    def load_demo_inspection(self, body: LocalPolicingBody, spec: dict[str, Any]) -> None:
        today = timezone.localdate()
        inspection, created = self._inspection(
            title=spec["title"],
            published_on=today - dt.timedelta(days=spec["published_days_ago"]),
            types=spec["publication_types"],
            forces=spec["forces"],
            url=spec["report_url"],
            key_findings=spec["key_findings"],
        )
        if not created:
            return
        for finding in spec["findings"]:
            Finding.objects.create(
                inspection=inspection, kind=finding["kind"], number=finding["number"], text=finding["text"]
            )
        services.inspection_sync_responses(inspection=inspection)
        response = Response.objects.filter(inspection=inspection, body=body).first()
        if response is None:
            return
        response.owner = User.objects.filter(username="editor").first()
        state = spec.get("response", {})

        def ago(key: str) -> dt.date | None:
            return today - dt.timedelta(days=state[key]) if key in state else None

        response.cc_invited_on = ago("cc_invited_days_ago")
        response.cc_comments_received_on = ago("cc_comments_received_days_ago")
        response.cc_comments = state.get("cc_comments", "")
        response.body_comments = state.get("body_comments", "")
        response.response_to_cc = state.get("response_to_cc", "")
        response.save()
        explanations = {(f["kind"], f["number"]): f.get("explanation", "") for f in spec["findings"]}
        for fr in FindingResponse.objects.filter(response=response).select_related("finding"):
            explanation = explanations.get((fr.finding.kind, fr.finding.number), "")
            if explanation:
                services.finding_response_explain(finding_response=fr, explanation=explanation)
        if "published_days_ago" in state:
            self._approve(response, today - dt.timedelta(days=state["published_days_ago"]))
            services.response_publish(
                response=response,
                published_on=today - dt.timedelta(days=state["published_days_ago"]),
                published_url=state.get("published_url", ""),
            )
        done = {key: today - dt.timedelta(days=days) for key, days in state.get("checklist_done_days_ago", {}).items()}
        self._tick(response, done, state.get("checklist_evidence", {}))
        services.response_sync_status(response=response)

    def _approve(self, response: Response, on: dt.date) -> None:
        """Sign-off before publishing (responses/services/approval.py): the demo body's commissioner, recorded by
        the demo admin."""
        signatory, _ = Signatory.objects.get_or_create(
            body=response.body,
            name="Alex Morgan",
            defaults={"title": f"Police and Crime Commissioner for {response.body.force.name}"},
        )
        services.response_approve(
            response=response, signatory=signatory, approved_on=on, user=User.objects.get(username="admin")
        )

    def _tick(self, response: Response, done: dict[str, dt.date], evidence: dict[str, str]) -> None:
        for key, done_on in done.items():
            step = ChecklistStep.objects.get(key=key)
            value = evidence.get(key, "")
            is_url = value.startswith(("http://", "https://"))
            services.checklist_tick(
                response=response,
                step=step,
                user=response.owner,
                done_on=done_on,
                evidence_url=value if is_url else "",
                evidence_reference="" if is_url else value,
            )

    def summary(self) -> str:
        return (
            f"Demo data ready: {Force.objects.count()} forces, {LocalPolicingBody.objects.count()} bodies "
            f"({LocalPolicingBody.objects.filter(active=True).count()} active), "
            f"{Inspection.objects.count()} inspections, {Response.objects.count()} responses."
        )
