"""Writing audit entries; called only from actions."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from meadow.core.actors import Actor, SystemActor, label


def record(
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_uid: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    source: str = "",
    country: str = "",
) -> None:
    """Write one audit entry; must run inside the action's transaction.

    ``country`` is the code of the country the record belongs to, if any: the
    country's history is read by it.
    """
    from meadow.audit.models import AuditEntry

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside an action's transaction")
    user: Any = None
    if not isinstance(actor, SystemActor) and actor.is_authenticated:
        user = actor
    AuditEntry.objects.create(
        user=user,
        actor=label(actor),
        action=action,
        object_type=object_type,
        object_uid=object_uid,
        before=before,
        after=after,
        source=source[:500],
        country=country,
    )
