"""Every URL of the app, walked by every kind of visitor: the status each one gets, and no other body's drafts.

One table (`WALK`) lists each URL with the status expected for each visitor, in the order of `ROLES`:

    anonymous  · a viewer of body A · an editor of body A · an admin of body A · an editor of body B · the national
    superuser (a superuser with no body)

The walk runs GET pages first, then every POST action, and for each visitor also proves that

- the visitors who may not change body A's responses (anonymous, the viewer, body B's editor) changed nothing of
  body A's, whatever they posted;
- nothing rendered for body B's editor or for an anonymous visitor — page, export, calendar feed, admin page —
  contains body A's draft text, and nothing rendered for body A's people contains body B's;
- the national superuser, and body A's own people, do see body A's draft text (so the checks above are not vacuous).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponseBase, StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from audit.models import AuditEntry
from forcecomments.models import CommentsLink, Invitation, Submission
from forcecomments.tokens import token_for
from inspections.models import Inspection
from intake import services as intake_services
from notifications.emails import DIGEST_OPT_OUT_SALT
from notifications.models import CalendarToken
from responses import services
from responses.models import ChecklistItem, ChecklistStep, FindingResponse, FindingUpdate, Response
from tests.factories import (
    BodyFactory,
    ForceFactory,
    UserFactory,
    approve,
    make_inspection,
    make_response,
    signatory_of,
)

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"
ROLES = ("anonymous", "viewer", "editor", "body_admin", "other_body", "national")
# Who may not change body A's responses: after their walk, body A's data is exactly as before.
READ_ONLY_FOR_A = {"anonymous", "viewer", "other_body"}
# Who must never see body A's drafts, and who must never see body B's.
NOT_A = {"anonymous", "other_body"}
NOT_B = {"anonymous", "viewer", "editor", "body_admin"}

MARKER_A = "QX-BODY-A-DRAFT-7f3c"
MARKER_B = "QX-BODY-B-DRAFT-91ad"

# What a cell of the table may expect, besides a plain status code.
LOGIN = "302 → sign-in"
ADMIN_LOGIN = "302 → admin sign-in"
ADMIN_GONE = "302 → admin index (no such object for this user)"
SAVED = "302 → elsewhere (saved)"


@dataclass
class World:
    a_draft: Response
    a_published: Response
    b_draft: Response
    a_finding: int
    a_inspection: Inspection
    a_entry: AuditEntry  # an audit entry of body A whose changes hold A's draft text
    users: dict[str, User | None]
    tokens: dict[str, str]


def _fresh(response: Response) -> Response:
    return Response.objects.get(pk=response.pk)


def _version(response: Response) -> str:
    return str(_fresh(response).version)


def _build_world() -> World:
    steps_ = {s.key: s for s in ChecklistStep.objects.all()}
    today = timezone.localdate()
    force_a, force_b = ForceFactory(name="Norfolk"), ForceFactory(name="Suffolk")
    body_a, body_b = BodyFactory(force=force_a), BodyFactory(force=force_b)

    # A report about both forces: body A and body B each draft a response to the same inspection.
    shared = make_inspection(
        title="Joint thematic inspection",
        published_on=today - dt.timedelta(days=30),
        forces=[force_a, force_b],
        recommendations=1,
    )
    a_draft = Response.objects.get(inspection=shared, body=body_a)
    b_draft = Response.objects.get(inspection=shared, body=body_b)
    for response, marker in ((a_draft, MARKER_A), (b_draft, MARKER_B)):
        services.response_update_comments(
            response=response,
            expected_version=response.version,
            cc_comments=f"Chief constable draft {marker}",
            body_comments=f"Body comments draft {marker}",
            response_to_cc=f"Reply draft {marker}",
        )
        services.finding_response_explain(
            finding_response=response.finding_responses.get(), explanation=f"Explanation draft {marker}"
        )
        services.checklist_tick(
            response=_fresh(response),
            step=steps_["forwarded_to_chief_constable"],
            user=None,
            done_on=today,
            evidence_reference=f"Evidence {marker}",
        )
    # A draft with a slug (as if its publication had been withdrawn): its public address must still be a 404.
    Response.objects.filter(pk=a_draft.pk).update(slug="withdrawn-draft")

    # Body A's published response: public text only.
    a_published = make_response(body=body_a, published_on=today - dt.timedelta(days=60), recommendations=1)
    services.response_update_comments(
        response=a_published,
        expected_version=a_published.version,
        cc_comments="The chief constable welcomes the report.",
        body_comments="The commissioner accepts every recommendation.",
    )
    services.finding_response_explain(
        finding_response=a_published.finding_responses.get(), explanation="Done in the spring."
    )
    approve(_fresh(a_published))
    services.response_publish(response=_fresh(a_published), published_on=today - dt.timedelta(days=5))
    # The published record: body A's signatory, and a covering letter of A's published response.
    a_letter = services.covering_letter_create(response=_fresh(a_published), recipient="hmicfrs", user=None)

    view_audit = Permission.objects.get(codename="view_auditentry", content_type__app_label="audit")
    users: dict[str, User | None] = {
        "anonymous": None,
        "viewer": UserFactory(username="a-viewer", body=body_a, role=Role.VIEWER),
        "editor": UserFactory(username="a-editor", body=body_a, role=Role.EDITOR),
        "body_admin": UserFactory(username="a-admin", body=body_a, role=Role.ADMIN),
        "other_body": UserFactory(username="b-editor", body=body_b, role=Role.EDITOR),
        "national": UserFactory(username="national", body=None, is_superuser=True, role=Role.ADMIN),
    }
    # Body A's admin and body B's editor may browse the audit trail in the admin: each only their own body's.
    for role in ("body_admin", "other_body"):
        users[role].user_permissions.add(view_audit)  # type: ignore[union-attr]

    tokens = {role: CalendarToken.objects.create(user=user).token for role, user in users.items() if user}
    revoked = CalendarToken.objects.create(user=users["viewer"], revoked_at=timezone.now())
    tokens["anonymous"] = revoked.token  # a stranger holding a revoked feed address
    tokens["a_signatory"] = str(signatory_of(body_a).pk)  # not tokens: the published record's ids
    tokens["a_letter"] = str(a_letter.pk)

    # The chief constable's comments by link: a live link to A's draft with a version received, and a revoked one.
    body_a.force_contact_emails = "cc.office@norfolk.police.example"
    body_a.save()
    revoked_link = CommentsLink.objects.create(
        invitation=Invitation.objects.create(response=a_draft, revoked_at=timezone.now()), recipient="old@example.org"
    )
    live_link = CommentsLink.objects.create(
        invitation=Invitation.objects.create(response=a_draft), recipient="cc.office@norfolk.police.example"
    )
    received = Submission.objects.create(
        response=a_draft,
        invitation=live_link.invitation,
        link=live_link,
        number=1,
        name="Sam",
        email="sam@example.org",
        sent_to=live_link.recipient,
        cc_comments="The chief constable welcomes the report.",
    )
    tokens["force_link"] = token_for(live_link.lookup)
    tokens["force_link_revoked"] = token_for(revoked_link.lookup)
    tokens["force_submission"] = str(received.pk)  # not a token: the pk of the version received

    a_entry = next(e for e in AuditEntry.objects.filter(response_id=a_draft.pk) if MARKER_A in json.dumps(e.changes))
    return World(
        a_draft=_fresh(a_draft),
        a_published=_fresh(a_published),
        b_draft=_fresh(b_draft),
        a_finding=a_draft.finding_responses.get().pk,
        a_inspection=shared,
        a_entry=a_entry,
        users=users,
        tokens=tokens,
    )


# --- the table -----------------------------------------------------------------------------------------------------
Url = Callable[[World, str], str]
Data = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Step:
    label: str
    url: Url
    expect: tuple[int | str, ...]  # one per role, in ROLES order
    method: str = "GET"
    data: Data | None = None


def _a(name: str, *extra: Any) -> Url:
    return lambda w, role: reverse(name, args=[w.a_draft.pk, *extra])


def _a_published(name: str) -> Url:
    return lambda w, role: reverse(name, args=[w.a_published.pk])


def _public(name: str, *extra: Any) -> Url:
    return lambda w, role: reverse(name, args=[w.a_published.slug, *extra])


def _a_action_pk(w: World) -> int:
    from actions.models import Action

    return Action.objects.get(finding_response_id=w.a_finding).pk


def _a_action() -> Url:
    return lambda w, role: reverse("actions:action_detail", args=[_a_action_pk(w)])


def _a_finding(name: str) -> Url:
    return lambda w, role: reverse(name, args=[w.a_draft.pk, w.a_finding])


def _fixed(name: str, *args: Any) -> Url:
    return lambda w, role: reverse(name, args=args)


def _admin(name: str, obj: Callable[[World], Any] | None = None) -> Url:
    return lambda w, role: reverse(f"admin:{name}", args=[obj(w).pk] if obj else [])


def _office(name: str) -> Url:
    """An office page of body A (the national superuser names the body; A's own admin may too)."""
    return lambda w, role: reverse(f"office:{name}") + f"?body={w.a_draft.body_id}"


def _of_a_body(w: World, name: str, obj: Any) -> str:
    return reverse(f"office:{name}", args=[obj.pk]) + f"?body={w.a_draft.body_id}"


def _spotted_of_a(name: str) -> Url:
    """A spotted report of body A's, made when the walk first asks for it."""

    def url(w: World, role: str) -> str:
        from intake.models import SpottedReport

        spotted, _ = SpottedReport.objects.get_or_create(
            body_id=w.a_draft.body_id,
            link="https://hmicfrs.example/publications/spotted/",
            defaults={"title": "Spotted"},
        )
        return reverse(name, args=[spotted.pk])

    return url


def _invitation_of_a(w: World, role: str) -> str:
    """An open invitation to body A, made when the walk first asks for it."""
    import datetime as dt_

    from office.models import Invitation

    invitation, _ = Invitation.objects.get_or_create(
        body_id=w.a_draft.body_id,
        email="starter@norfolk-opcc.example",
        defaults={"expires_at": timezone.now() + dt_.timedelta(days=7)},
    )
    return _of_a_body(w, "invitation_withdraw", invitation)


def _failed_email_of_a(w: World, role: str) -> str:
    """A reminder to body A that the mail server refused for good, made when the walk first asks for it."""
    from notifications.models import OutboxEmail, OutboxStatus, ReminderKind

    email, _ = OutboxEmail.objects.get_or_create(
        key=f"walk:failed:{w.a_draft.pk}",
        defaults={
            "kind": ReminderKind.OVERDUE,
            "response": w.a_draft,
            "body_id": w.a_draft.body_id,
            "recipient": "office@norfolk-opcc.example",
            "due_on": timezone.localdate(),
            "status": OutboxStatus.FAILED,
            "last_error": "550 mailbox unavailable",
        },
    )
    return _of_a_body(w, "outbox_send_again", email)


def _addresses_of_a(w: World) -> dict[str, str]:
    """Body A's addresses as they are (the force comments' steps need its force contacts kept)."""
    body = type(w.a_draft.body).objects.get(pk=w.a_draft.body_id)
    names = ("shared_inbox", "escalation_emails", "force_contact_emails", "sso_email_domains")
    return {name: getattr(body, name) for name in names}


def _today() -> str:
    return timezone.localdate().isoformat()


def _a_letter(name: str) -> Url:
    return lambda w, role: reverse(name, args=[w.a_published.pk, int(w.tokens["a_letter"])])


def _approval_of(w: World, response: Response) -> dict[str, str]:
    return {"version": _version(response), "signatory": w.tokens["a_signatory"], "approved_on": _today()}


EVERYONE_200 = (200, 200, 200, 200, 200, 200)
SIGNED_IN_200 = (LOGIN, 200, 200, 200, 200, 200)
A_READ = (LOGIN, 200, 200, 200, 404, 200)
A_EDIT_PAGE = (LOGIN, 403, 200, 200, 404, 200)
A_POST = (LOGIN, 403, SAVED, SAVED, 404, SAVED)
# Sign-off is for those who may approve: A's admin and the national superuser, not A's editor.
A_APPROVE_PAGE = (LOGIN, 403, 403, 200, 404, 200)
A_APPROVE_POST = (LOGIN, 403, 403, SAVED, 404, SAVED)
# Publishing needs that approval: A's editor, who could not give it, is refused (the form again, nothing saved).
A_APPROVED_POST = (LOGIN, 403, 200, SAVED, 404, SAVED)
B_READ = (LOGIN, 404, 404, 404, 200, 200)
OWN_POST = (LOGIN, SAVED, SAVED, SAVED, SAVED, SAVED)
STAFF_ADMIN_200 = (ADMIN_LOGIN, 200, 200, 200, 200, 200)
AUDIT_FORBIDDEN = (ADMIN_LOGIN, 403, 403, 403, 403, 403)
BODY_ADMIN_200 = (LOGIN, 403, 403, 200, 403, 200)


def _register_of_a(w: World) -> bytes:
    """A register file with one row: A's published response, submitted to the portal today."""
    inspection, body = w.a_published.inspection, w.a_published.body
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["inspection", "publication_types", "force", "body", "published_on", "submitted_to_portal"])
    writer.writerow([inspection.title, "PEEL", body.force.name, body.name, inspection.published_on, _today()])
    return out.getvalue().encode()


