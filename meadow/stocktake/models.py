"""How each indicator's national series are added up to regions, groups and the world."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_THRESHOLD = 0.5


class RuleKind(models.TextChoices):
    """The rules of ``meadow.analytics.aggregate.Rule``, by name."""

    SUM = "sum", _("Sum")
    MEAN = "mean", _("Mean")
    WEIGHTED_MEAN = "weighted-mean", _("Weighted mean")
    MIN = "min", _("Minimum")
    MAX = "max", _("Maximum")


class Imputation(models.TextChoices):
    """The imputations of ``meadow.analytics.aggregate.Impute``, by name."""

    NONE = "none", _("None")
    GROUP_MEAN = "group-mean", _("Group mean")
    CARRY_FORWARD = "carry-forward", _("Carry the last value forward")


class AggregationRule(models.Model):
    """The aggregation rule of one indicator; an indicator without one gets the defaults.

    The defaults (``meadow.stocktake.aggregation.default_settings``): a plain mean of
    the reporting countries, coverage measured by population, no imputation,
    threshold 0.5.
    """

    indicator = models.OneToOneField(
        "frameworks.Element", on_delete=models.CASCADE, related_name="aggregation_rule"
    )
    rule = models.CharField(max_length=20, choices=RuleKind.choices, default=RuleKind.MEAN)
    weight = models.ForeignKey(
        "places.WeightSet",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Weights of the countries (population, area); empty for none",
    )
    impute = models.CharField(max_length=20, choices=Imputation.choices, default=Imputation.NONE)
    threshold = models.FloatField(
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Share of the group (of its weight) that must report for a value to be shown",
    )
    unit = models.CharField(
        max_length=200,
        blank=True,
        help_text="Unit of the national series to add up; empty: the unit most countries use",
    )
    note = models.TextField(blank=True, help_text="Why this rule")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["indicator__framework__order", "indicator__order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold__gte=0) & models.Q(threshold__lte=1),
                name="aggregation_rule_threshold_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(rule="weighted-mean") | models.Q(weight__isnull=False),
                name="aggregation_rule_weighted_mean_weight",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.rule}"

    @property
    def uid(self) -> str:
        return f"aggregation-rule/{self.indicator.uid}"
