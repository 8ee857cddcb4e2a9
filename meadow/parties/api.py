"""REST endpoints: conventions and their Parties, who am I, and the audit log (read-only).

The audit log answers with what the ``audit.view`` policy allows: a country's entries
for its team, the secretariat and administrators (a 404 for anyone else, as for any
record they may not see); without a country, the whole log for administrators and
secretariat staff, the entries of one's own countries for a team member, and nothing
for the public.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from meadow.audit.models import AuditEntry
from meadow.core import policies
from meadow.core.api import (
    LANG_PARAMETER,
    LocalisedText,
    LocalisedViewSet,
    SixLanguageText,
    language,
)
from meadow.parties import queries, roles
from meadow.parties.models import Convention, Party, Role

# Conventions and Parties -----------------------------------------------------------------


class ConventionSerializer(serializers.ModelSerializer):
    name = LocalisedText(help_text="Name in the requested language")
    names = SixLanguageText(source="name", help_text="Name in each of the six UN languages")
    parent = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text="Code of the convention a protocol belongs to"
    )
    protocols = serializers.SerializerMethodField(help_text="Codes of its protocols")
    party_count = serializers.IntegerField(read_only=True, help_text="Parties listed")
    website = serializers.URLField(source="url", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True, help_text="Its page")

    class Meta:
        model = Convention
        fields = [
            "uid",
            "code",
            "acronym",
            "name",
            "names",
            "adopted",
            "entered_into_force",
            "parent",
            "protocols",
            "party_count",
            "website",
            "url",
        ]

    def get_parent(self, obj: Convention) -> str | None:
        return obj.parent.code if obj.parent else None

    def get_protocols(self, obj: Convention) -> list[str]:
        return [p.code for p in obj.protocols.all()]


CONVENTION_CODE = OpenApiParameter(
    "code", OpenApiTypes.STR, OpenApiParameter.PATH, description="cbd, cartagena, ramsar..."
)


@extend_schema_view(
    list=extend_schema(
        summary="List the conventions and protocols with their number of Parties",
        parameters=[LANG_PARAMETER],
    ),
    retrieve=extend_schema(summary="One convention", parameters=[CONVENTION_CODE, LANG_PARAMETER]),
)
class ConventionViewSet(LocalisedViewSet):
    serializer_class = ConventionSerializer
    lookup_field = "code"
    lookup_value_regex = r"[a-z0-9-]+"

    def get_queryset(self) -> QuerySet[Convention]:
        return queries.conventions()


class PartySerializer(serializers.ModelSerializer):
    convention: serializers.SlugRelatedField[Convention] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    country = serializers.CharField(source="place.code", read_only=True, help_text="ISO alpha-3")
    country_name = serializers.SerializerMethodField(
        help_text="Country name in the requested language"
    )

    class Meta:
        model = Party
        fields = ["convention", "country", "country_name", "since", "source"]

    def get_country_name(self, obj: Party) -> str:
        return obj.place.label(self.context.get("lang"))


@extend_schema_view(
    list=extend_schema(
        summary="List the Parties to the conventions (country and date of becoming a Party)",
        parameters=[
            OpenApiParameter("convention", OpenApiTypes.STR, description="Convention code: cbd"),
            OpenApiParameter("country", OpenApiTypes.STR, description="ISO alpha-3 code: GBR"),
            LANG_PARAMETER,
        ],
    ),
)
class PartyViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = PartySerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "lang": language(self.request)}

    def get_queryset(self) -> QuerySet[Party]:
        params = self.request.query_params
        return queries.parties(
            convention=params.get("convention") or None, country=params.get("country") or None
        )


# Who am I --------------------------------------------------------------------------------


class CountryRolesSerializer(serializers.Serializer):
    country = serializers.CharField(help_text="ISO alpha-3 code")
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), help_text="Roles held there"
    )


class TokenScopeSerializer(serializers.Serializer):
    country = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)


@extend_schema_serializer(many=False)
class MeSerializer(serializers.Serializer):
    is_authenticated = serializers.BooleanField()
    username = serializers.CharField(allow_null=True)
    is_admin = serializers.BooleanField(help_text="Administrator (never through a token)")
    countries = CountryRolesSerializer(many=True, help_text="Roles per country")
    secretariat = serializers.ListField(
        child=serializers.CharField(), help_text="Conventions whose secretariat one works for"
    )
    token = TokenScopeSerializer(
        allow_null=True, help_text="The API token's scope, when signed in with one"
    )


def who(actor: Any) -> dict[str, Any]:
    scope = roles.token_scope(actor)
    signed_in = roles.signed_in(actor)
    return {
        "is_authenticated": signed_in,
        "username": actor.get_username() if signed_in else None,
        "is_admin": roles.is_admin(actor) if signed_in else False,
        "countries": [
            {"country": code, "roles": [r for r in Role.values if r in held]}
            for code, held in sorted(roles.country_roles(actor).items())
        ],
        "secretariat": sorted(roles.secretariats(actor)),
        "token": {"country": scope.country, "role": scope.role} if scope else None,
    }


class MeViewSet(viewsets.ViewSet):
    """Who the request acts as: the signed-in person or the API token's owner and scope."""

    @extend_schema(
        summary="Who am I: user name, roles per country, secretariats, token scope",
        responses=MeSerializer,
    )
    def list(self, request: Request) -> Response:
        return Response(MeSerializer(who(request.user)).data)


# The audit log -----------------------------------------------------------------------------


class AuditEntrySerializer(serializers.ModelSerializer):
    changed_fields = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Fields whose value changed"
    )
    before = serializers.JSONField(read_only=True, allow_null=True)
    after = serializers.JSONField(read_only=True, allow_null=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor",
            "action",
            "object_type",
            "object_uid",
            "country",
            "changed_fields",
            "before",
            "after",
            "source",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="The audit log: who changed what and when, with the values before and after",
        description=(
            "A country's entries are read by its team, the secretariat and administrators "
            "(404 for anyone else). Without `country`: the whole log for administrators and "
            "secretariat staff, the entries of one's own countries for a team member, "
            "nothing for the public. Newest first."
        ),
        parameters=[
            OpenApiParameter("country", OpenApiTypes.STR, description="ISO alpha-3 code: GBR"),
            OpenApiParameter(
                "object_uid",
                OpenApiTypes.STR,
                description="Only the entries of this record, e.g. party/GBR/team/alice",
            ),
        ],
    ),
)
class AuditEntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = AuditEntrySerializer

    def get_queryset(self) -> QuerySet[AuditEntry]:
        params = self.request.query_params
        country = (params.get("country") or "").strip().upper() or None
        actor = self.request.user
        if country is not None and not policies.require("audit.view")(actor, country=country):
            raise NotFound(_("No such country, or its history is not yours to read."))
        return queries.history(
            actor, country=country, object_uid=(params.get("object_uid") or "").strip() or None
        )


def register(router: BaseRouter) -> None:
    router.register("conventions", ConventionViewSet, basename="api-convention")
    router.register("parties", PartyViewSet, basename="api-party")
    router.register("me", MeViewSet, basename="api-me")
    router.register("audit", AuditEntryViewSet, basename="api-audit")
