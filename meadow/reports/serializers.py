"""The shapes of the national reports API: templates, reports, answers, workflow, history.

Output serializers describe what the views build (from ``document.assemble``, the
workflow's transitions and snapshots, ``review``'s evaluation); input serializers check
the shape of what clients send before an action checks its meaning. Names start with
``Report`` so that the OpenAPI components do not clash with other apps' ones.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from meadow.core import i18n
from meadow.core.api import LocalisedText, SixLanguageText
from meadow.reports import workflow
from meadow.reports.models import Concept, Template

STATE_HELP = "draft, in-review, approved, submitted or published"
LEVEL_HELP = "blocker (stops approval and submission), error (stops approval without a "
LEVEL_HELP += "reason) or warning"


# Templates ------------------------------------------------------------------------------


class ReportTemplateSerializer(serializers.ModelSerializer):
    ref = serializers.SerializerMethodField(
        help_text="code/version: the template's address in this API (cbd-nr7/2026.1)"
    )
    uid = serializers.CharField(read_only=True)
    convention = serializers.CharField(source="convention.code", read_only=True)
    title = SixLanguageText(help_text="Title in each of the six UN languages")
    title_text = LocalisedText(source="title", help_text="Title in the requested language")
    questions = serializers.SerializerMethodField(help_text="How many questions it asks")

    class Meta:
        model = Template
        fields = [
            "ref",
            "uid",
            "code",
            "version",
            "convention",
            "title",
            "title_text",
            "cycle",
            "deadline",
            "illustrative",
            "digest",
            "questions",
            "loaded_at",
        ]
        read_only_fields = fields

    def get_ref(self, obj: Template) -> str:
        return f"{obj.code}/{obj.version}"

    def get_questions(self, obj: Template) -> int:
        counted = getattr(obj, "n_questions", None)
        return int(counted) if counted is not None else obj.questions.count()


class ReportConceptSerializer(serializers.ModelSerializer):
    type = serializers.CharField(
        read_only=True,
        help_text="text, rich-text, number, date, choice, multiple-choice, yes-no, table, "
        "indicator-data, national-targets or attachments",
    )
    title = SixLanguageText()
    title_text = LocalisedText(source="title")
    description = SixLanguageText()
    options = serializers.JSONField(read_only=True, help_text="[{value, title{lang: text}}]")
    columns = serializers.JSONField(
        read_only=True, help_text="[{key, type, title{lang: text}, options?}]"
    )
    indicator = serializers.CharField(
        source="indicator.uid",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="For indicator data: the GBF indicator (gbf/indicator/A.1)",
    )

    class Meta:
        model = Concept
        fields = [
            "uid",
            "type",
            "title",
            "title_text",
            "description",
            "unit",
            "options",
            "columns",
            "indicator",
            "defined_by",
        ]
        read_only_fields = fields


class ReportTemplateDetailSerializer(ReportTemplateSerializer):
    document = serializers.JSONField(
        read_only=True,
        help_text="The whole template as loaded (meadow-report-template/1): sections, "
        "their questions, conditions and rules",
    )
    concepts = serializers.SerializerMethodField(help_text="Every concept its questions ask")

    class Meta(ReportTemplateSerializer.Meta):
        fields = [*ReportTemplateSerializer.Meta.fields, "source", "document", "concepts"]
        read_only_fields = fields

    @extend_schema_field(ReportConceptSerializer(many=True))
    def get_concepts(self, obj: Template) -> list[dict[str, Any]]:
        concepts = (
            Concept.objects.filter(questions__template=obj)
            .select_related("indicator")
            .distinct()
            .order_by("uid")
        )
        return list(ReportConceptSerializer(concepts, many=True, context=self.context).data)


class ReportTemplateFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A template file: .yaml, .yml or .json")


class ReportTemplateProblemSerializer(serializers.Serializer):
    file = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)
    path = serializers.CharField(
        allow_blank=True, help_text="Where in the file: sections[2].questions[4].concept"
    )
    message = serializers.CharField()


class ReportTemplateCheckSerializer(serializers.Serializer):
    file = serializers.CharField(help_text="The name of the file checked")
    ok = serializers.BooleanField(help_text="No problem: the file would load")
    problems = ReportTemplateProblemSerializer(many=True)


class ReportTemplateLoadSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text="false: the identical file was loaded before")
    template = ReportTemplateSerializer()
    concepts_created = serializers.ListField(child=serializers.CharField())


# Reports --------------------------------------------------------------------------------


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    uid = serializers.CharField(help_text="report/<template>/<cycle>/<country>")
    country = serializers.CharField(help_text="ISO alpha-3 code")
    country_name = serializers.CharField(help_text="In the requested language")
    template = serializers.CharField(help_text="The template's code (cbd-nr7)")
    template_version = serializers.CharField()
    template_ref = serializers.CharField(help_text="code/version, its address in this API")
    template_title = serializers.CharField(help_text="In the requested language")
    convention = serializers.CharField()
    cycle = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    state = serializers.CharField(help_text=STATE_HELP)
    created_at = serializers.DateTimeField()


class ReportSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    number = serializers.CharField()
    title = serializers.CharField(help_text="In the requested language")
    shown = serializers.IntegerField(help_text="Questions shown (their conditions hold)")
    answered = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="answered / shown, in per cent")
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="Keys of required questions not answered"
    )
    blockers = serializers.IntegerField()
    errors = serializers.IntegerField()  # type: ignore[assignment]
    warnings = serializers.IntegerField()
    complete = serializers.BooleanField(help_text="Nothing missing, no blocker, no error")
    assignees = serializers.ListField(child=serializers.CharField())


class ReportSnapshotSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="1 for the first submission, 2 ...")
    digest = serializers.CharField(help_text="SHA-256 of the canonical JSON of the content")
    at = serializers.DateTimeField()
    verified = serializers.BooleanField(help_text="The content still has this digest")


class ReportSnapshotDetailSerializer(ReportSnapshotSerializer):
    content = serializers.JSONField(
        help_text="What was submitted: every question with its answer and fact version"
    )


class ReportTransitionSerializer(serializers.Serializer):
    """One step of the workflow (``from`` and ``to`` are states)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "name": serializers.CharField(help_text="submit-for-review, approve, submit ..."),
            "from": serializers.CharField(source="from_state", help_text=STATE_HELP),
            "to": serializers.CharField(source="to_state", help_text=STATE_HELP),
            "reason": serializers.CharField(
                allow_null=True,
                help_text="Why; null for readers outside the country's team, the secretariat "
                "and administrators",
            ),
            "actor": serializers.CharField(
                allow_null=True,
                help_text="Who took the step; null for readers outside the country's team, "
                "the secretariat and administrators",
            ),
            "at": serializers.DateTimeField(),
        }


