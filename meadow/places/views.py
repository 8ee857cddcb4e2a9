"""Web pages for places, groups and weight sets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from meadow.core import i18n, policies
from meadow.places import queries
from meadow.places.models import GroupKind, Place, PlaceGroup

# The progress method whose roll-ups a country page shows first.
DEFAULT_METHOD = "un_chart"


@dataclass(frozen=True)
class Name:
    """A content text in one language, with what the page needs to mark it up."""

    lang: str
    language: str
    text: str

    @property
    def html_lang(self) -> str:
        return i18n.INTERFACE_CODE.get(self.lang, self.lang)

    @property
    def direction(self) -> str:
        return "rtl" if self.lang in i18n.RTL else "ltr"


def _names(values: dict[str, str], formal: dict[str, str] | None = None) -> list[tuple[Name, Name]]:
    """One row per UN language: the name and the formal name in that language."""
    rows = []
    for lang in i18n.CONTENT_LANGUAGES:
        info = translation.get_language_info(i18n.INTERFACE_CODE.get(lang, lang))
        language = str(info["name_translated"])
        rows.append(
            (
                Name(lang=lang, language=language, text=values.get(lang, "")),
                Name(lang=lang, language=language, text=(formal or {}).get(lang, "")),
            )
        )
    return rows


def place_list(request: HttpRequest) -> HttpResponse:
    root = queries.tree()
    return render(request, "places/place_list.html", {"root": root})


def place_detail(request: HttpRequest, code: str) -> HttpResponse:
    place = queries.place(code)
    if place is None:
        raise Http404(code)
    chain = queries.ancestors(place)
    context = {
        "place": place,
        "names": _names(place.name, place.formal_name),
        "show_formal": bool(place.formal_name),
        "chain": chain,
        "breadcrumbs": list(reversed(chain)),
        "groups": queries.place_groups(place),
        "weights": queries.place_weights(place),
        "children": queries.children(place),
        "countries": (
            [] if place.is_country else queries.countries_in(place.uid).order_by("order")
        ),
    }
    if place.is_country:
        context.update(_country_sections(request, place))
    return render(request, "places/place_detail.html", context)


def _country_sections(request: HttpRequest, place: Place) -> dict[str, Any]:
    """What a country page adds: national targets, indicators with progress, commitments.

    National targets are read through the visibility rules: the public sees the
    published ones, the country's team also its drafts (marked as drafts).
    """
    from meadow.analytics.progress import METHODS
    from meadow.indicators.views import rollup_badges
    from meadow.stocktake import queries as stocktake

    method = request.GET.get("method", "")
    if method not in METHODS:
        method = DEFAULT_METHOD
    indicators = stocktake.country_indicators(place, method)
    for row in indicators:
        row.badges = rollup_badges([row.rollup]) if row.rollup is not None else []
    return {
        "national_targets": stocktake.country_targets(place, request.user),
        "indicator_rows": indicators,
        "progress_method": method,
        "progress_methods": [(name, spec.title) for name, spec in METHODS.items()],
        "commitments_count": stocktake.commitments_count(place, request.user),
        # Team and history pages are for the country's team: linked only for them.
        "may_view_team": policies.require("team.view")(request.user, country=place.code),
        "may_view_history": policies.require("audit.view")(request.user, country=place.code),
    }


@dataclass
class KindGroups:
    kind: str
    label: str
    groups: list[PlaceGroup]


def group_list(request: HttpRequest) -> HttpResponse:
    by_kind: dict[str, list[PlaceGroup]] = {}
    for group in queries.groups():
        by_kind.setdefault(group.kind, []).append(group)
    sections = [
        KindGroups(kind=kind, label=str(GroupKind(kind).label), groups=by_kind[kind])
        for kind in GroupKind.values
        if kind in by_kind
    ]
    return render(request, "places/group_list.html", {"sections": sections})


def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    group = queries.group(slug)
    if group is None:
        raise Http404(slug)
    context = {"group": group, "names": _names(group.name), "members": queries.members(group)}
    return render(request, "places/group_detail.html", context)


def weight_set_detail(request: HttpRequest, slug: str) -> HttpResponse:
    weight_set = queries.weight_set(slug)
    if weight_set is None:
        raise Http404(slug)
    weights = queries.weights(weight_set=slug).order_by("-value", "place__code")
    context = {"weight_set": weight_set, "weights": weights}
    return render(request, "places/weight_set_detail.html", context)
