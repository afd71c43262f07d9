"""The office's system check: OFFICE_INVITATION_DAYS outside 1–90 days is an error at start-up."""

from __future__ import annotations

from typing import Any

import pytest

from office.checks import check_invitation_days


@pytest.mark.parametrize(("days", "ok"), [(7, True), (1, True), (90, True), (0, False), (-3, False), (91, False)])
def test_the_invitation_days_are_checked(settings: Any, days: int, ok: bool) -> None:
    settings.OFFICE_INVITATION_DAYS = days
    errors = check_invitation_days()
    assert (errors == []) is ok
    if not ok:
        assert errors[0].id == "office.E001" and str(days) in errors[0].msg
