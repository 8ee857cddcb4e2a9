"""REST endpoints for commitments of non-state actors.

Reads show only the commitments the reader may see (``queries.visible_commitments``);
any other is a 404. Writes go through the actions of ``meadow.commitments.actions``
for a signed-in user (session or API token): register, edit (with the version the
edit started from: an older one is a 409), submit, review, withdraw, report progress.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields as dataclass_fields
from dataclasses import replace
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotAuthenticated, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from meadow.commitments import actions, queries
from meadow.commitments.models import (
    ActorType,
    Commitment,
    CommitmentReview,
    Coverage,
    Decision,
    ProgressReport,
    Status,
)
from meadow.core.api import LANG_PARAMETER, LocalisedText, SixLanguageText, choice, language
from meadow.parties import roles

T = TypeVar("T")

SECRETARIAT = "secretariat"


class ConflictError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


# The API's names of the six-language fields (plural: every language) and the actions' own.
INPUT_NAMES = {
    "titles": "title",
    "descriptions": "description",
    "resources_texts": "resources",
    "texts": "text",
}
API_NAMES = {value: key for key, value in INPUT_NAMES.items()}


def _input(values: Mapping[str, Any]) -> dict[str, Any]:
    return {INPUT_NAMES.get(key, key): value for key, value in values.items()}


# Serializers ------------------------------------------------------------------------------


class ReviewSerializer(serializers.ModelSerializer):
    country = serializers.SerializerMethodField(
        help_text="Country code of the reviewing country; null: the CBD secretariat"
    )
    by = serializers.SerializerMethodField(
        help_text="User name of who decided, shown to the team of the reviewing country, "
        "the secretariat and administrators; null for everyone else"
    )

    class Meta:
        model = CommitmentReview
        fields = ["round", "country", "decision", "comment", "by", "at"]
        read_only_fields = fields

    def get_country(self, obj: CommitmentReview) -> str | None:
        return obj.country.code if obj.country else None

    def get_by(self, obj: CommitmentReview) -> str | None:
        actor = self.context.get("actor")
        return queries.reviewer_name(obj, actor) if actor is not None else None


class ProgressReportSerializer(serializers.ModelSerializer):
    text = LocalisedText(help_text="The report in the requested language")
    texts = SixLanguageText(source="text", help_text="The report in each of the six UN languages")

    class Meta:
        model = ProgressReport
        fields = ["id", "year", "text", "texts", "percent_complete", "at"]
        read_only_fields = fields


class CommitmentSerializer(serializers.ModelSerializer):
    uid = serializers.CharField(read_only=True, help_text="commitment/<code>")
    url = serializers.CharField(source="get_absolute_url", read_only=True, help_text="Page")
    title = LocalisedText(help_text="Title in the requested language")
    titles = SixLanguageText(source="title", help_text="Title in each of the six UN languages")
    description = LocalisedText()
    descriptions = SixLanguageText(source="description")
    resources = LocalisedText(help_text="Resources committed, in the requested language")
    resources_texts = SixLanguageText(source="resources")
    countries = serializers.SerializerMethodField(help_text="ISO alpha-3 codes covered")
    gbf_targets = serializers.SerializerMethodField(help_text="uids of the GBF targets served")
    mine = serializers.SerializerMethodField(help_text="The reader registered it")

    class Meta:
        model = Commitment
        fields = [
            "code",
            "uid",
            "url",
            "actor_name",
            "actor_type",
            "title",
            "titles",
            "description",
            "descriptions",
            "coverage",
            "countries",
            "gbf_targets",
            "start_year",
            "end_year",
            "resources",
            "resources_texts",
            "amount",
            "currency",
            "website",
            "status",
            "version",
            "mine",
            "created_at",
            "updated_at",
            "submitted_at",
            "published_at",
        ]
        read_only_fields = fields

    def get_countries(self, obj: Commitment) -> list[str]:
        return sorted(p.code for p in obj.countries.all())

    def get_gbf_targets(self, obj: Commitment) -> list[str]:
        return [e.uid for e in obj.gbf_targets.all()]

    def get_mine(self, obj: Commitment) -> bool:
        actor = self.context.get("actor")
        return actor is not None and obj.owner_id == roles.user_id(actor)


class CommitmentDetailSerializer(CommitmentSerializer):
    national_targets = serializers.SerializerMethodField(
        help_text="uids of the national targets served (those the reader may see)"
    )
    awaiting_review = serializers.SerializerMethodField(
        help_text="While submitted: the countries whose decision is awaited "
        '("secretariat": the CBD secretariat, for a global commitment)'
    )
    reviews = serializers.SerializerMethodField()
    progress_reports = serializers.SerializerMethodField()

    class Meta(CommitmentSerializer.Meta):
        fields = [
            *CommitmentSerializer.Meta.fields,
            "national_targets",
            "awaiting_review",
            "reviews",
            "progress_reports",
        ]
        read_only_fields = fields

    def get_national_targets(self, obj: Commitment) -> list[str]:
        actor = self.context.get("actor")
        return [t.uid for t in queries.national_targets(obj, actor)] if actor else []

    def get_awaiting_review(self, obj: Commitment) -> list[str]:
        return [part or SECRETARIAT for part in queries.pending_parts(obj)]

    @extend_schema_field(ReviewSerializer(many=True))
    def get_reviews(self, obj: Commitment) -> list[dict[str, Any]]:
        return list(ReviewSerializer(queries.reviews(obj), many=True, context=self.context).data)

    @extend_schema_field(ProgressReportSerializer(many=True))
    def get_progress_reports(self, obj: Commitment) -> list[dict[str, Any]]:
        items = queries.progress_reports(obj)
        return list(ProgressReportSerializer(items, many=True, context=self.context).data)


class ReviewOutcomeSerializer(serializers.Serializer):
    commitment = serializers.CharField(read_only=True, help_text="The commitment's code")
    status = serializers.ChoiceField(
        choices=Status.choices, read_only=True, help_text="Its state after the decision"
    )
    review = ReviewSerializer(read_only=True)


class CommitmentWriteSerializer(serializers.Serializer):
    """A commitment as registered; the checks of its values are the actions' own."""

    actor_name = serializers.CharField(max_length=200)
    actor_type = serializers.ChoiceField(choices=ActorType.choices)
    titles = serializers.DictField(
        child=serializers.CharField(allow_blank=True), help_text="Language code -> title"
    )
    descriptions = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="Language code -> description",
    )
    coverage = serializers.ChoiceField(choices=Coverage.choices)
    countries = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="ISO alpha-3 codes: one for a national commitment, two or more for a "
        "multi-country one, none for a global one",
    )
    gbf_targets = serializers.ListField(
        child=serializers.CharField(), help_text="GBF target uids (gbf/target/3) or numbers"
    )
    national_targets = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="uids of published national targets of the countries covered "
        "(place/KEN/target/T1)",
    )
    start_year = serializers.IntegerField(min_value=1990, max_value=2100)
    end_year = serializers.IntegerField(
        min_value=1990, max_value=2100, required=False, allow_null=True
    )
    resources_texts = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="Language code -> the resources committed, in words",
    )
    amount = serializers.DecimalField(
        max_digits=18, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    website = serializers.CharField(max_length=500, required=False, allow_blank=True)

    def to_representation(self, instance: Any) -> Any:
        """A commitment in the shape it is written in (for the browsable API's forms)."""
        if not isinstance(instance, Commitment):
            return super().to_representation(instance)
        data = actions.CommitmentInput.of(instance)
        values: dict[str, Any] = {
            field.name: getattr(data, field.name) for field in dataclass_fields(data)
        }
        for api_name, name in INPUT_NAMES.items():
            if name in values:
                values[api_name] = values.pop(name)
        values["countries"] = list(values["countries"])
        values["gbf_targets"] = list(values["gbf_targets"])
        values["national_targets"] = list(values["national_targets"])
        values["amount"] = None if data.amount is None else str(data.amount)
        if "version" in self.fields:
            values["version"] = instance.version
        return values


class CommitmentUpdateSerializer(CommitmentWriteSerializer):
    version = serializers.IntegerField(
        min_value=1, max_value=10**9, help_text="The version the edit started from"
    )


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        max_value=10**9,
        required=False,
        help_text="The version the owner saw; refused with 409 when it changed since",
    )


