"""The force's form on the link page, and the office's small forms."""

from __future__ import annotations

from typing import Any

from django import forms

from inspections.models import Finding

TEXT_MAX = 50_000


class SubmissionForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=200,
        error_messages={"required": "Enter your name", "max_length": "Your name must be 200 characters or fewer"},
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    cc_comments = forms.CharField(
        label="The chief constable's comments",
        max_length=TEXT_MAX,
        help_text="As the chief constable wishes them published with the response. Leave a blank line between "
        "paragraphs.",
        error_messages={
            "required": "Enter the chief constable's comments",
            "max_length": "The comments must be 50,000 characters or fewer",
        },
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "true"}),
    )

    def __init__(self, *args: Any, findings: list[Finding], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.findings = findings
        for finding in findings:
            self.fields[f"action_{finding.pk}"] = forms.CharField(
                label=f"The force's action on {finding.get_kind_display().lower()} {finding.number} (optional)",
                required=False,
                max_length=TEXT_MAX,
                error_messages={"max_length": "The action must be 50,000 characters or fewer"},
                widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "true"}),
            )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter your name")
        return name

    def clean_cc_comments(self) -> str:
        text = self.cleaned_data["cc_comments"].strip()
        if not text:
            raise forms.ValidationError("Enter the chief constable's comments")
        return text

    def finding_rows(self) -> list[tuple[Finding, forms.BoundField]]:
        return [(finding, self[f"action_{finding.pk}"]) for finding in self.findings]

    def actions(self) -> dict[int, str]:
        return {finding.pk: self.cleaned_data.get(f"action_{finding.pk}", "") for finding in self.findings}


class UseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
