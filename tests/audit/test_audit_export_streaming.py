"""The audit export streams: memory stays flat however many rows (the 1,000,000-row figure is a benchmark's job)."""

from __future__ import annotations

import tracemalloc

import pytest
from django.contrib.contenttypes.models import ContentType
from django.http import StreamingHttpResponse
from django.urls import reverse

from audit.models import AuditEntry
from exports.audit import audit_csv
from responses.models import Response
from tests.exports.helpers import login, national_user
from tests.factories import make_response

ROWS = 20_000
COMMENT = "The chief constable's comments were received and are under review by the office. " * 2


def add_entries(response: Response, count: int) -> None:
    """`count` update entries of one field each, written in bulk (no signals: bulk_create never calls save)."""
    content_type = ContentType.objects.get_for_model(Response)
    AuditEntry.objects.bulk_create(
        (
            AuditEntry(
                content_type=content_type,
                object_pk=str(response.pk),
                object_id=response.pk,
                object_repr=str(response),
                action=AuditEntry.Action.UPDATE,
                changes={"cc_comments": [f"{COMMENT}{n}", f"{COMMENT}{n + 1}"]},
                body_id=response.body_id,
                response_id=response.pk,
                reason="Bulk",
            )
            for n in range(count)
        ),
        batch_size=1000,
    )


def peak_while_streaming(pieces) -> tuple[int, int]:
    """Consume a stream without keeping it; return (peak traced bytes, characters streamed)."""
    total = 0
    tracemalloc.start()
    try:
        for piece in pieces:
            total += len(piece)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, total


@pytest.mark.django_db
def test_a_20000_row_export_holds_memory_flat() -> None:
    response = make_response()
    add_entries(response, 2_000)
    # Pages of 2,000 entries on either writer (PostgreSQL's default page is 50,000: a page's ids are held).
    small_peak, small_size = peak_while_streaming(audit_csv(AuditEntry.objects.all(), chunk_size=2_000))
    add_entries(response, ROWS - 2_000)
    peak, size = peak_while_streaming(audit_csv(AuditEntry.objects.all(), chunk_size=2_000))
    assert size > 8 * small_size
    assert size > 8_000_000  # 8 MB of CSV went through...
    assert peak < 5_000_000  # ...while about one chunk (2,000 entries) was held at a time,
    assert peak < 1.25 * small_peak  # so ten times the rows cost about the same memory.


@pytest.mark.django_db
def test_the_view_answers_with_a_stream(client) -> None:
    add_entries(make_response(), 10)
    login(client, national_user())
    response = client.get(reverse("export_audit"))
    assert isinstance(response, StreamingHttpResponse)
    assert not hasattr(response, "content")
    assert sum(1 for _ in response.streaming_content) >= 1
