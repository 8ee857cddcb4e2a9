"""REST endpoints for frameworks, elements and relations (read-only)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.routers import BaseRouter

from meadow.core import i18n
from meadow.frameworks import queries
from meadow.frameworks.models import (
    Element,
    Framework,
    IndicatorKind,
    Level,
    Relation,
    RelationType,
)

LANG = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    enum=list(i18n.CONTENT_LANGUAGES),
    description="Language of the flattened text fields (falls back to English).",
)


def _lang(request: Request) -> str:
    value = request.query_params.get("lang")
    if not value:
        return i18n.current()
    try:
        return i18n.normalise(value)
    except ValueError:
        message = _("%(value)r is not one of the six UN languages (%(codes)s)") % {
            "value": value,
            "codes": ", ".join(i18n.CONTENT_LANGUAGES),
        }
        raise ValidationError({"lang": [message]}) from None


def _choice(request: Request, name: str, choices: list[str]) -> str | None:
    value = request.query_params.get(name)
    if value and value not in choices:
        message = _("%(value)r is not one of: %(choices)s") % {
            "value": value,
            "choices": ", ".join(choices),
        }
        raise ValidationError({name: [message]})
    return value or None


class MultilingualField(serializers.DictField):
    """A six-language text: a mapping of language code to text."""

    child = serializers.CharField()


class FrameworkSerializer(serializers.ModelSerializer):
    name = MultilingualField()
    description = MultilingualField()
    name_text = serializers.SerializerMethodField()
    elements = serializers.IntegerField(source="element_count", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Framework
        fields = [
            "slug",
            "name",
            "name_text",
            "description",
            "version",
            "source",
            "source_url",
            "licence",
            "elements",
            "url",
        ]

    def get_name_text(self, obj: Framework) -> str:
        return i18n.text(obj.name, self.context.get("lang"))

    def get_url(self, obj: Framework) -> str:
        return obj.get_absolute_url()


class ElementSerializer(serializers.ModelSerializer):
    framework: serializers.SlugRelatedField[Framework] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    parent: serializers.SlugRelatedField[Element] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="uid", read_only=True, allow_null=True
    )
    order = serializers.IntegerField(read_only=True, help_text="Position in the framework")
    title = MultilingualField()
    short_title = MultilingualField()
    text = MultilingualField()
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    title_text = serializers.SerializerMethodField(help_text="Title in the requested language")
    text_language = serializers.SerializerMethodField(
        help_text="Language the title_text is in (differs from lang when it fell back)"
    )
    url = serializers.SerializerMethodField(help_text="Page of the element")

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
            "short_title",
            "text",
            "title_text",
            "text_language",
            "source_uri",
            "url",
        ]

    def get_label(self, obj: Element) -> str:
        return obj.label(self.context.get("lang"))

    def get_title_text(self, obj: Element) -> str:
        return i18n.pick(obj.title, self.context.get("lang"))[0]

    def get_text_language(self, obj: Element) -> str:
        return i18n.pick(obj.title, self.context.get("lang"))[1]

    def get_url(self, obj: Element) -> str:
        return obj.get_absolute_url()


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


class MultilingualViewSet(viewsets.ReadOnlyModelViewSet):
    """Read-only endpoints whose text fields follow the ``lang`` parameter."""

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "lang": _lang(self.request)}


@extend_schema_view(
    list=extend_schema(summary="List frameworks", parameters=[LANG]),
    retrieve=extend_schema(summary="One framework", parameters=[LANG]),
)
class FrameworkViewSet(MultilingualViewSet):
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
class ElementViewSet(MultilingualViewSet):
    lookup_field = "uid"
    lookup_value_regex = r"[a-z0-9-]+/[a-z-]+/[A-Za-z0-9.]+"

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return ElementDetailSerializer if self.action == "retrieve" else ElementSerializer

    def get_queryset(self) -> QuerySet[Element]:
        params = self.request.query_params
        qs = queries.elements(
            framework=params.get("framework") or None,
            level=_choice(self.request, "level", Level.values),
            kind=_choice(self.request, "kind", IndicatorKind.values),
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
            type=_choice(self.request, "type", RelationType.values),
            origin=params.get("origin") or None,
        )


def register(router: BaseRouter) -> None:
    router.register("frameworks", FrameworkViewSet, basename="framework")
    router.register("elements", ElementViewSet, basename="element")
    router.register("relations", RelationViewSet, basename="relation")
