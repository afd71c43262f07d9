from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from intake import audit  # noqa: F401  (registers models with the audit trail)
        from intake.schedules import on_post_migrate

        # The django-q2 Schedule that reads the watched feeds exists after every `migrate`.
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="intake.feeds_schedule")
