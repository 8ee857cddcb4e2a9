"""REST endpoints of the stocktake (read-only, public).

* ``stocktake/targets/``: each GBF target with the number of Parties whose published
  national targets align with it, by degree; one target adds the counts by M49
  region and by group and the list of countries.
* ``stocktake/elements/``: each global quantitative element with the national
  commitments added up (committed, global, gap); one element adds its contributions.
* ``stocktake/indicators/``: indicators with national data and the rule that adds
  them up; ``stocktake/indicators/<uid>/aggregates/`` gives every group's value per
  year with its coverage, counts and whether it is published.

Only published national targets count, for every reader.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from meadow.core import i18n
from meadow.core.api import LANG_PARAMETER, language
from meadow.stocktake import aggregation, queries
from meadow.stocktake.models import Imputation, RuleKind
from meadow.targets.models import Degree

# Serializers: plain mappings built by the views below -------------------------------------


@extend_schema_field(
    {"type": "string", "enum": [queries.SHARE_WITH_BASIS, queries.AMOUNT, queries.SHARE]}
)
class SummationField(serializers.CharField):
    """How a global element's commitments add up (an enum kept inline in the schema)."""


class StocktakeDegreeCountsSerializer(serializers.Serializer):
    full = serializers.IntegerField(read_only=True, help_text="Parties aligned fully")
    partial = serializers.IntegerField(  # type: ignore[assignment]
        read_only=True, help_text="Parties aligned partially"
    )
    minimal = serializers.IntegerField(read_only=True, help_text="Parties aligned minimally")
    none = serializers.IntegerField(read_only=True, help_text="Parties with no aligned target")
    aligned = serializers.IntegerField(read_only=True, help_text="Parties with any alignment")
    parties = serializers.IntegerField(read_only=True, help_text="Parties counted (the CBD's)")


class StocktakeTargetSummarySerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text="GBF target number: 3")
    uid = serializers.CharField(read_only=True, help_text="gbf/target/3")
    title = serializers.CharField(read_only=True, help_text="Short title, requested language")
    counts = StocktakeDegreeCountsSerializer(read_only=True)
    national_targets = serializers.IntegerField(
        read_only=True, help_text="Published national targets aligned with it"
    )
    url = serializers.CharField(read_only=True, help_text="Stocktake page of the target")


class StocktakeAreaCountsSerializer(serializers.Serializer):
    uid = serializers.CharField(read_only=True, help_text="place/002 or group/ldc")
    name = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    counts = StocktakeDegreeCountsSerializer(read_only=True)


class StocktakeAlignedTargetSerializer(serializers.Serializer):
    uid = serializers.CharField(read_only=True, help_text="place/GBR/target/T3")
    code = serializers.CharField(read_only=True)
    degree = serializers.ChoiceField(choices=Degree.choices, read_only=True)


class StocktakeCountryAlignmentSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text="ISO alpha-3 code")
    m49 = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    degree = serializers.ChoiceField(
        choices=Degree.choices, read_only=True, help_text="Strongest degree"
    )
    is_party = serializers.BooleanField(read_only=True, help_text="A Party to the CBD")
    targets = StocktakeAlignedTargetSerializer(many=True, read_only=True)


class StocktakeTargetDetailSerializer(StocktakeTargetSummarySerializer):
    by_region = StocktakeAreaCountsSerializer(many=True, read_only=True)
    by_group = StocktakeAreaCountsSerializer(many=True, read_only=True)
    countries = StocktakeCountryAlignmentSerializer(many=True, read_only=True)


class StocktakeElementSummarySerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text="gbf-3-land")
    uid = serializers.CharField(read_only=True)
    target = serializers.CharField(read_only=True, help_text="uid of the GBF target")
    name = serializers.CharField(read_only=True)
    measure = serializers.CharField(read_only=True, help_text="share or amount")
    summation = SummationField(
        read_only=True,
        help_text="How commitments add up: share-with-basis (share x basis, summed), "
        "amount (summed), share (not summed: count and unweighted mean)",
    )
    unit = serializers.CharField(read_only=True)
    value = serializers.FloatField(read_only=True, help_text="The global element's value")
    year = serializers.IntegerField(read_only=True)
    basis = serializers.CharField(
        read_only=True, allow_null=True, help_text="Weight set of the national totals"
    )
    basis_unit = serializers.CharField(read_only=True, allow_null=True)
    basis_total = serializers.FloatField(
        read_only=True, allow_null=True, help_text="World total of the basis"
    )
    global_value = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="What the world is to reach, in the terms commitments are summed in",
    )
    committed = serializers.FloatField(read_only=True, allow_null=True)
    gap = serializers.FloatField(
        read_only=True, allow_null=True, help_text="global_value - committed"
    )
    countries = serializers.IntegerField(read_only=True, help_text="Countries contributing")
    counted_countries = serializers.IntegerField(read_only=True)
    mean_share = serializers.FloatField(
        read_only=True, allow_null=True, help_text="share only: unweighted mean of the values"
    )
    url = serializers.CharField(read_only=True)


