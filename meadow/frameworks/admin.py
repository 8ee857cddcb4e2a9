"""Admin: frameworks and elements are read-only (loaders own them); relations go through actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from meadow.core.admin import ReadOnlyAdmin
from meadow.frameworks import actions
from meadow.frameworks.models import Element, Framework, Relation


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ["slug", "version", "licence"]


@admin.register(Element)
class ElementAdmin(ReadOnlyAdmin):
    list_display = ["uid", "level", "kind", "code"]
    list_filter = ["framework", "level", "kind"]
    search_fields = ["uid", "code"]


@admin.register(Relation)
class RelationAdmin(admin.ModelAdmin):
    list_display = ["subject", "type", "object", "origin", "confidence"]
    list_filter = ["type", "origin"]
    search_fields = ["subject__uid", "object__uid"]
    raw_id_fields = ["subject", "object"]
    fields = ["subject", "type", "object", "source", "confidence", "note"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Relation, form: Any, change: bool) -> None:
        created = actions.add_relation(
            actor=request.user,
            subject=obj.subject,
            object=obj.object,
            type=obj.type,
            source=obj.source,
            confidence=obj.confidence,
            note=obj.note,
        )
        obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: Relation) -> None:
        actions.remove_relation(actor=request.user, relation=obj, reason="removed in the admin")

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for relation in queryset:
            self.delete_model(request, relation)
