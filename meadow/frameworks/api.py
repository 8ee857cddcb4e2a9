"""REST endpoints for frameworks, elements and relations (read-only)."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.routers import BaseRouter

from meadow.core import i18n
from meadow.core.api import (
    LANG_PARAMETER,
    LocalisedText,
    LocalisedViewSet,
    SixLanguageText,
    choice,
)
from meadow.frameworks import queries
from meadow.frameworks.models import (
    Element,
    Framework,
    IndicatorKind,
    Level,
    Relation,
    RelationType,
)

LANG = LANG_PARAMETER


class FrameworkSerializer(serializers.ModelSerializer):
    name = LocalisedText(help_text="Name in the requested language")
    names = SixLanguageText(source="name", help_text="Name in each of the six UN languages")
    description = LocalisedText()
    descriptions = SixLanguageText(source="description")
    elements = serializers.IntegerField(source="element_count", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Framework
        fields = [
            "slug",
            "name",
            "names",
            "description",
            "descriptions",
            "version",
            "source",
            "source_url",
            "licence",
            "elements",
            "url",
        ]


class ElementSerializer(serializers.ModelSerializer):
    framework: serializers.SlugRelatedField[Framework] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    parent: serializers.SlugRelatedField[Element] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="uid", read_only=True, allow_null=True
    )
    order = serializers.IntegerField(read_only=True, help_text="Position in the framework")
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    title = LocalisedText(help_text="Title in the requested language")
    titles = SixLanguageText(source="title", help_text="Title in each of the six UN languages")
    language = serializers.SerializerMethodField(
        help_text="Language the title is given in (differs from lang when it fell back)"
    )
    short_title = LocalisedText()
    short_titles = SixLanguageText(source="short_title")
    text = LocalisedText(help_text="Official text in the requested language")
    texts = SixLanguageText(source="text")
    url = serializers.CharField(
        source="get_absolute_url", read_only=True, help_text="Page of the element"
    )

    class Meta:
        model = Element
        fields = [
            "uid",
            "framework",
            "level",
            "kind",
            "code",
            "parent",
            "order",
            "label",
            "title",
            "titles",
            "language",
            "short_title",
            "short_titles",
            "text",
            "texts",
            "source_uri",
            "url",
        ]

    def get_label(self, obj: Element) -> str:
        return obj.label(self.context.get("lang"))

    def get_language(self, obj: Element) -> str:
        return i18n.pick(obj.title, self.context.get("lang"))[1]


class LinkSerializer(serializers.Serializer):
    type = serializers.CharField()
    direction = serializers.ChoiceField(choices=["out", "in"])
    element = serializers.CharField(help_text="uid of the linked element")
    framework = serializers.CharField()


class ElementDetailSerializer(ElementSerializer):
    extra = serializers.DictField()
    links = serializers.SerializerMethodField()

    class Meta(ElementSerializer.Meta):
        fields = [*ElementSerializer.Meta.fields, "extra", "links"]

    @extend_schema_field(LinkSerializer(many=True))
    def get_links(self, obj: Element) -> list[dict[str, str]]:
        links = []
        for (rel_type, direction), elements in queries.linked(obj).items():
            for other in elements:
                links.append(
                    {
                        "type": rel_type,
                        "direction": direction,
                        "element": other.uid,
                        "framework": other.framework.slug,
                    }
                )
        return sorted(links, key=lambda link: (link["type"], link["direction"], link["element"]))


class RelationSerializer(serializers.ModelSerializer):
    subject: serializers.SlugRelatedField[Element] = serializers.SlugRelatedField(
        slug_field="uid", read_only=True
    )
    object: serializers.SlugRelatedField[Element] = serializers.SlugRelatedField(
        slug_field="uid", read_only=True
    )

    class Meta:
        model = Relation
        fields = ["id", "subject", "type", "object", "origin", "source", "confidence", "note"]


@extend_schema_view(
    list=extend_schema(summary="List frameworks", parameters=[LANG]),
    retrieve=extend_schema(summary="One framework", parameters=[LANG]),
)
class FrameworkViewSet(LocalisedViewSet):
    serializer_class = FrameworkSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Framework]:
        return (
            queries.frameworks().annotate(element_count=Count("elements")).order_by("order", "slug")
        )


ELEMENT_FILTERS = [
    OpenApiParameter("framework", OpenApiTypes.STR, description="Framework slug: gbf, aichi, sdg"),
    OpenApiParameter("level", OpenApiTypes.STR, enum=Level.values),
    OpenApiParameter(
        "kind", OpenApiTypes.STR, enum=IndicatorKind.values, description="GBF indicator role"
    ),
    OpenApiParameter("code", OpenApiTypes.STR, description="Element code, e.g. 3 or 15.1.1"),
    OpenApiParameter("parent", OpenApiTypes.STR, description="uid of the parent element"),
    OpenApiParameter("uid", OpenApiTypes.STR, description="Stable identifier, e.g. gbf/target/3"),
    LANG,
]


@extend_schema_view(
    list=extend_schema(summary="List elements", parameters=ELEMENT_FILTERS),
    retrieve=extend_schema(
        summary="One element with its links to other elements",
        parameters=[
            OpenApiParameter(
                "uid",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="Stable identifier, e.g. gbf/target/3",
            ),
            LANG,
        ],
    ),
)
class ElementViewSet(LocalisedViewSet):
    lookup_field = "uid"
    lookup_value_regex = r"[a-z0-9-]+/[a-z-]+/[A-Za-z0-9.]+"

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return ElementDetailSerializer if self.action == "retrieve" else ElementSerializer

    def get_queryset(self) -> QuerySet[Element]:
        params = self.request.query_params
        qs = queries.elements(
            framework=params.get("framework") or None,
            level=choice(self.request, "level", Level.values),
            kind=choice(self.request, "kind", IndicatorKind.values),
            code=params.get("code") or None,
            parent=params.get("parent") or None,
        )
        if params.get("uid"):
            qs = qs.filter(uid=params["uid"])
        return qs


@extend_schema_view(
    list=extend_schema(
        summary="List relations between elements",
        parameters=[
            OpenApiParameter(
                "framework",
                OpenApiTypes.STR,
                description="Relations with an element of this framework on either side",
            ),
            OpenApiParameter(
                "element",
                OpenApiTypes.STR,
                description="Relations with this element (uid) on either side",
            ),
            OpenApiParameter("type", OpenApiTypes.STR, enum=RelationType.values),
            OpenApiParameter(
                "origin",
                OpenApiTypes.STR,
                description="Loader or curator: gbf-ontology, gbf-crosswalk...",
            ),
        ],
    ),
    retrieve=extend_schema(summary="One relation"),
)
class RelationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RelationSerializer

    def get_queryset(self) -> QuerySet[Relation]:
        params = self.request.query_params
        return queries.relations(
            element=params.get("element") or None,
            framework=params.get("framework") or None,
            type=choice(self.request, "type", RelationType.values),
            origin=params.get("origin") or None,
        )


def register(router: BaseRouter) -> None:
    router.register("frameworks", FrameworkViewSet, basename="framework")
    router.register("elements", ElementViewSet, basename="element")
    router.register("relations", RelationViewSet, basename="relation")
