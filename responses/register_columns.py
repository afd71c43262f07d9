"""The register's column names, in order: what the export writes (`exports.register`) and the register import reads
(`intake.register_import`). Between REGISTER_COLUMNS and REGISTER_LAST_COLUMN come the checklist steps, one column
per step named by its key, holding the ISO date the step was done.

Some columns are worked out from the others and from today (DERIVED_COLUMNS): the export writes them for people to
read, and an import ignores them. `status` is derived too, except `not_required`, which records a decision.
"""

from __future__ import annotations

REGISTER_COLUMNS = (
    "inspection",
    "publication_types",
    "force",
    "body",
    "published_on",
    "deadline",
    "statutory_last_day",
    "status",
    "days_left",
)
REGISTER_LAST_COLUMN = "published_url"
# After the published URL: the day the body published its response, how many days after the statutory last day
# (0 when on time; empty while open or without a statutory deadline), the owner's username, and why no response
# was required (for a not-required response).
REGISTER_TAIL_COLUMNS = ("response_published_on", "days_late", "owner", "note")

DERIVED_COLUMNS = frozenset({"statutory_last_day", "days_left", "days_late"})

# The header the workbook for people (/exports/register.xlsx) writes instead of the names above; each checklist
# step's column is headed with the step's label.
REGISTER_COLUMN_LABELS = {
    "inspection": "Inspection",
    "publication_types": "Publication types",
    "force": "Force",
    "body": "Body",
    "published_on": "Report published",
    "deadline": "Deadline",
    "statutory_last_day": "Statutory last day",
    "status": "Status",
    "days_left": "Days left",
    "published_url": "Published at",
    "response_published_on": "Response published",
    "days_late": "Days late",
    "owner": "Owner",
    "note": "Note",
}
