from django.apps import AppConfig


class ForceCommentsConfig(AppConfig):
    name = "forcecomments"
    verbose_name = "The chief constable's comments by link"

    def ready(self) -> None:
        from forcecomments import audit  # noqa: F401  (registers models with the audit trail)
        from forcecomments.planner import plan_force_reminders
        from notifications.services import sweep_planner_register

        sweep_planner_register("forcecomments", plan_force_reminders)
