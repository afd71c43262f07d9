from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from audit import audit, signals  # noqa: F401  (scopes entries; records exports in the trail)
