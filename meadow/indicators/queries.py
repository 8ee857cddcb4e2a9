"""Reads of series, observations, imports, goals and assessments."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F, Q, QuerySet

from meadow.indicators.formats.base import ExportSeries
from meadow.indicators.models import (
    Assessment,
    Goal,
    Import,
    IndicatorMetadata,
    Observation,
    Series,
)


def series(
    *,
    indicator: str | None = None,
    place: str | None = None,
    framework: str | None = None,
    disaggregation: dict[str, str] | None = None,
    total_only: bool = False,
) -> QuerySet[Series]:
    """Series filtered by indicator (uid or code), place (any code) and disaggregation."""
    qs = Series.objects.select_related("indicator__framework", "place")
    if indicator:
        qs = qs.filter(Q(indicator__uid=indicator) | Q(indicator__code=indicator))
    if framework:
        qs = qs.filter(indicator__framework__slug=framework)
    if place:
        code = place.upper()
        qs = qs.filter(
            Q(place__code=code)
            | Q(place__m49=code.zfill(3) if code.isdigit() else code)
            | Q(place__iso2=code)
        )
    for dimension, value in (disaggregation or {}).items():
        qs = qs.filter(**{f"disaggregation__{dimension}": value})
    if total_only:
        qs = qs.filter(disaggregation={})
    return qs.annotate(observation_count=Count("observations"))


def observations(
    *,
    series_ids: list[int] | None = None,
    indicator: str | None = None,
    place: str | None = None,
    period: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> QuerySet[Observation]:
    qs = Observation.objects.select_related("series__indicator", "series__place")
    if series_ids is not None:
        qs = qs.filter(series_id__in=series_ids)
    if indicator:
        qs = qs.filter(Q(series__indicator__uid=indicator) | Q(series__indicator__code=indicator))
    if place:
        code = place.upper()
        qs = qs.filter(Q(series__place__code=code) | Q(series__place__m49=code))
    if period:
        qs = qs.filter(period=period)
    if year_from is not None:
        qs = qs.filter(year__gte=year_from)
    if year_to is not None:
        qs = qs.filter(year__lte=year_to)
    return qs.order_by("series_id", "end", "start", "period", "ordinal")


def imports() -> QuerySet[Import]:
    return Import.objects.all()


def goal_for(series: Series) -> Goal | None:
    """The series' own goal, else its indicator's goal in its place, else anywhere."""
    own = Goal.objects.filter(series=series).first()
    if own is not None:
        return own
    return (
        Goal.objects.filter(indicator=series.indicator, series__isnull=True)
        .filter(Q(place=series.place) | Q(place__isnull=True))
        # A goal for the series' own place comes before the goal for every place.
        .order_by(F("place").asc(nulls_last=True))
        .first()
    )


def assessments(series: Series) -> QuerySet[Assessment]:
    return Assessment.objects.filter(series=series).order_by("method")


def export_series(qs: QuerySet[Series], *, format: str = "") -> list[ExportSeries]:
    """Series with their observations, ready for a writer."""
    items = list(qs.select_related("indicator__framework", "place").order_by("id"))
    values: dict[int, list[tuple[str, float, str, str]]] = defaultdict(list)
    for obs in (
        Observation.objects.filter(series__in=[s.pk for s in items])
        .order_by("series_id", "end", "start", "period", "ordinal")
        .values_list("series_id", "period", "value", "status", "comment")
    ):
        values[obs[0]].append((obs[1], obs[2], obs[3], obs[4]))
    layouts: dict[tuple[int, int, str], dict] = {}
    if format:
        for meta in IndicatorMetadata.objects.filter(format__startswith=format):
            layouts[(meta.indicator_id, meta.place_id, meta.format)] = meta.fields
    out = []
    for s in items:
        archived = s.attributes.get("archived") == "yes"
        layout = layouts.get(
            (s.indicator_id, s.place_id, f"{format}:archived" if archived else format), {}
        )
        out.append(
            ExportSeries(
                indicator=s.indicator.code,
                framework=s.indicator.framework.slug,
                indicator_title=s.indicator.display_title("en"),
                place=s.place.code,
                place_m49=s.place.m49,
                place_name=s.place.label("en"),
                unit=s.unit,
                unit_multiplier=s.unit_multiplier,
                disaggregation=tuple(sorted(s.disaggregation.items())),
                series_code=s.series_code,
                source=s.source,
                footnote=s.footnote,
                observations=values[s.pk],
                attributes=tuple(sorted(s.attributes.items())),
                metadata=layout,
            )
        )
    return out
