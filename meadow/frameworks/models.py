"""Frameworks, their elements and the typed relations between elements of any frameworks."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from meadow.core import i18n


class Level(models.TextChoices):
    """Structural level of an element; it is the middle part of the element's identifier."""

    GOAL = "goal", _("Goal")
    TARGET = "target", _("Target")
    INDICATOR = "indicator", _("Indicator")
    SUB_INDICATOR = "sub-indicator", _("Sub-indicator")


class IndicatorKind(models.TextChoices):
    """Role of a GBF monitoring-framework indicator (decision 16/31)."""

    HEADLINE = "headline", _("Headline")
    BINARY = "binary", _("Binary")
    COMPONENT = "component", _("Component")
    COMPLEMENTARY = "complementary", _("Complementary")


class RelationType(models.TextChoices):
    SAME_AS = "same-as", _("same as")
    BROADER = "broader", _("broader than")
    NARROWER = "narrower", _("narrower than")
    CONTRIBUTES_TO = "contributes-to", _("contributes to")
    PARTIALLY_OVERLAPS = "partially-overlaps", _("partially overlaps")
    RELATED = "related", _("related to")
    HEADLINE_FOR = "headline-indicator-for", _("headline indicator for")
    BINARY_FOR = "binary-indicator-for", _("binary indicator for")
    COMPONENT_FOR = "component-indicator-for", _("component indicator for")
    COMPLEMENTARY_FOR = "complementary-indicator-for", _("complementary indicator for")


# How a relation reads from its object's side.
INVERSE_LABELS: dict[str, Any] = {
    RelationType.SAME_AS: _("same as"),
    RelationType.BROADER: _("narrower than"),
    RelationType.NARROWER: _("broader than"),
    RelationType.CONTRIBUTES_TO: _("receives contributions from"),
    RelationType.PARTIALLY_OVERLAPS: _("partially overlaps"),
    RelationType.RELATED: _("related to"),
    RelationType.HEADLINE_FOR: _("headline indicators"),
    RelationType.BINARY_FOR: _("binary indicators"),
    RelationType.COMPONENT_FOR: _("component indicators"),
    RelationType.COMPLEMENTARY_FOR: _("complementary indicators"),
}

INDICATOR_RELATIONS = {
    RelationType.HEADLINE_FOR: IndicatorKind.HEADLINE,
    RelationType.BINARY_FOR: IndicatorKind.BINARY,
    RelationType.COMPONENT_FOR: IndicatorKind.COMPONENT,
    RelationType.COMPLEMENTARY_FOR: IndicatorKind.COMPLEMENTARY,
}


class Framework(models.Model):
    slug = models.SlugField(max_length=30, unique=True, help_text="gbf, aichi, sdg...")
    name = models.JSONField(default=dict, help_text="Name in the six UN languages")
    description = models.JSONField(default=dict, blank=True)
    version = models.CharField(max_length=50, blank=True)
    source = models.CharField(max_length=500, blank=True, help_text="Document it comes from")
    source_url = models.URLField(max_length=500, blank=True)
    licence = models.CharField(max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.slug

    def get_absolute_url(self) -> str:
        return f"/{self.slug}/"

    @property
    def uid(self) -> str:
        return self.slug

    def label(self, lang: str | None = None) -> str:
        return i18n.text(self.name, lang) or self.slug


class Element(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="elements")
    uid = models.CharField(
        max_length=200, unique=True, help_text="Stable identifier and URL path: gbf/target/3"
    )
    level = models.CharField(max_length=20, choices=Level.choices)
    kind = models.CharField(max_length=20, choices=IndicatorKind.choices, blank=True)
    code = models.CharField(max_length=50)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    order = models.PositiveIntegerField(default=0)
    title = models.JSONField(default=dict)
    short_title = models.JSONField(default=dict, blank=True)
    text = models.JSONField(default=dict, blank=True)
    source_uri = models.CharField(max_length=300, blank=True, help_text="URI in the source")
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["framework__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "level", "code"], name="element_code")
        ]
        indexes = [models.Index(fields=["framework", "level", "order"])]

    def __str__(self) -> str:
        return self.uid

    def get_absolute_url(self) -> str:
        return f"/{self.uid}"

    def label(self, lang: str | None = None) -> str:
        """Short human name, e.g. "Target 3" or "Indicator 15.1.1"."""
        from django.utils import translation

        names = {
            "goal": _("Goal %(code)s"),
            "target": _("Target %(code)s"),
            "indicator": _("Indicator %(code)s"),
            "sub-indicator": _("Sub-indicator %(code)s"),
        }
        if lang:
            with translation.override(i18n.INTERFACE_CODE.get(lang, lang)):
                return str(names[self.level] % {"code": self.code})
        return str(names[self.level] % {"code": self.code})

    def display_title(self, lang: str | None = None) -> str:
        return i18n.text(self.short_title, lang) or i18n.text(self.title, lang)


class Relation(models.Model):
    subject = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="relations_out")
    object = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="relations_in")
    type = models.CharField(max_length=40, choices=RelationType.choices)
    origin = models.CharField(
        max_length=50, help_text="Loader or curator that owns the relation, e.g. gbf-crosswalk"
    )
    source = models.CharField(max_length=500, blank=True, help_text="Document it comes from")
    confidence = models.FloatField(null=True, blank=True, help_text="0 to 1, when stated")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["subject__uid", "type", "object__uid"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "object", "type"], name="relation_unique"),
            models.CheckConstraint(
                condition=models.Q(confidence__isnull=True)
                | (models.Q(confidence__gte=0) & models.Q(confidence__lte=1)),
                name="relation_confidence_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject.uid} {self.type} {self.object.uid}"

    @property
    def key(self) -> str:
        return f"{self.subject.uid} {self.type} {self.object.uid}"
