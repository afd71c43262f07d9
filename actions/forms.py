"""Forms of the tracker pages: each validates with GOV.UK-style messages; the services check again."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import User
from actions.models import ActionStatus, Rag
from inspections.models import Addressee

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d")


def _person(user: User) -> str:
    return user.get_full_name() or user.username


def _text(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "spellcheck": "true"})


class OwnerForm(forms.Form):
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label="A member of staff", empty_label="Someone outside the app"
    )
    owner_name = forms.CharField(label="Team or person outside the app", required=False, max_length=200)
    owner_email = forms.EmailField(
        label="Their email", required=False, error_messages={"invalid": "Enter an email address like name@example.org"}
    )

    def __init__(self, *args: Any, body_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = User.objects.filter(is_active=True).order_by("username")
        self.fields["owner"].queryset = users.filter(body_id=body_id) if body_id else users.none()  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = _person  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("owner"):
            if not data.get("owner_name"):
                self.add_error("owner_name", "Choose a member of staff, or name a team or person outside the app")
            elif not data.get("owner_email") and "owner_email" not in self.errors:
                self.add_error("owner_email", "Enter the email of the team or person outside the app")
        return data


class TargetDateForm(forms.Form):
    target_date = forms.DateField(
        label="New target date",
        widget=DATE_WIDGET,
        error_messages={"required": "Enter the new target date", "invalid": "Enter a real date"},
    )
    reason = forms.CharField(
        label="Why it changes",
        max_length=2000,
        widget=_text(3),
        error_messages={"required": "Say why the target date changes"},
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=[c for c in ActionStatus.choices if c[0] != ActionStatus.COMPLETE],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a status"},
    )
    blocked_on = forms.CharField(label="What it waits on (if blocked)", required=False, max_length=300)
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=5000,
        widget=_text(3),
        help_text="Needed when no further action is needed: say why.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == ActionStatus.BLOCKED and not data.get("blocked_on", "").strip():
            self.add_error("blocked_on", "Say what the action is waiting on")
        if data.get("status") == ActionStatus.NO_FURTHER_ACTION and not data.get("note", "").strip():
            self.add_error("note", "Say why no further action is needed")
        return data


class UpdateForm(forms.Form):
    note = forms.CharField(
        label="What has happened",
        max_length=10000,
        widget=_text(4),
        error_messages={"required": "Describe the progress made"},
    )
    evidence = forms.CharField(
        label="Evidence",
        required=False,
        max_length=5000,
        widget=_text(2),
        help_text="What shows it: a paper, a decision, a figure.",
    )
    evidence_url = forms.URLField(
        label="Link to the evidence (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address like https://example.org/paper"},
    )


class SignOffForm(forms.Form):
    note = forms.CharField(label="Sign-off note (optional)", required=False, max_length=5000, widget=_text(2))


class RagForm(forms.Form):
    rag = forms.ChoiceField(
        label="RAG rating",
        required=False,
        choices=[("", "As the rule derives it"), *[c for c in Rag.choices if c[0] != Rag.CLOSED]],
    )
    reason = forms.CharField(label="Why it is set by hand", required=False, max_length=2000, widget=_text(2))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("rag") and not data.get("reason", "").strip():
            self.add_error("reason", "Say why the RAG rating is set by hand")
        return data


class FindingForm(forms.Form):
    addressee = forms.ChoiceField(
        label="Addressed to", required=False, choices=[("", "Not recorded"), *Addressee.choices]
    )
    addressee_other = forms.CharField(label="Named addressee (if other)", required=False, max_length=200)
    timescale = forms.CharField(
        label="Timescale, as the report words it",
        required=False,
        max_length=200,
        help_text="For example, within three months, or by January 2025.",
    )
    due_on = forms.DateField(
        label="Due date",
        required=False,
        widget=DATE_WIDGET,
        help_text="Leave empty to work it out from the timescale.",
        error_messages={"invalid": "Enter a real date"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("addressee") == Addressee.OTHER and not data.get("addressee_other", "").strip():
            self.add_error("addressee_other", "Name whom the finding is addressed to")
        return data


class RepeatForm(forms.Form):
    repeats: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, label="Repeats this earlier finding", empty_label="None"
    )  # type: ignore[arg-type]

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["repeats"].queryset = choices  # type: ignore[attr-defined]


class BulkForm(forms.Form):
    operation = forms.ChoiceField(
        choices=[("owner", "Assign owner"), ("target_date", "Set target date")],
        label="Change the chosen actions",
        error_messages={"required": "Choose what to change"},
    )
    ids = forms.CharField(widget=forms.MultipleHiddenInput, required=False)
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label="Owner")
    target_date = forms.DateField(
        label="Target date", required=False, widget=DATE_WIDGET, error_messages={"invalid": "Enter a real date"}
    )
    reason = forms.CharField(label="Why the target dates change", required=False, max_length=2000)

    def __init__(self, *args: Any, body_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = User.objects.filter(is_active=True).order_by("username")
        self.fields["owner"].queryset = users.filter(body_id=body_id) if body_id else users.none()  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = _person  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("operation") == "owner" and not data.get("owner"):
            self.add_error("owner", "Choose the owner")
        if data.get("operation") == "target_date":
            if not data.get("target_date") and "target_date" not in self.errors:
                self.add_error("target_date", "Enter the target date")
            if not data.get("reason", "").strip():
                self.add_error("reason", "Say why the target dates change")
        return data
