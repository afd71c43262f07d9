"""``manage.py setup_office`` on a database that ``migrate`` alone has filled (no demo)."""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from audit.models import AuditEntry
from inspections.models import LocalPolicingBody
from tests.factories import make_inspection

pytestmark = [pytest.mark.django_db, pytest.mark.reference_data]

ARGS = ["--force", "Norfolk", "--inbox", "opcc@norfolk.example", "--admin-email", "pat.admin@norfolk.example"]
NEW_PASSWORD = "a long and unguessable phrase 42"


def setup_office(*args: str) -> str:
    out = StringIO()
    call_command("setup_office", *args, stdout=out)
    return out.getvalue()


def norfolk() -> LocalPolicingBody:
    return LocalPolicingBody.objects.get(force__name="Norfolk")


def emailed_link() -> str:
    (message,) = mail.outbox
    match = re.search(r"https?://\S+/accounts/password/set/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def test_it_activates_the_body_sets_its_addresses_and_creates_its_admin(settings) -> None:
    settings.SITE_URL = "https://s55.example.org"
    out = setup_office(*ARGS, "--escalation", "chief.exec@norfolk.example", "cfo@norfolk.example")

    body = norfolk()
    assert (body.active, body.shared_inbox) == (True, "opcc@norfolk.example")
    assert body.escalation_list() == ["chief.exec@norfolk.example", "cfo@norfolk.example"]
    assert LocalPolicingBody.objects.filter(active=True).count() == 1
    admin = User.objects.get(email="pat.admin@norfolk.example")
    assert (admin.username, admin.body, admin.role, admin.is_staff, admin.is_superuser) == (
        "pat.admin@norfolk.example",
        body,
        Role.ADMIN,
        True,
        False,
    )
    assert not admin.has_usable_password()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pat.admin@norfolk.example"]
    assert emailed_link().startswith("https://s55.example.org/accounts/password/set/")
    assert emailed_link() in out
    assert "Responses open for inspections of Norfolk added from now on." in out


def test_the_emailed_link_opens_the_set_password_form_and_the_new_password_signs_in() -> None:
    setup_office(*ARGS, "--admin-username", "pat")
    path = emailed_link().split("://", 1)[1].split("/", 1)[1]
    client = Client()

    form_page = client.get(f"/{path}", follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    assert b"Choose your password" in form_page.content
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert done.redirect_chain[-1][0] == reverse("password_reset_complete")

    signed_in = Client().post(reverse("login"), {"username": "pat", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("dashboard")
    used_again = Client().get(f"/{path}", follow=True)
    assert used_again.context["validlink"] is False  # the link works once


def test_a_second_run_with_the_same_arguments_changes_nothing_and_says_so() -> None:
    setup_office(*ARGS)
    entries = AuditEntry.objects.count()
    body_before = LocalPolicingBody.objects.filter(pk=norfolk().pk).values().get()

    out = setup_office(*ARGS)

    assert out.startswith("Nothing changed")
    assert LocalPolicingBody.objects.filter(pk=norfolk().pk).values().get() == body_before
    assert User.objects.count() == 1
    assert AuditEntry.objects.count() == entries
    assert len(mail.outbox) == 1  # no second link


def test_a_run_with_new_addresses_updates_them() -> None:
    setup_office(*ARGS, "--escalation", "chief.exec@norfolk.example")
    out = setup_office(
        "--force",
        "norfolk constabulary",
        "--inbox",
        "s55@norfolk.example",
        "--admin-email",
        "pat.admin@norfolk.example",
    )
    body = norfolk()
    assert body.shared_inbox == "s55@norfolk.example"
    assert body.escalation_list() == ["chief.exec@norfolk.example"]  # not given: left as it was
    assert "shared inbox: opcc@norfolk.example → s55@norfolk.example" in out
    out = setup_office(*ARGS, "--escalation", "cfo@norfolk.example")
    assert norfolk().escalation_list() == ["cfo@norfolk.example"]
    assert "escalation addresses: chief.exec@norfolk.example → cfo@norfolk.example" in out


def test_every_change_is_in_the_audit_trail_as_the_command() -> None:
    setup_office(*ARGS)
    entries = AuditEntry.objects.filter(actor_label="command:setup_office")
    body_entry = entries.get(object_repr=norfolk().name)
    assert body_entry.changes_dict["active"] == [False, True]
    assert body_entry.changes_dict["shared_inbox"] == ["", "opcc@norfolk.example"]
    user_entry = entries.get(object_repr="pat.admin@norfolk.example")
    assert user_entry.changes_dict["role"] == [None, "admin"]
    assert user_entry.body_id == norfolk().pk


def test_inspections_already_recorded_about_the_force_are_not_opened() -> None:
    make_inspection(title="An old PEEL report", forces=[norfolk().force])
    out = setup_office(*ARGS)
    assert not norfolk().responses.exists()
    assert "1 inspection(s) of Norfolk recorded before now were not given a response of this office" in out
    assert "import_register" in out


def test_an_unknown_force_is_refused_with_the_near_matches_and_exit_status_1() -> None:
    with pytest.raises(CommandError, match=r"No force called 'Yorkshire'\. Did you mean: .*North Yorkshire") as exc:
        setup_office("--force", "Yorkshire", *ARGS[2:])
    assert str(exc.value).endswith("North Yorkshire, South Yorkshire, West Yorkshire?")
    assert exc.value.returncode == 1
    with pytest.raises(CommandError, match="Did you mean: Norfolk"):
        setup_office("--force", "Norfolkk", *ARGS[2:])
    assert not LocalPolicingBody.objects.filter(active=True).exists()
    assert not User.objects.exists()
    assert not mail.outbox


@pytest.mark.parametrize(
    "flag, value",
    [("--inbox", "not an address"), ("--admin-email", "pat@"), ("--escalation", "chief exec@norfolk.example")],
)
def test_a_bad_email_address_is_refused_and_nothing_changes(flag: str, value: str) -> None:
    args = [*ARGS]
    if flag in args:
        args[args.index(flag) + 1] = value
    else:
        args += [flag, value]
    with pytest.raises(CommandError, match="is not an email address"):
        setup_office(*args)
    assert not norfolk().active
    assert not User.objects.exists()
    assert not mail.outbox


def test_a_username_of_another_body_is_refused() -> None:
    setup_office("--force", "Suffolk", "--inbox", "opcc@suffolk.example", "--admin-email", "sam@suffolk.example")
    with pytest.raises(CommandError, match="belongs to Suffolk Police and Crime Commissioner"):
        setup_office(*ARGS, "--admin-username", "sam@suffolk.example")
    assert not norfolk().active
