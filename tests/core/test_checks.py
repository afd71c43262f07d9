"""core/checks.py and notifications/checks.py: settings that cannot work are reported by `manage.py check`."""

from __future__ import annotations

import pytest
from django.test import override_settings

from core.checks import check_site_url, check_task_backend
from notifications.checks import check_reminder_policy


def ids(messages: list) -> list[str]:
    return [message.id for message in messages]


@override_settings(SITE_URL="https://s55.opcc.example", ALLOWED_HOSTS=["s55.opcc.example"], DEBUG=False)
def test_a_site_url_this_site_answers_to_passes() -> None:
    assert check_site_url() == []


@override_settings(SITE_URL="https://s55.opcc.example", ALLOWED_HOSTS=["other.example"], DEBUG=False)
def test_a_site_url_outside_allowed_hosts_is_reported() -> None:
    assert ids(check_site_url()) == ["core.W001"]


@override_settings(SITE_URL="s55.opcc.example")
def test_a_site_url_without_a_scheme_is_an_error() -> None:
    assert ids(check_site_url()) == ["core.E001"]


@override_settings(TASKS={"default": {"BACKEND": "somewhere.else.Backend"}})
def test_an_unknown_task_backend_is_an_error() -> None:
    assert ids(check_task_backend()) == ["core.E002"]


@override_settings(TASKS={"default": {"BACKEND": "core.task_backends.CeleryBackend"}}, CELERY_BROKER_URL="")
def test_celery_without_a_broker_is_an_error() -> None:
    assert ids(check_task_backend()) == ["core.E003"]


@override_settings(
    TASKS={"default": {"BACKEND": "core.task_backends.CeleryBackend", "OPTIONS": {"APP": "no.such.app"}}},
    CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
)
def test_celery_with_an_app_that_does_not_import_is_an_error() -> None:
    assert ids(check_task_backend()) == ["core.E004"]


def test_the_settings_of_the_test_run_pass_every_check() -> None:
    assert check_site_url() + check_task_backend() + check_reminder_policy() == []


@pytest.mark.parametrize(
    "policy",
    [
        {"before_last_day": [7]},  # the other keys missing
        {
            "before_last_day": [7, -1],
            "overdue_daily_days": 7,
            "overdue_every_days": 7,
            "comments_due_before": [0],
            "comments_overdue_every_days": 7,
            "checklist_every_days": 7,
        },
        {
            "before_last_day": [7],
            "overdue_daily_days": 7,
            "overdue_every_days": 0,
            "comments_due_before": [0],
            "comments_overdue_every_days": 7,
            "checklist_every_days": 7,
        },
    ],
)
def test_a_reminder_policy_the_planner_cannot_use_is_an_error(policy: dict) -> None:
    with override_settings(REMINDER_POLICY=policy):
        assert ids(check_reminder_policy()) == ["notifications.E001"]
