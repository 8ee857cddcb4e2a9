"""REST endpoint for polling background jobs."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.routers import BaseRouter

from meadow.core.api import choice
from meadow.jobs import queries
from meadow.jobs.models import Job


class JobSerializer(serializers.ModelSerializer):
    created_by = serializers.SerializerMethodField(
        help_text="User name of who started it; null for the system"
    )
    percent = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="done / total as a percentage, when known"
    )
    finished = serializers.BooleanField(read_only=True, help_text="Done or failed")
    result = serializers.JSONField(
        read_only=True, allow_null=True, help_text="What the job returned (or its error list)"
    )

    class Meta:
        model = Job
        fields = [
            "id",
            "uid",
            "kind",
            "status",
            "finished",
            "stage",
            "done",
            "total",
            "percent",
            "result",
            "error",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_created_by(self, obj: Job) -> str | None:
        return obj.created_by.get_username() if obj.created_by else None

    def to_representation(self, instance: Job) -> dict[str, Any]:
        return super().to_representation(instance.live())


@extend_schema_view(
    list=extend_schema(
        summary="List background jobs",
        description=(
            "Staff see every job; others see the system's jobs and their own. Newest first."
        ),
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, description="e.g. import"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=Job.Status.values),
        ],
    ),
    retrieve=extend_schema(
        summary="One background job, with its live progress (poll this while it runs)"
    ),
)
class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Background work (imports...) with its progress; poll a job until it has finished."""

    serializer_class = JobSerializer

    def get_queryset(self) -> QuerySet[Job]:
        jobs = queries.visible_to(self.request.user)
        if self.action != "list":
            return jobs
        kind = self.request.query_params.get("kind")
        if kind:
            jobs = jobs.filter(kind=kind)
        status = choice(self.request, "status", Job.Status.values)
        if status:
            jobs = jobs.filter(status=status)
        return jobs


def register(router: BaseRouter) -> None:
    router.register("jobs", JobViewSet, basename="job")
