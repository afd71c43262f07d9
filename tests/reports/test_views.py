"""The Panel report's page, PDF (read back with pypdf) and workbook (read back with openpyxl), who may see which
body's, the period's errors, and the public progress page."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Role, User
from inspections.models import Finding
from tests.factories import UserFactory
from tests.reports.conftest import History

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 12, 20, 12, tzinfo=dt.UTC)
QUERY = "?from=2016-01-01&to=2024-12-20"


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def cells(html: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table class="govuk-table" id="{table_id}">(.*?)</table>', html, re.S)
    assert table, table_id
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)
    return [
        [re.sub(r"<[^>]+>|\s+", " ", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
        for r in rows
    ]


def test_a_viewer_sees_their_own_body_whatever_body_they_ask_for(history: History) -> None:
    viewer = UserFactory(body=history.a, role=Role.VIEWER)
    page = signed_in(viewer).get(reverse("reports:panel") + QUERY + f"&body={history.b.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Norfolk OPCC" in html and "Suffolk PEEL 2024" not in html
    assert cells(html, "table-received")[1:] == [
        ["2016", "1", "0", "1", "1"],
        ["2023", "3", "1", "0", "2"],
        ["2024", "4", "0", "0", "2"],
        ["All years", "8", "1", "1", "5"],
    ]
    assert cells(html, "table-on-time")[1:] == [
        ["2016", "0", "0", "0", "–"],
        ["2023", "1", "1", "0", "50%"],
        ["2024", "2", "0", "1", "67%"],
        ["All years", "3", "1", "1", "60%"],
    ]
    assert cells(html, "table-days")[-1] == ["All years", "5", "41", "75"]
    assert cells(html, "table-days")[2] == ["2023", "2", "57.5", "75"]
    assert "Responses closed as not required are excluded from the on-time rate" in html
    assert "published before 2 May 2017 are excluded too" in html
    assert cells(html, "table-action-rag")[1:] == [["Red", "2"], ["Amber", "2"], ["Green", "1"], ["Open actions", "5"]]
    assert "Overdue actions: 1" in html and "Repeated findings: 1" in html
    assert 'name="body"' not in html  # only the national superuser picks a body


def test_the_charts_are_inert_images_of_the_same_figures(history: History) -> None:
    html = signed_in(UserFactory(body=history.a)).get(reverse("reports:panel") + QUERY).content.decode()
    images = re.findall(r'<img class="app-chart" src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', html)
    assert len(images) == 4
    for encoded, alt in images:
        svg = base64.b64decode(encoded).decode()
        assert svg.startswith("<svg") and "<script" not in svg and "onload" not in svg.lower()
        assert "table beside it" in alt
    received = base64.b64decode(images[0][0]).decode()
    assert all(year in received for year in ("2016", "2023", "2024"))


def test_the_national_superuser_picks_a_body_or_all(history: History) -> None:
    national = UserFactory(username="national", body=None, is_superuser=True, role=Role.ADMIN)
    client = signed_in(national)
    everyone = client.get(reverse("reports:panel") + QUERY).content.decode()
    assert cells(everyone, "table-received")[-1] == ["All years", "9", "1", "1", "6"]
    assert 'name="body"' in everyone and "Suffolk OPCC" in everyone
    only_b = client.get(reverse("reports:panel") + QUERY + f"&body={history.b.pk}").content.decode()
    assert cells(only_b, "table-received")[-1] == ["All years", "1", "0", "0", "1"]
    unknown = client.get(reverse("reports:panel") + QUERY + "&body=999999")
    assert unknown.status_code == 200 and "Choose a body from the list, or All bodies." in unknown.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?from=2024-13-01&to=2024-12-20", "Enter a real date, for example 2024-04-01."),
        ("?from=&to=2024-12-20", "Enter the first day of the period."),
        ("?from=2024-06-01&to=2024-01-01", "The last day of the period must be on or after the first."),
        ("?from=1999-12-31&to=2024-01-01", "The period cannot start before 2000."),
        ("?from=2024-01-01&to=2025-01-01", "The period cannot end after today."),
    ],
)
def test_a_wrong_period_is_shown_back_with_the_error(history: History, query: str, message: str) -> None:
    client = signed_in(UserFactory(body=history.a))
    for name in ("reports:panel", "reports:panel_pdf", "reports:panel_xlsx"):
        page = client.get(reverse(name) + query)
        html = page.content.decode()
        assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
        assert "There is a problem" in html and message in html and "<title>Error: " in html
        assert "table-received" not in html


def test_the_default_period_is_five_calendar_years_to_today(history: History) -> None:
    html = signed_in(UserFactory(body=history.a)).get(reverse("reports:panel")).content.decode()
    assert "from 1 January 2020 to 20 December 2024" in html
    assert [row[0] for row in cells(html, "table-received")[1:]] == ["2023", "2024", "All years"]


def test_the_pdf_reads_back_with_the_figures(history: History) -> None:
    answer = signed_in(UserFactory(body=history.a)).get(reverse("reports:panel_pdf") + QUERY)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert "panel-report-norfolk-opcc-2016-01-01-2024-12-20.pdf" in answer["Content-Disposition"]
    reader = PdfReader(io.BytesIO(answer.content))
    assert (
        reader.metadata.title
        == "Report to the Police and Crime Panel: Norfolk OPCC, 1 January 2016 to 20 December 2024"
    )
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "Reports received and responses published" in text
    assert re.search(r"All years 8 1 1 5", text)
    assert re.search(r"All years 3 1 1 60%", text)
    assert re.search(r"2023 2 57.5 75", text)
    assert "excluded from the on-time rate" in text
    assert "Overdue actions: 1" in text and "Suffolk" not in text


def test_the_workbook_reads_back_with_the_figures_and_no_formula(history: History) -> None:
    inspection = history.responses["on_time_2023"].inspection
    Finding.objects.filter(inspection=inspection, kind="recommendation", number=1).update(
        text='=HYPERLINK("https://evil.example","Click")'
    )
    answer = signed_in(UserFactory(body=history.a)).get(reverse("reports:panel_xlsx") + QUERY)
    assert answer.status_code == 200
    workbook = load_workbook(io.BytesIO(answer.content))
    assert workbook.sheetnames == [
        "About",
        "Reports received",
        "On time",
        "Days to respond",
        "Actions",
        "Overdue actions",
        "Repeated findings",
    ]
    on_time = [[c.value for c in row] for row in workbook["On time"].iter_rows(min_row=3, max_row=7)]
    assert on_time == [
        ["Year", "On time", "Late", "Overdue, not published", "Counted", "On time (%)"],
        ["2016", 0, 0, 0, 0, None],
        ["2023", 1, 1, 0, 2, 50],
        ["2024", 2, 0, 1, 3, 67],
        ["All years", 3, 1, 1, 5, 60],
    ]
    notes = [row[0].value for row in workbook["On time"].iter_rows() if row[0].value]
    assert any("excluded from the on-time rate" in str(note) for note in notes)
    days = [[c.value for c in row] for row in workbook["Days to respond"].iter_rows(min_row=4)]
    assert ["All years", 5, 41, 75] in days
    overdue = workbook["Overdue actions"]
    row = [c.value for c in overdue[4]]
    assert row[4] == '\'=HYPERLINK("https://evil.example","Click")' and overdue.cell(4, 5).data_type == "s"
    assert row[7] == dt.datetime(2024, 12, 1) and row[8] == 19


def test_signed_out_and_bodiless_visitors_get_no_report(history: History) -> None:
    answer = Client().get(reverse("reports:panel"))
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    nobody = UserFactory(body=None, is_superuser=False)
    assert signed_in(nobody).get(reverse("reports:panel")).status_code == 403
    assert signed_in(UserFactory(body=history.a)).post(reverse("reports:panel")).status_code == 405


# --- the public progress page --------------------------------------------------------------------------------------
def test_no_body_shows_its_progress_unless_named_in_the_setting(history: History) -> None:
    assert Client().get(reverse("reports:published_progress")).status_code == 404


def test_the_progress_page_shows_published_recommendations_and_their_status(history: History) -> None:
    with override_settings(PUBLIC_PROGRESS_BODIES=[history.a.name]):
        page = Client().get(reverse("reports:published_progress"))
        other = Client().get(reverse("reports:published_progress") + f"?body={history.b.pk}")
    assert page.status_code == 200 and other.status_code == 404
    html = page.content.decode()
    assert "PEEL 2023" in html and "Vetting 2024" in html
    assert "Recommendation 1.</span> Do thing 1" in html and "Being progressed" in html and "Complete" in html
    assert "Spotlight 2024" not in html  # not published
    assert "A thematic not about Norfolk" not in html  # not required
    assert "Area for improvement" not in html  # recommendations only
    assert reverse("published_response", args=[history.responses["on_time_2023"].slug]) in html


def test_with_several_bodies_the_page_lists_them(history: History) -> None:
    with override_settings(PUBLIC_PROGRESS_BODIES=[history.a.name, history.b.name]):
        index = Client().get(reverse("reports:published_progress")).content.decode()
        b = Client().get(reverse("reports:published_progress") + f"?body={history.b.pk}").content.decode()
    assert history.a.name in index and f"?body={history.b.pk}" in index
    assert "Suffolk PEEL 2024" in b and "PEEL 2023" not in b
