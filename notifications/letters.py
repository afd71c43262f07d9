"""Sending a s55(6) covering letter by email through the outbox: the letter as the message (plain text and HTML,
rendered when queued), the published response's PDF attached, to the address in settings.S55_COPY_TO. The row is
then claimed, retried and recorded like every reminder (notifications/delivery.py); the letter records that it was
queued, in the audit trail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.http import AuthenticatedHttpRequest
from notifications.emails import SUBJECT_MAX_LENGTH, one_line
from notifications.models import OutboxEmail, ReminderKind
from responses import selectors, services
from responses.letters import letter_text
from responses.models import CoveringLetter, Response
from responses.pdf import response_pdf
from responses.services.letters import public_address
from responses.views import response_view


def letter_key(letter: CoveringLetter, to: str) -> str:
    return f"s55-copy:{letter.pk}:{to.lower()}"


def letter_queue_email(*, letter: CoveringLetter, user: Any = None) -> OutboxEmail:
    """Queue `letter` to its recipient's address (settings.S55_COPY_TO), once: a second send of the same letter is
    refused (make a new letter to send again)."""
    to = settings.S55_COPY_TO.get(letter.recipient, "").strip()
    if not to:
        raise ValidationError([f"No address is set for {letter.get_recipient_display()}: download the letter instead."])
    if OutboxEmail.objects.filter(key=letter_key(letter, to)).exists():
        raise ValidationError([f"This letter was already sent to {to}."])
    response = letter.response
    version = selectors.published_version(response=response, number=letter.version_number)
    document = selectors.response_document(response)
    latest = selectors.latest_version(response) == version
    pub = selectors.public_document(version, document=document if latest else None)
    url = public_address(response)
    text = letter_text(
        response=response,
        version=version,
        pub=pub,
        recipient=letter.recipient,
        letter_date=letter.letter_date,
        public_url=url,
    )
    context = {"letter": text, "body": response.body}
    pdf = response_pdf(pub, public_url=url, moment=version.published_at)
    with transaction.atomic():
        row = OutboxEmail.objects.create(
            key=letter_key(letter, to),
            kind=ReminderKind.S55_COPY,
            response=response,
            body=response.body,
            recipient=to,
            due_on=timezone.localdate(),
            subject=one_line(f"{text.subject}: {response.body.name}")[:SUBJECT_MAX_LENGTH],
            prepared_text=render_to_string("notifications/email/s55_copy.txt", context),
            prepared_html=render_to_string("notifications/email/s55_copy.html", context),
            attachment_name=f"{response.slug}.pdf",
            attachment_type="application/pdf",
            attachment=pdf,
        )
        services.covering_letter_mark_emailed(letter=letter, to=to)
    return row


@response_view(("POST",))
def letter_send(request: AuthenticatedHttpRequest, response: Response, letter_pk: int) -> HttpResponse:
    letter = get_object_or_404(CoveringLetter, pk=letter_pk, response=response)
    letter.response = response
    try:
        row = letter_queue_email(letter=letter, user=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, f"The letter is in the outbox for {row.recipient}, with the response's PDF attached.")
    return redirect(reverse("response_letter", args=[response.pk, letter.pk]))
