"""REST endpoints for national reports: templates, reports, answers, workflow, history.

Reads go through ``access``: a published report is public (as its latest snapshot froze
it); before that a report is read by the country's team, the secretariat and
administrators. A report the reader may not read is "not found" (404), never
"forbidden". Comments, assignments and the history of answers are the team's working
material: readers of a published report outside the team are refused them (401/403).

Writes call the actions (``workflow``, ``editing``, ``loaders``): a refusal by a policy
is 403 (401 for a visitor), a stale ``version`` of an answer 409 with both versions,
a step the state or the template's rules do not allow 400 with the reason and issues.
Machine clients use an API token (``Authorization: Bearer``): a contributor's token
answers questions and asks for review, a publishing authority's approves and submits.
"""

from __future__ import annotations

import importlib
import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, NotFound, ValidationError
from rest_framework.exceptions import PermissionDenied as Forbidden
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.views import APIView

from meadow.core import i18n, policies
from meadow.core.actors import Actor
from meadow.core.api import LANG_PARAMETER, LocalisedViewSet, choice, language
from meadow.parties import roles
from meadow.places.models import Place, PlaceKind
from meadow.reports import (
    access,
    compare,
    document,
    editing,
    facts,
    loaders,
    review,
    rules,
    workflow,
)
from meadow.reports import serializers as s
from meadow.reports import templates_io as io
from meadow.reports.models import Comment, Report, Snapshot, Template, Transition

# A template file is a few hundred kilobytes (the CBD's 7th report: about 400 kB).
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
EXPORT_FORMATS = ("pdf", "docx", "xlsx", "json")
# How ``policies.check`` words a refusal (for the log, not for people).
POLICY_REFUSAL = re.compile(r" may not do this \([\w.-]+\)$")


def _may(name: str, actor: Actor, **context: Any) -> bool:
    """Whether the named policy lets the actor go on (to say which steps are open)."""
    try:
        policies.check(name, actor, **context)
    except PermissionDenied:
        return False
    return True


def _refuse(request: Request, message: str) -> None:
    """A visitor is asked to sign in (401); anyone else is told no (403)."""
    if not request.user.is_authenticated:
        raise NotAuthenticated()
    raise Forbidden(message)


def _signed_in(request: Request) -> Any:
    if not request.user.is_authenticated:
        raise NotAuthenticated()
    return request.user


def _content_language(lang: str) -> Any:
    """Meadow's own words (rule messages) in the language the content is read in."""
    return translation.override(i18n.INTERFACE_CODE.get(lang, lang))


