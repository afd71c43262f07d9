"""While the database cannot be reached, every page answers 503 with the service's "Sorry, the service is
unavailable" page — rendered without the database, kept out of caches, with Retry-After — not a 500; and once the
database is back, pages work again. The outage is made at the edge: the connection's cursor raises what a database
that refuses connections (OperationalError) or dropped one (InterfaceError) raises."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connections
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from responses.models import Response
from tests.factories import UserFactory, make_response
from tests.security.test_hardening import inline_code

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"
UNAVAILABLE = "Sorry, the service is unavailable"
REFUSED = OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


@contextmanager
def database_down(error: Exception = REFUSED) -> Iterator[None]:
    with mock.patch.object(connections["default"], "cursor", side_effect=error):
        yield


def assert_unavailable(result: Any) -> None:
    assert result.status_code == 503
    page = result.content.decode()
    assert UNAVAILABLE in page
    assert 'class="govuk-template"' in page
    assert "/static/build/app.css" in page
    assert inline_code(page) == []
    assert result["Retry-After"] == "60"
    assert {"private", "no-store"} <= {d.strip() for d in result["Cache-Control"].split(",")}


@pytest.fixture
def editor(steps: Any) -> User:
    return UserFactory(username="editor", role=Role.EDITOR)


@pytest.fixture
def response(editor: User) -> Response:
    return make_response(body=editor.body, recommendations=1)


@pytest.fixture
def signed_in(editor: User) -> Client:
    # The session lookup fails in a middleware, outside any view: Django's own 500 handling runs (and tells the
    # test client), so the client must hand back the response rather than raise.
    client = Client(raise_request_exception=False)
    client.force_login(editor, backend=BACKEND)
    return client


def test_a_signed_in_user_s_pages_and_documents_are_503_while_the_database_is_down(
    signed_in: Client, response: Response
) -> None:
    urls = [
        reverse("dashboard"),
        reverse("response_detail", args=[response.pk]),
        reverse("export_register"),
        reverse("calendar_settings"),
        reverse("admin:index"),
    ]
    with database_down():
        for url in urls:
            assert_unavailable(signed_in.get(url))
        assert_unavailable(signed_in.post(reverse("response_edit_comments", args=[response.pk]), {"version": "1"}))


def test_a_public_page_is_503_while_the_database_is_down(db: Any) -> None:
    with database_down():
        result = Client().get(reverse("published_response", args=["a-published-response"]))
    assert_unavailable(result)


def test_signing_in_while_the_database_is_down_is_503(settings: Any, editor: User) -> None:
    settings.AXES_ENABLED = True
    with database_down():
        result = Client().post(reverse("login"), {"username": "editor", "password": "correct horse battery staple"})
    assert_unavailable(result)


def test_a_dropped_connection_is_503_too(signed_in: Client) -> None:
    with database_down(InterfaceError("connection already closed")):
        assert_unavailable(signed_in.get(reverse("dashboard")))
        assert_unavailable(Client().get(reverse("published_response", args=["a-published-response"])))


def test_the_outage_is_logged_with_its_cause(caplog: Any, db: Any) -> None:
    with database_down():
        Client().get(reverse("published_response", args=["a-published-response"]))
    assert any(record.exc_info and record.exc_info[1] is REFUSED for record in caplog.records)


def test_pages_work_again_once_the_database_is_back(signed_in: Client) -> None:
    with database_down():
        assert signed_in.get(reverse("dashboard")).status_code == 503
    assert signed_in.get(reverse("dashboard")).status_code == 200


def test_another_failure_is_still_the_500_page(signed_in: Client) -> None:
    with database_down(ValueError("not an outage")):
        result = signed_in.get(reverse("dashboard"))
    assert result.status_code == 500
    assert "Sorry, there is a problem with the service" in result.content.decode()


def test_healthz_still_reports_the_database_down_as_json(db: Any) -> None:
    with database_down():
        result = Client().get(reverse("healthz"))
    assert result.status_code == 503
    assert result.json() == {"database": "error: OperationalError"}
