"""The office's forms: each address checked on its own line, every message in GOV.UK's words."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.models import Role, User
from notifications.models import OutboxStatus
from office.services import username_clean

ROLE_CHOICES = [
    (Role.VIEWER.value, "Viewer – reads the office's responses"),
    (Role.EDITOR.value, "Editor – also writes and publishes responses"),
    (Role.APPROVER.value, "Approver – also approves responses for publication"),
    (Role.ADMIN.value, "Admin – also manages the office's people and settings"),
]
# A domain name: labels of letters, digits and hyphens, with a dot between, ending in a letter label.
DOMAIN = re.compile(r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.[a-z]{2,63}$")


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.replace(",", "\n").splitlines() if line.strip()]


class AddressListField(forms.CharField):
    """Email addresses, one a line (commas also separate); each checked, the first wrong one named."""

    widget = forms.Textarea(attrs={"rows": 3, "spellcheck": "false"})

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        self.what = what
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().clean(value)
        addresses = _lines(text)
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(
                    f"Enter {self.what} as email addresses, like name@example.org, one a line: "
                    f"“{address[:80]}” is not one"
                ) from None
        return list(dict.fromkeys(addresses))


class DomainListField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3, "spellcheck": "false"})

    def clean(self, value: Any) -> list[str]:  # type: ignore[override]
        domains = [d.lower().lstrip("@") for d in _lines(super().clean(value))]
        for domain in domains:
            if not DOMAIN.match(domain):
                raise ValidationError(
                    f"Enter each email domain like norfolk-pcc.gov.uk, one a line: “{domain[:80]}” is not one"
                )
        return list(dict.fromkeys(domains))


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter the email address of the person to invite",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label="Role",
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role", "invalid_choice": "Select a role from the list"},
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Role",
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role", "invalid_choice": "Select a role from the list"},
    )


class JoinForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="Letters, digits and @ . + - _ only. You sign in with it.",
        error_messages={"required": "Enter a username"},
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a password"},
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again"},
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_username(self) -> str:
        return username_clean(self.cleaned_data["username"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords do not match")
        elif first:
            candidate = User(
                username=data.get("username", ""),
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                validate_password(first, candidate)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class SettingsForm(forms.Form):
    shared_inbox = forms.EmailField(
        label="Shared inbox",
        max_length=254,
        required=False,
        help_text="The office's shared mailbox; every reminder goes here.",
        error_messages={"invalid": "Enter the shared inbox as an email address, like name@example.org"},
    )
    escalation_emails = AddressListField(
        what="escalation addresses",
        label="Escalation addresses",
        help_text="Told when a response is overdue, for example the Chief Executive. One a line.",
    )
    force_contact_emails = AddressListField(
        what="force contact addresses",
        label="Force contact addresses",
        help_text="The chief constable's office, invited to send the force's comments. One a line.",
    )
    sso_email_domains = DomainListField(
        label="Single sign-on email domains",
        required=False,
        help_text="Single sign-on users with an address at these domains may join as viewers. One a line.",
    )


class SignatoryForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120, error_messages={"required": "Enter the signatory's name"})
    title = forms.CharField(
        label="Title",
        max_length=160,
        help_text="For example, Police and Crime Commissioner for Norfolk.",
        error_messages={"required": "Enter the signatory's title"},
    )
    order = forms.IntegerField(
        label="Order",
        min_value=0,
        max_value=999,
        initial=0,
        help_text="Lower numbers are offered first.",
        error_messages={
            "required": "Enter the order, a whole number from 0 to 999",
            "invalid": "Enter the order as a whole number from 0 to 999",
            "min_value": "Enter the order as a whole number from 0 to 999",
            "max_value": "Enter the order as a whole number from 0 to 999",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    active = forms.BooleanField(label="Offered when approving a response", required=False, initial=True)


# The outbox's statuses as the office reads them: "pending" takes in those being sent, "cancelled" those superseded.
OUTBOX_FILTERS = {
    "sent": ([OutboxStatus.SENT], "Sent"),
    "pending": ([OutboxStatus.PENDING, OutboxStatus.SENDING], "Pending"),
    "failed": ([OutboxStatus.FAILED], "Failed"),
    "cancelled": ([OutboxStatus.CANCELLED, OutboxStatus.SUPERSEDED], "Cancelled"),
    "digested": ([OutboxStatus.DIGESTED], "In a digest"),
}


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All"), *((key, label) for key, (_, label) in OUTBOX_FILTERS.items())],
    )

    def statuses(self) -> list[str] | None:
        if not self.is_valid() or not self.cleaned_data.get("status"):
            return None
        return [str(s) for s in OUTBOX_FILTERS[self.cleaned_data["status"]][0]]