class ApiErrors(APIView):
    """Refusals of the actions as the API's answers (shared by both viewsets)."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, facts.Conflict):
            theirs = asdict(exc.theirs)
            detail = _(
                "%(uid)s was changed by %(actor)s (version %(version)s) since you read it: "
                "compare both values and save again."
            ) % {"uid": exc.uid, "actor": theirs["actor"] or "-", "version": theirs["version"]}
            return Response(
                {"detail": detail, "yours": exc.yours, "theirs": theirs},
                status=status.HTTP_409_CONFLICT,
            )
        if isinstance(exc, DjangoValidationError):
            exc = ValidationError({"detail": " ".join(exc.messages)})
        if isinstance(exc, Report.DoesNotExist | Template.DoesNotExist):
            exc = NotFound()
        if isinstance(exc, PermissionDenied):
            if not self.request.user.is_authenticated:
                exc = NotAuthenticated()
            else:
                # The actions' own refusals are worded for people; a policy's is not.
                message = str(exc)
                exc = Forbidden(None if POLICY_REFUSAL.search(message) else message or None)
        return super().handle_exception(exc)


def _export_renderer() -> Any:
    """``meadow.reports.exports.render``, where this installation has it (else None:
    the JSON export is then written here, from ``document.as_json``)."""
    try:
        module = importlib.import_module("meadow.reports.exports")
    except ImportError:
        return None
    return getattr(module, "render", None)


# Templates ------------------------------------------------------------------------------

TEMPLATE_REF = OpenApiParameter(
    "ref",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The template's code and version: cbd-nr7/2026.1 (or cbd-nr7@2026.1)",
)
UPLOAD = {"multipart/form-data": s.ReportTemplateFileSerializer}
PROBLEMS = OpenApiResponse(
    s.ReportTemplateCheckSerializer, description="The file has problems; nothing was loaded"
)


def _problem_rows(problems: list[io.Problem], name: str) -> list[dict[str, Any]]:
    return [{"file": name, "line": p.line, "path": p.path, "message": p.message} for p in problems]


@contextmanager
def _uploaded(request: Request) -> Iterator[tuple[Path, str]]:
    """The uploaded template file saved under its own name in a folder of its own."""
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError({"file": [_("Send the template file in the field file.")]})
    name = Path(str(upload.name or "")).name
    suffix = Path(name).suffix.lower()
    if suffix not in io.SUFFIXES:
        raise ValidationError(
            {
                "file": [
                    _("%(name)s: a template file is .yaml, .yml or .json.") % {"name": name or "-"}
                ]
            }
        )
    if (upload.size or 0) > MAX_TEMPLATE_BYTES:
        raise ValidationError(
            {
                "file": [
                    _("%(name)s: the file is larger than %(size)d MB.")
                    % {"name": name, "size": MAX_TEMPLATE_BYTES // (1024 * 1024)}
                ]
            }
        )
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(name).stem).strip(".-") or "template"
    with tempfile.TemporaryDirectory(prefix="meadow-template-") as folder:
        path = Path(folder) / f"{stem}{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        yield path, name


@extend_schema_view(
    list=extend_schema(
        summary="Report templates",
        description="Every convention's report forms loaded, newest cycles included.",
        parameters=[
            OpenApiParameter("convention", OpenApiTypes.STR, description="cbd, ramsar ..."),
            OpenApiParameter("code", OpenApiTypes.STR, description="cbd-nr7 ..."),
            LANG_PARAMETER,
        ],
    ),
    retrieve=extend_schema(
        summary="One report template with its sections, questions and concepts",
        parameters=[TEMPLATE_REF, LANG_PARAMETER],
        responses={
            200: s.ReportTemplateDetailSerializer,
            404: OpenApiResponse(description="No such template"),
        },
    ),
)
class ReportTemplateViewSet(ApiErrors, LocalisedViewSet):
    """Report templates: read by everyone; checked and loaded from a file."""

    lookup_field = "ref"
    lookup_value_regex = r"[a-z0-9-]+[/@][A-Za-z0-9._-]+"

    def get_serializer_class(self) -> type[Any]:
        if self.action == "retrieve":
            return s.ReportTemplateDetailSerializer
        return s.ReportTemplateSerializer

    def get_queryset(self) -> QuerySet[Template]:
        rows = (
            Template.objects.select_related("convention")
            .annotate(n_questions=Count("questions"))
            .order_by("convention__order", "code", "version")
        )
        params = self.request.query_params
        if params.get("convention"):
            rows = rows.filter(convention__code=params["convention"].strip().lower())
        if params.get("code"):
            rows = rows.filter(code=params["code"].strip())
        return rows

    def get_object(self) -> Template:
        code, version = re.split(r"[/@]", str(self.kwargs["ref"]), maxsplit=1)
        found = self.get_queryset().filter(code=code, version=version).first()
        if found is None:
            raise NotFound(
                _("No template %(code)s@%(version)s.") % {"code": code, "version": version}
            )
        return found

    @extend_schema(
        summary="Check a template file, loading nothing",
        description="Every problem of the file, with the line and the path of the value. "
        "For signed-in users (a secretariat preparing its form, say).",
        request=UPLOAD,
        responses={
            200: s.ReportTemplateCheckSerializer,
            400: OpenApiResponse(description="No file, or not a .yaml, .yml or .json file"),
            401: OpenApiResponse(description="Not signed in"),
        },
    )
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def check(self, request: Request) -> Response:
        _signed_in(request)
        with _uploaded(request) as (path, name):
            problems = loaders.check_template_file(path)
        return Response(
            {"file": name, "ok": not problems, "problems": _problem_rows(problems, name)}
        )

    @extend_schema(
        summary="Load a template file",
        description="All or nothing: a file with any problem loads nothing. Administrators "
        "and the secretariat of the template's convention load templates; the identical "
        "file loaded again changes nothing (200), other content under a loaded version "
        "is refused (give the file a new version).",
        request=UPLOAD,
        responses={
            201: s.ReportTemplateLoadSerializer,
            200: s.ReportTemplateLoadSerializer,
            400: PROBLEMS,
            401: OpenApiResponse(description="Not signed in"),
            403: OpenApiResponse(description="Not an administrator or that secretariat"),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = _signed_in(request)
        with _uploaded(request) as (path, name):
            try:
                parsed = io.read_document(path)
                convention = (
                    parsed.data.get("convention") if isinstance(parsed.data, dict) else None
                )
                if isinstance(convention, str) and convention:
                    # Refused before any check: the file's problems are its authors' business.
                    policies.check("reports.templates.load", actor, convention=convention)
                result = loaders.load_template(path, actor=actor)
            except io.TemplateRejected as exc:
                return Response(
                    {"file": name, "ok": False, "problems": _problem_rows(exc.problems, name)},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        label = (result.templates_created or result.templates_unchanged)[0]
        code, version = label.split("@", 1)
        template = self.get_queryset().get(code=code, version=version)
        created = bool(result.templates_created)
        body = {
            "created": created,
            "template": s.ReportTemplateSerializer(
                template, context=self.get_serializer_context()
            ).data,
            "concepts_created": result.concepts_created,
        }
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# Reports --------------------------------------------------------------------------------

NOT_FOUND = OpenApiResponse(description="No such report, or not one the reader may read")
NOT_SIGNED_IN = OpenApiResponse(description="Not signed in")
FORBIDDEN = OpenApiResponse(description="The reader may not do this for this country")
TEAM_ONLY = OpenApiResponse(
    description="Only the country's team, the secretariat and administrators read this"
)
INVALID = OpenApiResponse(description="Invalid values, each named by field")
KEY = OpenApiParameter(
    "key", OpenApiTypes.STR, OpenApiParameter.PATH, description="The question's key (b_1)"
)
COMMENT_ID = OpenApiParameter("cid", OpenApiTypes.INT, OpenApiParameter.PATH)
SNAPSHOT_NUMBER = OpenApiParameter(
    "number", OpenApiTypes.INT, OpenApiParameter.PATH, description="1, 2 ..."
)
REPORT_FILTERS = [
    OpenApiParameter("country", OpenApiTypes.STR, description="ISO alpha-3 code (KEN)"),
    OpenApiParameter(
        "template", OpenApiTypes.STR, description="A template's code (cbd-nr7) or code@version"
    ),
    OpenApiParameter("cycle", OpenApiTypes.STR, description="2026 ..."),
    OpenApiParameter("state", OpenApiTypes.STR, enum=[*workflow.STATES]),
    LANG_PARAMETER,
]


def _with_state(rows: QuerySet[Report]) -> QuerySet[Report]:
    """Each report with its state (that of its latest transition; a draft without one)."""
    latest = Transition.objects.filter(report=OuterRef("pk")).order_by("-at", "-id")
    return rows.annotate(
        current_state=Coalesce(Subquery(latest.values("to_state")[:1]), Value(workflow.DRAFT))
    )


def _template_of(value: str) -> Template | None:
    """A template named by its code (its latest version), code@version or code/version."""
    code, *rest = re.split(r"[/@]", value.strip(), maxsplit=1)
    rows = Template.objects.filter(code=code)
    if rest and rest[0]:
        return rows.filter(version=rest[0]).first()
    return rows.order_by("-loaded_at", "-id").first()


@extend_schema_view(
    list=extend_schema(
        summary="The reports the reader may read",
        description="Published reports for everyone; the others of the reader's countries "
        "for a country's team, all of them for the secretariat and administrators.",
        parameters=REPORT_FILTERS,
        responses={200: s.ReportSerializer(many=True), 400: INVALID},
    ),
    retrieve=extend_schema(
        summary="One report: state, completeness, snapshots, history",
        parameters=[LANG_PARAMETER],
        responses={200: s.ReportDetailSerializer, 404: NOT_FOUND},
    ),
)
class ReportViewSet(ApiErrors, viewsets.GenericViewSet):
    """A country's national report on a template for a cycle."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = s.ReportSerializer

    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, str]:
        """``?format=`` names an export's format, not one of the API's renderers."""
        if self.action == "export":
            renderer = JSONRenderer()
            return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)

    def get_queryset(self) -> QuerySet[Report]:
        rows = _with_state(access.visible_reports(self.request.user))
        if self.action != "list":
            return rows
        params = self.request.query_params
        if params.get("country"):
            rows = rows.filter(country__code=params["country"].strip().upper())
        if params.get("template"):
            code, _sep, version = params["template"].strip().partition("@")
            rows = rows.filter(template__code=code)
            if version:
                rows = rows.filter(template__version=version)
        if params.get("cycle"):
            rows = rows.filter(cycle=params["cycle"].strip())
        wanted = choice(self.request, "state", list(workflow.STATES))
        if wanted:
            rows = rows.filter(**{"current_state": wanted})  # the annotation above
        return rows.order_by("country__code", "template__code", "cycle", "id")

    def _lang(self) -> str:
        return language(self.request)

    def _report(self) -> Report:
        report = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if report is None or not access.may_read(
            self.request.user, report, getattr(report, "current_state", None)
        ):
            raise NotFound(_("No such report, or not one you may read."))
        return report

    def _team(self, report: Report) -> None:
        """Working material (comments, assignments, answer history) is the team's."""
        if not roles.sees_unpublished(self.request.user, report.country.code):
            _refuse(
                self.request,
                _("Only the country's team, the secretariat and administrators read this."),
            )

    # Shapes ---------------------------------------------------------------------------

    def _summary(self, report: Report, state: str) -> dict[str, Any]:
        lang = self._lang()
        template = report.template
        return {
            "id": report.pk,
            "uid": report.uid,
            "country": report.country.code,
            "country_name": report.country.label(lang),
            "template": template.code,
            "template_version": template.version,
            "template_ref": f"{template.code}/{template.version}",
            "template_title": template.label(lang),
            "convention": template.convention.code,
            "cycle": report.cycle,
            "deadline": template.deadline,
            "state": state,
            "created_at": report.created_at,
        }

    @staticmethod
    def _snapshot(snapshot: Snapshot, content: bool = False) -> dict[str, Any]:
        row: dict[str, Any] = {
            "number": snapshot.number,
            "digest": snapshot.digest,
            "at": snapshot.at,
            "verified": workflow.verify(snapshot),
        }
        if content:
            row["content"] = snapshot.content
        return row

    @staticmethod
    def _transition(step: Transition, team: bool) -> dict[str, Any]:
        return {
            "name": step.name,
            "from_state": step.from_state,
            "to_state": step.to_state,
            "reason": step.reason if team else None,
            "actor": step.actor if team else None,
            "at": step.at,
        }

    def _steps(self, report: Report, state: str) -> list[str]:
        actor = self.request.user
        country = report.country.code
        if not _may("national.read-unpublished", actor, country=country):
            return []
        convention = report.template.convention.code
        return [
            step.name
            for step in workflow.STEPS.values()
            if state in step.sources
            and _may(step.policy, actor, country=country, convention=convention)
        ]

    def _detail(self, report: Report) -> dict[str, Any]:
        state = workflow.state(report)
        lang = self._lang()
        team = roles.sees_unpublished(self.request.user, report.country.code)
        sections = [
            {
                "key": p.key,
                "number": p.number,
                "title": i18n.text(p.title, lang) or p.key,
                "shown": p.shown,
                "answered": p.answered,
                "percent": p.percent,
                "missing": p.missing,
                "blockers": p.blockers,
                "errors": p.errors,
                "warnings": p.warnings,
                "complete": p.complete,
                "assignees": p.assignees if team else [],
            }
            for p in review.completeness(report)
        ]
        comments = None
        if team:
            comments = report.comments.aggregate(
                total=Count("id"), open=Count("id", filter=Q(resolved_at__isnull=True))
            )
        return {
            **self._summary(report, state),
            "template_digest": report.template.digest,
            "sections": sections,
            "snapshots": [self._snapshot(x) for x in report.snapshots.order_by("number")],
            "transitions": [
                self._transition(t, team) for t in report.transitions.order_by("at", "id")
            ],
            "assignments": [
                self._assignment(a)
                for a in report.assignments.select_related("user", "by").order_by(
                    "section", "user__username"
                )
            ]
            if team
            else [],
            "comments": comments,
            "steps": self._steps(report, state),
        }

    @staticmethod
    def _assignment(item: Any) -> dict[str, Any]:
        return {
            "section": item.section,
            "username": item.user.get_username(),
            "at": item.at,
            "by": item.by.get_username() if item.by else "",
        }

    @staticmethod
    def _comment(item: Comment) -> dict[str, Any]:
        return {
            "id": item.pk,
            "question": item.question,
            "text": item.text,
            "actor": item.actor,
            "at": item.at,
            "resolved_at": item.resolved_at,
            "resolved_by": item.resolved_by,
        }

    @staticmethod
    def _issue(issue: rules.Issue, lang: str) -> dict[str, Any]:
        return {
            "level": issue.level,
            "kind": issue.kind,
            "message": review.describe(issue, lang),
            "params": dict(issue.params),
        }

    def _answer(self, view: document.QuestionView, section: str, lang: str) -> dict[str, Any]:
        return {
            "key": view.key,
            "number": view.number,
            "section": section,
            "title": view.label(lang),
            "concept": view.concept,
            "type": view.type,
            "unit": view.unit,
            "options": s.option_rows(view.options, lang),
            "columns": [
                {**column, "title": i18n.text(column.get("title") or {}, lang) or column["key"]}
                for column in view.columns
            ],
            "value": view.value,
            "answered": view.answered,
            "fact_version": view.fact_version,
            "shown": view.shown,
            "required": view.required,
            "issues": [self._issue(issue, lang) for issue in view.issues],
            "source": view.source,
            "prefilled_from": view.prefilled_from,
            "also_in": view.also_in,
            "updated_at": view.updated_at,
            "updated_by": view.updated_by,
            "series": [
                {"label": x.label, "unit": x.unit, "points": [list(p) for p in x.points]}
                for x in view.series
            ],
        }

    def _answers(self, report: Report, key: str | None = None) -> list[dict[str, Any]]:
        lang = self._lang()
        assembled = document.assemble(report)
        with _content_language(lang):
            return [
                self._answer(view, section.key, lang)
                for section in assembled.sections
                for view in section.questions
                if key is None or view.key == key
            ]

    def _validation_issues(
        self, report: Report, evaluation: rules.Evaluation, levels: tuple[str, ...]
    ) -> list[dict[str, Any]]:
        lang = self._lang()
        numbers = dict(report.template.questions.values_list("key", "number"))
        with _content_language(lang):
            return [
                {
                    **self._issue(issue, lang),
                    "question": issue.question,
                    "number": numbers.get(issue.question, ""),
                    "section": evaluation.questions[issue.question].section,
                }
                for issue in evaluation.issues
                if issue.level in levels
            ]

    # Reports --------------------------------------------------------------------------

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = self.get_queryset().select_related("country", "template", "template__convention")
        page = self.paginate_queryset(rows)
        items = page if page is not None else list(rows)
        data = s.ReportSerializer(
            [self._summary(r, getattr(r, "current_state", workflow.DRAFT)) for r in items],
            many=True,
        ).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(s.ReportDetailSerializer(self._detail(self._report())).data)

    @extend_schema(
        summary="Open a country's report on a template (made once, then found)",
        description="The country's focal point, publishing authorities and contributors "
        "(and administrators) open it; 201 when it was made, 200 when it existed.",
        request=s.ReportOpenSerializer,
        responses={
            201: s.ReportDetailSerializer,
            200: s.ReportDetailSerializer,
            400: INVALID,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = _signed_in(request)
        body = s.ReportOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        country = body.validated_data["country"].strip().upper()
        if not Place.objects.filter(code=country, kind=PlaceKind.COUNTRY).exists():
            raise ValidationError(
                {
                    "country": [
                        _("%(code)s is not a country's ISO alpha-3 code.") % {"code": country}
                    ]
                }
            )
        template = _template_of(body.validated_data["template"])
        if template is None:
            raise ValidationError(
                {
                    "template": [
                        _("No template %(name)s is loaded.")
                        % {"name": body.validated_data["template"]}
                    ]
                }
            )
        cycle = (body.validated_data.get("cycle") or "").strip() or template.cycle
        existed = Report.objects.filter(
            country__code=country, template=template, cycle=cycle
        ).exists()
        report = workflow.open_report(actor=actor, country=country, template=template, cycle=cycle)
        return Response(
            s.ReportDetailSerializer(self._detail(report)).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    # Answers --------------------------------------------------------------------------

    @extend_schema(
        summary="Every question of the report with its answer, provenance and issues",
        description="The answers as the report stands: the country's facts while it is "
        "written, the latest snapshot's once submitted. Titles and messages follow "
        "?lang= or Accept-Language.",
        parameters=[LANG_PARAMETER],
        responses={200: s.ReportAnswerSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def answers(self, request: Request, pk: str | None = None) -> Response:
        report = self._report()
        return Response(s.ReportAnswerSerializer(self._answers(report), many=True).data)

    @extend_schema(
        methods=["GET"],
        summary="One question with its answer",
        parameters=[KEY, LANG_PARAMETER],
        responses={200: s.ReportAnswerSerializer, 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["PUT"],
        summary="Answer one question",
        description="The answer becomes the country's fact for the question's concept "
        "(every report asking it shows it). Send the fact_version the answer was made "
        "from: when someone saved in between, nothing changes and 409 gives both values. "
        "A draft is answered by its writers (a section with assignees by them), a report "
        "in review by the focal point and publishing authority.",
        parameters=[KEY, LANG_PARAMETER],
        request=s.ReportAnswerInputSerializer,
        responses={
            200: s.ReportAnswerSerializer,
            400: INVALID,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(
                s.ReportConflictSerializer, description="Changed since that version"
            ),
        },
    )
    @action(detail=True, methods=["get", "put"], url_path=r"answers/(?P<key>[^/]+)")
    def answer(self, request: Request, pk: str | None = None, key: str = "") -> Response:
        report = self._report()
        if not report.template.questions.filter(key=key).exists():
            raise NotFound(_("The report has no question %(key)s.") % {"key": key})
        if request.method == "PUT":
            actor = _signed_in(request)
            body = s.ReportAnswerInputSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            try:
                editing.save_answer(
                    actor=actor,
                    country=report.country.code,
                    report=report,
                    question=key,
                    value=body.validated_data["value"],
                    expected_version=body.validated_data["version"],
                )
            except DjangoValidationError as exc:
                current = workflow.state(report)
                if current not in editing.EDITABLE:
                    raise ValidationError(
                        {"detail": " ".join(exc.messages), "state": current}
                    ) from None
                raise ValidationError({"value": exc.messages}) from None
        return Response(s.ReportAnswerSerializer(self._answers(report, key)[0]).data)

    @extend_schema(
        summary="Every value the answer's fact has had, newest first",
        parameters=[KEY],
        responses={
            200: s.ReportHistorySerializer(many=True),
            401: NOT_SIGNED_IN,
            403: TEAM_ONLY,
            404: NOT_FOUND,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"answers/(?P<key>[^/]+)/history",
        pagination_class=None,
    )
    def answer_history(self, request: Request, pk: str | None = None, key: str = "") -> Response:
        report = self._report()
        question = report.template.questions.select_related("concept").filter(key=key).first()
        if question is None:
            raise NotFound(_("The report has no question %(key)s.") % {"key": key})
        self._team(report)
        rows = [
            {
                "version": v.version,
                "value": v.value,
                "actor": v.actor,
                "at": v.at,
                "source": v.source,
            }
            for v in facts.history(report.country.code, question.concept.uid)
        ]
        return Response(s.ReportHistorySerializer(rows, many=True).data)

    # Validation and workflow ----------------------------------------------------------

    @extend_schema(
        summary="What the template's rules say of the report",
        description="Counts by level and every issue. ready_to_submit.no_blockers: "
        "nothing stops submission; no_errors: approval needs no reason. Validate before "
        "asking for review.",
        parameters=[LANG_PARAMETER],
        responses={200: s.ReportValidationSerializer, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def validate(self, request: Request, pk: str | None = None) -> Response:
        report = self._report()
        state = workflow.state(report)
        evaluation = review.evaluate(report, review.values(report, state))
        counts = {level: evaluation.count(level) for level in rules.LEVELS}
        data = {
            "report": report.pk,
            "state": state,
            "counts": counts,
            "ready_to_submit": {
                "no_blockers": counts[rules.BLOCKER] == 0,
                "no_errors": counts[rules.ERROR] == 0,
            },
            "issues": self._validation_issues(report, evaluation, rules.LEVELS),
        }
        return Response(s.ReportValidationSerializer(data).data)

    @extend_schema(
        methods=["GET"],
        summary="The report's workflow history, oldest first",
        responses={200: s.ReportTransitionSerializer(many=True), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Take a workflow step",
        description="submit-for-review (writers), send-back, approve, submit, unsubmit "
        "(focal point, publishing authority), return and publish (the convention's "
        "secretariat). Blocking issues stop approve and submit; errors stop approve "
        "unless a reason is given. A submission freezes a snapshot.",
        request=s.ReportStepSerializer,
        responses={
            201: s.ReportStepDoneSerializer,
            400: OpenApiResponse(
                s.ReportStepRefusedSerializer,
                description="Not possible from this state, no reason given, or stopped by "
                "the template's rules (the issues are listed)",
            ),
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        report = self._report()
        team = roles.sees_unpublished(request.user, report.country.code)
        if request.method == "GET":
            rows = [self._transition(t, team) for t in report.transitions.order_by("at", "id")]
            return Response(s.ReportTransitionSerializer(rows, many=True).data)
        actor = _signed_in(request)
        body = s.ReportStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        name = body.validated_data["name"]
        reason = body.validated_data.get("reason") or ""
        before = workflow.state(report)
        try:
            moved = workflow.move(
                report, name, actor=actor, country=report.country.code, reason=reason
            )
        except DjangoValidationError as exc:
            issues: list[dict[str, Any]] = []
            if name in workflow.GATED and before in workflow.STEPS[name].sources:
                levels = (rules.BLOCKER, rules.ERROR) if name == "approve" else (rules.BLOCKER,)
                issues = self._validation_issues(report, review.evaluate(report), levels)
            refused = {"detail": " ".join(exc.messages), "issues": issues}
            return Response(
                s.ReportStepRefusedSerializer(refused).data, status=status.HTTP_400_BAD_REQUEST
            )
        snapshot = None
        if moved.to_state == workflow.SUBMITTED:
            latest = review.latest_snapshot(report)
            snapshot = self._snapshot(latest) if latest is not None else None
        done = {
            "state": moved.to_state,
            "transition": self._transition(moved, True),
            "snapshot": snapshot,
        }
        return Response(s.ReportStepDoneSerializer(done).data, status=status.HTTP_201_CREATED)

    # Comments and assignments ---------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="Comments on the report's questions, oldest first",
        parameters=[
            OpenApiParameter("question", OpenApiTypes.STR, description="Only on this question"),
            OpenApiParameter(
                "open", OpenApiTypes.BOOL, description="true: only those not resolved"
            ),
        ],
        responses={
            200: s.ReportCommentSerializer(many=True),
            401: NOT_SIGNED_IN,
            403: TEAM_ONLY,
            404: NOT_FOUND,
        },
    )
    @extend_schema(
        methods=["POST"],
        summary="Comment on a question (or on the whole report)",
        request=s.ReportCommentInputSerializer,
        responses={
            201: s.ReportCommentSerializer,
            400: INVALID,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def comments(self, request: Request, pk: str | None = None) -> Response:
        report = self._report()
        if request.method == "GET":
            self._team(report)
            rows = report.comments.order_by("at", "id")
            if request.query_params.get("question"):
                rows = rows.filter(question=request.query_params["question"])
            if request.query_params.get("open", "").lower() in ("1", "true", "yes"):
                rows = rows.filter(resolved_at__isnull=True)
            return Response(
                s.ReportCommentSerializer([self._comment(c) for c in rows], many=True).data
            )
        actor = _signed_in(request)
        body = s.ReportCommentInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            made = editing.comment(
                actor=actor,
                country=report.country.code,
                report=report,
                question=body.validated_data.get("question") or "",
                text=body.validated_data["text"],
            )
        except DjangoValidationError as exc:
            raise ValidationError({"question": exc.messages}) from None
        return Response(
            s.ReportCommentSerializer(self._comment(made)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Mark a comment as dealt with",
        request=None,
        parameters=[COMMENT_ID],
        responses={
            200: s.ReportCommentSerializer,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path=r"comments/(?P<cid>[0-9]+)/resolve")
    def resolve_comment(self, request: Request, pk: str | None = None, cid: str = "") -> Response:
        report = self._report()
        actor = _signed_in(request)
        item = report.comments.filter(pk=int(cid)).first()
        if item is None:
            raise NotFound(_("The report has no comment %(id)s.") % {"id": cid})
        done = editing.resolve(actor=actor, country=report.country.code, comment=item)
        return Response(s.ReportCommentSerializer(self._comment(done)).data)

    @extend_schema(
        methods=["GET"],
        summary="Who answers which section",
        responses={
            200: s.ReportAssignmentSerializer(many=True),
            401: NOT_SIGNED_IN,
            403: TEAM_ONLY,
            404: NOT_FOUND,
        },
    )
    @extend_schema(
        methods=["POST"],
        summary="Give a section to a member of the team (focal point, publishing authority)",
        request=s.ReportAssignmentInputSerializer,
        responses={
            201: s.ReportAssignmentSerializer,
            400: INVALID,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Take a section back from someone",
        request=s.ReportAssignmentInputSerializer,
        parameters=[
            OpenApiParameter("section", OpenApiTypes.STR, description="Or in the body"),
            OpenApiParameter("username", OpenApiTypes.STR, description="Or in the body"),
        ],
        responses={
            204: None,
            400: INVALID,
            401: NOT_SIGNED_IN,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get", "post", "delete"], pagination_class=None)
    def assignments(self, request: Request, pk: str | None = None) -> Response:
        report = self._report()
        if request.method == "GET":
            self._team(report)
            rows = report.assignments.select_related("user", "by").order_by(
                "section", "user__username"
            )
            return Response(
                s.ReportAssignmentSerializer([self._assignment(a) for a in rows], many=True).data
            )
        actor = _signed_in(request)
        given = request.data if request.data else request.query_params
        body = s.ReportAssignmentInputSerializer(data=given)
        body.is_valid(raise_exception=True)
        section = body.validated_data["section"].strip()
        username = body.validated_data["username"].strip()
        if request.method == "DELETE":
            editing.unassign(
                actor=actor,
                country=report.country.code,
                report=report,
                section=section,
                username=username,
            )
            return Response(status=status.HTTP_204_NO_CONTENT)
        keys = [x["key"] for x in report.template.document.get("sections") or []]
        if section not in keys:
            raise ValidationError(
                {
                    "section": [
                        _("There is no section %(key)s (the sections: %(keys)s).")
                        % {"key": section, "keys": ", ".join(keys)}
                    ]
                }
            )
        try:
            made = editing.assign(
                actor=actor,
                country=report.country.code,
                report=report,
                section=section,
                username=username,
            )
        except DjangoValidationError as exc:
            raise ValidationError({"username": exc.messages}) from None
        made = report.assignments.select_related("user", "by").get(pk=made.pk)
        return Response(
            s.ReportAssignmentSerializer(self._assignment(made)).data,
            status=status.HTTP_201_CREATED,
        )

    # Snapshots and differences --------------------------------------------------------

    @extend_schema(
        summary="The report's snapshots (one per submission) with their digests",
        responses={200: s.ReportSnapshotSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def snapshots(self, request: Request, pk: str | None = None) -> Response:
        report = self._report()
        rows = [self._snapshot(x) for x in self._visible_snapshots(report).order_by("number")]
        return Response(s.ReportSnapshotSerializer(rows, many=True).data)

    @extend_schema(
        summary="One snapshot: what was submitted, its digest, and whether it still matches",
        parameters=[SNAPSHOT_NUMBER],
        responses={200: s.ReportSnapshotDetailSerializer, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path=r"snapshots/(?P<number>[0-9]+)")
    def snapshot(self, request: Request, pk: str | None = None, number: str = "") -> Response:
        report = self._report()
        found = self._visible_snapshots(report).filter(number=int(number)).first()
        if found is None:
            raise NotFound(_("The report has no snapshot %(number)s.") % {"number": number})
        return Response(s.ReportSnapshotDetailSerializer(self._snapshot(found, True)).data)

    def _visible_snapshots(self, report: Report) -> QuerySet[Snapshot]:
        """Every snapshot for the country's team, the secretariat and administrators; for
        anyone else (who reads the report because it is published) only the latest, the
        one that was published: earlier submissions were never made public."""
        snapshots = report.snapshots.all()
        if roles.sees_unpublished(self.request.user, report.country.code):
            return snapshots
        latest = snapshots.order_by("-number").values("number")[:1]
        return snapshots.filter(number__in=latest)

    def _numbered(self, report: Report, snapshot_param: str) -> Snapshot:
        raw = self.request.query_params.get(snapshot_param, "").strip()
        if not raw.isdigit():
            raise ValidationError({snapshot_param: [_("Give a snapshot's number (1, 2 ...).")]})
        found = report.snapshots.filter(number=int(raw)).first()
        if found is None:
            raise ValidationError(
                {snapshot_param: [_("The report has no snapshot %(number)s.") % {"number": raw}]}
            )
        if not self._visible_snapshots(report).filter(pk=found.pk).exists():
            raise NotFound(_("The report has no snapshot %(number)s.") % {"number": raw})
        return found

    @staticmethod
    def _side(report: Report, snapshot: Snapshot | None) -> dict[str, Any]:
        if snapshot is None and workflow.state(report) in review.FROZEN:
            snapshot = review.latest_snapshot(report)
        template = report.template
        return {
            "report": report.pk,
            "template": f"{template.code}@{template.version}",
            "cycle": report.cycle,
            "snapshot": snapshot.number if snapshot is not None else None,
        }

    @extend_schema(
        summary="What changed: since the previous cycle, or between two snapshots",
        description="?cycle=previous (the default): the country's report on the same "
        "convention for the cycle before, if the reader may read it (answers matched by "
        "concept). ?from=1&to=2: two snapshots; ?from=1 alone: snapshot 1 and the report as "
        "it stands.",
        parameters=[
            OpenApiParameter("cycle", OpenApiTypes.STR, enum=["previous"]),
            OpenApiParameter("from", OpenApiTypes.INT, description="A snapshot's number"),
            OpenApiParameter("to", OpenApiTypes.INT, description="A snapshot's number"),
        ],
        responses={200: s.ReportDiffSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def diff(self, request: Request, pk: str | None = None) -> Response:
        report = self._report()
        params = request.query_params
        numbers = dict(report.template.questions.values_list("key", "number"))
        before: dict[str, Any] | None
        if params.get("cycle") and (params.get("from") or params.get("to")):
            raise ValidationError(
                {"detail": _("Compare with the previous cycle or between snapshots, not both.")}
            )
        if params.get("from"):
            first = self._numbered(report, "from")
            before = self._side(report, first)
            if params.get("to"):
                second = self._numbered(report, "to")
                after = self._side(report, second)
                changes = compare.between_snapshots(first, second)
            else:
                after = self._side(report, None)
                changes = compare.diff(
                    list(first.content.get("answers", [])), compare.answers_of(report)
                )
        elif params.get("to"):
            raise ValidationError({"from": [_("Give the snapshot to compare from.")]})
        else:
            if params.get("cycle", "previous") != "previous":
                raise ValidationError({"cycle": [_("The only cycle to compare with: previous.")]})
            earlier = compare.previous(report)
            after = self._side(report, None)
            if earlier is None or not access.may_read(request.user, earlier):
                before, changes = None, []
            else:
                before = self._side(earlier, None)
                numbers = {
                    **dict(earlier.template.questions.values_list("key", "number")),
                    **numbers,
                }
                changes = compare.between_cycles(report, earlier)
        rows = [
            {
                "concept": c.concept,
                "question": c.question,
                "number": numbers.get(c.question, ""),
                "kind": c.kind,
                "before": c.before,
                "after": c.after,
            }
            for c in changes
        ]
        data = {"before": before, "after": after, "changes": rows}
        return Response(s.ReportDiffSerializer(data).data)

    # Exports --------------------------------------------------------------------------

    @extend_schema(
        summary="The report as a file: PDF, Word, Excel or JSON (meadow-report/1)",
        parameters=[
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=[*EXPORT_FORMATS], description="Default json"
            ),
            LANG_PARAMETER,
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="meadow-report/1"
            ),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            (
                200,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ): OpenApiResponse(OpenApiTypes.BINARY),
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiResponse(OpenApiTypes.BINARY),
            400: INVALID,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str | None = None) -> HttpResponse:
        report = self._report()
        fmt = (request.query_params.get("format") or "json").strip().lower()
        if fmt not in EXPORT_FORMATS:
            raise ValidationError(
                {
                    "format": [
                        _("%(value)r is not one of: %(choices)s")
                        % {"value": fmt, "choices": ", ".join(EXPORT_FORMATS)}
                    ]
                }
            )
        lang = language(request)
        assembled = document.assemble(report)
        render = _export_renderer()
        rendered = None
        if render is not None:
            try:
                with _content_language(lang):
                    rendered = render(assembled, fmt, lang)
            except ImportError:  # a format whose library this installation lacks
                rendered = None
        if rendered is not None:
            body, content_type = rendered.content, rendered.content_type
            filename = rendered.filename
        elif fmt == "json":
            content = json.dumps(document.as_json(assembled), ensure_ascii=False, indent=2)
            body, content_type = content.encode("utf-8"), "application/json"
            filename = f"{report.template.code}-{report.cycle}-{report.country.code}.json"
        else:
            raise ValidationError(
                {"format": [_("%(format)s files cannot be made here.") % {"format": fmt}]}
            )
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def register(router: BaseRouter) -> None:
    """Add this app's routes to the API router."""
    router.register("report-templates", ReportTemplateViewSet, basename="report-template")
    router.register("reports", ReportViewSet, basename="national-report")
