from typing import Any

from django.db.models.signals import pre_save
from django.dispatch import receiver

from audit.context import current_label
from audit.models import AuditEntry


@receiver(pre_save, sender=AuditEntry)
def scope_entry(sender: type[AuditEntry], instance: AuditEntry, **kwargs: Any) -> None:
    data = instance.additional_data if isinstance(instance.additional_data, dict) else {}
    if instance.body_id is None and data.get("body_id") is not None:
        instance.body_id = data["body_id"]
    if instance.response_id is None and data.get("response_id") is not None:
        instance.response_id = data["response_id"]
    if not instance.reason and data.get("reason"):
        instance.reason = str(data["reason"])
    if not instance.actor_label:
        instance.actor_label = current_label()
