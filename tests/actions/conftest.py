from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Role, User
from actions.models import Action
from inspections.models import LocalPolicingBody
from tests.factories import BodyFactory, UserFactory, make_response


@pytest.fixture
def body(db: Any) -> LocalPolicingBody:
    return BodyFactory()


@pytest.fixture
def editor(body: LocalPolicingBody) -> User:
    return UserFactory(username="editor", email="editor@opcc.example", body=body, role=Role.EDITOR)


@pytest.fixture
def approver(body: LocalPolicingBody) -> User:
    return UserFactory(username="approver", email="approver@opcc.example", body=body, role=Role.APPROVER)


@pytest.fixture
def action(body: LocalPolicingBody) -> Action:
    response = make_response(body=body, recommendations=1, afis=1)
    return Action.objects.get(response=response, finding__kind="recommendation")
