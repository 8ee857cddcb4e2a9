"""The stocktake pages: GBF targets, global elements and headline indicators added up.

Every page is public and shows only published national targets, whoever reads it.
Maps, bars and charts are SVG drawn on the server; each comes with a table of the
same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render as django_render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meadow.frameworks.models import Element, Relation, RelationType
from meadow.indicators import charts
from meadow.indicators.views import Badge, badge
from meadow.stocktake import aggregation, queries
from meadow.stocktake.svg import MapCountry, Segment, bar, world_map


def render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render a page of the Stocktake section (the navigation marks it)."""
    return django_render(request, template, {**context, "nav_section": "stocktake"})


def _degree_bar(counts: queries.DegreeCounts, name: str) -> Any:
    title = _(
        "%(name)s: %(full)s full, %(partial)s partial, %(minimal)s minimal, of %(parties)s Parties"
    ) % {
        "name": name,
        "full": counts.full,
        "partial": counts.partial,
        "minimal": counts.minimal,
        "parties": counts.parties,
    }
    return bar(
        [Segment(f"bar--{d}", counts.get(d)) for d in queries.DEGREES],
        counts.parties,
        title,
    )


@dataclass
class BarRow:
    """A row of a table of counts by degree, with its bar."""

    label: str
    url: str
    kind: str
    counts: queries.DegreeCounts
    bar: Any


def _area_rows(areas: list[queries.AreaCounts]) -> list[BarRow]:
    return [
        BarRow(a.label(), a.url, a.kind_label, a.counts, _degree_bar(a.counts, a.label()))
        for a in areas
    ]


@dataclass
class IndicatorSummary:
    element: Element
    result: aggregation.IndicatorAggregates | None

    @property
    def url(self) -> str:
        return f"/stocktake/indicator/{self.element.uid}"

    @property
    def world(self) -> aggregation.GroupAggregate | None:
        return self.result.world if self.result else None


def index(request: HttpRequest) -> HttpResponse:
    targets = [
        (summary, _degree_bar(summary.counts, summary.element.label()))
        for summary in queries.target_overview()
    ]
    elements = [queries.element_stocktake(e) for e in queries.global_elements()]
    with_data = aggregation.indicators_with_data()
    have_data = {e.pk for e in with_data}
    headline = [
        IndicatorSummary(e, aggregation.aggregates(e) if e.pk in have_data else None)
        for e in aggregation.headline_indicators()
    ]
    headline_ids = {s.element.pk for s in headline}
    others = [e for e in with_data if e.pk not in headline_ids]
    return render(
        request,
        "stocktake/index.html",
        {"targets": targets, "elements": elements, "headline": headline, "others": others},
    )


def _map(stocktake: queries.TargetStocktake) -> Any:
    countries: dict[str, MapCountry] = {}
    for m49, (place, degree, is_party) in stocktake.degree_by_m49.items():
        label = place.label()
        degree_label = str(queries.DEGREE_LABELS[degree])
        if is_party:
            title = f"{label}: {degree_label}"
            css = f"map--{degree}"
        else:
            title = _("%(country)s: %(degree)s (not a Party to the CBD)") % {
                "country": label,
                "degree": degree_label,
            }
            css = f"map--{degree} map--not-party"
        countries[m49] = MapCountry(place.get_absolute_url(), css, title, place.code)
    counts = stocktake.counts
    description = _(
        "Countries coloured by the strongest degree of alignment of their published "
        "national targets with %(target)s: %(full)s full, %(partial)s partial, "
        "%(minimal)s minimal, %(none)s Parties with none."
    ) % {
        "target": stocktake.element.label(),
        "full": counts.full,
        "partial": counts.partial,
        "minimal": counts.minimal,
        "none": counts.none,
    }
    return world_map(
        countries,
        map_id=f"map-{stocktake.element.code}",
        title=_("National targets aligned with %(target)s") % {"target": stocktake.element.label()},
        description=description,
    )


def _indicators_for(element: Element, relation: str = RelationType.HEADLINE_FOR) -> list[Element]:
    return [
        r.subject
        for r in Relation.objects.filter(object=element, type=relation)
        .select_related("subject")
        .order_by("subject__order")
    ]


