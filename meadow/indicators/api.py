"""REST endpoints for indicator data: series, observations, imports and assessments (read-only).

Every list is paginated and reads as JSON or CSV (``?format=csv``); series and
observations also read as an SDMX-JSON data message (``?format=sdmx-json``), written
by the indicator-data formats registry's ``sdmx-json`` writer.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.db.models import Max, Min, QuerySet, TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAcceptable, ValidationError
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from meadow.core.api import (
    LANG_PARAMETER,
    LocalisedText,
    LocalisedViewSet,
    choice,
)
from meadow.core.rest import CSVRenderer
from meadow.indicators import queries
from meadow.indicators.formats import writer
from meadow.indicators.formats.base import ExportSeries
from meadow.indicators.models import (
    Assessment,
    Goal,
    Import,
    ImportChange,
    Observation,
    Series,
)

SDMX_JSON = "sdmx-json"


# Query parameters ---------------------------------------------------------------------

DIMENSION_PARAMETER = OpenApiParameter(
    "dim.<Dimension>",
    OpenApiTypes.STR,
    description=(
        "Disaggregation: series whose dimension has this value, e.g. `dim.Sex=Female`; "
        "repeat with other dimensions to combine them. An empty value "
        "(`dim.Sex=`) keeps series that are not broken down by that dimension."
    ),
)
TOTAL_PARAMETER = OpenApiParameter(
    "total",
    OpenApiTypes.BOOL,
    description="true: only series with no disaggregation (the totals)",
)
INDICATOR_PARAMETER = OpenApiParameter(
    "indicator",
    OpenApiTypes.STR,
    description="Indicator uid (sdg/indicator/15.1.1) or code (15.1.1)",
)
PLACE_PARAMETER = OpenApiParameter(
    "place",
    OpenApiTypes.STR,
    description="Place code: ISO alpha-3 (GBR), alpha-2 (GB) or M49 (826)",
)
SERIES_PARAMETER = OpenApiParameter(
    "series",
    OpenApiTypes.STR,
    description="Series id, or several separated by commas (12,13)",
)


def _flag(request: Request, name: str) -> bool:
    value = request.query_params.get(name, "").strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise ValidationError({name: [_("%(value)r is not true or false") % {"value": value}]})


def _integer(request: Request, name: str) -> int | None:
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError(
            {name: [_("%(value)r is not a whole number") % {"value": value}]}
        ) from None


def _integers(request: Request, name: str) -> list[int] | None:
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    try:
        return [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise ValidationError(
            {name: [_("%(value)r is not a list of ids") % {"value": value}]}
        ) from None


def dimensions(request: Request) -> dict[str, str]:
    """``dim.<Dimension>=<value>`` parameters as a mapping of dimension to value."""
    return {
        key[4:]: str(value).strip()
        for key, value in request.query_params.items()
        if key.startswith("dim.") and key[4:].strip()
    }


def filter_dimensions(qs: QuerySet[Any], field: str, dims: Mapping[str, str]) -> QuerySet[Any]:
    """Keep rows whose ``field`` (a disaggregation mapping) has each dimension's value.

    Dimension names are free text ("Type of Neglected Tropical Disease (NTD)"), so each
    is read as one JSON key, never parsed as a lookup path.
    """
    for index, (dimension, value) in enumerate(sorted(dims.items())):
        alias = f"dimension_{index}"
        # The cast makes the comparison one of text: KeyTextTransform alone still takes
        # the JSON field's lookups, which read the value given as JSON.
        qs = qs.alias(**{alias: Cast(KeyTextTransform(dimension, field), TextField())})
        qs = qs.filter(**({alias: value} if value else {f"{alias}__isnull": True}))
    return qs


# SDMX-JSON ------------------------------------------------------------------------------


@dataclass
class SDMXMessage:
    """Series to write as one SDMX-JSON data message."""

    series: list[ExportSeries]


class SDMXJSONRenderer(BaseRenderer):
    """Series and observations as an SDMX-JSON data message, by the formats registry."""

    media_type = "application/vnd.sdmx.data+json"
    format = SDMX_JSON
    charset = None

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if not isinstance(data, SDMXMessage):
            # Errors (a bad filter, a missing page) come as plain JSON.
            return JSONRenderer().render(data)
        output = writer(SDMX_JSON)
        with tempfile.TemporaryDirectory(prefix="meadow-sdmx-") as folder:
            name = f"data.{output.extension.lstrip('.')}" if output.extension else "data"
            written = output.write(data.series, Path(folder) / name)
            return written[0].read_bytes()


def _sdmx_available() -> bool:
    try:
        writer(SDMX_JSON)
    except KeyError:
        return False
    return True


# The project's renderers (JSON, CSV, the browsable API) and SDMX-JSON.
RENDERERS: list[type[BaseRenderer]] = [
    JSONRenderer,
    CSVRenderer,
    BrowsableAPIRenderer,
    SDMXJSONRenderer,
]


def sdmx_responses(serializer: type[serializers.Serializer], many: bool) -> dict[Any, Any]:
    """Schema of an endpoint that answers in JSON, CSV and SDMX-JSON."""
    description = (
        "A page of results" if many else "One result"
    ) + "; with ?format=sdmx-json, an SDMX-JSON 1.0 data message of the same observations"
    shape = serializer(many=many)
    return {
        (200, "application/json"): OpenApiResponse(shape, description=description),
        (200, "text/csv"): OpenApiResponse(shape, description=description),
        (200, SDMXJSONRenderer.media_type): OpenApiResponse(
            OpenApiTypes.OBJECT, description=description
        ),
    }


class SDMXViewSet(viewsets.ReadOnlyModelViewSet):
    """Answers ``?format=sdmx-json`` with the page (or the one item) as a data message."""

    renderer_classes = RENDERERS

    def export(self, items: Sequence[Any]) -> list[ExportSeries]:
        """The series (with their observations) that ``items`` make up."""
        raise NotImplementedError

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not self.wants_sdmx():
            return super().list(request, *args, **kwargs)
        page = list(self.paginate_queryset(self.get_queryset()) or [])
        response = self.message(page)
        paginator: Any = self.paginator
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (
                ("next", paginator.get_next_link()),
                ("prev", paginator.get_previous_link()),
            )
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        response["X-Total-Count"] = str(paginator.page.paginator.count)
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not self.wants_sdmx():
            return super().retrieve(request, *args, **kwargs)
        return self.message([self.get_object()])

    def message(self, items: Sequence[Any]) -> Response:
        if not _sdmx_available():
            raise NotAcceptable(_("SDMX-JSON output is not available on this server."))
        response = Response(SDMXMessage(self.export(items)))
        response.content_type = writer(SDMX_JSON).media_type
        return response

    def wants_sdmx(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return getattr(renderer, "format", "") == SDMX_JSON


# Serializers ------------------------------------------------------------------------------


class GoalSerializer(serializers.ModelSerializer):
    scope = serializers.SerializerMethodField(
        help_text="series: set for this series; indicator: the indicator's goal in the place"
    )

    class Meta:
        model = Goal
        fields = [
            "scope",
            "direction",
            "baseline_year",
            "baseline_value",
            "target_year",
            "target_value",
            "natural_limit",
            "source",
            "note",
        ]
        read_only_fields = fields

    def get_scope(self, obj: Goal) -> str:
        return "series" if obj.series_id else "indicator"


class AssessmentSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Assessment
        fields = ["id", "method", "version", "status", "score", "computed_at"]
        read_only_fields = fields


class SeriesSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True, help_text="Page")
    indicator: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="uid", read_only=True, help_text="uid of the indicator"
    )
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    framework = serializers.CharField(source="indicator.framework.slug", read_only=True)
    place: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="Place code (ISO alpha-3 or M49)"
    )
    place_name = LocalisedText(source="place.name", help_text="In the requested language")
    disaggregation = serializers.DictField(
        child=serializers.CharField(), read_only=True, help_text="Dimension -> value"
    )
    attributes = serializers.DictField(child=serializers.CharField(), read_only=True)
    is_total = serializers.BooleanField(read_only=True, help_text="No disaggregation")
    observations = serializers.IntegerField(source="observation_count", read_only=True)
    first_year = serializers.IntegerField(read_only=True, allow_null=True)
    last_year = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Series
        fields = [
            "id",
            "uid",
            "indicator",
            "indicator_code",
            "framework",
            "place",
            "place_name",
            "unit",
            "unit_multiplier",
            "series_code",
            "disaggregation",
            "attributes",
            "is_total",
            "source",
            "footnote",
            "observations",
            "first_year",
            "last_year",
            "url",
        ]
        read_only_fields = fields


class SeriesDetailSerializer(SeriesSerializer):
    goal = serializers.SerializerMethodField(help_text="Baseline and target, when set")
    assessments = AssessmentSummarySerializer(many=True, read_only=True)

    class Meta(SeriesSerializer.Meta):
        fields = [*SeriesSerializer.Meta.fields, "goal", "assessments"]
        read_only_fields = fields

    @extend_schema_field(GoalSerializer(allow_null=True))
    def get_goal(self, obj: Series) -> dict[str, Any] | None:
        goal = queries.goal_for(obj)
        return GoalSerializer(goal).data if goal else None


class ObservationSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="series.indicator.uid", read_only=True)
    place = serializers.CharField(source="series.place.code", read_only=True)
    disaggregation = serializers.DictField(
        source="series.disaggregation", child=serializers.CharField(), read_only=True
    )
    unit = serializers.CharField(source="series.unit", read_only=True)
    unit_multiplier = serializers.IntegerField(source="series.unit_multiplier", read_only=True)
    source_import = serializers.IntegerField(
        source="source_import_id",
        read_only=True,
        allow_null=True,
        help_text="Id of the import that wrote it",
    )

    class Meta:
        model = Observation
        fields = [
            "id",
            "series",
            "indicator",
            "place",
            "disaggregation",
            "unit",
            "unit_multiplier",
            "period",
            "kind",
            "start",
            "end",
            "year",
            "value",
            "status",
            "comment",
            "source_import",
            "row",
        ]
        read_only_fields = fields


class ProblemSerializer(serializers.Serializer):
    file = serializers.CharField()
    sheet = serializers.CharField(allow_blank=True)
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_blank=True)
    reason = serializers.CharField()
    level = serializers.CharField()
    code = serializers.CharField(allow_blank=True)


class FileSerializer(serializers.Serializer):
    name = serializers.CharField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()


class ImportSerializer(serializers.ModelSerializer):
    # Plain text in the schema: as an enum it would clash with the jobs' statuses there.
    status = serializers.CharField(read_only=True, help_text="committed, rejected or undone")
    url = serializers.CharField(source="get_absolute_url", read_only=True, help_text="Page")
    warnings = serializers.SerializerMethodField(help_text="Number of warnings")

    class Meta:
        model = Import
        fields = [
            "id",
            "uid",
            "created_at",
            "actor",
            "format",
            "name",
            "checksum",
            "size",
            "status",
            "added",
            "changed",
            "removed",
            "unchanged",
            "warnings",
            "undone_at",
            "undone_by",
            "url",
        ]
        read_only_fields = fields

    def get_warnings(self, obj: Import) -> int:
        return len(obj.problems or [])


class ImportDetailSerializer(ImportSerializer):
    files = FileSerializer(many=True, read_only=True)
    options = serializers.DictField(read_only=True)
    warnings = ProblemSerializer(  # type: ignore[assignment]
        source="problems", many=True, read_only=True, help_text="Warnings kept from the import"
    )
    changes = serializers.SerializerMethodField(help_text="Address of the changed rows")

    class Meta(ImportSerializer.Meta):
        fields = [*ImportSerializer.Meta.fields, "files", "options", "changes"]
        read_only_fields = fields

    def get_changes(self, obj: Import) -> str:
        return f"/api/v1/imports/{obj.pk}/changes/"


class ChangeSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="series.indicator.uid", read_only=True)
    place = serializers.CharField(source="series.place.code", read_only=True)
    disaggregation = serializers.DictField(
        source="series.disaggregation", child=serializers.CharField(), read_only=True
    )
    before = serializers.JSONField(read_only=True, allow_null=True, help_text="Stored before")
    after = serializers.JSONField(read_only=True, allow_null=True, help_text="Stored after")

    class Meta:
        model = ImportChange
        fields = [
            "id",
            "series",
            "indicator",
            "place",
            "disaggregation",
            "period",
            "ordinal",
            "action",
            "before",
            "after",
        ]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="series.indicator.uid", read_only=True)
    place = serializers.CharField(source="series.place.code", read_only=True)
    disaggregation = serializers.DictField(
        source="series.disaggregation", child=serializers.CharField(), read_only=True
    )
    inputs = serializers.DictField(read_only=True, help_text="What the method was fed")

    class Meta:
        model = Assessment
        fields = [
            "id",
            "series",
            "indicator",
            "place",
            "disaggregation",
            "method",
            "version",
            "status",
            "score",
            "inputs",
            "computed_at",
        ]
        read_only_fields = fields


# Views ---------------------------------------------------------------------------------

SERIES_FILTERS = [
    INDICATOR_PARAMETER,
    PLACE_PARAMETER,
    OpenApiParameter("framework", OpenApiTypes.STR, description="Framework slug: sdg, gbf"),
    DIMENSION_PARAMETER,
    TOTAL_PARAMETER,
    LANG_PARAMETER,
]


@extend_schema_view(
    list=extend_schema(
        summary="List series",
        parameters=SERIES_FILTERS,
        responses=sdmx_responses(SeriesSerializer, many=True),
    ),
    retrieve=extend_schema(
        summary="One series with its goal and assessments",
        parameters=[LANG_PARAMETER],
        responses=sdmx_responses(SeriesDetailSerializer, many=False),
    ),
)
class SeriesViewSet(LocalisedViewSet, SDMXViewSet):
    """Time series of an indicator in a place, one per unit and disaggregation.

    ``?format=sdmx-json`` gives the series with all their observations as an SDMX-JSON
    data message.
    """

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return SeriesDetailSerializer if self.action == "retrieve" else SeriesSerializer

    def get_queryset(self) -> QuerySet[Series]:
        params = self.request.query_params
        qs = queries.series(
            indicator=params.get("indicator") or None,
            place=params.get("place") or None,
            framework=params.get("framework") or None,
            total_only=_flag(self.request, "total"),
        )
        qs = filter_dimensions(qs, "disaggregation", dimensions(self.request))
        qs = qs.annotate(first_year=Min("observations__year"), last_year=Max("observations__year"))
        if self.action == "retrieve":
            qs = qs.prefetch_related("assessments")
        return qs.order_by("id")

    def export(self, items: Sequence[Series]) -> list[ExportSeries]:
        return queries.export_series(Series.objects.filter(pk__in=[s.pk for s in items]))


OBSERVATION_FILTERS = [
    SERIES_PARAMETER,
    INDICATOR_PARAMETER,
    PLACE_PARAMETER,
    OpenApiParameter("period", OpenApiTypes.STR, description="Period as given: 2015, 2014/15"),
    OpenApiParameter("year_from", OpenApiTypes.INT, description="Periods ending in or after"),
    OpenApiParameter("year_to", OpenApiTypes.INT, description="Periods ending in or before"),
    DIMENSION_PARAMETER,
    TOTAL_PARAMETER,
]


@extend_schema_view(
    list=extend_schema(
        summary="List observations",
        parameters=OBSERVATION_FILTERS,
        responses=sdmx_responses(ObservationSerializer, many=True),
    ),
    retrieve=extend_schema(
        summary="One observation", responses=sdmx_responses(ObservationSerializer, many=False)
    ),
)
class ObservationViewSet(SDMXViewSet):
    """Observations (period, value, status, comment) with the import each comes from.

    ``?format=sdmx-json`` gives the page's observations as an SDMX-JSON data message.
    """

    serializer_class = ObservationSerializer

    def get_queryset(self) -> QuerySet[Observation]:
        params = self.request.query_params
        qs = queries.observations(
            series_ids=_integers(self.request, "series"),
            indicator=params.get("indicator") or None,
            place=params.get("place") or None,
            period=params.get("period") or None,
            year_from=_integer(self.request, "year_from"),
            year_to=_integer(self.request, "year_to"),
        )
        if _flag(self.request, "total"):
            qs = qs.filter(series__disaggregation={})
        return filter_dimensions(qs, "series__disaggregation", dimensions(self.request))

    def export(self, items: Sequence[Observation]) -> list[ExportSeries]:
        by_series: dict[int, list[tuple[str, float, str, str]]] = defaultdict(list)
        for obs in items:
            by_series[obs.series_id].append((obs.period, obs.value, obs.status, obs.comment))
        ids = sorted(by_series)
        # export_series gives the series in id order, each with all its observations;
        # the message holds only this page's.
        full = queries.export_series(Series.objects.filter(pk__in=ids))
        return [
            replace(item, observations=by_series[pk]) for pk, item in zip(ids, full, strict=True)
        ]


@extend_schema_view(
    list=extend_schema(
        summary="List imports, newest first",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=Import.Status.values),
            OpenApiParameter("checksum", OpenApiTypes.STR, description="SHA-256 of the input"),
        ],
    ),
    retrieve=extend_schema(summary="One import with its files and warnings"),
)
class ImportViewSet(viewsets.ReadOnlyModelViewSet):
    """Files taken in: who, when, checksums, what they added, changed and removed."""

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "changes":
            return ChangeSerializer
        return ImportDetailSerializer if self.action == "retrieve" else ImportSerializer

    def get_queryset(self) -> QuerySet[Import]:
        qs = queries.imports()
        if self.action == "list":
            status = choice(self.request, "status", Import.Status.values)
            if status:
                qs = qs.filter(status=status)
            checksum = self.request.query_params.get("checksum")
            if checksum:
                qs = qs.filter(checksum=checksum.lower())
        return qs

    @extend_schema(
        summary="The observations an import added, changed or removed",
        parameters=[
            OpenApiParameter("action", OpenApiTypes.STR, enum=ImportChange.Action.values),
        ],
        responses=ChangeSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def changes(self, request: Request, pk: str | None = None) -> Response:
        record = self.get_object()
        qs = ImportChange.objects.filter(source_import=record).select_related(
            "series__indicator", "series__place"
        )
        kind = choice(request, "action", ImportChange.Action.values)
        if kind:
            qs = qs.filter(action=kind)
        page = self.paginate_queryset(qs.order_by("id"))
        return self.get_paginated_response(ChangeSerializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary="List progress assessments",
        parameters=[
            SERIES_PARAMETER,
            INDICATOR_PARAMETER,
            PLACE_PARAMETER,
            OpenApiParameter("method", OpenApiTypes.STR, description="un_chart, eurostat..."),
        ],
    ),
    retrieve=extend_schema(summary="One progress assessment with its inputs"),
)
class AssessmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Each progress method's class and score for a series, with the inputs it used."""

    serializer_class = AssessmentSerializer

    def get_queryset(self) -> QuerySet[Assessment]:
        params = self.request.query_params
        qs = Assessment.objects.select_related("series__indicator", "series__place")
        if self.action != "list":
            return qs.order_by("id")
        ids = _integers(self.request, "series")
        if ids is not None:
            qs = qs.filter(series_id__in=ids)
        if params.get("indicator") or params.get("place"):
            chosen = queries.series(
                indicator=params.get("indicator") or None, place=params.get("place") or None
            )
            qs = qs.filter(series__in=chosen.values("pk"))
        if params.get("method"):
            qs = qs.filter(method=params["method"])
        return qs.order_by("series_id", "method")


def register(router: BaseRouter) -> None:
    router.register("series", SeriesViewSet, basename="series")
    router.register("observations", ObservationViewSet, basename="observation")
    router.register("imports", ImportViewSet, basename="import")
    router.register("assessments", AssessmentViewSet, basename="assessment")