class StocktakeContributionSerializer(serializers.Serializer):
    country = serializers.CharField(read_only=True)
    target = serializers.CharField(read_only=True, help_text="uid of the national target")
    value = serializers.FloatField(read_only=True)
    unit = serializers.CharField(read_only=True)
    year = serializers.IntegerField(read_only=True)
    basis = serializers.FloatField(
        read_only=True, allow_null=True, help_text="The country's total in the basis"
    )
    amount = serializers.FloatField(
        read_only=True, allow_null=True, help_text="What it commits, as summed"
    )
    counted = serializers.BooleanField(read_only=True)
    note = serializers.CharField(read_only=True, help_text="Why it is not counted")


class StocktakeElementDetailSerializer(StocktakeElementSummarySerializer):
    contributions = StocktakeContributionSerializer(many=True, read_only=True)


class StocktakeIndicatorSerializer(serializers.Serializer):
    uid = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    rule = serializers.ChoiceField(choices=RuleKind.values, read_only=True)
    weight = serializers.CharField(
        read_only=True, allow_null=True, help_text="Weight set slug, null for none"
    )
    impute = serializers.ChoiceField(choices=Imputation.values, read_only=True)
    threshold = serializers.FloatField(read_only=True)
    default_rule = serializers.BooleanField(
        read_only=True, help_text="No rule is set: the defaults apply"
    )
    unit = serializers.CharField(read_only=True)
    unit_multiplier = serializers.IntegerField(read_only=True)
    countries = serializers.IntegerField(read_only=True, help_text="Countries with data")
    first_year = serializers.IntegerField(read_only=True, allow_null=True)
    last_year = serializers.IntegerField(read_only=True, allow_null=True)
    has_goal = serializers.BooleanField(read_only=True, help_text="A global goal exists")
    url = serializers.CharField(read_only=True)


class StocktakeProgressSerializer(serializers.Serializer):
    method = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    score = serializers.FloatField(read_only=True, allow_null=True)


class StocktakeGroupProgressSerializer(serializers.Serializer):
    group = serializers.CharField(read_only=True)
    progress = StocktakeProgressSerializer(many=True, read_only=True)


class StocktakeIndicatorDetailSerializer(StocktakeIndicatorSerializer):
    progress = StocktakeGroupProgressSerializer(
        many=True,
        read_only=True,
        help_text="Each group's published aggregates assessed against the global goal",
    )


class StocktakeAggregateSerializer(serializers.Serializer):
    group = serializers.CharField(read_only=True, help_text="place/001, group/ldc ...")
    group_name = serializers.CharField(read_only=True)
    group_kind = serializers.CharField(read_only=True)
    year = serializers.IntegerField(read_only=True)
    value = serializers.FloatField(
        read_only=True, allow_null=True, help_text="null where not published"
    )
    coverage = serializers.FloatField(read_only=True, help_text="0 to 1, even unpublished")
    n_countries = serializers.IntegerField(read_only=True, help_text="Countries that reported")
    n_imputed = serializers.IntegerField(read_only=True, help_text="Countries imputed")
    published = serializers.BooleanField(read_only=True)


# Building the mappings --------------------------------------------------------------------


def _target_summary(summary: queries.TargetSummary, lang: str) -> dict[str, Any]:
    element = summary.element
    return {
        "code": element.code,
        "uid": element.uid,
        "title": element.display_title(lang),
        "counts": summary.counts.as_dict(),
        "national_targets": summary.national_targets,
        "url": summary.url,
    }


def _area(area: queries.AreaCounts, lang: str) -> dict[str, Any]:
    return {
        "uid": area.uid,
        "name": area.label(lang),
        "kind": area.kind_label,
        "counts": area.counts.as_dict(),
    }


def _element_summary(s: queries.ElementStocktake, lang: str) -> dict[str, Any]:
    e = s.element
    return {
        "code": e.code,
        "uid": e.uid,
        "target": e.element.uid,
        "name": e.label(lang),
        "measure": e.measure,
        "summation": s.kind,
        "unit": e.unit,
        "value": e.value,
        "year": e.year,
        "basis": e.basis.slug if e.basis else None,
        "basis_unit": e.basis.unit if e.basis else None,
        "basis_total": s.basis_total,
        "global_value": s.global_value,
        "committed": s.committed,
        "gap": s.gap,
        "countries": s.countries,
        "counted_countries": s.counted_countries,
        "mean_share": s.mean_share,
        "url": s.url,
    }


