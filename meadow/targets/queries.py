"""Reading national targets: every read goes through ``visibility.visible``."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from meadow.core.actors import Actor
from meadow.parties.visibility import Publication, visible
from meadow.targets import formats, specs
from meadow.targets.models import (
    Alignment,
    GlobalElement,
    NationalTarget,
    QuantitativeElement,
    TargetIndicator,
)


def with_parts(queryset: QuerySet[NationalTarget]) -> QuerySet[NationalTarget]:
    return queryset.select_related("country").prefetch_related(
        Prefetch("alignments", Alignment.objects.select_related("element__framework")),
        Prefetch("indicators", TargetIndicator.objects.select_related("element")),
        Prefetch(
            "quantities", QuantitativeElement.objects.select_related("global_element__element")
        ),
    )


def targets(
    actor: Actor,
    *,
    country: str | None = None,
    status: str | None = None,
    gbf: str | None = None,
) -> QuerySet[NationalTarget]:
    """The targets the actor may read, optionally of one country, status or GBF element."""
    rows = visible(NationalTarget.objects.all(), actor)
    if country:
        rows = rows.filter(country__code=country)
    if status:
        rows = rows.filter(status=status)
    if gbf:
        rows = rows.filter(alignments__element__uid=gbf).distinct()
    return rows.order_by("country__code", "order", "code")


def published(*, country: str | None = None, gbf: str | None = None) -> QuerySet[NationalTarget]:
    rows = NationalTarget.objects.filter(status=Publication.PUBLISHED)
    if country:
        rows = rows.filter(country__code=country)
    if gbf:
        rows = rows.filter(alignments__element__uid=gbf).distinct()
    return rows.order_by("country__code", "order", "code")


def target(actor: Actor, country: str, code: str) -> NationalTarget | None:
    """One target if the actor may read it; None otherwise (shown as "not found")."""
    return with_parts(targets(actor, country=country)).filter(code=code).first()


def global_elements() -> QuerySet[GlobalElement]:
    return GlobalElement.objects.select_related("element", "basis")


def snapshots(actor: Actor, country: str) -> list[dict[str, Any]]:
    return [specs.snapshot(t) for t in targets(actor, country=country)]


def export(actor: Actor, country: str, format: str) -> bytes:
    """The file of a country's targets that the actor may read."""
    return formats.dump(format, country, snapshots(actor, country))
