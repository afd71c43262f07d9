"""Set up the office of one local policing body on a fresh deployment: its body active with its addresses, and its
first admin, who is sent a one-time link to choose a password. Safe to run again: what is already so is left alone.
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.services import OfficeSetup, office_set_up, set_password_link
from audit.context import acting_as
from inspections.models import Inspection, LocalPolicingBody
from inspections.selectors import ForceNotFound, force_by_name


class Command(BaseCommand):
    help = (
        "Activate the local policing body of a force, set its shared inbox and escalation addresses, and create its "
        "first admin, who is emailed a one-time link to choose a password. Running it again changes only what differs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", required=True, metavar="NAME", help='The force, e.g. "Norfolk" or "Norfolk Constabulary".'
        )
        parser.add_argument(
            "--body",
            default="",
            metavar="NAME",
            help="The body's name, only needed when the force has more than one body recorded.",
        )
        parser.add_argument("--inbox", required=True, metavar="ADDRESS", help="The office's shared mailbox.")
        parser.add_argument(
            "--escalation",
            nargs="+",
            action="extend",
            metavar="ADDRESS",
            help="Addresses told when a response is overdue (e.g. the Chief Executive). Left as they are if omitted.",
        )
        parser.add_argument("--admin-email", required=True, metavar="ADDRESS", help="The office's first admin.")
        parser.add_argument(
            "--admin-username", default="", metavar="NAME", help="Their username (default: their email address)."
        )
        parser.add_argument(
            "--resend-link",
            action="store_true",
            help="Send the admin a new set-password link even though nothing else changed.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        body = self._body(options["force"], options["body"])
        try:
            with acting_as(label="command:setup_office"):
                setup = office_set_up(
                    body=body,
                    shared_inbox=options["inbox"],
                    escalation_emails=options["escalation"],
                    admin_email=options["admin_email"],
                    admin_username=options["admin_username"],
                )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None

        if not setup.changes:
            self.stdout.write(f"Nothing changed: {setup.body} is already set up as asked (admin {setup.admin}).")
        else:
            self.stdout.write(f"{setup.body} (force: {setup.body.force}):")
            for change in setup.changes:
                self.stdout.write(f"  {change}")
        if setup.admin_created or options["resend_link"]:
            self._send_link(setup)
        elif not setup.admin.has_usable_password():
            self.stdout.write(
                f"{setup.admin} has not chosen a password yet; --resend-link sends them a new link (the old one "
                "still works until it lapses)."
            )
        if setup.activated:
            self._history(setup)
        self.stdout.write(self.style.SUCCESS(f"{setup.body} is set up."))

    def _body(self, force_name: str, body_name: str) -> LocalPolicingBody:
        try:
            force = force_by_name(force_name)
        except ForceNotFound as exc:
            if exc.near:
                raise CommandError(f"No force called {force_name!r}. Did you mean: {', '.join(exc.near)}?") from None
            raise CommandError(f"No force called {force_name!r}, nor one like it. Check the spelling.") from None
        bodies = list(force.bodies.order_by("name"))
        if body_name:
            bodies = [b for b in bodies if b.name.casefold() == body_name.strip().casefold()]
        if len(bodies) == 1:
            return bodies[0]
        if not bodies:
            known = ", ".join(b.name for b in force.bodies.order_by("name")) or "none"
            raise CommandError(f"No such local policing body of {force} (recorded: {known}).")
        names = "; ".join(b.name for b in bodies)
        raise CommandError(f"{force} has more than one local policing body ({names}): choose one with --body.")

    def _send_link(self, setup: OfficeSetup) -> None:
        admin = setup.admin
        link = set_password_link(user=admin)
        valid_days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
        text = render_to_string(
            "accounts/email/set_password.txt",
            {
                "body": setup.body.display_name,
                "user": admin,
                "link": link,
                "valid_days": valid_days,
                "login_url": f"{settings.SITE_URL}{reverse('login')}",
            },
        )
        subject = f"Your Section 55 Tracker account for {setup.body.display_name}"
        self.stdout.write(f"Set-password link for {admin} (works once, within {valid_days} day(s)):")
        self.stdout.write(f"  {link}")
        try:
            send_mail(subject, text, None, [admin.email])
        except (OSError, smtplib.SMTPException) as exc:
            raise CommandError(
                f"The link could not be emailed to {admin.email} ({exc}). Everything else is done: give them the "
                "link above, or run again with --resend-link once mail works."
            ) from None
        self.stdout.write(f"Emailed to {admin.email}.")

    def _history(self, setup: OfficeSetup) -> None:
        force = setup.body.force
        earlier = Inspection.objects.filter(forces=force).exclude(responses__body=setup.body).count()
        if not earlier:
            self.stdout.write(f"Responses open for inspections of {force} added from now on.")
            return
        self.stdout.write(
            f"{earlier} inspection(s) of {force} recorded before now were not given a response of this office: "
            "responses open only for inspections added from now on. Bring the office's history in with "
            "import_register, or past inspections with import_inspections."
        )
