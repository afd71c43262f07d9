"""The s55(6) covering letters: made from the latest published version (Word and PDF, read back), kept as made,
recorded as sent on their office-use step, and emailed through the outbox with the response's PDF attached (a real
SMTP conversation with aiosmtpd on loopback)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from accounts.models import Role, User
from audit.models import AuditEntry
from notifications.delivery import deliver_due
from notifications.letters import letter_queue_email
from notifications.models import DeliveryAttempt, OutboxEmail, OutboxStatus, ReminderKind
from responses import services
from responses.models import ChecklistItem, CoveringLetter, LetterRecipient, Response
from tests.factories import BodyFactory, ForceFactory, UserFactory, approve, make_response
from tests.notifications.conftest import SmtpServer
from tests.notifications.conftest import smtp_server as smtp_server  # the fixture, for this module

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"
D = dt.date
LETTER_DAY = D(2024, 11, 20)


def _fresh(response: Response) -> Response:
    return Response.objects.get(pk=response.pk)


@pytest.fixture
def editor(steps: Any) -> User:
    body = BodyFactory(force=ForceFactory(name="Norfolk"), name="Norfolk Police and Crime Commissioner")
    return UserFactory(username="editor", body=body, role=Role.EDITOR)


@pytest.fixture
def published(editor: User) -> Response:
    response = make_response(body=editor.body, recommendations=1, title="PEEL 2023 to 2025")
    services.response_update_comments(
        response=response, cc_comments="Welcomed.", body_comments="Ours.", response_to_cc=""
    )
    services.finding_response_explain(finding_response=response.finding_responses.get(), explanation="Done.")
    approve(_fresh(response), on=D(2024, 11, 14))
    services.response_publish(response=_fresh(response), published_on=D(2024, 11, 15), user=editor)
    return _fresh(response)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def _letter(response: Response, recipient: str = LetterRecipient.HOME_SECRETARY) -> CoveringLetter:
    return services.covering_letter_create(response=response, recipient=recipient, user=None, letter_date=LETTER_DAY)


def test_the_letter_to_the_home_secretary_reads_back_in_word_and_pdf(published: Response, settings: Any) -> None:
    addressee = ["The Home Secretary", "2 Marsham Street", "London"]
    settings.S55_LETTER_ADDRESSEES = {**settings.S55_LETTER_ADDRESSEES, "home_secretary": addressee}
    letter = _letter(published)
    public_url = f"{settings.SITE_URL}/published/{published.slug}/"
    paragraphs = [p.text for p in Document(io.BytesIO(bytes(letter.docx))).paragraphs]
    assert paragraphs[0] == "Norfolk Police and Crime Commissioner"
    assert paragraphs[1] == "20 November 2024"
    assert paragraphs[2] == "The Home Secretary\n2 Marsham Street\nLondon"
    assert paragraphs[3] == "Dear Home Secretary,"
    assert paragraphs[4] == "Section 55 response to PEEL 2023 to 2025"
    text = "\n".join(paragraphs)
    assert f"It was published on 15 November 2024 at {public_url}." in text
    assert paragraphs[-2:] == ["Pat Commissioner", "Police and Crime Commissioner for Norfolk"]

    pdf = PdfReader(io.BytesIO(bytes(letter.pdf)))
    pdf_text = " ".join((page.extract_text() or "") for page in pdf.pages)
    assert pdf.metadata is not None and pdf.metadata.title == (
        "Norfolk Police and Crime Commissioner: Section 55 response to PEEL 2023 to 2025"
    )
    for expected in ("20 November 2024", "2 Marsham Street", "Dear Home Secretary", "PEEL 2023 to 2025"):
        assert expected in pdf_text.replace("\n", " ")
    assert public_url in "".join(pdf_text.split())  # the address, wrapped where the line ends
    assert pdf_text.rstrip().endswith("Police and Crime Commissioner for Norfolk")
    assert "/StructTreeRoot" in pdf.trailer["/Root"]  # tagged


def test_the_letter_to_hmicfrs_uses_its_addressee_and_names_the_body_website_first(
    published: Response, settings: Any
) -> None:
    Response.objects.filter(pk=published.pk).update(published_url="https://norfolk-pcc.example/s55/peel")
    letter = _letter(_fresh(published), LetterRecipient.HMICFRS)
    text = "\n".join(p.text for p in Document(io.BytesIO(bytes(letter.docx))).paragraphs)
    assert settings.S55_LETTER_ADDRESSEES["hmicfrs"][0] in text and "Dear Chief Inspector," in text
    assert "at https://norfolk-pcc.example/s55/peel." in text
    assert f"also at {settings.SITE_URL}/published/{published.slug}/" in text


def test_a_letter_needs_a_published_response(editor: User) -> None:
    draft = make_response(body=editor.body)
    with pytest.raises(ValidationError, match="Publish the response first"):
        _letter(draft)
    assert not CoveringLetter.objects.exists()


def test_recording_the_letter_ticks_its_step_with_the_reference_and_links_the_letter(
    published: Response, editor: User
) -> None:
    letter = _letter(published, LetterRecipient.HMICFRS)
    client = _client(editor)
    url = reverse("response_letter", args=[published.pk, letter.pk])
    refused = client.post(url, {"version": _fresh(published).version, "sent_on": "2024-11-19"}).content.decode()
    assert "cannot have been sent before the date it bears" in refused
    result = client.post(
        url,
        {"version": _fresh(published).version, "sent_on": "2024-11-21", "evidence_reference": "PORTAL-123"},
        follow=True,
    )
    assert [str(m) for m in result.context["messages"]] == [
        "Ticked: Response submitted to the HMICFRS monitoring portal, done on 21 November 2024."
    ]
    item = ChecklistItem.objects.get(response=published, step__key="submitted_to_portal")
    assert (item.done_on, item.evidence_reference, item.letter) == (D(2024, 11, 21), "PORTAL-123", letter)
    page = client.get(url).content.decode()
    assert "reference PORTAL-123" in page and f"/letters/{letter.pk}/" in page
    docx = client.get(reverse("response_letter_docx", args=[published.pk, letter.pk]))
    assert docx.content == bytes(letter.docx)
    assert f"{published.slug}-letter-to-hmicfrs.docx" in docx["Content-Disposition"]


def test_the_letters_page_makes_a_letter_and_another_body_cannot_reach_it(published: Response, editor: User) -> None:
    client = _client(editor)
    result = client.post(
        reverse("response_letters", args=[published.pk]),
        {"version": _fresh(published).version, "recipient": "home_secretary"},
        follow=True,
    )
    letter = CoveringLetter.objects.get()
    assert result.redirect_chain[-1][0] == reverse("response_letter", args=[published.pk, letter.pk])
    assert "The letter to The Home Secretary is ready" in result.content.decode()
    bad = client.post(reverse("response_letters", args=[published.pk]), {"version": 1, "recipient": "x"})
    assert "Choose who the letter is to" in bad.content.decode()
    stranger = _client(UserFactory(username="other", body=BodyFactory(), role=Role.ADMIN))
    assert stranger.get(reverse("response_letter_pdf", args=[published.pk, letter.pk])).status_code == 404


def test_sending_a_letter_without_an_address_is_refused(published: Response, settings: Any) -> None:
    settings.S55_COPY_TO = {"hmicfrs": "", "home_secretary": ""}
    with pytest.raises(ValidationError, match="No address is set"):
        letter_queue_email(letter=_letter(published))
    assert not OutboxEmail.objects.exists()


def test_the_letter_goes_through_the_outbox_with_the_pdf_attached(
    published: Response, editor: User, settings: Any, smtp_server: SmtpServer
) -> None:
    settings.S55_COPY_TO = {"hmicfrs": "", "home_secretary": "public.enquiries@homeoffice.example"}
    letter = _letter(published)
    client = _client(editor)
    send = reverse("letter_send", args=[published.pk, letter.pk])
    assert client.post(send).status_code == 302
    row = OutboxEmail.objects.get()
    assert (row.kind, row.body, row.response, row.status) == (
        ReminderKind.S55_COPY,
        published.body,
        published,
        OutboxStatus.PENDING,
    )
    again = client.post(send, follow=True)
    assert "already sent to public.enquiries@homeoffice.example" in again.content.decode()
    assert OutboxEmail.objects.count() == 1
    assert AuditEntry.objects.filter(changes__icontains="public.enquiries@homeoffice.example").exists()

    # The mail server is down: the row waits with the error recorded, and nothing is lost.
    deliver_due(today=dt.date.today())
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING and row.last_error
    smtp_server.start()
    OutboxEmail.objects.filter(pk=row.pk).update(next_attempt_at=None)
    report = deliver_due(today=dt.date.today())
    assert report.sent == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert list(DeliveryAttempt.objects.filter(email=row).order_by("id").values_list("ok", flat=True)) == [False, True]

    [message] = smtp_server.sink.messages
    assert message["To"] == "public.enquiries@homeoffice.example"
    assert message["Subject"].startswith("Section 55 response to PEEL 2023 to 2025")
    parts = {part.get_content_type(): part for part in message.walk()}
    assert "Dear Home Secretary," in parts["text/plain"].get_payload(decode=True).decode()
    attachment = parts["application/pdf"]
    assert attachment.get_filename() == f"{published.slug}.pdf"
    sent_pdf = attachment.get_payload(decode=True)
    public_pdf = Client().get(reverse("published_response_pdf", args=[published.slug])).content
    assert sent_pdf == public_pdf  # the very PDF the public downloads
    assert "Pat Commissioner" in " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(sent_pdf)).pages)
