"""REST endpoints for national targets (read and write) and the global elements (read).

Reads go through ``visibility.visible``: the public sees published targets; a
country's team, the secretariat and administrators see its drafts too. A target
the reader may not see is "not found" (404), never "forbidden". Writes call the
actions: a refusal by a policy is 403, a stale ``version`` 409 with both versions.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from meadow.core.api import (
    LANG_PARAMETER,
    LocalisedText,
    LocalisedViewSet,
    SixLanguageText,
    choice,
    language,
)
from meadow.parties.visibility import Publication
from meadow.targets import actions, queries, specs
from meadow.targets.models import (
    Alignment,
    Degree,
    GlobalElement,
    Measure,
    NationalTarget,
    QuantitativeElement,
    TargetIndicator,
)

SOURCE = "api"


# Global elements ----------------------------------------------------------------------


class GlobalElementSerializer(serializers.ModelSerializer):
    uid = serializers.CharField(read_only=True)
    element = serializers.CharField(
        source="element.uid", read_only=True, help_text="The GBF goal or target (gbf/target/3)"
    )
    name_text = LocalisedText(source="name", help_text="Name in the requested language")
    name = SixLanguageText(help_text="Name in each of the six UN languages")
    measure = serializers.ChoiceField(choices=Measure.choices, read_only=True)
    basis = serializers.CharField(
        source="basis.slug",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="For a share: the weight set of national totals it is taken of (area); "
        "null when there is none and the share is counted without weighting",
    )
    year = serializers.IntegerField(read_only=True)
    order = serializers.IntegerField(read_only=True)

    class Meta:
        model = GlobalElement
        fields = [
            "uid",
            "code",
            "element",
            "name",
            "name_text",
            "measure",
            "unit",
            "value",
            "year",
            "basis",
            "order",
        ]


@extend_schema_view(
    list=extend_schema(
        summary="Global quantitative elements",
        description="The numbers of the GBF's global targets that national targets "
        "contribute to (30 % of land and inland waters by 2030, USD 200 billion a year...).",
        parameters=[LANG_PARAMETER],
    ),
    retrieve=extend_schema(summary="One global element", parameters=[LANG_PARAMETER]),
)
class GlobalElementViewSet(LocalisedViewSet):
    serializer_class = GlobalElementSerializer
    lookup_field = "code"
    lookup_value_regex = r"[a-z0-9-]+"

    def get_queryset(self) -> QuerySet[GlobalElement]:
        return queries.global_elements()


# National targets: reading ------------------------------------------------------------


class AlignmentSerializer(serializers.ModelSerializer):
    element = serializers.CharField(source="element.uid", help_text="gbf/goal/A, gbf/target/3 ...")
    element_title = serializers.SerializerMethodField(
        help_text="The goal's or target's short title in the requested language"
    )
    explanation = SixLanguageText()

    class Meta:
        model = Alignment
        fields = ["element", "element_title", "degree", "explanation"]

    def get_element_title(self, obj: Alignment) -> str:
        return obj.element.display_title(self.context.get("lang"))


class IndicatorSerializer(serializers.ModelSerializer):
    element = serializers.CharField(
        source="element.uid",
        allow_null=True,
        default=None,
        help_text="GBF indicator uid; null for a national indicator",
    )
    name = SixLanguageText(help_text="A national indicator's name")

    class Meta:
        model = TargetIndicator
        fields = ["element", "name"]


class QuantitySerializer(serializers.ModelSerializer):
    global_element = serializers.CharField(
        source="global_element.code",
        allow_null=True,
        default=None,
        help_text="Code of the global element it contributes to",
    )
    quantity = SixLanguageText(help_text="What is counted")
    year = serializers.IntegerField(read_only=True)
    baseline_year = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = QuantitativeElement
        fields = [
            "global_element",
            "quantity",
            "unit",
            "value",
            "year",
            "baseline_value",
            "baseline_year",
        ]


class NationalTargetSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True)
    uid = serializers.CharField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    country = serializers.CharField(source="country.code", read_only=True)
    title_text = LocalisedText(source="title", help_text="Title in the requested language")
    title = SixLanguageText(help_text="Title in each of the six UN languages")
    text = SixLanguageText(help_text="Full text in each of the six UN languages")
    status = serializers.ChoiceField(choices=Publication.choices, read_only=True)
    version = serializers.IntegerField(
        read_only=True, help_text="Raised by every change; send it back with a change"
    )
    alignments = AlignmentSerializer(many=True, read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)
    quantities = QuantitySerializer(many=True, read_only=True)

    class Meta:
        model = NationalTarget
        fields = [
            "id",
            "uid",
            "url",
            "country",
            "code",
            "title",
            "title_text",
            "text",
            "status",
            "version",
            "alignments",
            "indicators",
            "quantities",
            "created_at",
            "updated_at",
            "published_at",
        ]
        read_only_fields = fields


# National targets: writing ------------------------------------------------------------


class TextField(serializers.DictField):
    """A six-language text given as ``{"en": ..., "fr": ...}``."""

    child = serializers.CharField(allow_blank=True)


class AlignmentInput(serializers.Serializer):
    element = serializers.CharField(help_text="A GBF goal or target: gbf/goal/A, gbf/target/3")
    degree = serializers.ChoiceField(choices=Degree.choices)
    explanation = TextField(required=False)


class IndicatorInput(serializers.Serializer):
    element = serializers.CharField(
        required=False, allow_blank=True, help_text="A GBF indicator uid (gbf/indicator/3.1)"
    )
    name = TextField(required=False, help_text="Or a national indicator's name")


class QuantityInput(serializers.Serializer):
    global_element = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="gbf-3-land ..."
    )
    quantity = TextField(required=False, help_text="What is counted")
    unit = serializers.CharField(max_length=30)
    value = serializers.FloatField()
    year = serializers.IntegerField(min_value=specs.MIN_YEAR, max_value=specs.MAX_YEAR)
    baseline_value = serializers.FloatField(required=False, allow_null=True)
    baseline_year = serializers.IntegerField(
        required=False, allow_null=True, min_value=specs.MIN_YEAR, max_value=specs.MAX_YEAR
    )


class NationalTargetInput(serializers.Serializer):
    country = serializers.CharField(
        required=False, help_text="ISO alpha-3 code; required when creating"
    )
    code = serializers.CharField(max_length=specs.CODE_LENGTH)
    title = TextField()
    text = TextField(required=False)
    alignments = AlignmentInput(many=True, required=False)
    indicators = IndicatorInput(many=True, required=False)
    quantities = QuantityInput(many=True, required=False)
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The version the change was made from; a stale one is refused (409)",
    )


class VersionInput(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The version the change was made from; a stale one is refused (409)",
    )


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    expected_version = serializers.IntegerField(read_only=True)
    current_version = serializers.IntegerField(read_only=True, allow_null=True)


STATUS_PARAMETER = OpenApiParameter("status", OpenApiTypes.STR, enum=Publication.values)
FILTERS = [
    OpenApiParameter("country", OpenApiTypes.STR, description="ISO alpha-3 code (KEN)"),
    STATUS_PARAMETER,
    OpenApiParameter(
        "gbf",
        OpenApiTypes.STR,
        description="Only targets aligned with this GBF goal or target (gbf/target/3)",
    ),
    LANG_PARAMETER,
]
WRITE_RESPONSES: dict[int | str, Any] = {
    400: OpenApiResponse(description="The content has problems, listed by field"),
    401: OpenApiResponse(description="Not signed in"),
    403: OpenApiResponse(description="The actor may not do this for this country"),
    404: OpenApiResponse(description="No such target, or not one the actor may read"),
    409: OpenApiResponse(ConflictSerializer, description="Changed since that version"),
}
VERSION_PARAMETER = OpenApiParameter(
    "version", OpenApiTypes.INT, description="The version the deletion was decided on"
)


def _parts(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "alignments": [
            {
                "element": a["element"],
                "degree": a["degree"],
                "explanation": a.get("explanation") or {},
            }
            for a in data.get("alignments", [])
        ],
        "indicators": [
            {"element": i.get("element") or "", "name": i.get("name") or {}}
            for i in data.get("indicators", [])
        ],
        "quantities": [dict(q) for q in data.get("quantities", [])],
    }


@extend_schema_view(
    list=extend_schema(summary="National targets", parameters=FILTERS),
    retrieve=extend_schema(summary="One national target", parameters=[LANG_PARAMETER]),
    create=extend_schema(
        summary="Draft a national target",
        request=NationalTargetInput,
        responses={201: NationalTargetSerializer, **WRITE_RESPONSES},
    ),
    update=extend_schema(
        summary="Replace a national target's content",
        request=NationalTargetInput,
        responses={200: NationalTargetSerializer, **WRITE_RESPONSES},
    ),
    partial_update=extend_schema(
        summary="Change some of a national target's content",
        request=NationalTargetInput(partial=True),
        responses={200: NationalTargetSerializer, **WRITE_RESPONSES},
    ),
    destroy=extend_schema(
        summary="Delete a draft",
        parameters=[VERSION_PARAMETER],
        responses={204: None, **WRITE_RESPONSES},
    ),
)
class NationalTargetViewSet(viewsets.ModelViewSet):
    """National targets with their alignments, indicators and quantitative elements."""

    serializer_class = NationalTargetSerializer
    lookup_value_regex = r"[0-9]+"

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "lang": language(self.request)}

    def get_queryset(self) -> QuerySet[NationalTarget]:
        params = self.request.query_params
        rows = queries.targets(
            self.request.user,
            country=(params.get("country") or "").strip().upper() or None,
            status=choice(self.request, "status", Publication.values),
            gbf=(params.get("gbf") or "").strip() or None,
        )
        return queries.with_parts(rows)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, actions.Conflict):
            return Response(
                {
                    "detail": str(exc),
                    "expected_version": exc.expected,
                    "current_version": exc.current,
                },
                status=status.HTTP_409_CONFLICT,
            )
        if isinstance(exc, actions.Refused):
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        if isinstance(exc, specs.InvalidTarget):
            exc = ValidationError(exc.by_field())
        if isinstance(exc, NationalTarget.DoesNotExist):
            exc = Http404(str(exc))
        if isinstance(exc, PermissionDenied) and not self.request.user.is_authenticated:
            # A visitor is asked to sign in (401) rather than told "never" (403).
            exc = NotAuthenticated()
        return super().handle_exception(exc)

    def _read(self, target: NationalTarget, code: int = status.HTTP_200_OK) -> Response:
        fresh = queries.with_parts(NationalTarget.objects.filter(pk=target.pk)).get()
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = NationalTargetInput(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        country = str(data.get("country") or "").strip().upper()
        if not country:
            raise ValidationError({"country": [_("The country is required.")]})
        target = actions.save_target(
            actor=request.user,
            country=country,
            code=data["code"],
            title=data["title"],
            text=data.get("text") or {},
            expected_version=data.get("version", 0),
            source=SOURCE,
            **_parts(data),
        )
        return self._read(target, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = bool(kwargs.pop("partial", False))
        target = self.get_object()
        form = NationalTargetInput(data=request.data, partial=partial)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        if data.get("code", target.code) != target.code:
            raise ValidationError({"code": [_("The code of a target cannot be changed.")]})
        if data.get("country", target.country.code).strip().upper() != target.country.code:
            raise ValidationError({"country": [_("A target cannot move to another country.")]})
        current = specs.snapshot(target)
        merged = {
            "title": data.get("title", current["title"] if partial else {}),
            "text": data.get("text", current["text"] if partial else {}),
        }
        parts = _parts(data)
        for name in ("alignments", "indicators", "quantities"):
            if partial and name not in data:
                parts[name] = current[name]
        saved = actions.save_target(
            actor=request.user,
            country=target.country.code,
            code=target.code,
            expected_version=data.get("version"),
            source=SOURCE,
            **merged,
            **parts,
        )
        return self._read(saved)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        target = self.get_object()
        raw = request.query_params.get("version")
        expected = None
        if raw:
            if not raw.isdigit():
                raise ValidationError({"version": [_("Give the version as a whole number.")]})
            expected = int(raw)
        actions.delete_target(
            actor=request.user,
            country=target.country.code,
            code=target.code,
            expected_version=expected,
            source=SOURCE,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _status(self, request: Request, change: Any) -> Response:
        target = self.get_object()
        form = VersionInput(data=request.data)
        form.is_valid(raise_exception=True)
        saved = change(
            actor=request.user,
            country=target.country.code,
            code=target.code,
            expected_version=form.validated_data.get("version"),
            source=SOURCE,
        )
        return self._read(saved)

    @extend_schema(
        summary="Publish a national target",
        request=VersionInput,
        responses={200: NationalTargetSerializer, **WRITE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        return self._status(request, actions.publish_target)

    @extend_schema(
        summary="Take a national target back to draft",
        request=VersionInput,
        responses={200: NationalTargetSerializer, **WRITE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, pk: str | None = None) -> Response:
        return self._status(request, actions.unpublish_target)


def register(router: BaseRouter) -> None:
    """Add this app's routes to the API router."""
    router.register("national-targets", NationalTargetViewSet, basename="national-target")
    router.register("global-elements", GlobalElementViewSet, basename="global-element")
