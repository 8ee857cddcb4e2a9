"""Admin: places, groups and weights are shown read-only; writes go through actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from meadow.places.models import Place, PlaceGroup, WeightSet


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Place)
class PlaceAdmin(ReadOnly):
    list_display = ["code", "kind", "m49", "iso2", "iso3", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "m49", "iso2", "iso3", "name"]


@admin.register(PlaceGroup)
class PlaceGroupAdmin(ReadOnly):
    list_display = ["slug", "kind", "defined_by", "origin"]
    list_filter = ["kind", "defined_by"]
    search_fields = ["slug"]


@admin.register(WeightSet)
class WeightSetAdmin(ReadOnly):
    list_display = ["slug", "unit", "year", "licence"]
