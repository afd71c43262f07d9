"""The notes printed under the report's tables, the same words on the page, in the PDF and in the workbook."""

from __future__ import annotations

from actions.models import AMBER_DAYS

RECEIVED = (
    "A report is counted in the year HMICFRS published it. Each body's response counts once: for all bodies, a "
    'report about several forces counts once for each body that had to answer it. "Published" includes '
    "responses to reports published before 2 May 2017."
)
ON_TIME = (
    "On time means published on or before the statutory last day (the 56th day beginning with the day the report "
    "was published). Responses closed as not required are excluded from the on-time rate. Responses to reports "
    'published before 2 May 2017 are excluded too: there was no statutory deadline then. "Overdue, not '
    'published" counts responses still unpublished after their statutory last day; responses still within their '
    "56 days are not counted yet. The rate is on time divided by on time, late and overdue together."
)
DAYS = (
    "Days from the day the report was published to the day the body published its response, for every published "
    "response (those to reports published before 2 May 2017 included). The median is the middle value (the mean of "
    "the middle two when there is an even number); the longest is the most days any response took."
)
ACTIONS = (
    "The actions of the responses to reports published in the period, as they stand today. RAG ratings are of "
    f"open actions: red once the target date has passed, amber within {AMBER_DAYS} days of it, when blocked or "
    "without a target date, green otherwise, unless set by hand with a reason. Overdue: open, and the target date "
    "has passed."
)


def listed(shown: int, total: int) -> str:
    if shown == total:
        return f"All {total} listed."
    return f"The first {shown} of {total} listed; the tracker at /actions/ lists them all."
