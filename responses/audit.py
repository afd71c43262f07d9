from auditlog.registry import auditlog

from responses.models import ChecklistItem, CoveringLetter, FindingResponse, FindingUpdate, PublishedVersion, Response

auditlog.register(Response, exclude_fields=["updated_at", "version", "approved_text_hash"])
auditlog.register(FindingResponse, exclude_fields=["updated_at"])
auditlog.register(ChecklistItem, exclude_fields=["updated_at"])
auditlog.register(FindingUpdate)
# The content is the version itself (kept on the row): the trail records that it was published, by whom and why.
auditlog.register(PublishedVersion, exclude_fields=["content"])
# A letter is its files: the trail records that it was made, to whom, and when it was queued to be emailed.
auditlog.register(CoveringLetter, exclude_fields=["docx", "pdf"])
