from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Reminders and calendar feeds"

    def ready(self) -> None:
        from notifications import checks, mail_backends  # noqa: F401 - register their checks
        from notifications.schedules import on_post_migrate

        # The django-q2 Schedule of the reminder sweep exists after every `migrate` (make run migrates).
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="notifications.sweep_schedule")