class ReviewInputSerializer(serializers.Serializer):
    country = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="The country whose part is decided (ISO alpha-3); empty or null for "
        "a global commitment (the CBD secretariat)",
    )
    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(required=False, allow_blank=True)


class ProgressReportInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    texts = serializers.DictField(
        child=serializers.CharField(allow_blank=True), help_text="Language code -> the report"
    )
    percent_complete = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True
    )


# Views ------------------------------------------------------------------------------------


def _run(call: Callable[[], T]) -> T:
    """Run an action; its refusals become the API's answers, named by the API's fields."""
    try:
        return call()
    except actions.Conflict as exc:
        raise ConflictError(
            {"detail": str(exc), "version": str(exc.current)}, code="conflict"
        ) from None
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            errors = {API_NAMES.get(k, k): v for k, v in exc.message_dict.items()}
            raise ValidationError(errors) from None
        raise ValidationError({"detail": exc.messages}) from None


COMMITMENT_FILTERS = [
    OpenApiParameter("country", OpenApiTypes.STR, description="Covers this country (ISO3)"),
    OpenApiParameter(
        "gbf_target", OpenApiTypes.STR, description="Serves this GBF target: uid or number"
    ),
    OpenApiParameter("actor_type", OpenApiTypes.STR, enum=ActorType.values),
    OpenApiParameter("coverage", OpenApiTypes.STR, enum=Coverage.values),
    OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values),
    OpenApiParameter("mine", OpenApiTypes.BOOL, description="true: only the reader's own"),
    LANG_PARAMETER,
]
NOT_FOUND = OpenApiResponse(description="No such commitment, or not one the reader may see")
REFUSED = OpenApiResponse(description="Not signed in, or not allowed to do this")
INVALID = OpenApiResponse(description="Invalid values, each named by field")
CONFLICT = OpenApiResponse(description="Changed since the version given: reload and redo")