def _upload_of_a(w: World) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("register.csv", _register_of_a(w), content_type="text/csv")}


def _staged_by_a_admin(w: World) -> dict[str, Any]:
    """That register, uploaded by body A's admin and waiting for their confirmation: no one else may confirm it."""
    staged = intake_services.staged_import_create(
        user=w.users["body_admin"], file_name="register.csv", content=_register_of_a(w)
    )
    return {"staged": str(staged.pk)}


WALK: list[Step] = [
    # --- the staff pages ------------------------------------------------------------------------------------------
    Step("dashboard", _fixed("dashboard"), SIGNED_IN_200),
    Step("dashboard, filtered to A's report", lambda w, r: reverse("dashboard") + "?q=Joint", SIGNED_IN_200),
    Step(
        "dashboard, finished shown, sorted, mine",
        lambda w, r: reverse("dashboard") + "?finished=1&sort=-owner&owner=me",
        SIGNED_IN_200,
    ),
    Step("deadline calendar", _fixed("deadline_calendar"), SIGNED_IN_200),
    Step("response page, A draft", _a("response_detail"), A_READ),
    Step("response page, A published", lambda w, r: reverse("response_detail", args=[w.a_published.pk]), A_READ),
    Step("response page, B draft", lambda w, r: reverse("response_detail", args=[w.b_draft.pk]), B_READ),
    Step("edit comments page", _a("response_edit_comments"), A_EDIT_PAGE),
    Step("edit owner page", _a("response_edit_owner"), A_EDIT_PAGE),
    Step("edit comments-due page", _a("response_edit_comments_due"), A_EDIT_PAGE),
    Step("edit deadline page", _a("response_edit_deadline"), A_EDIT_PAGE),
    Step("finding explanation page", _a_finding("finding_edit"), A_EDIT_PAGE),
    Step("checklist step page", _a("checklist_step", "forwarded_to_panel"), A_EDIT_PAGE),
    Step("publish page", _a("response_publish"), A_EDIT_PAGE),
    Step("not required page", _a("response_not_required"), A_EDIT_PAGE),
    Step("add an inspection page", _fixed("inspection_add"), (LOGIN, 403, 200, 200, 200, 200)),
    # --- spotted reports (docs/importing.md#spotted-reports): editors of a body see and dismiss their own --------
    Step("spotted reports page", _fixed("spotted_list"), (LOGIN, 403, 200, 200, 200, 200)),
    Step("dismiss A's spotted report page", _spotted_of_a("spotted_dismiss"), (LOGIN, 403, 200, 200, 404, 200)),
    Step(
        "POST dismiss A's spotted report",
        _spotted_of_a("spotted_dismiss"),
        (LOGIN, 403, SAVED, SAVED, 404, SAVED),
        "POST",
        lambda w: {"reason": "Not a report about our force"},
    ),
    Step(
        "findings page, A's own inspection",
        lambda w, r: reverse("inspection_findings", args=[w.a_published.inspection_id]),
        (LOGIN, 403, 200, 200, 403, 200),
    ),
    Step(
        "findings page, the inspection A and B share",
        lambda w, r: reverse("inspection_findings", args=[w.a_inspection.pk]),
        (LOGIN, 403, 403, 403, 403, 200),
    ),
    Step("Word document, A draft", _a("response_docx"), A_READ),
    Step("Word document, B draft", lambda w, r: reverse("response_docx", args=[w.b_draft.pk]), B_READ),
    Step("PDF, A draft", _a("response_pdf"), A_READ),
    Step("PDF, B draft", lambda w, r: reverse("response_pdf", args=[w.b_draft.pk]), B_READ),
    Step("correction page, A published", _a_published("response_publish_correction"), A_EDIT_PAGE),
    Step(
        "public page, A published", lambda w, r: reverse("published_response", args=[w.a_published.slug]), EVERYONE_200
    ),
    Step(
        "public Word document, A published",
        lambda w, r: reverse("published_response_docx", args=[w.a_published.slug]),
        EVERYONE_200,
    ),
    Step("public PDF, A published", _public("published_response_pdf"), EVERYONE_200),
    Step("public page, A published, version 1", _public("published_response_version", 1), EVERYONE_200),
    Step("public page, A published, no version 2 yet", _public("published_response_version", 2), (404,) * 6),
    Step("public page, A draft (404)", _fixed("published_response", "withdrawn-draft"), (404,) * 6),
    Step("public PDF, A draft (404)", _fixed("published_response_pdf", "withdrawn-draft"), (404,) * 6),
    Step("public version 1, A draft (404)", _fixed("published_response_version", "withdrawn-draft", 1), (404,) * 6),
    Step("public Word document, A draft (404)", _fixed("published_response_docx", "withdrawn-draft"), (404,) * 6),
    Step("public page, unknown slug", _fixed("published_response", "no-such-response"), (404,) * 6),
    # --- the published record (docs/published-record.md): sign-off, the s55(6) letters, the public index and feed --
    Step("approve page, A draft", _a("response_approve"), A_APPROVE_PAGE),
    Step("letters page, A published", _a_published("response_letters"), A_READ),
    Step("letters page, A draft (404: not published)", _a("response_letters"), (LOGIN, 404, 404, 404, 404, 404)),
    Step("letter page, A published", _a_letter("response_letter"), A_READ),
    Step("letter Word document, A published", _a_letter("response_letter_docx"), A_READ),
    Step("letter PDF, A published", _a_letter("response_letter_pdf"), A_READ),
    Step("public index", _fixed("published_index"), EVERYONE_200),
    Step("public index, body A", lambda w, r: reverse("published_index") + f"?body={w.a_draft.body_id}", EVERYONE_200),
    Step("public index, nonsense body", lambda w, r: reverse("published_index") + "?body=x%00", EVERYONE_200),
    Step("public Atom feed", _fixed("published_feed"), EVERYONE_200),
    Step(
        "public Atom feed, body A", lambda w, r: reverse("published_feed") + f"?body={w.a_draft.body_id}", EVERYONE_200
    ),
    # --- the Police and Crime Panel's report (docs/panel-report.md): any staff, their own body; the public progress
    # page (no body is named in PUBLIC_PROGRESS_BODIES here, so it is a 404 for everyone) ----------------------------
    Step("Panel report", _fixed("reports:panel"), SIGNED_IN_200),
    Step(
        "Panel report, asking for body B",
        lambda w, r: reverse("reports:panel") + f"?from=2020-01-01&to={_today()}&body={w.b_draft.body_id}",
        SIGNED_IN_200,
    ),
    Step("Panel report, a wrong date", lambda w, r: reverse("reports:panel") + "?from=2024-02-30", SIGNED_IN_200),
    Step("Panel report PDF", _fixed("reports:panel_pdf"), SIGNED_IN_200),
    Step("Panel report XLSX", _fixed("reports:panel_xlsx"), SIGNED_IN_200),
    Step("Panel report, POST", _fixed("reports:panel"), (LOGIN, 405, 405, 405, 405, 405), "POST", lambda w: {}),
    Step("public progress page", _fixed("reports:published_progress"), (404, 404, 404, 404, 404, 404)),
    Step(
        "public progress page, body A",
        lambda w, r: reverse("reports:published_progress") + f"?body={w.a_draft.body_id}",
        (404, 404, 404, 404, 404, 404),
    ),
    # --- the actions tracker (docs/actions.md): any staff, their own body's actions; changes need an editor ------
    Step("actions tracker", _fixed("actions:action_list"), SIGNED_IN_200),
    Step(
        "actions tracker, filtered",
        lambda w, r: reverse("actions:action_list") + "?rag=red&overdue=true",
        SIGNED_IN_200,
    ),
    Step("actions CSV", _fixed("actions:action_export_csv"), SIGNED_IN_200),
    Step("actions XLSX", _fixed("actions:action_export_xlsx"), SIGNED_IN_200),
    Step("action page, A", _a_action(), A_READ),
    Step(
        "POST action page, A: a progress update",
        _a_action(),
        A_POST,
        "POST",
        lambda w: {"form": "update", "update-note": "Progress made"},
    ),
    Step(
        "POST bulk owner, A's action",
        _fixed("actions:action_bulk"),
        (LOGIN, 403, SAVED, SAVED, SAVED, SAVED),
        "POST",
        lambda w: {"operation": "owner", "owner": str(w.users["editor"].pk), "action": [str(_a_action_pk(w))]},  # type: ignore[union-attr]
    ),
    # --- exports --------------------------------------------------------------------------------------------------
    Step("register.csv", _fixed("export_register"), SIGNED_IN_200),
    Step("register.xlsx", _fixed("export_register_xlsx"), SIGNED_IN_200),
    Step("register.csv, asking for A's report", lambda w, r: reverse("export_register") + "?q=Joint", SIGNED_IN_200),
    Step(
        "register.csv for Excel, finished, sorted",
        lambda w, r: reverse("export_register") + "?excel=1&finished=1&sort=inspection",
        SIGNED_IN_200,
    ),
    Step("register.xlsx, sorted", lambda w, r: reverse("export_register_xlsx") + "?sort=-status", SIGNED_IN_200),
    Step("audit.csv", _fixed("export_audit"), SIGNED_IN_200),
    Step(
        "audit.csv, asking for A's draft",
        lambda w, r: f"{reverse('export_audit')}?response={w.a_draft.pk}",
        SIGNED_IN_200,
    ),
    # --- calendar feed, its tokens, the digest ---------------------------------------------------------------------
    Step("calendar settings", _fixed("calendar_settings"), SIGNED_IN_200),
    Step(
        "calendar feed, own token (anonymous: a revoked one)",
        lambda w, role: reverse("calendar_feed", args=[w.tokens[role]]),
        (404, 200, 200, 200, 200, 200),
    ),
    Step("calendar feed, unknown token", _fixed("calendar_feed", "not-a-token"), (404,) * 6),
    Step(
        "digest opt-out link (anonymous: the viewer's emailed link)",
        lambda w, role: reverse(
            "digest_opt_out",
            args=[signing.dumps((w.users[role] or w.users["viewer"]).pk, salt=DIGEST_OPT_OUT_SALT)],  # type: ignore[union-attr]
        ),
        EVERYONE_200,
    ),
    Step("digest opt-out, tampered link", _fixed("digest_opt_out", "tampered:token"), (404,) * 6),
    # --- the office's history, imported by a body admin (or the national superuser) --------------------------------
    Step("import history page", _fixed("import_history"), BODY_ADMIN_200),
    # --- the office's administration (docs/office.md): its admins and the national superuser, never body B -------
    Step("office home", _office("home"), BODY_ADMIN_200),
    Step("office: people", _office("people"), BODY_ADMIN_200),
    Step("office: invite page", _office("invite"), BODY_ADMIN_200),
    Step("office: A's viewer", lambda w, r: _of_a_body(w, "person", w.users["viewer"]), BODY_ADMIN_200),
    Step("office: addresses", _office("settings"), BODY_ADMIN_200),
    Step("office: signatories", _office("signatories"), BODY_ADMIN_200),
    Step("office: outbox", _office("outbox"), BODY_ADMIN_200),
    Step("office: audit trail of A", _office("audit"), BODY_ADMIN_200),
    Step("office: join, a forged link", _fixed("office:join", "forged:link"), (404,) * 6),
    Step(
        "POST office: A's addresses",
        _office("settings"),
        (LOGIN, 403, 403, SAVED, 403, SAVED),
        "POST",
        lambda w: _addresses_of_a(w) | {"shared_inbox": "office@norfolk-opcc.example"},
    ),
    Step(
        "office: A's signatory",
        lambda w, r: (
            reverse("office:signatory_edit", args=[int(w.tokens["a_signatory"])]) + f"?body={w.a_draft.body_id}"
        ),
        BODY_ADMIN_200,
    ),
    Step(
        "POST office: a new password link for A's editor",
        lambda w, r: _of_a_body(w, "person_password_link", w.users["editor"]),
        (LOGIN, 403, 403, SAVED, 403, SAVED),
        "POST",
        lambda w: {},
    ),
    Step(
        "POST office: A's viewer leaves",
        lambda w, r: _of_a_body(w, "person_deactivate", w.users["viewer"]),
        (LOGIN, 403, 403, SAVED, 403, SAVED),
        "POST",
        lambda w: {},
    ),
    Step(
        "POST office: A's viewer is back",
        lambda w, r: _of_a_body(w, "person_reactivate", w.users["viewer"]),
        (LOGIN, 403, 403, SAVED, 403, SAVED),
        "POST",
        lambda w: {},
    ),
    Step(
        "POST office: withdraw an invitation to A",
        _invitation_of_a,
        (LOGIN, 403, 403, SAVED, 403, SAVED),
        "POST",
        lambda w: {},
    ),
    Step(
        "POST office: send A's failed email again",
        _failed_email_of_a,
        (LOGIN, 403, 403, SAVED, 403, SAVED),
        "POST",
        lambda w: {},
    ),
    # --- accounts and health --------------------------------------------------------------------------------------
    Step("sign-in page", _fixed("login"), EVERYONE_200),
    Step("password change page", _fixed("password_change"), SIGNED_IN_200),
    Step("set-password link, spent or forged", _fixed("password_reset_confirm", "MQ", "0-forged"), EVERYONE_200),
    Step("password saved page", _fixed("password_reset_complete"), EVERYONE_200),
    Step("health check", _fixed("healthz"), EVERYONE_200),
    # --- single sign-on (off: not configured here) and two-factor sign-in (each visitor has no device) -------------
    Step("single sign-on start, not configured", _fixed("sso_start"), (404,) * 6),
    Step("single sign-on callback, not configured", _fixed("sso_callback"), (404,) * 6),
    Step("two-factor page", _fixed("two_factor"), SIGNED_IN_200),
    Step("two-factor set-up page", _fixed("two_factor_setup"), SIGNED_IN_200),
    Step("two-factor code page, no device: on to the dashboard", _fixed("two_factor_verify"), OWN_POST),
    Step("recovery codes page, no device", _fixed("two_factor_recovery_codes"), OWN_POST),
    Step("remove two-factor page, no device", _fixed("two_factor_remove"), OWN_POST),
    Step(
        "POST a wrong code to set up two-factor",
        _fixed("two_factor_setup"),
        SIGNED_IN_200,
        "POST",
        lambda w: {"code": "000000"},
    ),
    Step("POST removing two-factor, no device", _fixed("two_factor_remove"), OWN_POST, "POST", lambda w: {}),
    Step("POST new recovery codes, no device", _fixed("two_factor_recovery_codes"), OWN_POST, "POST", lambda w: {}),
    # --- the admin ------------------------------------------------------------------------------------------------
    Step("admin index", _admin("index"), STAFF_ADMIN_200),
    Step("admin: responses", _admin("responses_response_changelist"), STAFF_ADMIN_200),
    Step(
        "admin: A draft",
        _admin("responses_response_change", lambda w: w.a_draft),
        (ADMIN_LOGIN, 200, 200, 200, ADMIN_GONE, 200),
    ),
    Step(
        "admin: B draft",
        _admin("responses_response_change", lambda w: w.b_draft),
        (ADMIN_LOGIN, ADMIN_GONE, ADMIN_GONE, ADMIN_GONE, 200, 200),
    ),
    Step("admin: inspections", _admin("inspections_inspection_changelist"), STAFF_ADMIN_200),
    Step("admin: add inspection", _admin("inspections_inspection_add"), (ADMIN_LOGIN, 403, 200, 200, 200, 200)),
    Step("admin: an inspection", _admin("inspections_inspection_change", lambda w: w.a_inspection), STAFF_ADMIN_200),
    Step("admin: audit entries", _admin("audit_auditentry_changelist"), (ADMIN_LOGIN, 403, 403, 200, 200, 200)),
    Step(
        "admin: an audit entry of A",
        _admin("audit_auditentry_change", lambda w: w.a_entry),
        (ADMIN_LOGIN, 403, 403, 200, ADMIN_GONE, 200),
    ),
    Step("admin: delete an audit entry", _admin("audit_auditentry_delete", lambda w: w.a_entry), AUDIT_FORBIDDEN),
    Step("admin: add an audit entry", _admin("audit_auditentry_add"), AUDIT_FORBIDDEN),
    Step(
        "admin: POST a change to an audit entry",
        _admin("audit_auditentry_change", lambda w: w.a_entry),
        (ADMIN_LOGIN, 403, 403, 403, ADMIN_GONE, 403),
        "POST",
        lambda w: {"reason": "rewritten"},
    ),
    Step(
        "admin: POST the deletion of an audit entry",
        _admin("audit_auditentry_delete", lambda w: w.a_entry),
        AUDIT_FORBIDDEN,
        "POST",
        lambda w: {"post": "yes"},
    ),
    # --- every POST action on A's draft, in an order in which an editor's each succeeds ----------------------------
    Step(
        "POST comments",
        _a("response_edit_comments"),
        A_POST,
        "POST",
        lambda w: {
            "version": _version(w.a_draft),
            "cc_comments": f"Chief constable, revised {MARKER_A}",
            "body_comments": f"Body comments, revised {MARKER_A}",
            "response_to_cc": "Reply, revised",
        },
    ),
    Step("POST owner", _a("response_edit_owner"), A_POST, "POST", lambda w: {"version": _version(w.a_draft)}),
    Step(
        "POST comments-due date",
        _a("response_edit_comments_due"),
        A_POST,
        "POST",
        lambda w: {
            "version": _version(w.a_draft),
            "comments_due": (w.a_draft.statutory_last_day - dt.timedelta(days=10)).isoformat(),
        },
    ),
    # --- the chief constable's comments by link (docs/force-comments.md) -------------------------------------------
    Step("force comments: the link page", lambda w, r: f"/comments/{w.tokens['force_link']}/", EVERYONE_200),
    Step("force comments: a revoked link", lambda w, r: f"/comments/{w.tokens['force_link_revoked']}/", (404,) * 6),
    Step("force comments: a forged token", _fixed("forcecomments:comments", "forged:token"), (404,) * 6),
    Step(
        "force comments: POST to a forged token",
        _fixed("forcecomments:comments", "forged:token"),
        (404,) * 6,
        "POST",
        lambda w: {"name": "Sam", "email": "sam@example.org", "cc_comments": "Guess"},
    ),
    Step("force comments: invite page", _a("forcecomments:invite"), A_EDIT_PAGE),
    Step(
        "force comments: a version received",
        lambda w, r: reverse("forcecomments:submission", args=[w.a_draft.pk, int(w.tokens["force_submission"])]),
        A_READ,
    ),
    Step(
        "force comments: POST use a version",
        lambda w, r: reverse("forcecomments:use", args=[w.a_draft.pk, int(w.tokens["force_submission"])]),
        A_POST,
        "POST",
        lambda w: {"version": _version(w.a_draft)},
    ),
    Step("force comments: POST revoke", _a("forcecomments:revoke"), A_POST, "POST", lambda w: {}),
    Step("force comments: POST invite", _a("forcecomments:invite"), A_POST, "POST", lambda w: {}),
    Step(
        "POST deadline override",
        _a("response_edit_deadline"),
        A_POST,
        "POST",
        lambda w: {
            "version": _version(w.a_draft),
            "deadline": (w.a_draft.statutory_last_day + dt.timedelta(days=14)).isoformat(),
            "reason": "Agreed with HMICFRS",
            "after_statutory_confirmed": "on",
        },
    ),
    Step(
        "POST deadline restore",
        _a("response_restore_deadline"),
        A_POST,
        "POST",
        lambda w: {"restore-version": _version(w.a_draft), "restore-reason": "Back to the form date"},
    ),
    Step(
        "POST finding explanation",
        _a_finding("finding_edit"),
        A_POST,
        "POST",
        lambda w: {"version": _version(w.a_draft), "explanation": f"Explanation, revised {MARKER_A}"},
    ),
    Step(
        "POST finding progress",
        _a_finding("finding_add_progress"),
        A_POST,
        "POST",
        lambda w: {"progress-progress": "in_progress", "progress-note": "Work has begun"},
    ),
    Step(
        "POST checklist tick",
        _a("checklist_tick", "forwarded_to_panel"),
        A_POST,
        "POST",
        lambda w: {"version": _version(w.a_draft), "done_on": _today(), "evidence_reference": "Panel papers"},
    ),
    Step(
        "POST checklist untick",
        _a("checklist_untick", "forwarded_to_panel"),
        A_POST,
        "POST",
        lambda w: {"version": _version(w.a_draft), "reason": "Sent the wrong version"},
    ),
    Step(
        "POST close as not required",
        _a("response_not_required"),
        A_POST,
        "POST",
        lambda w: {"version": _version(w.a_draft), "reason": "Clearly not the subject"},
    ),
    Step(
        "POST reopen",
        _a("response_reopen"),
        A_POST,
        "POST",
        lambda w: {"version": _version(w.a_draft), "reason": "HMICFRS asked for one"},
    ),
    Step("POST mark ready", _a("response_mark_ready"), A_POST, "POST", lambda w: {"version": _version(w.a_draft)}),
    Step(
        "POST no longer ready", _a("response_unmark_ready"), A_POST, "POST", lambda w: {"version": _version(w.a_draft)}
    ),
    # Sign-off: only those who may approve (A's admin, the national superuser); an editor alone cannot publish.
    Step("POST approve A draft", _a("response_approve"), A_APPROVE_POST, "POST", lambda w: _approval_of(w, w.a_draft)),
    Step(
        "POST publish",
        _a("response_publish"),
        A_APPROVED_POST,
        "POST",
        lambda w: {"version": _version(w.a_draft), "published_on": _today()},
    ),
    # Adding an inspection: any editor, naming their own force only (body B's editor is refused A's: the form again).
    Step(
        "POST read a publication page from a host not on the list",
        _fixed("inspection_add"),
        (LOGIN, 403, 200, 200, 200, 200),
        "POST",
        lambda w: {"page-address": "https://example.org/publications/p/", "read": "1"},
    ),
    Step(
        "POST add an inspection of A's force",
        _fixed("inspection_add"),
        (LOGIN, 403, SAVED, SAVED, 200, SAVED),
        "POST",
        lambda w: {
            "title": "A new report about Norfolk",
            "published_on": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
            "publication_types": "PEEL",
            "forces": "Norfolk",
            "report_url": "",
            "save": "1",
        },
    ),
    Step(
        "POST findings to A's own inspection",
        lambda w, r: reverse("inspection_findings", args=[w.a_published.inspection_id]),
        (LOGIN, 403, SAVED, SAVED, 403, SAVED),
        "POST",
        lambda w: {
            "findings-TOTAL_FORMS": "1",
            "findings-INITIAL_FORMS": "0",
            "findings-0-kind": "afi",
            "findings-0-number": "",
            "findings-0-text": "The force should answer its calls sooner.",
            "grades-TOTAL_FORMS": "0",
            "grades-INITIAL_FORMS": "0",
            "save": "1",
        },
    ),
    # A published response: its text edited (a working draft), then published as a correction.
    Step(
        "POST comments on A published",
        _a_published("response_edit_comments"),
        A_POST,
        "POST",
        lambda w: {
            "version": _version(w.a_published),
            "cc_comments": "The chief constable welcomes the report.",
            "body_comments": "The commissioner accepts every recommendation, as corrected.",
        },
    ),
    Step(
        "POST approve A published",
        _a_published("response_approve"),
        A_APPROVE_POST,
        "POST",
        lambda w: _approval_of(w, w.a_published),
    ),
    Step(
        "POST withdraw that approval",
        _a_published("response_withdraw_approval"),
        A_APPROVE_POST,
        "POST",
        lambda w: {"withdraw-version": _version(w.a_published), "withdraw-reason": "The signatory asked for a change."},
    ),
    Step(
        "POST approve A published again",
        _a_published("response_approve"),
        A_APPROVE_POST,
        "POST",
        lambda w: _approval_of(w, w.a_published),
    ),
    Step(
        "POST correction of A published",
        _a_published("response_publish_correction"),
        A_APPROVED_POST,
        "POST",
        lambda w: {"version": _version(w.a_published), "reason": "The commissioner's comments were corrected."},
    ),
    # The s55(6) letters of A's published response: made, sent by email (no address set: refused with a message),
    # recorded on the portal step.
    Step(
        "POST make a letter, A published",
        _a_published("response_letters"),
        A_POST,
        "POST",
        lambda w: {"version": _version(w.a_published), "recipient": "home_secretary"},
    ),
    Step("POST send a letter, A published", _a_letter("letter_send"), A_POST, "POST", lambda w: {}),
    Step(
        "POST record a letter sent, A published",
        _a_letter("response_letter"),
        A_POST,
        "POST",
        lambda w: {"version": _version(w.a_published), "sent_on": _today(), "evidence_reference": "PORTAL-1"},
    ),
    # The user's own calendar feed address and digest preference: any signed-in user, for themselves only.
    Step("POST create calendar token", _fixed("calendar_token_create"), OWN_POST, "POST", lambda w: {}),
    Step("POST renew calendar token", _fixed("calendar_token_renew"), OWN_POST, "POST", lambda w: {}),
    Step("POST revoke calendar token", _fixed("calendar_token_revoke"), OWN_POST, "POST", lambda w: {}),
    Step("POST digest preference", _fixed("digest_set"), OWN_POST, "POST", lambda w: {"daily_digest": "on"}),
    # Importing history: the upload is previewed; only the admin who uploaded it may confirm it (the national
    # superuser confirming A's admin's upload gets a 404).
    Step("POST a register to preview", _fixed("import_history"), BODY_ADMIN_200, "POST", _upload_of_a),
    Step(
        "POST confirm A's admin's import",
        _fixed("import_history_confirm"),
        (LOGIN, 403, 403, SAVED, 403, 404),
        "POST",
        _staged_by_a_admin,
    ),
]


