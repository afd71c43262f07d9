"""Published versions: publishing freezes what the public sees; editing afterwards edits a working draft, shown on the
response page as "Changed since publication"; a correction publishes the next version with its reason, and every
earlier version stays at its own address. Versions are append-only (Python, the admin, PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import importlib
import io
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import IntegrityError
from django.test import Client
from django.urls import reverse
from docx import Document

from accounts.models import Role, User
from audit.models import AppendOnlyError
from inspections.models import FindingKind
from responses import selectors, services
from responses.models import ChecklistStep, PublishedVersion, Response
from responses.snapshot import content_hash, content_of
from tests.factories import BodyFactory, ForceFactory, UserFactory, approve, make_response

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"
PUBLISHED_ON = dt.date(2024, 11, 15)
CORRECTED_ON = dt.date(2025, 1, 3)


def _fresh(response: Response) -> Response:
    return Response.objects.get(pk=response.pk)


@pytest.fixture
def editor(steps: Any) -> User:
    body = BodyFactory(force=ForceFactory(name="Norfolk"), name="Norfolk Police and Crime Commissioner")
    return UserFactory(username="editor", first_name="Erin", last_name="Editor", body=body, role=Role.EDITOR)


@pytest.fixture
def client(editor: User) -> Client:
    client = Client()
    client.force_login(editor, backend=BACKEND)
    return client


@pytest.fixture
def response(editor: User) -> Response:
    """A response published on 15 November 2024 by the editor, with one recommendation and one area for improvement."""
    response = make_response(
        body=editor.body, published_on=dt.date(2024, 9, 24), recommendations=1, afis=1, title="PEEL 2023 to 2025"
    )
    services.response_update_comments(
        response=response,
        cc_comments="The chief constable welcomes the report.",
        body_comments="The commissioner will hold the force to account.",
        response_to_cc="",
    )
    for finding_response in response.finding_responses.all():
        services.finding_response_explain(
            finding_response=finding_response, explanation=f"Published action on {finding_response.finding}"
        )
    with time_machine.travel(dt.datetime(2024, 11, 15, 10, 30, tzinfo=dt.UTC), tick=False):
        approve(_fresh(response))
        return services.response_publish(response=_fresh(response), published_on=PUBLISHED_ON, user=editor)


def _edit_after_publication(response: Response) -> Response:
    recommendation = response.finding_responses.get(finding__kind=FindingKind.RECOMMENDATION)
    services.finding_response_explain(finding_response=recommendation, explanation="A revised action plan.")
    services.response_update_comments(
        response=_fresh(response),
        cc_comments="The chief constable welcomes the report.",
        body_comments="The commissioner will hold the force to account, quarterly.",
        response_to_cc="",
    )
    return approve(_fresh(response))  # the changed text approved, as a correction needs


def _public(response: Response) -> dict[str, bytes]:
    client, slug = Client(), response.slug
    return {
        "page": client.get(reverse("published_response", args=[slug])).content,
        "docx": client.get(reverse("published_response_docx", args=[slug])).content,
        "pdf": client.get(reverse("published_response_pdf", args=[slug])).content,
    }


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


# --- publishing stores version 1 ------------------------------------------------------------------------------------
def test_publishing_stores_version_1_with_the_content_its_hash_who_and_when(response: Response, editor: User) -> None:
    version = response.published_versions.get()
    assert version.number == 1
    assert version.published_on == PUBLISHED_ON
    assert version.published_at == dt.datetime(2024, 11, 15, 10, 30, tzinfo=dt.UTC)
    assert version.published_by == editor and version.published_by_name == "Erin Editor"
    assert version.reason == ""
    assert version.content == content_of(selectors.response_document(response))
    assert version.content_hash == content_hash(version.content) and len(version.content_hash) == 64
    content = version.content
    assert content["inspection"]["title"] == "PEEL 2023 to 2025"
    assert content["recommendations"] == [
        {
            "kind": "Recommendation",
            "number": 1,
            "text": "Do thing 1",
            "explanation": "Published action on Recommendation 1",
        }
    ]
    assert content["body_comments"] == "The commissioner will hold the force to account."
    assert content["published_on"] == "2024-11-15"


def test_the_publish_page_records_who_published(client: Client, editor: User, steps: Any) -> None:
    response = make_response(body=editor.body, recommendations=0)
    services.response_update_comments(
        response=response, cc_comments="Welcome.", body_comments="Ours.", response_to_cc=""
    )
    response = approve(_fresh(response))
    client.post(
        reverse("response_publish", args=[response.pk]),
        {"version": response.version, "published_on": "2024-11-15"},
    )
    assert _fresh(response).published_versions.get().published_by == editor


# --- editing afterwards edits a working draft --------------------------------------------------------------------
def test_editing_after_publication_leaves_the_public_page_word_document_and_pdf_byte_for_byte_as_published(
    response: Response,
) -> None:
    before = _public(response)
    assert b"Published action on Recommendation 1" in before["page"]
    _edit_after_publication(response)
    after = _public(response)
    assert after == before
    assert b"A revised action plan." not in after["page"]
    assert "A revised action plan." not in _docx_text(after["docx"])


def test_the_response_page_says_what_changed_since_publication_part_by_part(client: Client, response: Response) -> None:
    html = client.get(reverse("response_detail", args=[response.pk])).content.decode()
    assert "Changed since publication" not in html
    assert "The text here is the same as the public page" in html

    _edit_after_publication(response)
    html = client.get(reverse("response_detail", args=[response.pk])).content.decode()
    section = html[html.index('id="changed-since-publication"') : html.index("</dl>", html.index("Changed since"))]
    assert "Changed since publication" in section
    assert "The public page shows version 1, published on 15 November 2024. 2 parts" in section
    assert "Recommendation 1: our response" in section
    assert "Published action on Recommendation 1" in section and "A revised action plan." in section
    assert "The body&#x27;s comments" in section and "quarterly" in section
    assert "Area for improvement 1" not in section  # unchanged parts are not listed
    assert reverse("response_publish_correction", args=[response.pk]) in html


def test_the_staff_word_document_of_a_published_response_is_the_working_text_marked_draft(
    client: Client, response: Response
) -> None:
    _edit_after_publication(response)
    download = client.get(reverse("response_docx", args=[response.pk]))
    assert f'filename="{response.slug}-draft.docx"' in download["Content-Disposition"]
    text = _docx_text(download.content)
    assert "A revised action plan." in text and text.startswith("DRAFT — not published: ")
    assert download.content != Client().get(reverse("published_response_docx", args=[response.slug])).content


# --- corrections --------------------------------------------------------------------------------------------------
def test_a_correction_makes_version_2_and_keeps_version_1_at_its_address(
    client: Client, response: Response, editor: User
) -> None:
    first = _public(response)
    response = _edit_after_publication(response)
    with time_machine.travel(dt.datetime(2025, 1, 3, 9, 0, tzinfo=dt.UTC), tick=False):
        result = client.post(
            reverse("response_publish_correction", args=[response.pk]),
            {"version": response.version, "reason": "The action plan for Recommendation 1 was revised."},
            follow=True,
        )
    assert [str(m) for m in result.context["messages"]] == [
        "Correction published as version 2. The public page shows it with your reason."
    ]
    second = response.published_versions.get(number=2)
    assert second.published_on == CORRECTED_ON and second.published_by == editor
    assert second.reason == "The action plan for Recommendation 1 was revised."

    page = Client().get(reverse("published_response", args=[response.slug])).content.decode()
    assert "Updated on 3 January 2025: The action plan for Recommendation 1 was revised." in page
    assert "A revised action plan." in page and "Published action on Recommendation 1" not in page
    assert "Published by Norfolk Police and Crime Commissioner on 15 November 2024." in page
    v1 = reverse("published_response_version", args=[response.slug, 1])
    assert v1 == f"/published/{response.slug}/v1/" and f'href="{v1}"' in page

    earlier = Client().get(v1).content.decode()
    assert "This is version 1, published on 15 November 2024. It was replaced by a later version" in earlier
    assert "Published action on Recommendation 1" in earlier and "A revised action plan." not in earlier
    assert first["page"] != page.encode()
    docx = _docx_text(Client().get(reverse("published_response_docx", args=[response.slug])).content)
    assert "Updated on 3 January 2025: The action plan for Recommendation 1 was revised." in docx
    assert "A revised action plan." in docx

    html = client.get(reverse("response_detail", args=[response.pk])).content.decode()
    assert "Changed since publication" not in html and "version 2, published on 3 January 2025" in html
    assert "Version 2 published (a correction)" in html  # the timeline


def test_a_correction_needs_a_reason(client: Client, response: Response) -> None:
    response = _edit_after_publication(response)
    html = client.post(
        reverse("response_publish_correction", args=[response.pk]), {"version": response.version, "reason": " "}
    ).content.decode()
    assert "Say what the correction changes and why: the public page shows it." in html
    with pytest.raises(ValidationError, match="Say what the correction changes"):
        services.response_publish_correction(response=response, reason="")
    assert response.published_versions.count() == 1


def test_a_correction_with_nothing_changed_is_refused(client: Client, response: Response) -> None:
    html = client.post(
        reverse("response_publish_correction", args=[response.pk]),
        {"version": response.version, "reason": "Just in case."},
    ).content.decode()
    assert "Nothing has changed since version 1 was published: there is nothing to correct." in html
    assert response.published_versions.count() == 1


def test_a_correction_from_a_stale_page_is_refused_and_nothing_is_published(client: Client, response: Response) -> None:
    stale = response.version
    response = _edit_after_publication(response)
    html = client.post(
        reverse("response_publish_correction", args=[response.pk]), {"version": stale, "reason": "Revised."}
    ).content.decode()
    assert "Someone else saved a change" in html
    assert response.published_versions.count() == 1


def test_a_draft_cannot_be_corrected(client: Client, editor: User) -> None:
    draft = make_response(body=editor.body)
    result = client.get(reverse("response_publish_correction", args=[draft.pk]))
    assert result.status_code == 302
    with pytest.raises(ValidationError, match="not published yet"):
        services.response_publish_correction(response=draft, reason="Nothing to correct.")


def test_a_viewer_cannot_publish_a_correction(response: Response) -> None:
    viewer = Client()
    viewer.force_login(UserFactory(body=response.body, role=Role.VIEWER), backend=BACKEND)
    _edit_after_publication(response)
    url = reverse("response_publish_correction", args=[response.pk])
    assert viewer.get(url).status_code == 403
    assert viewer.post(url, {"version": _fresh(response).version, "reason": "Mine."}).status_code == 403
    assert response.published_versions.count() == 1


def test_correcting_the_publication_date_republishes_the_published_text_with_the_new_date(
    response: Response, editor: User
) -> None:
    response = _edit_after_publication(response)
    with time_machine.travel(dt.datetime(2025, 1, 3, 9, 0, tzinfo=dt.UTC), tick=False):
        services.response_publish(
            response=response, published_on=dt.date(2024, 11, 14), reason="It went up a day earlier.", user=editor
        )
    second = response.published_versions.get(number=2)
    assert second.reason == "The publication date was corrected: It went up a day earlier."
    assert second.content["published_on"] == "2024-11-14"
    assert second.content["recommendations"][0]["explanation"] == "Published action on Recommendation 1"
    page = Client().get(reverse("published_response", args=[response.slug])).content.decode()
    assert "on 14 November 2024." in page and "A revised action plan." not in page


def test_changing_only_the_web_address_stores_no_new_version(response: Response) -> None:
    services.response_publish(
        response=response, published_on=PUBLISHED_ON, published_url="https://norfolk-pcc.example/s55/peel"
    )
    assert response.published_versions.count() == 1


# --- what the public page shows -----------------------------------------------------------------------------------
def test_the_public_page_lists_only_the_office_use_steps_done_with_their_dates(response: Response) -> None:
    page = Client().get(reverse("published_response", args=[response.slug])).content.decode()
    assert "For office use only" not in page
    services.checklist_tick(
        response=_fresh(response),
        step=ChecklistStep.objects.get(key="forwarded_to_panel"),
        user=None,
        done_on=dt.date(2024, 11, 20),
    )
    page = Client().get(reverse("published_response", args=[response.slug])).content.decode()
    assert "Response forwarded to the Police and Crime Panel: done 20 November 2024." in page
    for undone in ("forwarded to the chief constable", "monitoring portal", "Home Secretary"):
        assert undone not in page


def test_an_imported_publication_has_no_public_page(editor: User) -> None:
    response = make_response(body=editor.body)
    services.response_record_published(
        response=response, published_on=PUBLISHED_ON, reason="The office's register, row 4"
    )
    response = _fresh(response)
    assert response.slug and not response.published_versions.exists()
    assert Client().get(reverse("published_response", args=[response.slug])).status_code == 404
    assert Client().get(reverse("published_response_pdf", args=[response.slug])).status_code == 404


def test_an_unknown_version_is_404(response: Response) -> None:
    assert Client().get(reverse("published_response_version", args=[response.slug, 2])).status_code == 404
    assert Client().get(reverse("published_response_version", args=[response.slug, 1])).status_code == 200


# --- append-only --------------------------------------------------------------------------------------------------
def test_versions_cannot_be_changed_or_deleted_in_python(response: Response) -> None:
    version = response.published_versions.get()
    version.reason = "Rewritten"
    with pytest.raises(AppendOnlyError):
        version.save()
    with pytest.raises(AppendOnlyError):
        version.delete()
    with pytest.raises(AppendOnlyError):
        PublishedVersion.objects.filter(pk=version.pk).update(reason="Rewritten")
    with pytest.raises(AppendOnlyError):
        PublishedVersion.objects.filter(pk=version.pk).delete()
    assert PublishedVersion.objects.get(pk=version.pk).reason == ""


def test_the_admin_shows_versions_and_changes_none(response: Response) -> None:
    admin = Client()
    admin.force_login(UserFactory(body=response.body, role=Role.ADMIN), backend=BACKEND)
    version = response.published_versions.get()
    assert admin.get(reverse("admin:responses_publishedversion_changelist")).status_code == 200
    page = admin.get(reverse("admin:responses_publishedversion_change", args=[version.pk]))
    assert page.status_code == 200 and b"Published action on Recommendation 1" in page.content
    assert admin.get(reverse("admin:responses_publishedversion_add")).status_code == 403
    assert admin.get(reverse("admin:responses_publishedversion_delete", args=[version.pk])).status_code == 403
    posted = admin.post(reverse("admin:responses_publishedversion_change", args=[version.pk]), {"reason": "x"})
    assert posted.status_code == 403
    assert (
        admin.post(reverse("admin:responses_publishedversion_delete", args=[version.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert PublishedVersion.objects.get(pk=version.pk).reason == ""


def test_another_bodys_admin_does_not_see_the_versions(response: Response) -> None:
    other = Client()
    other.force_login(UserFactory(role=Role.ADMIN), backend=BACKEND)
    version = response.published_versions.get()
    listing = other.get(reverse("admin:responses_publishedversion_changelist")).content.decode()
    assert "PEEL 2023 to 2025" not in listing
    assert other.get(reverse("admin:responses_publishedversion_change", args=[version.pk])).status_code == 302


@pytest.mark.postgres
def test_on_postgresql_raw_sql_can_neither_update_nor_delete_a_version(
    require_postgres: None, response: Response
) -> None:
    version = response.published_versions.get()
    for statement in (
        "UPDATE responses_publishedversion SET reason = 'Rewritten' WHERE id = %s",
        "DELETE FROM responses_publishedversion WHERE id = %s",
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [version.pk])
    assert PublishedVersion.objects.get(pk=version.pk).reason == ""


# --- the data migration ---------------------------------------------------------------------------------------------
def test_the_migration_gives_responses_published_before_versions_a_version_1_like_publishing_does(
    editor: User,
) -> None:
    migration = importlib.import_module("responses.migrations.0009_published_versions")
    published = make_response(body=editor.body, recommendations=1, afis=1, title="Published before versions")
    services.response_update_comments(
        response=published, cc_comments="Welcome.", body_comments="Ours.", response_to_cc="Thanks."
    )
    services.finding_response_explain(
        finding_response=published.finding_responses.get(finding__kind=FindingKind.RECOMMENDATION),
        explanation="Done.",
    )
    # Published as it was before versions existed: the date and address on the row, nothing else.
    Response.objects.filter(pk=published.pk).update(published_on=PUBLISHED_ON, slug="published-before-versions")
    imported = make_response(body=editor.body)
    Response.objects.filter(pk=imported.pk).update(published_on=PUBLISHED_ON, publication_imported=True)

    migration.freeze_published(apps, None)

    version = PublishedVersion.objects.get(response=published)
    assert version.number == 1 and version.published_on == PUBLISHED_ON
    # The migration writes format 1, which had no signatory (format 2 added it).
    expected = {**content_of(selectors.response_document(_fresh(published))), "format": 1}
    del expected["signatory"]
    assert version.content == expected
    assert version.content_hash == content_hash(version.content)
    assert not PublishedVersion.objects.filter(response=imported).exists()
    migration.freeze_published(apps, None)  # run again: nothing more
    assert PublishedVersion.objects.filter(response=published).count() == 1
