"""Concepts, facts and report templates: the data of "report once".

A *concept* is one question-shaped piece of meaning with a stable identifier and a
type ("the share of land in protected areas", "is there an NBSAP"). A *fact* is one
country's value for a concept, with its whole history. A *template* is one
convention's report form for a cycle: sections and questions, each question bound to
a concept. Two templates that bind a question to the same concept ask for the same
fact, so a country that answers it once has answered it in both.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meadow.core import i18n


class ConceptType(models.TextChoices):
    TEXT = "text", _("Text")
    RICH_TEXT = "rich-text", _("Rich text")
    NUMBER = "number", _("Number with unit")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple-choice", _("Multiple choice")
    YES_NO = "yes-no", _("Yes or no")
    TABLE = "table", _("Table")
    INDICATOR_DATA = "indicator-data", _("Indicator data")
    NATIONAL_TARGETS = "national-targets", _("National targets")
    ATTACHMENTS = "attachments", _("Attachments")


class Concept(models.Model):
    """One question-shaped piece of meaning, shared by every template that asks it."""

    uid = models.CharField(
        max_length=120, unique=True, help_text="Stable identifier: nbsap.status, gbf.binary.b_1"
    )
    type = models.CharField(max_length=20, choices=ConceptType.choices)
    title = models.JSONField(default=dict, help_text="What it means, in the six UN languages")
    description = models.JSONField(default=dict, blank=True)
    unit = models.CharField(max_length=50, blank=True, help_text="For numbers: per cent, km2 ...")
    options = models.JSONField(
        default=list, blank=True, help_text="For choices: [{value, title{lang: text}}]"
    )
    columns = models.JSONField(
        default=list, blank=True, help_text="For tables: [{key, type, title{lang: text}}]"
    )
    indicator = models.ForeignKey(
        "frameworks.Element",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concepts",
        help_text="For indicator data: the indicator",
    )
    defined_by = models.CharField(
        max_length=120, blank=True, help_text="The template (code@version) that declared it"
    )

    class Meta:
        ordering = ["uid"]

    def __str__(self) -> str:
        return self.uid

    def label(self, lang: str | None = None) -> str:
        return i18n.text(self.title, lang) or self.uid


class Template(models.Model):
    """A convention's report form for a cycle, loaded from a validated template file."""

    code = models.SlugField(max_length=60, help_text="cbd-nr7, ramsar-cop15 ...")
    version = models.CharField(max_length=30)
    convention = models.ForeignKey(
        "meadow_parties.Convention", on_delete=models.PROTECT, related_name="templates"
    )
    title = models.JSONField(default=dict)
    cycle = models.CharField(max_length=30, help_text="The reporting cycle: 2026, 2024-2026 ...")
    deadline = models.DateField(null=True, blank=True)
    illustrative = models.BooleanField(
        default=False, help_text="Modelled on the convention's form, not its official template"
    )
    document = models.JSONField(help_text="The whole template, as validated")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the canonical document")
    source = models.CharField(max_length=300, blank=True)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["convention__order", "code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="template_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code}@{self.version}"

    @property
    def uid(self) -> str:
        return f"template/{self.code}/{self.version}"

    def label(self, lang: str | None = None) -> str:
        return i18n.text(self.title, lang) or self.code


class Question(models.Model):
    """Where a template asks for a concept: the index behind "which reports use this"."""

    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(max_length=80)
    number = models.CharField(max_length=30, blank=True)
    section = models.CharField(max_length=80)
    concept = models.ForeignKey(Concept, on_delete=models.PROTECT, related_name="questions")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="question_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.template}#{self.key}"


class Fact(models.Model):
    """A country's present value for a concept; every earlier value is a FactVersion."""

    country = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="facts")
    concept = models.ForeignKey(Concept, on_delete=models.PROTECT, related_name="facts")
    value = models.JSONField(null=True)
    version = models.PositiveIntegerField(default=1)
    source = models.CharField(
        max_length=200, blank=True, help_text="Where it was entered: report/cbd-nr7/2026/KEN ..."
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["country__code", "concept__uid"]
        constraints = [
            models.UniqueConstraint(fields=["country", "concept"], name="fact_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.country.code} {self.concept.uid} v{self.version}"

    @property
    def uid(self) -> str:
        return f"fact/{self.country.code}/{self.concept.uid}"


class FactVersion(models.Model):
    """One value a fact has had, with who gave it, when and where."""

    fact = models.ForeignKey(Fact, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    value = models.JSONField(null=True)
    source = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.CharField(max_length=150, help_text="User name or system:<process>")

    class Meta:
        ordering = ["fact", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["fact", "version"], name="fact_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.fact} v{self.version}"


class Report(models.Model):
    """A country's report on one template for one cycle; its answers are the facts.

    Its state is not a field: it is the state the latest ``Transition`` led to (a new
    report is a draft), so every change of state is kept with who, when and why.
    """

    country = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="reports")
    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="reports")
    cycle = models.CharField(max_length=30)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["country__code", "template__code", "cycle"]
        constraints = [
            models.UniqueConstraint(fields=["country", "template", "cycle"], name="report_unique"),
        ]

    def __str__(self) -> str:
        return self.uid

    @property
    def uid(self) -> str:
        return f"report/{self.template.code}/{self.cycle}/{self.country.code}"


class Transition(models.Model):
    """One step of a report's workflow."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(max_length=40, help_text="submit-for-review, approve, submit ...")
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    reason = models.TextField(blank=True, help_text="Why (required to unsubmit or return)")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.CharField(max_length=150)

    class Meta:
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return f"{self.report} {self.from_state} -> {self.to_state}"


class Snapshot(models.Model):
    """A submitted report, frozen: its content and the SHA-256 of that content."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="snapshots")
    number = models.PositiveIntegerField(help_text="1 for the first submission, 2 ...")
    content = models.JSONField()
    digest = models.CharField(max_length=64, unique=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="snapshot_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.report} #{self.number} {self.digest[:12]}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("a snapshot is immutable: submit again to make a new one")
        super().save(*args, **kwargs)


class Assignment(models.Model):
    """A section of a report given to a member of the team to answer.

    Once a section has assignees, only they (and the focal point and publishing
    authority) change its answers through this report.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="assignments")
    section = models.CharField(max_length=80)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["report", "section", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["report", "section", "user"], name="assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.section} -> {self.user}"


class Comment(models.Model):
    """A remark on one question of a report (or on the whole report: empty question)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="comments")
    question = models.CharField(max_length=80, blank=True)
    text = models.TextField()
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.CharField(max_length=150)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return f"{self.report}#{self.question or '-'} {self.actor}"