class ReportAssignmentSerializer(serializers.Serializer):
    section = serializers.CharField()
    username = serializers.CharField()
    at = serializers.DateTimeField()
    by = serializers.CharField(allow_blank=True, help_text="Who assigned it")


class ReportCommentCountSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    open = serializers.IntegerField(help_text="Not resolved yet")


class ReportDetailSerializer(ReportSerializer):
    template_digest = serializers.CharField()
    sections = ReportSectionSerializer(many=True, help_text="Completeness, section by section")
    snapshots = ReportSnapshotSerializer(many=True)
    transitions = ReportTransitionSerializer(many=True, help_text="The history, oldest first")
    assignments = ReportAssignmentSerializer(
        many=True, help_text="Empty for readers outside the country's team"
    )
    comments = ReportCommentCountSerializer(
        allow_null=True, help_text="null for readers outside the country's team"
    )
    steps = serializers.ListField(
        child=serializers.CharField(),
        help_text="The workflow steps the reader may take now (rules aside)",
    )


class ReportOpenSerializer(serializers.Serializer):
    country = serializers.CharField(help_text="ISO alpha-3 code (KEN)")
    template = serializers.CharField(
        help_text="The template's code (cbd-nr7: its latest version) or code@version"
    )
    cycle = serializers.CharField(
        required=False, allow_blank=True, help_text="Default: the template's cycle"
    )


# Answers --------------------------------------------------------------------------------


class ReportIssueSerializer(serializers.Serializer):
    level = serializers.CharField(help_text=LEVEL_HELP)
    kind = serializers.CharField(help_text="required, range, length, pattern or compare")
    message = serializers.CharField(help_text="In the requested language")
    params = serializers.JSONField(help_text="The figures the message is made of")


class ReportOptionSerializer(serializers.Serializer):
    value = serializers.CharField()
    title = serializers.CharField(help_text="In the requested language")


class ReportSeriesSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    unit = serializers.CharField(allow_blank=True)
    points = serializers.JSONField(help_text="[year, value] pairs")


class ReportAnswerSerializer(serializers.Serializer):
    key = serializers.CharField()
    number = serializers.CharField(allow_blank=True)
    section = serializers.CharField()
    title = serializers.CharField(help_text="The question, in the requested language")
    concept = serializers.CharField(help_text="The concept (the fact) it asks for")
    type = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    options = ReportOptionSerializer(many=True, help_text="For choices")
    columns = serializers.JSONField(help_text="For tables: [{key, type, title, options?}]")
    value = serializers.JSONField(allow_null=True, help_text="The answer; null: none")
    answered = serializers.BooleanField()
    fact_version = serializers.IntegerField(
        help_text="The fact's version (0: none yet); send it back with a change"
    )
    shown = serializers.BooleanField(help_text="Its condition holds (else it is not asked)")
    required = serializers.BooleanField()  # type: ignore[assignment]
    issues = ReportIssueSerializer(many=True)
    source = serializers.CharField(  # type: ignore[assignment]
        allow_blank=True, help_text="Where the answer was entered"
    )
    prefilled_from = serializers.CharField(
        allow_blank=True, help_text="Set when it was entered elsewhere (another report)"
    )
    also_in = serializers.ListField(
        child=serializers.CharField(), help_text="Other templates asking it (code@version)"
    )
    updated_at = serializers.DateTimeField(allow_null=True)
    updated_by = serializers.CharField(allow_blank=True)
    series = ReportSeriesSerializer(many=True, help_text="For indicator data")


