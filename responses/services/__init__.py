"""Every write to a response goes through one of these functions: the staff pages, the admin, commands and tasks.

Each is a keyword-only `<entity>_<action>`. It validates (the forms and the admin show its ValidationError as it
is), then saves inside one transaction through `_base.save_response`, which bumps the response's `version` once,
re-derives its status and withdraws "ready to publish" when the s55 checks fail again. A reason for the change
(a corrected date, an override, an untick) goes into the audit trail through `audit.context.audit_reason`.

Writes made from a page that was loaded earlier take `expected_version`: the version the form was loaded with. The
write first claims it (a conditional UPDATE on that version, which also locks the row); if someone saved since,
nothing is written and `EditConflict` is raised, so the page can show the conflict and keep the user's text.
"""

from responses.services._base import EditConflict, response_sync_status
from responses.services.approval import approval_problem, response_approve, response_withdraw_approval
from responses.services.checklist import checklist_tick, checklist_untick, validate_done_on
from responses.services.comments import COMMENT_FIELDS, response_set_owner, response_update_comments
from responses.services.creation import (
    bodies_to_respond,
    findings_for_body,
    inspection_sync_responses,
    inspections_open_responses,
    response_create,
    response_sync_findings,
)
from responses.services.dates import (
    MAX_OVERRIDE_DAYS,
    inspection_correct_published_on,
    response_override_deadline,
    response_restore_deadline,
    response_set_comments_due,
    validate_comments_due,
)
from responses.services.details import DETAIL_FIELDS, response_update, validate_response_changes
from responses.services.explanations import (
    finding_response_add_update,
    finding_response_explain,
    validate_explanation,
)
from responses.services.letters import covering_letter_create, covering_letter_mark_emailed, covering_letter_record_sent
from responses.services.publishing import (
    response_close_not_required,
    response_mark_ready,
    response_publish,
    response_record_published,
    response_reopen,
    response_unmark_ready,
)
from responses.services.tally import status_tally_compact, status_tally_recount
from responses.services.versions import response_publish_correction

__all__ = [
    "COMMENT_FIELDS",
    "DETAIL_FIELDS",
    "MAX_OVERRIDE_DAYS",
    "EditConflict",
    "approval_problem",
    "bodies_to_respond",
    "checklist_tick",
    "checklist_untick",
    "covering_letter_create",
    "covering_letter_mark_emailed",
    "covering_letter_record_sent",
    "finding_response_add_update",
    "finding_response_explain",
    "findings_for_body",
    "inspection_correct_published_on",
    "inspection_sync_responses",
    "inspections_open_responses",
    "response_approve",
    "response_close_not_required",
    "response_create",
    "response_mark_ready",
    "response_override_deadline",
    "response_publish",
    "response_publish_correction",
    "response_record_published",
    "response_reopen",
    "response_restore_deadline",
    "response_set_comments_due",
    "response_set_owner",
    "response_sync_findings",
    "response_sync_status",
    "response_unmark_ready",
    "response_update",
    "response_update_comments",
    "response_withdraw_approval",
    "status_tally_compact",
    "status_tally_recount",
    "validate_comments_due",
    "validate_done_on",
    "validate_explanation",
    "validate_response_changes",
]