@extend_schema_view(
    list=extend_schema(
        summary="List the commitments the reader may see",
        description="The public sees published commitments; the owner also their own; "
        "the teams of the countries covered those submitted for review; the secretariat "
        "and administrators all of them.",
        parameters=COMMITMENT_FILTERS,
    ),
    retrieve=extend_schema(
        summary="One commitment with its reviews and progress reports",
        parameters=[LANG_PARAMETER],
        responses={200: CommitmentDetailSerializer, 404: NOT_FOUND},
    ),
)
class CommitmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Commitments of non-state actors towards the GBF targets and national targets."""

    lookup_field = "code"
    lookup_value_regex = r"[-a-z0-9_]+"

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        classes: dict[str, type[serializers.BaseSerializer]] = {
            "list": CommitmentSerializer,
            "create": CommitmentWriteSerializer,
            "update": CommitmentUpdateSerializer,
            "partial_update": CommitmentUpdateSerializer,
            "submit": VersionSerializer,
            "withdraw": VersionSerializer,
            "review": ReviewInputSerializer,
            "progress_reports": ProgressReportInputSerializer,
        }
        return classes.get(self.action or "", CommitmentDetailSerializer)

    def get_serializer_context(self) -> dict[str, Any]:
        return {
            **super().get_serializer_context(),
            "actor": self.request.user,
            "lang": language(self.request),
        }

    def get_queryset(self) -> QuerySet[Commitment]:
        qs = queries.commitments(self.request.user)
        if self.action != "list":
            return qs
        params = self.request.query_params
        qs = queries.filtered(
            qs,
            country=params.get("country") or None,
            gbf_target=params.get("gbf_target") or None,
            actor_type=choice(self.request, "actor_type", ActorType.values),
            coverage=choice(self.request, "coverage", Coverage.values),
            status=choice(self.request, "status", Status.values),
        )
        if params.get("mine", "").lower() in ("1", "true", "yes"):
            qs = qs.filter(owner_id=roles.user_id(self.request.user) or -1)
        return qs

    def _signed_in(self) -> Any:
        if not self.request.user.is_authenticated:
            raise NotAuthenticated()
        return self.request.user

    def _detail(self, commitment: Commitment, code: int = status.HTTP_200_OK) -> Response:
        fresh = queries.commitment(commitment.code, self.request.user)
        data = CommitmentDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=code)

    @extend_schema(
        summary="Register a commitment (a draft of the signed-in user's)",
        request=CommitmentWriteSerializer,
        responses={201: CommitmentDetailSerializer, 400: INVALID, 403: REFUSED},
    )
    def create(self, request: Request) -> Response:
        actor = self._signed_in()
        body = CommitmentWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = actions.CommitmentInput(**_input(body.validated_data))
        commitment = _run(lambda: actions.create(data, actor=actor, source="api"))
        return self._detail(commitment, status.HTTP_201_CREATED)

    def _update(self, request: Request, *, partial: bool) -> Response:
        actor = self._signed_in()
        commitment = self.get_object()
        body = CommitmentUpdateSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        if "version" not in values:
            raise ValidationError({"version": [_("This field is required.")]})
        version = values.pop("version")
        data = replace(actions.CommitmentInput.of(commitment), **_input(values))
        updated = _run(
            lambda: actions.update(
                commitment,
                data,
                actor=actor,
                owner_id=commitment.owner_id,
                version=version,
                source="api",
            )
        )
        return self._detail(updated)

    @extend_schema(
        summary="Edit a draft or returned commitment (owner only)",
        request=CommitmentUpdateSerializer,
        responses={
            200: CommitmentDetailSerializer,
            400: INVALID,
            403: REFUSED,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def update(self, request: Request, code: str | None = None) -> Response:
        return self._update(request, partial=False)

    @extend_schema(
        summary="Edit some fields of a draft or returned commitment (owner only)",
        request=CommitmentUpdateSerializer,
        responses={
            200: CommitmentDetailSerializer,
            400: INVALID,
            403: REFUSED,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def partial_update(self, request: Request, code: str | None = None) -> Response:
        return self._update(request, partial=True)

    @extend_schema(
        summary="Submit a draft or returned commitment for review (owner only)",
        request=VersionSerializer,
        responses={
            200: CommitmentDetailSerializer,
            400: INVALID,
            403: REFUSED,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, code: str | None = None) -> Response:
        return self._owner_step(request, actions.submit)

    @extend_schema(
        summary="Withdraw a commitment (owner only)",
        request=VersionSerializer,
        responses={
            200: CommitmentDetailSerializer,
            400: INVALID,
            403: REFUSED,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, code: str | None = None) -> Response:
        return self._owner_step(request, actions.withdraw)

    def _owner_step(self, request: Request, step: Any) -> Response:
        """Submit or withdraw (``step``), from the version the owner saw."""
        actor = self._signed_in()
        commitment = self.get_object()
        body = VersionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = _run(
            lambda: step(
                commitment,
                actor=actor,
                owner_id=commitment.owner_id,
                version=body.validated_data.get("version"),
                source="api",
            )
        )
        return self._detail(done)

    @extend_schema(
        summary="Approve or return a submitted commitment for one country",
        description="The focal point or publishing authority of a country the commitment "
        "covers decides for that country; the CBD secretariat decides on a global "
        "commitment (country empty). Returning needs a comment. The commitment is "
        "published once every country concerned has approved.",
        request=ReviewInputSerializer,
        responses={
            200: ReviewOutcomeSerializer,
            400: INVALID,
            403: REFUSED,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, code: str | None = None) -> Response:
        actor = self._signed_in()
        commitment = self.get_object()
        body = ReviewInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        country = (body.validated_data.get("country") or "").strip().upper() or None
        entry = _run(
            lambda: actions.review(
                commitment,
                actor=actor,
                country=country,
                decision=body.validated_data["decision"],
                comment=body.validated_data.get("comment", ""),
                source="api",
            )
        )
        outcome = {
            "commitment": commitment.code,
            "status": entry.commitment.status,
            "review": entry,
        }
        return Response(
            ReviewOutcomeSerializer(outcome, context=self.get_serializer_context()).data
        )

    @extend_schema(
        methods=["GET"],
        summary="A commitment's progress reports, newest first",
        parameters=[LANG_PARAMETER],
        responses={200: ProgressReportSerializer(many=True), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Report progress on a published commitment (owner only)",
        request=ProgressReportInputSerializer,
        responses={
            201: ProgressReportSerializer,
            400: INVALID,
            403: REFUSED,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get", "post"], url_path="progress-reports")
    def progress_reports(self, request: Request, code: str | None = None) -> Response:
        commitment = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            page = self.paginate_queryset(queries.progress_reports(commitment))
            data = ProgressReportSerializer(page, many=True, context=context).data
            return self.get_paginated_response(data)
        actor = self._signed_in()
        body = ProgressReportInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = _run(
            lambda: actions.add_progress_report(
                commitment,
                actor=actor,
                owner_id=commitment.owner_id,
                year=body.validated_data["year"],
                text=body.validated_data["texts"],
                percent_complete=body.validated_data.get("percent_complete"),
                source="api",
            )
        )
        return Response(
            ProgressReportSerializer(report, context=context).data, status=status.HTTP_201_CREATED
        )


def register(router: BaseRouter) -> None:
    """Add this app's routes to the API router."""
    router.register("commitments", CommitmentViewSet, basename="commitment")
