from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Actions: following findings to closure"

    def ready(self) -> None:
        from actions import audit  # noqa: F401  (registers models with the audit trail)