def _indicator(result: aggregation.IndicatorAggregates, title: str) -> dict[str, Any]:
    st = result.settings
    return {
        "uid": result.indicator,
        "title": title,
        "rule": st.rule,
        "weight": st.weight or None,
        "impute": st.impute,
        "threshold": st.threshold,
        "default_rule": st.is_default,
        "unit": st.unit,
        "unit_multiplier": st.unit_multiplier,
        "countries": result.countries,
        "first_year": result.years[0] if result.years else None,
        "last_year": result.years[-1] if result.years else None,
        "has_goal": result.goal is not None,
        "url": f"/stocktake/indicator/{result.indicator}",
    }


def _flag(request: Request, name: str) -> bool | None:
    value = request.query_params.get(name, "").strip().lower()
    if not value:
        return None
    if value in ("1", "true", "yes"):
        return True
    if value in ("0", "false", "no"):
        return False
    raise ValidationError({name: [_("%(value)r is not true or false") % {"value": value}]})


# Views --------------------------------------------------------------------------------------


class _ListViewSet(viewsets.GenericViewSet):
    """A read-only set of endpoints over computed mappings, paginated like every list."""

    def paginated(self, rows: list[dict[str, Any]]) -> Response:
        page = self.paginate_queryset(rows)
        serializer = self.get_serializer(page if page is not None else rows, many=True)
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)


@extend_schema_view(
    list=extend_schema(
        summary="GBF targets with the Parties aligned to each",
        description=(
            "Each GBF target with the number of Parties whose published national "
            "targets align with it, by their strongest degree."
        ),
        parameters=[LANG_PARAMETER],
    ),
    retrieve=extend_schema(
        summary="Stocktake of one GBF target",
        description=(
            "Parties by strongest degree of alignment, by M49 region and by group (UN "
            "regional groups, LDC, LLDC, SIDS), and the aligned countries with their "
            "published national targets."
        ),
        parameters=[LANG_PARAMETER],
    ),
)
class TargetStocktakeViewSet(_ListViewSet):
    lookup_field = "code"
    lookup_value_regex = r"[0-9]+"

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return (
            StocktakeTargetDetailSerializer
            if self.action == "retrieve"
            else StocktakeTargetSummarySerializer
        )

    def list(self, request: Request) -> Response:
        lang = language(request)
        return self.paginated([_target_summary(s, lang) for s in queries.target_overview()])

    def retrieve(self, request: Request, code: str) -> Response:
        lang = language(request)
        element = queries.gbf_target(code)
        if element is None:
            raise Http404(code)
        st = queries.target_stocktake(element)
        data = _target_summary(queries.TargetSummary(element, st.counts, st.national_targets), lang)
        data["by_region"] = [_area(a, lang) for a in st.by_region]
        data["by_group"] = [_area(a, lang) for a in st.by_group]
        data["countries"] = [
            {
                "code": c.place.code,
                "m49": c.place.m49,
                "name": c.place.label(lang),
                "degree": c.degree,
                "is_party": c.is_party,
                "targets": [{"uid": t.uid, "code": t.code, "degree": d} for t, d in c.targets],
            }
            for c in st.countries
        ]
        return Response(self.get_serializer(data).data)


@extend_schema_view(
    list=extend_schema(
        summary="Global elements with national commitments added up",
        parameters=[LANG_PARAMETER],
    ),
    retrieve=extend_schema(
        summary="National commitments against one global element",
        description=(
            "Committed, global value and gap, with every published contribution. A share "
            "with a basis is turned into an amount (share x the country's basis value) "
            "and summed against the global share of the world's total; an amount is "
            "summed; a share without basis is not summed (count and unweighted mean)."
        ),
        parameters=[LANG_PARAMETER],
    ),
)
class ElementStocktakeViewSet(_ListViewSet):
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "retrieve":
            return StocktakeElementDetailSerializer
        return StocktakeElementSummarySerializer

    def list(self, request: Request) -> Response:
        lang = language(request)
        rows = [
            _element_summary(queries.element_stocktake(e), lang) for e in queries.global_elements()
        ]
        return self.paginated(rows)

    def retrieve(self, request: Request, code: str) -> Response:
        lang = language(request)
        element = queries.global_elements().filter(code=code).first()
        if element is None:
            raise Http404(code)
        st = queries.element_stocktake(element)
        data = _element_summary(st, lang)
        data["contributions"] = [
            {
                "country": c.place.code,
                "target": c.target.uid,
                "value": c.value,
                "unit": c.quantity.unit,
                "year": c.quantity.year,
                "basis": c.basis,
                "amount": c.amount,
                "counted": c.counted,
                "note": c.note,
            }
            for c in st.contributions
        ]
        return Response(self.get_serializer(data).data)