class ReportAnswerInputSerializer(serializers.Serializer):
    value = serializers.JSONField(
        allow_null=True,
        help_text="The answer in its type's format (text, number, YYYY-MM-DD, option "
        "value, list of option values, true/false, list of rows...); null clears it",
    )
    version = serializers.IntegerField(
        min_value=0,
        help_text="The fact_version the answer was made from (0: there was none); a "
        "stale one is refused with 409",
    )


class ReportFactVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    value = serializers.JSONField(allow_null=True)
    actor = serializers.CharField(allow_blank=True)
    at = serializers.CharField(allow_blank=True, help_text="ISO 8601 date and time")
    source = serializers.CharField(allow_blank=True)  # type: ignore[assignment]


class ReportConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    yours = serializers.JSONField(allow_null=True, help_text="The value you sent, as checked")
    theirs = ReportFactVersionSerializer(help_text="The fact as it now stands")


class ReportHistorySerializer(serializers.Serializer):
    version = serializers.IntegerField()
    value = serializers.JSONField(allow_null=True)
    actor = serializers.CharField()
    at = serializers.DateTimeField()
    source = serializers.CharField(allow_blank=True)  # type: ignore[assignment]


# Validation and workflow ----------------------------------------------------------------


class ReportValidationIssueSerializer(ReportIssueSerializer):
    question = serializers.CharField(help_text="The question's key")
    number = serializers.CharField(allow_blank=True)
    section = serializers.CharField()


class ReportIssueCountSerializer(serializers.Serializer):
    blocker = serializers.IntegerField()
    error = serializers.IntegerField()
    warning = serializers.IntegerField()


class ReportReadinessSerializer(serializers.Serializer):
    no_blockers = serializers.BooleanField(
        help_text="Nothing stops approval (with a reason) and submission"
    )
    no_errors = serializers.BooleanField(help_text="Approval needs no reason")


class ReportValidationSerializer(serializers.Serializer):
    report = serializers.IntegerField()
    state = serializers.CharField(help_text=STATE_HELP)
    counts = ReportIssueCountSerializer(help_text="Issues by level")
    ready_to_submit = ReportReadinessSerializer()
    issues = ReportValidationIssueSerializer(many=True)


class ReportStepSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=list(workflow.STEPS))
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Why: required to send back, unsubmit and return; lets an approval go "
        "ahead with errors",
    )


class ReportStepDoneSerializer(serializers.Serializer):
    state = serializers.CharField(help_text="The report's state after the step")
    transition = ReportTransitionSerializer()
    snapshot = ReportSnapshotSerializer(allow_null=True, help_text="Made by a submission")


class ReportStepRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    issues = ReportValidationIssueSerializer(
        many=True, help_text="For approve and submit: the issues that stop it"
    )


# Comments and assignments ---------------------------------------------------------------


class ReportCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    question = serializers.CharField(allow_blank=True, help_text="Empty: the whole report")
    text = serializers.CharField()
    actor = serializers.CharField()
    at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolved_by = serializers.CharField(allow_blank=True)


class ReportCommentInputSerializer(serializers.Serializer):
    question = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="A question's key; empty: the report",
    )
    text = serializers.CharField()


class ReportAssignmentInputSerializer(serializers.Serializer):
    section = serializers.CharField(help_text="A section's key (I, II, IV.B ...)")
    username = serializers.CharField()


# Differences ----------------------------------------------------------------------------


class ReportSideSerializer(serializers.Serializer):
    report = serializers.IntegerField()
    template = serializers.CharField(help_text="code@version")
    cycle = serializers.CharField()
    snapshot = serializers.IntegerField(
        allow_null=True, help_text="The snapshot compared; null: the answers as they stand"
    )


class ReportChangeSerializer(serializers.Serializer):
    concept = serializers.CharField()
    question = serializers.CharField()
    number = serializers.CharField(allow_blank=True)
    kind = serializers.CharField(help_text="added, removed or changed")
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class ReportDiffSerializer(serializers.Serializer):
    before = ReportSideSerializer(
        allow_null=True, help_text="null: there is no earlier report the reader may read"
    )
    after = ReportSideSerializer()
    changes = ReportChangeSerializer(many=True)


def option_rows(options: list[dict[str, Any]], lang: str) -> list[dict[str, str]]:
    """A concept's options with their titles in one language."""
    return [
        {"value": str(o.get("value")), "title": i18n.text(o.get("title") or {}, lang)}
        for o in options
    ]
