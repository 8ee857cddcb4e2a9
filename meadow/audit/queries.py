"""Reading the audit log."""

from __future__ import annotations

from django.db.models import QuerySet

from meadow.audit.models import AuditEntry


def history(object_uid: str) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_uid=object_uid).order_by("-at", "-id")
