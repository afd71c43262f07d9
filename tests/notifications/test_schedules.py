"""notifications/schedules.py: the django-q2 Schedule of the sweep exists after migrate, once, and runs the sweep."""

from __future__ import annotations

import ast
from typing import Any

from django.core.management import call_command
from django.utils.module_loading import import_string
from django_q.models import Schedule

from notifications.models import SweepRun
from notifications.schedules import SCHEDULE_NAME, ensure_sweep_schedule


def test_migrate_leaves_exactly_one_sweep_schedule(db: Any) -> None:
    call_command("migrate", verbosity=0)
    call_command("migrate", verbosity=0)
    schedule = Schedule.objects.get(name=SCHEDULE_NAME)
    assert schedule.schedule_type == Schedule.MINUTES
    assert schedule.repeats == -1


def test_ensure_is_idempotent_and_follows_the_interval_setting(db: Any, settings: Any) -> None:
    Schedule.objects.all().delete()
    first = ensure_sweep_schedule()
    assert ensure_sweep_schedule().pk == first.pk
    settings.REMINDER_SWEEP_MINUTES = 5
    ensure_sweep_schedule()
    assert list(Schedule.objects.values_list("name", "minutes")) == [(SCHEDULE_NAME, 5)]


def test_the_schedule_calls_the_sweep_task(db: Any) -> None:
    schedule = ensure_sweep_schedule()
    # What django-q2's scheduler does with the row: import func, literal_eval args, call.
    import_string(schedule.func)(*ast.literal_eval(schedule.args))
    assert SweepRun.objects.get().actor == "task:send_reminders"
