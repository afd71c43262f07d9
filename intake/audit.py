from auditlog.registry import auditlog

from intake.models import SpottedReport

# Who added or dismissed a spotted report, when, and why (the reason travels in audit.context.audit_reason).
auditlog.register(SpottedReport)
