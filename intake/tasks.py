"""Background work of intake, enqueued through Django's Tasks API (the configured backend runs it)."""

from __future__ import annotations

from django.tasks import task

from audit.context import acting_as
from intake.feeds import feeds_check

ACTOR = "task:check_feeds"


@task
def check_feeds() -> dict[str, int]:
    """Read every watched feed once and record the new spotted reports (`intake.feeds.feeds_check`)."""
    with acting_as(label=ACTOR):
        run = feeds_check()
    return {"feeds": run.feeds, "failed": run.failed, "spotted": run.spotted}
