"""Forms of the staff pages. Each edit form carries the response's `version` (see responses/services/)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone

from accounts.models import User
from core.dates import long_date
from core.forms import GovukDateField
from responses.models import Progress, Response
from responses.services._base import EditConflict, Part

CONFLICT_MESSAGE = (
    "Someone else saved a change to this response while you were editing it, so your changes have not been saved. "
    "Your text is below: check it against the current response and save again."
)


def conflict_message(conflict: EditConflict) -> str:
    """Who saved what, and when, from the audit trail: "… not been saved: Tom Hayward changed the explanation of
    Recommendation 2 at 14:05 on 1 December 2026. Your text is below …"."""
    if not conflict.who or conflict.when is None:
        return CONFLICT_MESSAGE
    when = timezone.localtime(conflict.when)
    return (
        "Someone else saved a change to this response while you were editing it, so your changes have not been "
        f"saved: {conflict.who} changed {conflict.what} at {when:%H:%M} on {long_date(when.date())}. "
        "Your text is below: check it against the current response and save again."
    )


TEXT_MAX = 50_000  # a generous cap on one block of prose


def _textarea(rows: int = 8) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "spellcheck": "true"})


class VersionedForm(forms.Form):
    """A form that edits a response. Its hidden `version` is the one the response had when the form was loaded."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # The state of the part this form edits, as loaded (services/_base.py Part): a save made meanwhile to another
    # part of the response is then no conflict.
    part_state = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    # Service errors name model fields; say which field of this form shows each one.
    service_field_names: dict[str, str] = {}

    def __init__(self, *args: Any, response: Response, part: Part | None = None, **kwargs: Any) -> None:
        self.response = response
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("version", response.version)
        if part is not None:
            initial.setdefault("part_state", part.state())
        super().__init__(*args, **kwargs)

    @property
    def expected(self) -> dict[str, Any]:
        """The keyword arguments a service takes to refuse a save over a change made since the form was loaded."""
        return {
            "expected_version": self.cleaned_data["version"],
            "expected_part": self.cleaned_data.get("part_state") or "",
        }

    def show_conflict(self, conflict: EditConflict) -> None:
        """Keep what the user typed, say who saved what and when, and carry the current version (and part) so a
        second save succeeds."""
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data[self.add_prefix("version")] = str(conflict.response.version)
        if conflict.part_state:
            data[self.add_prefix("part_state")] = conflict.part_state
        self.data = data
        self.add_error(None, conflict_message(conflict))

    def add_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                target = self.service_field_names.get(name, name)
                self.add_error(target if target in self.fields else None, errors)
        else:
            self.add_error(None, error.messages)

    @property
    def first_field_id(self) -> str:
        for bound in self:
            if not bound.is_hidden:
                return bound.auto_id
        return ""


class CommentsForm(VersionedForm):
    cc_invited_on = GovukDateField(label="Date the chief constable was invited to comment", required=False)
    cc_comments = forms.CharField(
        label="Chief constable's response to the report",
        required=False,
        max_length=TEXT_MAX,
        widget=_textarea(12),
        help_text="Paste the chief constable's comments as received. Leave a blank line between paragraphs.",
    )
    cc_comments_received_on = GovukDateField(label="Date the comments were received", required=False)
    cc_comments_not_received = forms.BooleanField(
        label="The chief constable's comments were not received by the date set", required=False
    )
    body_comments = forms.CharField(
        label="The body's response to the report",
        required=False,
        max_length=TEXT_MAX,
        widget=_textarea(12),
        help_text="Your comments on the report and its recommendations and areas for improvement (s55(5)).",
    )
    response_to_cc = forms.CharField(
        label="Response to the chief constable's comments",
        required=False,
        max_length=TEXT_MAX,
        widget=_textarea(6),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The body's kind names it: "The Commissioner's response to the report", "The Mayor's …".
        self.fields["body_comments"].label = f"{_capital(self.response.body.possessive)} response to the report"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class ExplanationForm(VersionedForm):
    explanation = forms.CharField(
        label="The body's explanation",
        required=False,
        max_length=TEXT_MAX,
        widget=_textarea(8),
        help_text="The action taken or proposed in response to this finding, or why no action is being taken.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["explanation"].label = f"{_capital(self.response.body.possessive)} explanation"


class ProgressForm(forms.Form):
    progress = forms.ChoiceField(label="Progress", choices=Progress.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="What has happened", max_length=TEXT_MAX, widget=_textarea(4))


class CommentsDueForm(VersionedForm):
    comments_due = GovukDateField(
        label="Chief constable's comments due",
        what="The date the chief constable's comments are due",
        required=False,
        help_text="s55(4): the date by which you have asked for the chief constable's comments. "
        "It must be before the statutory last day.",
    )


class DeadlineForm(VersionedForm):
    deadline = GovukDateField(label="Section 55 response deadline", what="The deadline")
    reason = forms.CharField(
        label="Why are you changing the deadline?",
        max_length=2000,
        widget=_textarea(3),
        help_text="This is recorded in the audit trail.",
    )
    after_statutory_confirmed = forms.BooleanField(
        label="I confirm this deadline is after the statutory last day",
        required=False,
        help_text="The law does not move: the response must still be published by the statutory last day, and "
        "reminders still aim at it.",
    )
    service_field_names = {"deadline_override_reason": "reason"}

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Say why the deadline is being changed.")
        return reason

    @property
    def asks_confirmation(self) -> bool:
        """Show the confirmation box: the response has a statutory last day (before 2 May 2017 none)."""
        return self.response.statutory_last_day is not None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        deadline, last_day = data.get("deadline"), self.response.statutory_last_day
        if deadline and last_day and deadline > last_day and not data.get("after_statutory_confirmed"):
            self.add_error(
                "after_statutory_confirmed",
                f"{long_date(deadline)} is after the statutory last day, {long_date(last_day)}: tick the box to "
                "confirm this deadline, or choose an earlier one.",
            )
        return data


class RestoreDeadlineForm(VersionedForm):
    reason = forms.CharField(
        label="Why are you going back to the form's deadline?", max_length=2000, widget=_textarea(3)
    )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class OwnerForm(VersionedForm):
    owner = OwnerChoiceField(
        label="Owner",
        queryset=User.objects.none(),
        required=False,
        empty_label="No owner",
        help_text="The officer responsible. Reminders go to them and to the office's shared inbox.",
    )

    def __init__(self, *args: Any, response: Response, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, response=response, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class TickForm(VersionedForm):
    done_on = GovukDateField(label="Date done", what="The date the step was done")
    evidence_url = forms.URLField(
        label="Web address (URL)",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For example, the page where the response is published.",
    )
    evidence_reference = forms.CharField(
        label="Reference",
        required=False,
        max_length=200,
        help_text="For example, the portal reference, or who it was sent to.",
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=2000, widget=_textarea(3))

    def __init__(self, *args: Any, hint: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if hint:
            self.fields["evidence_reference"].help_text = f"For example: {hint[0].lower()}{hint[1:]}."

    def clean_done_on(self) -> Any:
        done_on = self.cleaned_data["done_on"]
        if done_on > timezone.localdate():
            raise ValidationError("The date a step was done cannot be in the future.")
        return done_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("evidence_url") and not data.get("evidence_reference", "").strip():
            self.add_error("evidence_reference", "Give a web address or a reference as evidence that this was done.")
        return data


class UntickForm(VersionedForm):
    reason = forms.CharField(
        label="Why is this step no longer done?",
        max_length=2000,
        widget=_textarea(3),
        help_text="This is recorded in the audit trail.",
    )


class ReadyForm(VersionedForm):
    """Marking ready, or no longer ready, to publish: the button and the version are all there is."""


class PublishForm(VersionedForm):
    published_on = GovukDateField(label="Date published", what="Date of publication")
    published_url = forms.URLField(
        label="Web address of the response on your website (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="If you leave this empty, the response's page in this service is its public address.",
    )
    reason = forms.CharField(
        label="Why are the publication details changing?",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when you correct the date of a response that is already published; kept in the audit trail.",
    )
    late_reason = forms.CharField(
        label="Why was the response published after the statutory last day?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when the date is after the statutory last day; shown to staff and kept in the audit trail.",
    )


class CorrectionForm(VersionedForm):
    reason = forms.CharField(
        label="What does the correction change, and why?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The public page shows it: “Updated on <today>: <your words>”. Earlier versions stay at their own "
        "addresses.",
        error_messages={"required": "Say what the correction changes and why: the public page shows it."},
    )


class NotRequiredForm(VersionedForm):
    reason = forms.CharField(
        label="Why is no response required?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: the force is clearly not the subject of this report. Kept in the audit trail and in "
        "the register. Not needed if another response covers this one.",
    )
    covered_by = forms.ModelChoiceField(
        queryset=Response.objects.none(),
        required=False,
        label="Covered by another response (optional)",
        empty_label="Not covered by another response",
        help_text="Where this report repeats another report's findings, the response that already answers them.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["covered_by"]
        field.queryset = (
            Response.objects.filter(body_id=self.response.body_id)
            .exclude(pk=self.response.pk)
            .select_related("inspection")
            .order_by("-inspection__published_on")
        )
        field.label_from_instance = lambda other: f"{other.inspection.title} ({other.inspection.published_on:%Y})"


class ReopenForm(VersionedForm):
    reason = forms.CharField(
        label="Why is a response needed after all?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the audit trail. The response is open again, and reminded about.",
    )