def target(request: HttpRequest, code: str) -> HttpResponse:
    element = queries.gbf_target(code)
    if element is None:
        raise Http404(code)
    stocktake = queries.target_stocktake(element)
    return render(
        request,
        "stocktake/target.html",
        {
            "element": element,
            "stocktake": stocktake,
            "overall": _degree_bar(stocktake.counts, element.label()),
            "regions": _area_rows(stocktake.by_region),
            "groups": _area_rows(stocktake.by_group),
            "map": _map(stocktake),
            "legend": stocktake.counts.rows(),
            "elements": list(queries.global_elements().filter(element=element)),
            "indicators": _indicators_for(element),
        },
    )


def element(request: HttpRequest, code: str) -> HttpResponse:
    found = queries.global_elements().filter(code=code).first()
    if found is None:
        raise Http404(code)
    stocktake = queries.element_stocktake(found)
    picture = None
    if stocktake.committed is not None and stocktake.global_value:
        committed = min(stocktake.committed, stocktake.global_value)
        picture = bar(
            [Segment("bar--committed", committed)],
            max(stocktake.global_value, stocktake.committed),
            _("Committed against the global value"),
        )
    return render(
        request,
        "stocktake/element.html",
        {"element": found, "stocktake": stocktake, "picture": picture},
    )


@dataclass
class GroupRow:
    """A group's latest aggregate, for the indicator page's table of groups."""

    group: aggregation.GroupAggregate
    cell: aggregation.Cell | None
    selected: bool


def _badges(progress: tuple[aggregation.ProgressClass, ...]) -> list[Badge]:
    return [badge(p.method, p.status, p.score, detail=p.reason, label=p.label) for p in progress]


def _chart(
    element: Element,
    result: aggregation.IndicatorAggregates,
    chosen: aggregation.GroupAggregate,
) -> Any:
    points = [
        charts.Point(float(c.year), float(c.value), str(c.year))
        for c in chosen.cells
        if c.value is not None
    ]
    if not points:
        return None
    goal = result.goal or {}
    target_point = None
    if goal.get("target_value") is not None and goal.get("target_year") is not None:
        target_point = charts.Point(
            float(goal["target_year"]), float(goal["target_value"]), str(goal["target_year"])
        )
    first, last = points[0], points[-1]
    description = ngettext(
        "%(count)s published value from %(first)s (%(first_value)s) to %(last)s (%(last_value)s).",
        "%(count)s published values from %(first)s (%(first_value)s) to %(last)s (%(last_value)s).",
        len(points),
    ) % {
        "count": len(points),
        "first": first.label,
        "first_value": charts.number(first.y),
        "last": last.label,
        "last_value": charts.number(last.y),
    }
    return charts.series_chart(
        points,
        chart_id="aggregate-chart",
        title=f"{element.label()}, {chosen.group.label()}",
        description=description,
        unit=result.settings.unit,
        target=target_point,
    )


def indicator(request: HttpRequest, uid: str) -> HttpResponse:
    element = aggregation.indicator(uid)
    if element is None:
        raise Http404(uid)
    result = aggregation.aggregates(element)
    chosen = result.group(request.GET.get("group", "")) or result.world
    if chosen is None and result.groups:
        chosen = result.groups[0]
    rows = [
        GroupRow(g, g.latest_with_data, chosen is not None and g.group.uid == chosen.group.uid)
        for g in result.groups
    ]
    return render(
        request,
        "stocktake/indicator.html",
        {
            "element": element,
            "result": result,
            "settings": result.settings,
            "chosen": chosen,
            "cells": chosen.with_data if chosen else [],
            "badges": _badges(chosen.progress) if chosen else [],
            "chart": _chart(element, result, chosen) if chosen else None,
            "rows": rows,
            "areas": [r for r in rows if r.group.group.is_area],
            "place_groups": [r for r in rows if not r.group.group.is_area],
            "targets": [
                r.object
                for r in Relation.objects.filter(subject=element, type=RelationType.HEADLINE_FOR)
                .select_related("object")
                .order_by("object__order")
            ],
        },
    )
