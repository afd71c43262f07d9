from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = "Section 55 responses"

    def ready(self) -> None:
        from responses import audit  # noqa: F401  (registers models with the audit trail)
