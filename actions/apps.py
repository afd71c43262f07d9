from typing import Any

from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Actions: following findings to closure"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from actions import audit  # noqa: F401  (registers models with the audit trail)
        from actions.emails import register_builders
        from actions.planner import plan_action_emails
        from notifications.services import sweep_planner_register
        from responses.models import FindingResponse

        sweep_planner_register("actions", plan_action_emails)
        register_builders()
        post_save.connect(_finding_response_saved, sender=FindingResponse, dispatch_uid="actions_create")


def _finding_response_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        from actions.services import action_create

        action_create(finding_response=instance)
