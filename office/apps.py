from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "office"
    verbose_name = "Office administration"

    def ready(self) -> None:
        from office import checks  # noqa: F401 - registers its check
