"""Helpers shared by the export and audit tests."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import StreamingHttpResponse


def read_csv(content: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content, newline="")))


def streamed_text(response: Any) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def login(client: Any, user: Any) -> None:
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def national_user() -> Any:
    from tests.factories import UserFactory

    return UserFactory(username="national", body=None, is_superuser=True, is_staff=True)
