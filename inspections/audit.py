from auditlog.registry import auditlog

from inspections.models import Finding, Grade, Inspection, LocalPolicingBody

auditlog.register(Inspection, m2m_fields={"publication_types", "forces"})
auditlog.register(Grade)
auditlog.register(Finding)
auditlog.register(LocalPolicingBody)
