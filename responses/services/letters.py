"""The s55(6) copies: a covering letter made from the latest published version, kept as made, and recorded as
sent (the office-use step it is evidence for, ticked with the date and reference, linking the letter)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from responses.letters import letter_docx, letter_pdf, letter_text
from responses.models import ChecklistItem, ChecklistStep, CoveringLetter, LetterRecipient, Response
from responses.selectors import latest_version, public_document
from responses.services._base import editing
from responses.services.checklist import checklist_tick


def public_address(response: Response) -> str:
    return f"{settings.SITE_URL}{reverse('published_response', args=[response.slug])}" if response.slug else ""


def covering_letter_create(
    *, response: Response, recipient: str, user: Any, letter_date: dt.date | None = None
) -> CoveringLetter:
    """Make and keep the letter to `recipient` (HMICFRS or the Home Secretary) sending the latest published version
    of `response`, dated `letter_date` (today), signed by that version's signatory."""
    if recipient not in LetterRecipient.values:
        raise ValidationError({"recipient": "Choose who the letter is to."})
    letter_date = letter_date or timezone.localdate()
    with editing(response, None):
        version = latest_version(response) if response.published_on else None
        if version is None:
            raise ValidationError(["Publish the response first: the letter sends the published response."])
        pub = public_document(version)
        if not pub.signatory_name:
            raise ValidationError(
                [
                    "The published version names no signatory (it was published before sign-off was recorded): "
                    "approve the response and publish a correction, or write this letter yourself."
                ]
            )
        text = letter_text(
            response=response,
            version=version,
            pub=pub,
            recipient=recipient,
            letter_date=letter_date,
            public_url=public_address(response),
        )
        return CoveringLetter.objects.create(
            response=response,
            recipient=recipient,
            letter_date=letter_date,
            version_number=version.number,
            signatory_name=pub.signatory_name,
            signatory_title=pub.signatory_title,
            docx=letter_docx(text),
            pdf=letter_pdf(text),
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )


def covering_letter_record_sent(
    *,
    letter: CoveringLetter,
    sent_on: dt.date,
    user: Any,
    evidence_reference: str = "",
    expected_version: int | None = None,
) -> ChecklistItem:
    """Tick the step the letter is evidence for ("Submitted to the HMICFRS monitoring portal", "Copy sent to the
    Home Secretary") with the date it went and its reference, linking the letter."""
    if sent_on < letter.letter_date:
        raise ValidationError({"sent_on": "The letter cannot have been sent before the date it bears."})
    step = ChecklistStep.objects.filter(key=letter.step_key).first()
    if step is None:
        raise ValidationError(["The office-use step for this copy is not set up."])
    response = letter.response
    with editing(response, expected_version):
        item = checklist_tick(
            response=response,
            step=step,
            user=user,
            done_on=sent_on,
            evidence_reference=evidence_reference.strip(),
            note=f"{letter} ({letter.get_recipient_display()})",
        )
        item.letter = letter
        item.save(update_fields=["letter", "updated_at"])
        return item


def covering_letter_mark_emailed(*, letter: CoveringLetter, to: str) -> CoveringLetter:
    """Record that the letter was queued to be emailed to `to` (the outbox keeps its delivery)."""
    letter.emailed_to = to
    letter.emailed_at = timezone.now()
    letter.save(update_fields=["emailed_to", "emailed_at"])
    return letter