GROUP_PARAMETER = OpenApiParameter(
    "group", OpenApiTypes.STR, description="Only this group: place/001, place/150, group/ldc ..."
)
YEAR_PARAMETER = OpenApiParameter("year", OpenApiTypes.INT, description="Only this year")
PUBLISHED_PARAMETER = OpenApiParameter(
    "published",
    OpenApiTypes.BOOL,
    description="true: only published aggregates; false: only unpublished ones",
)
KIND_PARAMETER = OpenApiParameter(
    "kind", OpenApiTypes.STR, enum=["headline"], description="headline: GBF headline indicators"
)


@extend_schema_view(
    list=extend_schema(
        summary="Indicators with national data, and how they are added up",
        parameters=[KIND_PARAMETER, LANG_PARAMETER],
    ),
    retrieve=extend_schema(
        summary="One indicator's aggregation rule and the progress of its aggregates",
        parameters=[LANG_PARAMETER],
    ),
    aggregates=extend_schema(
        summary="Aggregates of an indicator per group and year",
        description=(
            "Every group (the world, M49 regions, sub-regions, intermediate regions, UN "
            "regional groups, LDC, LLDC, SIDS, custom groups) and year in which at "
            "least one member reported: the value (null where coverage is below the "
            "threshold), coverage, countries reporting and imputed."
        ),
        parameters=[GROUP_PARAMETER, YEAR_PARAMETER, PUBLISHED_PARAMETER, LANG_PARAMETER],
    ),
)
class IndicatorStocktakeViewSet(_ListViewSet):
    lookup_field = "uid"
    lookup_value_regex = r"[a-z0-9-]+/[a-z-]+/[A-Za-z0-9.]+"

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "retrieve":
            return StocktakeIndicatorDetailSerializer
        if self.action == "aggregates":
            return StocktakeAggregateSerializer
        return StocktakeIndicatorSerializer

    def _element(self, uid: str) -> Any:
        element = aggregation.indicator(uid)
        if element is None:
            raise Http404(uid)
        return element

    def list(self, request: Request) -> Response:
        lang = language(request)
        elements = aggregation.indicators_with_data()
        if request.query_params.get("kind") == "headline":
            elements = [e for e in elements if e.kind == "headline"]
        rows = [
            _indicator(aggregation.aggregates(e), e.display_title(lang) or e.label())
            for e in elements
        ]
        return self.paginated(rows)

    def retrieve(self, request: Request, uid: str) -> Response:
        lang = language(request)
        element = self._element(uid)
        result = aggregation.aggregates(element)
        data = _indicator(result, element.display_title(lang) or element.label())
        data["progress"] = [
            {
                "group": g.group.uid,
                "progress": [
                    {"method": p.method, "status": p.status, "label": p.label, "score": p.score}
                    for p in g.progress
                ],
            }
            for g in result.groups
            if g.progress
        ]
        return Response(self.get_serializer(data).data)

    @extend_schema(responses=StocktakeAggregateSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="aggregates")
    def aggregates(self, request: Request, uid: str) -> Response:
        lang = language(request)
        element = self._element(uid)
        result = aggregation.aggregates(element)
        group = request.query_params.get("group", "").strip()
        year_text = request.query_params.get("year", "").strip()
        year: int | None = None
        if year_text:
            try:
                year = int(year_text)
            except ValueError:
                raise ValidationError(
                    {"year": [_("%(value)r is not a year") % {"value": year_text}]}
                ) from None
        published = _flag(request, "published")
        rows = []
        for g in result.groups:
            if group and g.group.uid != group:
                continue
            name = i18n.text(g.group.name, lang) or g.group.code
            for cell in g.cells:
                if not cell.has_data or (year is not None and cell.year != year):
                    continue
                if published is not None and cell.published != published:
                    continue
                rows.append(
                    {
                        "group": g.group.uid,
                        "group_name": name,
                        "group_kind": g.group.kind,
                        "year": cell.year,
                        "value": cell.value,
                        "coverage": cell.coverage,
                        "n_countries": cell.n_countries,
                        "n_imputed": cell.n_imputed,
                        "published": cell.published,
                    }
                )
        return self.paginated(rows)


def register(router: BaseRouter) -> None:
    """Add this app's routes to the API router."""
    router.register("stocktake/targets", TargetStocktakeViewSet, basename="stocktake-target")
    router.register("stocktake/elements", ElementStocktakeViewSet, basename="stocktake-element")
    router.register(
        "stocktake/indicators", IndicatorStocktakeViewSet, basename="stocktake-indicator"
    )
