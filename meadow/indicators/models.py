"""Series, observations, the imports they come from, goals (baseline and target) and results."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meadow.frameworks.models import Element
from meadow.places.models import Place


def series_key(
    indicator_uid: str,
    place_code: str,
    unit: str,
    unit_multiplier: int,
    series_code: str,
    disaggregation: dict[str, str] | tuple[tuple[str, str], ...],
    attributes: dict[str, str] | tuple[tuple[str, str], ...] = (),
) -> str:
    """Stable identity of a series: a hash of everything that tells two series apart."""
    dims = sorted(dict(disaggregation).items())
    attrs = sorted(dict(attributes).items())
    payload = json.dumps(
        [indicator_uid, place_code, unit, unit_multiplier, series_code, dims, attrs],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


class Import(models.Model):
    """One file (or folder) taken in: the provenance of every observation it wrote."""

    class Status(models.TextChoices):
        COMMITTED = "committed", _("Imported")
        REJECTED = "rejected", _("Rejected")
        UNDONE = "undone", _("Undone")

    created_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor = models.CharField(max_length=150)
    format = models.CharField(max_length=30)
    name = models.CharField(max_length=300, help_text="File or folder name")
    checksum = models.CharField(
        max_length=64, help_text="SHA-256 of the file, or of the folder's files"
    )
    size = models.BigIntegerField(default=0)
    files = models.JSONField(default=list, help_text="[{name, sha256, size}] of every file read")
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text="Errors and warnings")
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.pk} {self.name}"

    def get_absolute_url(self) -> str:
        return f"/imports/{self.pk}"

    @property
    def uid(self) -> str:
        return f"import/{self.pk}"


class Series(models.Model):
    key = models.CharField(max_length=32, unique=True, help_text="Hash of the series identity")
    indicator = models.ForeignKey(Element, on_delete=models.PROTECT, related_name="series")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="series")
    unit = models.CharField(max_length=200, blank=True)
    unit_multiplier = models.SmallIntegerField(default=0, help_text="Power of ten: 3 = thousands")
    series_code = models.CharField(max_length=300, blank=True)
    disaggregation = models.JSONField(default=dict, blank=True, help_text="Dimension -> value")
    attributes = models.JSONField(
        default=dict, blank=True, help_text="Other attributes kept verbatim from the source"
    )
    source = models.TextField(blank=True)
    footnote = models.TextField(blank=True)

    class Meta:
        ordering = ["indicator__framework__order", "indicator__order", "place__order", "id"]
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return f"{self.indicator.uid} {self.place.code} {self.disaggregation_label()}"

    def get_absolute_url(self) -> str:
        return f"/series/{self.pk}"

    @property
    def uid(self) -> str:
        return f"series/{self.pk}"

    @property
    def is_total(self) -> bool:
        return not self.disaggregation

    def disaggregation_label(self) -> str:
        return ", ".join(f"{k}: {v}" for k, v in sorted(self.disaggregation.items())) or str(
            _("Total")
        )


class Observation(models.Model):
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="observations")
    period = models.CharField(max_length=60, help_text="Period label as given: 2015, 2014/15")
    ordinal = models.PositiveSmallIntegerField(
        default=0, help_text="1, 2... for rows a file repeats with the same key"
    )
    kind = models.CharField(
        max_length=12, help_text="year, split-year, quarter, month, range, days"
    )
    start = models.DateField()
    end = models.DateField()
    year = models.SmallIntegerField(help_text="Year the period ends in")
    value = models.FloatField()
    status = models.CharField(max_length=100, blank=True)
    comment = models.TextField(blank=True)
    source_import = models.ForeignKey(
        Import, on_delete=models.PROTECT, related_name="observations", null=True, blank=True
    )
    row = models.PositiveIntegerField(null=True, blank=True, help_text="Row in the imported file")

    class Meta:
        ordering = ["series", "end", "start", "period", "ordinal"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "period", "ordinal"], name="observation_unique"
            )
        ]
        indexes = [models.Index(fields=["series", "year"])]

    def __str__(self) -> str:
        return f"{self.series_id} {self.period} {self.value}"


class ImportChange(models.Model):
    """What an import did to one observation: the record that lets it be inspected and undone."""

    class Action(models.TextChoices):
        ADDED = "added", _("Added")
        CHANGED = "changed", _("Changed")
        REMOVED = "removed", _("Removed")

    source_import = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="changes")
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=60)
    ordinal = models.PositiveSmallIntegerField(default=0)
    action = models.CharField(max_length=10, choices=Action.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["source_import", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.series_id} {self.period}"


class IndicatorMetadata(models.Model):
    """Metadata of an indicator in a place as its last import gave it (Open SDG page, layout)."""

    indicator = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="+")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=30)
    fields = models.JSONField(default=dict)
    source_import = models.ForeignKey(Import, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "place", "format"], name="indicator_metadata_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.format} metadata of {self.indicator_id} in {self.place_id}"


class Direction(models.IntegerChoices):
    INCREASE = 1, _("Increase")
    DECREASE = -1, _("Decrease")


class Goal(models.Model):
    """Baseline and target for one series, or for an indicator in a place (all its series)."""

    indicator = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="goals")
    place = models.ForeignKey(
        Place,
        on_delete=models.CASCADE,
        related_name="goals",
        null=True,
        blank=True,
        help_text="Empty: the same goal for every place",
    )
    series = models.OneToOneField(
        Series,
        on_delete=models.CASCADE,
        related_name="goal",
        null=True,
        blank=True,
        help_text="Empty: the goal of every series of the indicator (in the place)",
    )
    direction = models.SmallIntegerField(choices=Direction.choices)
    baseline_year = models.SmallIntegerField(null=True, blank=True)
    baseline_value = models.FloatField(null=True, blank=True)
    target_year = models.SmallIntegerField(null=True, blank=True)
    target_value = models.FloatField(null=True, blank=True)
    natural_limit = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=500, blank=True, help_text="Document or decision")
    source_import = models.ForeignKey(Import, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "place"],
                condition=models.Q(series__isnull=True),
                name="goal_per_indicator_place",
            )
        ]

    def __str__(self) -> str:
        scope = f"series {self.series_id}" if self.series_id else self.indicator.uid
        return f"goal for {scope}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "baseline_year": self.baseline_year,
            "baseline_value": self.baseline_value,
            "target_year": self.target_year,
            "target_value": self.target_value,
            "natural_limit": self.natural_limit,
            "source": self.source,
        }


class Assessment(models.Model):
    """A progress method's result for one series, with the inputs and version it used."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="assessments")
    method = models.CharField(max_length=20)
    version = models.CharField(max_length=20)
    status = models.CharField(max_length=40, help_text="Class label, or why it was not assessed")
    score = models.FloatField(null=True, blank=True)
    inputs = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "method"], name="assessment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.series_id}: {self.status}"


class RollUp(models.Model):
    """A method's result rolled up from series to an indicator, target or goal in a place."""

    element = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="rollups")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="rollups")
    method = models.CharField(max_length=20)
    version = models.CharField(max_length=20)
    status = models.CharField(max_length=40)
    score = models.FloatField(null=True, blank=True)
    series_count = models.PositiveIntegerField(default=0)
    has_target = models.BooleanField(
        default=False, help_text="Every assessed series had a numeric target"
    )
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["element", "place", "method"], name="rollup_unique")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.element_id} in {self.place_id}: {self.status}"
