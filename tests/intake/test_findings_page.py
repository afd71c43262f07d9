"""The findings page (/inspections/<id>/findings/): a report's PDF or pasted text read into an editable preview,
saved as findings and grades in order; what it refuses, and who may use it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from inspections.models import Finding, FindingKind, Force, Grade, Inspection
from responses.models import FindingResponse, Response
from tests.factories import BodyFactory, ForceFactory, UserFactory, make_inspection
from tests.intake.report_fixtures import AREAS_FOR_IMPROVEMENT, GRADES, ReportPDF, response_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def westshire() -> Force:
    return BodyFactory(force=ForceFactory(name="Westshire")).force


@pytest.fixture
def inspection(westshire: Force) -> Inspection:
    return make_inspection(title="PEEL 2025: Westshire", published_on=dt.date(2025, 3, 3), forces=[westshire])


@pytest.fixture
def editor(westshire: Force) -> Client:
    client = Client()
    client.force_login(UserFactory(username="westshire-editor", body=westshire.bodies.get(), role=Role.EDITOR))
    return client


def url(inspection: Inspection) -> str:
    return reverse("inspection_findings", args=[inspection.pk])


def preview_data(page: Any) -> dict[str, str]:
    """What the browser would post back from the preview, unchanged."""
    data: dict[str, str] = {"save": "1"}
    for formset in (page.context["findings"], page.context["grades"]):
        management = formset.management_form
        data.update({management.add_prefix(name): str(management[name].value()) for name in management.fields})
        for form in formset.forms:
            for name in form.fields:
                if name == "DELETE":
                    continue
                value = form[name].value()
                data[form.add_prefix(name)] = "" if value is None else str(value)
    return data


def test_pasted_text_is_read_into_a_preview_and_nothing_is_saved_yet(editor: Client, inspection: Inspection) -> None:
    page = editor.post(url(inspection), {"report_text": response_document(), "read": "1"})

    assert page.status_code == 200
    findings, grades = page.context["findings"], page.context["grades"]
    assert [form["text"].value() for form in findings.forms[:-1]] == AREAS_FOR_IMPROVEMENT
    assert [(form["grade"].value(), form["area"].value()) for form in grades.forms[:-1]] == GRADES
    assert all(form["force"].value() == inspection.forces.get().pk for form in grades.forms[:-1])
    assert "17 areas for improvement and 9 grades" in page.content.decode()
    assert not Finding.objects.exists()


def test_saving_the_preview_creates_the_findings_and_grades_in_order(editor: Client, inspection: Inspection) -> None:
    preview = editor.post(url(inspection), {"report_text": response_document(), "read": "1"})

    saved = editor.post(url(inspection), preview_data(preview))

    response = Response.objects.get(inspection=inspection)
    assert saved.status_code == 302
    assert saved["Location"] == response.get_absolute_url()
    assert [(f.kind, f.number, f.text) for f in Finding.objects.filter(inspection=inspection).order_by("pk")] == [
        (FindingKind.AREA_FOR_IMPROVEMENT, n, text) for n, text in enumerate(AREAS_FOR_IMPROVEMENT, start=1)
    ]
    assert [(g.grade, g.area, g.order) for g in Grade.objects.filter(inspection=inspection)] == [
        (grade, area, i) for i, (grade, area) in enumerate(GRADES, start=1)
    ]
    assert FindingResponse.objects.filter(response=response).count() == 17
    page = editor.get(saved["Location"])
    assert "Saved 17 areas for improvement and 9 grades." in page.content.decode()


def test_an_uploaded_pdf_is_read_into_the_preview(editor: Client, inspection: Inspection) -> None:
    pdf = ReportPDF()
    pdf.page_with("Recommendation 1\n\nBy 31 March 2026, chief constables should vet every officer again.")
    upload = SimpleUploadedFile("report.pdf", pdf.data(), content_type="application/pdf")

    page = editor.post(url(inspection), {"report_pdf": upload, "read": "1"})

    [row, _empty] = page.context["findings"].forms
    assert (row["kind"].value(), row["number"].value(), row["text"].value()) == (
        FindingKind.RECOMMENDATION,
        1,
        "By 31 March 2026, chief constables should vet every officer again.",
    )


def test_a_file_that_is_not_a_pdf_is_refused_and_the_form_comes_back(editor: Client, inspection: Inspection) -> None:
    upload = SimpleUploadedFile("report.pdf", b"<html>not a pdf</html>", content_type="application/pdf")

    page = editor.post(url(inspection), {"report_pdf": upload, "read": "1"})

    assert page.status_code == 200
    assert page.context["report_form"].errors["report_pdf"] == ["The file is not a PDF."]
    assert page.context["findings"] is None


def test_a_damaged_pdf_gives_a_message_not_an_error_page(editor: Client, inspection: Inspection) -> None:
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.7\n%%EOF", content_type="application/pdf")

    page = editor.post(url(inspection), {"report_pdf": upload, "read": "1"})

    assert page.status_code == 200
    assert "Paste the report's text instead" in page.context["report_form"].errors["report_pdf"][0]


def test_nothing_to_read_asks_for_the_pdf_or_the_text(editor: Client, inspection: Inspection) -> None:
    page = editor.post(url(inspection), {"read": "1"})

    assert page.context["report_form"].non_field_errors() == ["Choose the report's PDF, or paste its text."]


def rows(*findings: tuple[str, str, str], grades: tuple[tuple[str, str, int], ...] = ()) -> dict[str, str]:
    data = {
        "save": "1",
        "findings-TOTAL_FORMS": str(len(findings)),
        "findings-INITIAL_FORMS": str(len(findings)),
        "grades-TOTAL_FORMS": str(len(grades)),
        "grades-INITIAL_FORMS": str(len(grades)),
    }
    for i, (kind, number, text) in enumerate(findings):
        data |= {f"findings-{i}-kind": kind, f"findings-{i}-number": number, f"findings-{i}-text": text}
    for i, (grade, area, force) in enumerate(grades):
        data |= {f"grades-{i}-grade": grade, f"grades-{i}-area": area, f"grades-{i}-force": str(force)}
    return data


def test_a_number_left_empty_is_the_next_of_its_kind(editor: Client, inspection: Inspection) -> None:
    Finding.objects.create(inspection=inspection, kind="recommendation", number=1, text="Recorded already.")

    editor.post(
        url(inspection),
        rows(("recommendation", "", "A second."), ("afi", "", "A first."), ("recommendation", "", "A third.")),
    )

    assert list(inspection.findings.order_by("kind", "number").values_list("kind", "number", "text")) == [
        ("afi", 1, "A first."),
        ("recommendation", 1, "Recorded already."),
        ("recommendation", 2, "A second."),
        ("recommendation", 3, "A third."),
    ]


def test_a_number_already_recorded_or_given_twice_is_refused(editor: Client, inspection: Inspection) -> None:
    Finding.objects.create(inspection=inspection, kind="afi", number=1, text="Recorded already.")

    page = editor.post(url(inspection), rows(("afi", "1", "Again."), ("afi", "2", "Two."), ("afi", "2", "Two again.")))

    findings = page.context["findings"]
    assert findings.forms[0].errors["number"] == ["Area for improvement 1 is already recorded on this inspection."]
    assert findings.forms[2].errors["number"] == ["Area for improvement 2 is given twice."]
    assert inspection.findings.count() == 1
    assert "Row 1: Area for improvement 1 is already recorded" in page.content.decode()


def test_a_row_marked_to_be_removed_is_not_saved(editor: Client, inspection: Inspection) -> None:
    data = rows(("afi", "1", "Keep me."), ("afi", "2", "Not a finding."))
    data["findings-1-DELETE"] = "on"

    editor.post(url(inspection), data)

    assert list(inspection.findings.values_list("text", flat=True)) == ["Keep me."]


def test_a_grade_names_one_of_the_inspections_forces_that_the_user_may_grade(
    editor: Client, inspection: Inspection
) -> None:
    elsewhere = ForceFactory(name="Eastshire")

    page = editor.post(url(inspection), rows(grades=(("good", "Preventing crime", elsewhere.pk),)))

    assert "force" in page.context["grades"].forms[0].errors
    assert not Grade.objects.exists()


def test_a_grade_repeating_one_recorded_is_refused(editor: Client, inspection: Inspection, westshire: Force) -> None:
    Grade.objects.create(inspection=inspection, force=westshire, area="Preventing crime", grade="good")

    page = editor.post(url(inspection), rows(grades=(("adequate", "preventing crime", westshire.pk),)))

    assert page.context["grades"].forms[0].errors["area"] == [
        "This force already has a grade for this area on this inspection."
    ]


def test_empty_rows_save_nothing_and_say_so(editor: Client, inspection: Inspection) -> None:
    data = rows()
    data |= {"findings-TOTAL_FORMS": "1", "findings-0-kind": "", "findings-0-number": "", "findings-0-text": ""}

    page = editor.post(url(inspection), data, follow=True)

    assert "Nothing was saved" in page.content.decode()
    assert not Finding.objects.exists()


def test_another_bodys_editor_may_not_add_findings_to_this_inspection(inspection: Inspection) -> None:
    client = Client()
    client.force_login(UserFactory(username="other", body=BodyFactory(), role=Role.EDITOR))

    assert client.get(url(inspection)).status_code == 403
    assert client.post(url(inspection), rows(("afi", "1", "Sneaked in."))).status_code == 403
    assert not Finding.objects.exists()


def test_a_viewer_may_not_add_findings(inspection: Inspection, westshire: Force) -> None:
    client = Client()
    client.force_login(UserFactory(username="viewer", body=westshire.bodies.get(), role=Role.VIEWER))

    assert client.get(url(inspection)).status_code == 403


def test_an_unknown_inspection_is_a_404(editor: Client) -> None:
    assert editor.get(reverse("inspection_findings", args=[999])).status_code == 404
