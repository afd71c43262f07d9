from auditlog.registry import auditlog

from responses.models import ChecklistItem, FindingResponse, FindingUpdate, Response

auditlog.register(Response, exclude_fields=["updated_at", "version"])
auditlog.register(FindingResponse, exclude_fields=["updated_at"])
auditlog.register(ChecklistItem, exclude_fields=["updated_at"])
auditlog.register(FindingUpdate)
