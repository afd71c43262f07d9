from auditlog.registry import auditlog

from audit.models import ExportRecord

auditlog.register(ExportRecord)