# --- checking one request ------------------------------------------------------------------------------------------
def _outcome(result: HttpResponseBase) -> int | str:
    """The status, or for a redirect where it goes (as the table's LOGIN / ADMIN_LOGIN / ADMIN_GONE / SAVED)."""
    if result.status_code != 302:
        return result.status_code
    location = result["Location"]
    if location.startswith(reverse("admin:login")):
        return ADMIN_LOGIN
    if location.startswith(reverse("login")):
        return LOGIN
    if location == reverse("admin:index"):
        return ADMIN_GONE
    return SAVED


def _text(result: HttpResponseBase) -> str:
    """What a person would read in the response, whatever its format (HTML, CSV, ICS, XLSX, DOCX, PDF)."""
    if isinstance(result, StreamingHttpResponse) or getattr(result, "streaming", False):
        content = b"".join(result.streaming_content)  # type: ignore[attr-defined]
    else:
        content = result.content  # type: ignore[attr-defined]
    content_type = result.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
    if content_type == "application/pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if "wordprocessingml" in content_type:
        from docx import Document

        return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    return content.decode("utf-8", errors="replace")


def _snapshot_of_a(world: World) -> list[Any]:
    """Everything stored about body A's responses, including the audit entries scoped to them."""
    ids = [world.a_draft.pk, world.a_published.pk]
    return [
        list(Response.objects.filter(pk__in=ids).order_by("pk").values()),
        list(FindingResponse.objects.filter(response_id__in=ids).order_by("pk").values()),
        list(ChecklistItem.objects.filter(response_id__in=ids).order_by("pk").values()),
        list(FindingUpdate.objects.filter(finding_response__response_id__in=ids).order_by("pk").values()),
        AuditEntry.objects.filter(response_id__in=ids).count(),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_visitor_as_expected_and_never_shows_another_bodys_draft(steps: Any, role: str) -> None:
    world = _build_world()
    column = ROLES.index(role)
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role], backend=BACKEND)
    before = _snapshot_of_a(world)

    wrong: list[str] = []
    seen_a: set[str] = set()
    for step in WALK:
        url = step.url(world, role)
        if step.method == "POST":
            assert step.data is not None
            result = client.post(url, step.data(world))
        else:
            result = client.get(url)
        expected, got = step.expect[column], _outcome(result)
        if got != expected:
            wrong.append(f"{step.label} ({step.method} {url}): expected {expected}, got {got}")
        text = _text(result)
        if MARKER_A in text:
            seen_a.add(step.label)
        if role in NOT_B and MARKER_B in text:
            wrong.append(f"{step.label} ({url}) shows body B's draft to {role}")

    assert not wrong, f"{role}:\n" + "\n".join(wrong)
    if role in NOT_A:
        assert not seen_a, f"{role} was shown body A's draft by: {', '.join(sorted(seen_a))}"
    else:
        # Body A's people and the national superuser do see A's draft: the negative checks above are not vacuous.
        assert {"response page, A draft", "Word document, A draft", "PDF, A draft", "admin: A draft"} <= seen_a, seen_a
    if role in ("body_admin", "national"):
        assert {"audit.csv", "admin: an audit entry of A", "office: audit trail of A"} <= seen_a, seen_a
    if role == "national":
        assert MARKER_B in _text(client.get(reverse("response_detail", args=[world.b_draft.pk])))

    if role in READ_ONLY_FOR_A:
        assert _snapshot_of_a(world) == before, f"{role} changed body A's data"
        assert world.a_published.published_versions.count() == 1, f"{role} published a correction of A's"
    elif role == "editor":
        # An editor cannot approve, so cannot publish or correct: the sign-off is not theirs to skip.
        assert _fresh(world.a_draft).published_on is None, "an editor published A's draft without an approval"
        assert world.a_published.published_versions.count() == 1, "an editor corrected A's without an approval"
    else:
        published = _fresh(world.a_draft)
        assert published.published_on == timezone.localdate(), "an approver's walk ends with A's draft published"
        assert world.a_published.published_versions.count() == 2, "and with a correction of A's published response"
        assert published.published_versions.get().content["signatory"]["name"] == "Pat Commissioner"


# --- every URL is in the walk --------------------------------------------------------------------------------------
# Named URLs the walk does not request, each with why: the table above is the place for every other one.
NOT_WALKED = {
    "logout": "signing out ends the walk's session; tests/security/test_hardening.py posts to it",
    "password_change_done": "a confirmation page with nothing of any body's; reached after a password change",
}


def _named_urls() -> set[str]:
    """Every URL name of the site outside the Django admin (whose every page the admin rows and
    tests/security/test_admin_gate.py cover), with its namespace."""
    from django.urls import URLPattern, URLResolver, get_resolver

    names: set[str] = set()

    def walk(patterns: Any, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_named_url_of_the_site_is_in_the_walk(steps: Any) -> None:
    from django.urls import Resolver404, resolve

    world = _build_world()
    walked: set[str] = set()
    for step in WALK:
        for role in ROLES:
            path = step.url(world, role).split("?")[0]
            try:
                walked.add(resolve(path).view_name)
            except Resolver404:
                continue  # a step that expects a 404 for an address that is no URL at all
    missing = _named_urls() - walked - set(NOT_WALKED) - {"healthz"}
    assert not missing, "URLs no visitor walks (add a Step to WALK): " + ", ".join(sorted(missing))
