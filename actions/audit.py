from auditlog.registry import auditlog

from actions.models import Action, NudgePolicy, ProgressUpdate, StatusChange, TargetDateChange

auditlog.register(Action, exclude_fields=["updated_at", "version"])
auditlog.register(TargetDateChange)
auditlog.register(StatusChange)
auditlog.register(ProgressUpdate)
auditlog.register(NudgePolicy)
