from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from audit.context import current_reason
from core.dates import a_year_after, refuse_outside

EARLIEST_PUBLICATION = dt.date(2000, 1, 1)


def validate_published_on(day: dt.date) -> None:
    """A report's publication date is one that can be real: not before 2000, not more than a year from today.

    Anything outside is a slip of the keyboard (year 1, year 9999), and the deadlines of a date near the end of the
    calendar cannot even be computed."""
    latest = a_year_after(timezone.localdate())
    refuse_outside(day, earliest=EARLIEST_PUBLICATION, latest=latest, what="The publication date")


class Force(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BodyKind(models.TextChoices):
    PCC = "pcc", "Police and Crime Commissioner"
    PFCC = "pfcc", "Police, Fire and Crime Commissioner"
    MAYOR = "mayor", "Mayor with PCC functions"
    COMMON_COUNCIL = "common_council", "Common Council of the City of London"


_HOLDERS: dict[str, str] = {
    BodyKind.PCC: "the Commissioner",
    BodyKind.PFCC: "the Commissioner",
    BodyKind.MAYOR: "the Mayor",
    BodyKind.COMMON_COUNCIL: "the Common Council",
}


class LocalPolicingBody(models.Model):
    """The body that must respond under s55. Bodies change over time; responses keep the body that made them."""

    kind = models.CharField(max_length=20, choices=BodyKind.choices)
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=80, blank=True, help_text="Shown in the page header, e.g. 'Norfolk OPCC'.")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="bodies")
    active = models.BooleanField(
        default=False,
        help_text="This deployment serves this body: new inspections of its force create a response for it.",
    )
    shared_inbox = models.EmailField(blank=True, help_text="The office's shared mailbox; every reminder goes here.")
    escalation_emails = models.TextField(
        blank=True, help_text="Addresses told when a response is overdue (one per line), e.g. the Chief Executive."
    )
    website_url = models.URLField(blank=True)
    # A database default too: the reference-data migration, re-run with the body as it then was, leaves them out.
    force_contact_emails = models.TextField(
        blank=True,
        default="",
        db_default="",
        help_text="The chief constable's office addresses invited to send the force's comments (one per line).",
    )
    sso_email_domains = models.TextField(
        blank=True,
        default="",
        db_default="",
        help_text="Email domains whose single sign-on users may join as viewers, one per line.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "local policing body"
        verbose_name_plural = "local policing bodies"
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=BodyKind.values), name="body_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def holder(self) -> str:
        """Who speaks for the body, as its staff say it: "the Commissioner" (PCC and PFCC), "the Mayor", "the Common
        Council". Labels read "the Commissioner's comments" (`possessive`)."""
        return _HOLDERS.get(self.kind, "the body")

    @property
    def possessive(self) -> str:
        """The label's possessive: "the Commissioner's", "the Mayor's", "the Common Council's"."""
        return f"{self.holder}'s"

    def escalation_list(self) -> list[str]:
        return _address_lines(self.escalation_emails)

    def force_contact_list(self) -> list[str]:
        return _address_lines(self.force_contact_emails)

    def sso_domain_list(self) -> list[str]:
        return [domain.lower().lstrip("@") for domain in _address_lines(self.sso_email_domains)]


def _address_lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


class Signatory(models.Model):
    """Who may sign a body's published responses: the commissioner, a deputy, the mayor."""

    body = models.ForeignKey(LocalPolicingBody, on_delete=models.CASCADE, related_name="signatories")
    name = models.CharField(max_length=120)
    title = models.CharField(max_length=160, help_text="e.g. 'Police and Crime Commissioner for Norfolk'.")
    active = models.BooleanField(default=True, help_text="Offered when approving a response.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["body", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "name", "title"], name="signatory_unique_per_body"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}"


class PublicationType(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Inspection(models.Model):
    """An HMICFRS report. A public fact, shared by every body whose force it concerns."""

    title = models.CharField(max_length=300)
    published_on = models.DateField(
        help_text="The day HMICFRS published the report. Day 1 of the 56 days.", validators=[validate_published_on]
    )
    publication_types = models.ManyToManyField(PublicationType, related_name="inspections", blank=True)
    forces = models.ManyToManyField(Force, related_name="inspections", blank=True)
    is_national = models.BooleanField(
        default=False, help_text="A national (thematic) report: every body whose force is a subject must respond."
    )
    report_url = models.URLField(max_length=500, blank=True, validators=[URLValidator(schemes=["http", "https"])])
    key_findings = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.UniqueConstraint(fields=["title", "published_on"], name="inspection_unique_title_date"),
        ]
        indexes = [models.Index(fields=["published_on"], name="inspection_published_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.published_on:%d %b %Y})"

    def get_additional_data(self) -> dict[str, Any] | None:
        reason = current_reason()
        return {"reason": reason} if reason else None


class GradeValue(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    ADEQUATE = "adequate", "Adequate"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class Grade(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="grades")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="grades")
    area = models.CharField(max_length=200, help_text="e.g. 'Recording data about crime'.")
    grade = models.CharField(max_length=30, choices=GradeValue.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "force", "area"], name="grade_unique_area"),
            models.CheckConstraint(condition=models.Q(grade__in=GradeValue.values), name="grade_five_point_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} at {self.area}"


class FindingKind(models.TextChoices):
    RECOMMENDATION = "recommendation", "Recommendation"
    AREA_FOR_IMPROVEMENT = "afi", "Area for improvement"
    CAUSE_OF_CONCERN = "cause_of_concern", "Cause of concern"


class Addressee(models.TextChoices):
    """Whom a finding is for, as the report's sentence names them ("Chief constables should ...")."""

    CHIEF_CONSTABLES = "chief_constables", "Chief constables"
    COMMISSIONERS = "commissioners", "Police and crime commissioners"
    FORCE = "force", "The named force"
    HOME_OFFICE = "home_office", "The Home Office"
    NPCC = "npcc", "The National Police Chiefs' Council"
    COLLEGE = "college", "The College of Policing"
    OTHER = "other", "Other"


NATIONAL_ADDRESSEES = frozenset({Addressee.HOME_OFFICE, Addressee.NPCC, Addressee.COLLEGE})


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=20, choices=FindingKind.choices)
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    forces = models.ManyToManyField(
        Force, blank=True, related_name="findings", help_text="Leave empty when it addresses every force of the report."
    )
    addressee = models.CharField(
        max_length=20, choices=Addressee.choices, blank=True, help_text="Whom the report addresses it to."
    )
    addressee_other = models.CharField(max_length=200, blank=True, help_text="Named when the addressee is Other.")
    timescale = models.CharField(
        max_length=200, blank=True, help_text="As the report words it, e.g. 'within three months'."
    )
    due_on = models.DateField(null=True, blank=True, help_text="The timescale as a date, where the report sets one.")
    accelerated = models.BooleanField(default=False, help_text="A cause of concern marked for accelerated action.")
    discharged_on = models.DateField(null=True, blank=True, help_text="When a cause of concern was discharged.")

    class Meta:
        ordering = ["inspection", "kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "kind", "number"], name="finding_unique_number"),
            models.CheckConstraint(condition=models.Q(kind__in=FindingKind.values), name="finding_kind_valid"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="finding_number_positive"),
            models.CheckConstraint(
                condition=models.Q(addressee__in=[*Addressee.values, ""]), name="finding_addressee_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def needs_explanation(self) -> bool:
        """s55(5B) demands an explanation for every recommendation."""
        return self.kind == FindingKind.RECOMMENDATION

    def get_absolute_url(self) -> str:
        return reverse("admin:inspections_inspection_change", args=[self.inspection_id])
