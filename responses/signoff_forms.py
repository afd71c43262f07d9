"""The forms of the published record: the sign-off, a s55(6) covering letter, and recording the letter that went."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import GovukDateField
from inspections.models import Signatory
from responses.forms import VersionedForm
from responses.models import LetterRecipient


class SignatoryChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Signatory) -> str:
        return f"{obj.name}, {obj.title}"


class ApprovalForm(VersionedForm):
    signatory = SignatoryChoiceField(
        label="Who approved the response for publication?",
        queryset=Signatory.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose who approved the response", "invalid_choice": "Choose a signatory"},
        help_text="The published response and its documents end with their name and title.",
    )
    approved_on = GovukDateField(
        label="Date they approved it", what="The date of the approval", help_text="For example, 10 11 2024"
    )

    def __init__(self, *args: Any, signatories: list[Signatory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["signatory"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Signatory.objects.filter(pk__in=[s.pk for s in signatories]).order_by("order", "name")


class WithdrawApprovalForm(VersionedForm):
    reason = forms.CharField(
        label="Why is the approval withdrawn?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the approval is withdrawn"},
    )


class LetterForm(VersionedForm):
    recipient = forms.ChoiceField(
        label="Who is the letter to?",
        choices=LetterRecipient.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the letter is to", "invalid_choice": "Choose who the letter is to"},
    )


class LetterSentForm(VersionedForm):
    sent_on = GovukDateField(
        label="Date it was sent or submitted", what="The date it was sent", help_text="For example, 20 11 2024"
    )
    evidence_reference = forms.CharField(
        label="Reference (optional)",
        required=False,
        max_length=200,
        help_text="For the HMICFRS monitoring portal, the portal's reference for the submission.",
    )
