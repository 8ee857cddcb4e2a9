"""REST endpoints for places, groups and weights (read-only)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.routers import BaseRouter

from meadow.core.api import (
    LANG_PARAMETER,
    LocalisedText,
    LocalisedViewSet,
    SixLanguageText,
    choice,
    language,
)
from meadow.places import queries
from meadow.places.models import (
    GroupKind,
    Membership,
    Place,
    PlaceGroup,
    PlaceKind,
    Weight,
    WeightSet,
)

LANG = LANG_PARAMETER


class _Localised(serializers.ModelSerializer):
    """Adds ``name`` in the requested language beside ``names`` in all six."""

    name = LocalisedText(help_text="Name in the requested language")
    names = SixLanguageText(source="name", help_text="Name in each of the six UN languages")
    url = serializers.CharField(
        source="get_absolute_url", read_only=True, help_text="Page of the item"
    )


class PlaceSerializer(_Localised):
    parent = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text="Code of the M49 area just above"
    )
    region = serializers.SerializerMethodField(help_text="M49 code of the region")
    sub_region = serializers.SerializerMethodField(help_text="M49 code of the sub-region")
    intermediate_region = serializers.SerializerMethodField(
        help_text="M49 code of the intermediate region"
    )
    formal_names = SixLanguageText(
        source="formal_name", help_text="UNTERM formal name in each language"
    )
    groups = serializers.SerializerMethodField(help_text="Slugs of the groups it belongs to")

    class Meta:
        model = Place
        fields = [
            "uid",
            "code",
            "kind",
            "m49",
            "iso2",
            "iso3",
            "name",
            "names",
            "formal_names",
            "parent",
            "region",
            "sub_region",
            "intermediate_region",
            "groups",
            "url",
        ]

    def get_parent(self, obj: Place) -> str | None:
        codes = obj.ancestor_codes
        return codes[-1] if codes else None

    def _level(self, obj: Place, level: int) -> str | None:
        # The lineage runs world, region, sub-region, intermediate region.
        codes = [*obj.ancestor_codes, obj.code]
        return codes[level] if len(codes) > level and codes[level] != obj.code else None

    def get_region(self, obj: Place) -> str | None:
        return self._level(obj, 1)

    def get_sub_region(self, obj: Place) -> str | None:
        return self._level(obj, 2)

    def get_intermediate_region(self, obj: Place) -> str | None:
        return self._level(obj, 3)

    def get_groups(self, obj: Place) -> list[str]:
        return [m.group.slug for m in obj.memberships.all()]


class GroupSerializer(_Localised):
    description = LocalisedText(help_text="Description in the requested language")
    descriptions = SixLanguageText(source="description")
    member_count = serializers.IntegerField(read_only=True)
    members = serializers.SerializerMethodField(help_text="Codes of the member places")

    class Meta:
        model = PlaceGroup
        fields = [
            "uid",
            "slug",
            "kind",
            "defined_by",
            "name",
            "names",
            "description",
            "descriptions",
            "source",
            "source_url",
            "member_count",
            "members",
            "url",
        ]

    def get_members(self, obj: PlaceGroup) -> list[str]:
        return [p.code for p in obj.members.all()]


class WeightSetSerializer(_Localised):
    description = LocalisedText(help_text="Description in the requested language")
    descriptions = SixLanguageText(source="description")
    value_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = WeightSet
        fields = [
            "uid",
            "slug",
            "name",
            "names",
            "description",
            "descriptions",
            "unit",
            "year",
            "source",
            "source_url",
            "licence",
            "value_count",
            "url",
        ]


class WeightSetDetailSerializer(WeightSetSerializer):
    values = serializers.SerializerMethodField(help_text="Value per place code")

    class Meta(WeightSetSerializer.Meta):
        fields = [*WeightSetSerializer.Meta.fields, "values"]

    def get_values(self, obj: WeightSet) -> dict[str, float]:
        return {w.place.code: w.value for w in queries.weights(weight_set=obj.slug)}


class WeightSerializer(serializers.ModelSerializer):
    weight_set: serializers.SlugRelatedField[WeightSet] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    place: serializers.SlugRelatedField[Place] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    place_name = serializers.SerializerMethodField(help_text="Place name in the requested language")
    unit = serializers.CharField(source="weight_set.unit", read_only=True)

    class Meta:
        model = Weight
        fields = ["weight_set", "place", "place_name", "value", "unit"]

    def get_place_name(self, obj: Weight) -> str:
        return obj.place.label(self.context.get("lang"))


PLACE_FILTERS = [
    OpenApiParameter("kind", OpenApiTypes.STR, enum=PlaceKind.values),
    OpenApiParameter(
        "code",
        OpenApiTypes.STR,
        description="M49 code (156), ISO alpha-2 (CN) or alpha-3 (CHN) code, any case",
    ),
    OpenApiParameter(
        "region",
        OpenApiTypes.STR,
        description="Only places inside this M49 area, at any depth (002 Africa, 419 Latin "
        "America and the Caribbean)",
    ),
    OpenApiParameter("parent", OpenApiTypes.STR, description="Only places just below this code"),
    OpenApiParameter("group", OpenApiTypes.STR, description="Only members of this group (slug)"),
    LANG,
]
CODE = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="ISO alpha-3 code of a country or area (CHN), M49 code of a region (002)",
)


@extend_schema_view(
    list=extend_schema(summary="List countries, areas and M49 regions", parameters=PLACE_FILTERS),
    retrieve=extend_schema(summary="One place", parameters=[CODE, LANG]),
)
class PlaceViewSet(LocalisedViewSet):
    serializer_class = PlaceSerializer
    lookup_field = "code"
    lookup_value_regex = r"[0-9]{3}|[A-Z]{3}"

    def get_queryset(self) -> QuerySet[Place]:
        params = self.request.query_params
        return queries.places(
            kind=choice(self.request, "kind", PlaceKind.values),
            code=params.get("code") or None,
            region=params.get("region") or None,
            group=params.get("group") or None,
            parent=params.get("parent") or None,
        ).prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("group"))
        )


GROUP_FILTERS = [
    OpenApiParameter("kind", OpenApiTypes.STR, enum=GroupKind.values),
    OpenApiParameter(
        "member", OpenApiTypes.STR, description="Only groups with this place (code) as a member"
    ),
    OpenApiParameter("defined_by", OpenApiTypes.STR, description="Who defines it: UN, CBD..."),
    LANG,
]
SLUG = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(
        summary="List groups of places with their members", parameters=GROUP_FILTERS
    ),
    retrieve=extend_schema(summary="One group", parameters=[SLUG, LANG]),
)
class GroupViewSet(LocalisedViewSet):
    serializer_class = GroupSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[PlaceGroup]:
        params = self.request.query_params
        return queries.groups(
            kind=choice(self.request, "kind", GroupKind.values),
            member=params.get("member") or None,
            defined_by=params.get("defined_by") or None,
        ).prefetch_related(Prefetch("members", queryset=Place.objects.order_by("code")))


@extend_schema_view(
    list=extend_schema(summary="List weight sets (population, area...)", parameters=[LANG]),
    retrieve=extend_schema(
        summary="One weight set with its value per place", parameters=[SLUG, LANG]
    ),
)
class WeightSetViewSet(LocalisedViewSet):
    lookup_field = "slug"

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return WeightSetDetailSerializer if self.action == "retrieve" else WeightSetSerializer

    def get_queryset(self) -> QuerySet[WeightSet]:
        return queries.weight_sets()


@extend_schema_view(
    list=extend_schema(
        summary="List weights, one row per weight set and place",
        parameters=[
            OpenApiParameter(
                "set", OpenApiTypes.STR, description="Weight set slug: population, area"
            ),
            OpenApiParameter("place", OpenApiTypes.STR, description="Place code (any code form)"),
            LANG,
        ],
    ),
)
class WeightViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Weights as rows, for tables and CSV; a weight set's own page holds them as a mapping."""

    serializer_class = WeightSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "lang": language(self.request)}

    def get_queryset(self) -> QuerySet[Weight]:
        params = self.request.query_params
        return queries.weights(
            weight_set=params.get("set") or None, place=params.get("place") or None
        )


def register(router: BaseRouter) -> None:
    # Prefixed names: the pages own place-list, place-detail, group-list and group-detail.
    router.register("places", PlaceViewSet, basename="api-place")
    router.register("groups", GroupViewSet, basename="api-group")
    router.register("weight-sets", WeightSetViewSet, basename="api-weight-set")
    router.register("weights", WeightViewSet, basename="api-weight")
