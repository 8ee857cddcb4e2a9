"""Reading the audit log."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from meadow.audit.models import AuditEntry


def history(object_uid: str) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_uid=object_uid).order_by("-at", "-id")


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class HistoryRow:
    entry: AuditEntry
    changes: list[Change]


def shown(values: dict[str, Any] | None, name: str) -> str:
    """A value of a before/after record as text ('' when the record had no such field)."""
    if values is None or name not in values:
        return ""
    value = values[name]
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def rows(entries: Iterable[AuditEntry]) -> list[HistoryRow]:
    """Audit entries with the fields each changed, before and after, as text."""
    return [
        HistoryRow(
            entry=entry,
            changes=[
                Change(name, shown(entry.before, name), shown(entry.after, name))
                for name in entry.changed_fields
            ],
        )
        for entry in entries
    ]
