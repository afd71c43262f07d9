"""Two admins of one body demoting each other at the same moment, on PostgreSQL: the check locks the body's admins,
so one demotion waits for the other and then is refused — the body always keeps an active admin."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from accounts.models import Role, User
from office import services
from tests.factories import BodyFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_admins_demoting_each_other_at_once_leave_one_admin(require_postgres: None) -> None:
    body = BodyFactory()
    first = UserFactory(username="first-admin", body=body, role=Role.ADMIN)
    second = UserFactory(username="second-admin", body=body, role=Role.ADMIN)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def demote(name: str, user: User, by: User) -> None:
        try:
            start.wait()
            with transaction.atomic():
                services.user_change_role(user=user, role=Role.EDITOR, by=by)
            outcomes[name] = "demoted"
        except ValidationError as exc:
            outcomes[name] = " ".join(exc.messages)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=("first", first, second)),
        threading.Thread(target=demote, args=("second", second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(v == "demoted" for v in outcomes.values()) == [False, True], outcomes
    assert any("only active admin" in v for v in outcomes.values()), outcomes
    assert User.objects.filter(body=body, role=Role.ADMIN, is_active=True).count() == 1
