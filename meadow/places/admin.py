"""Admin: places, groups and weights are shown read-only; writes go through actions."""

from __future__ import annotations

from django.contrib import admin

from meadow.core.admin import ReadOnlyAdmin
from meadow.places.models import Place, PlaceGroup, WeightSet


@admin.register(Place)
class PlaceAdmin(ReadOnlyAdmin):
    list_display = ["code", "kind", "m49", "iso2", "iso3", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "m49", "iso2", "iso3", "name"]


@admin.register(PlaceGroup)
class PlaceGroupAdmin(ReadOnlyAdmin):
    list_display = ["slug", "kind", "defined_by", "origin"]
    list_filter = ["kind", "defined_by"]
    search_fields = ["slug"]


@admin.register(WeightSet)
class WeightSetAdmin(ReadOnlyAdmin):
    list_display = ["slug", "unit", "year", "licence"]
