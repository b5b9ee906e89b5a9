"""The activity timeline: every create, change and delete, with who and when."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from lumytic.core.access import stored_user

from ..models import ActivityEntry, Customer


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """Capture the current values of some fields, for a later `changes_between`."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Map each changed field to [old, new]."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def record_activity(
    *,
    actor,
    verb: str,
    target: models.Model,
    customer: Customer | None = None,
    details: dict[str, Any] | None = None,
) -> ActivityEntry:
    """Write one timeline entry inside the caller's transaction."""
    return ActivityEntry.objects.create(
        actor=stored_user(actor),
        verb=verb,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        customer=customer,
        details=details or {},
    )
