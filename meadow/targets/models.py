"""National targets, their alignment with GBF goals and targets, and their numbers.

A national target belongs to one country and is a draft until its focal point or
publishing authority publishes it (``meadow.parties.visibility``). Its alignments say
which GBF goals and targets it serves and how fully; its quantitative elements carry
the numbers that the stocktake adds up against the global elements (for instance
"30 % of land and inland waters protected by 2030" under GBF target 3).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meadow.core import i18n
from meadow.parties.visibility import Publication


class Degree(models.TextChoices):
    """How fully a national target covers a global one (the CBD's own three degrees)."""

    FULL = "full", _("Full")
    PARTIAL = "partial", _("Partial")
    MINIMAL = "minimal", _("Minimal")


class Measure(models.TextChoices):
    SHARE = "share", _("Share of a national total (per cent)")
    AMOUNT = "amount", _("Amount (added up as it is)")


class GlobalElement(models.Model):
    """A quantitative element of a global target, e.g. 30 % of land protected by 2030.

    National quantitative elements that contribute to it are added up against it: a
    share (per cent of the country's land area, say) is turned into an amount with
    the weight set named in ``basis`` (area) and summed, and the global value is the
    same share of the world's total; an amount (money, say) is summed as it is.
    """

    code = models.SlugField(max_length=60, unique=True, help_text="gbf-3-land, gbf-19-total ...")
    element = models.ForeignKey(
        "frameworks.Element", on_delete=models.PROTECT, related_name="global_elements"
    )
    name = models.JSONField(default=dict, help_text="Name in the six UN languages")
    measure = models.CharField(max_length=10, choices=Measure.choices)
    unit = models.CharField(max_length=30, help_text="percent, USD per year, ...")
    value = models.FloatField(help_text="The global value: 30 (per cent), 2e11 (USD) ...")
    year = models.PositiveIntegerField()
    basis = models.ForeignKey(
        "places.WeightSet",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For shares: the national totals the share is taken of (land area)",
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.code

    @property
    def uid(self) -> str:
        return f"global-element/{self.code}"

    def label(self, lang: str | None = None) -> str:
        return i18n.text(self.name, lang) or self.code


class NationalTarget(models.Model):
    country = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="national_targets"
    )
    code = models.CharField(max_length=30, help_text="The country's own numbering: T1, NBT-3 ...")
    title = models.JSONField(default=dict, help_text="Title in the six UN languages")
    text = models.JSONField(default=dict, blank=True, help_text="Full text in the six UN languages")
    status = models.CharField(
        max_length=10, choices=Publication.choices, default=Publication.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every change; a save from an older version is refused"
    )
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["country__code", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="national_target_unique"),
        ]

    def __str__(self) -> str:
        return self.uid

    def get_absolute_url(self) -> str:
        return f"/{self.uid}"

    @property
    def uid(self) -> str:
        return f"place/{self.country.code}/target/{self.code}"

    def label(self, lang: str | None = None) -> str:
        return i18n.text(self.title, lang) or self.code

    @property
    def is_published(self) -> bool:
        return self.status == Publication.PUBLISHED


class Alignment(models.Model):
    """A national target serves a GBF goal or target, to a degree, for a stated reason."""

    target = models.ForeignKey(NationalTarget, on_delete=models.CASCADE, related_name="alignments")
    element = models.ForeignKey(
        "frameworks.Element", on_delete=models.PROTECT, related_name="national_alignments"
    )
    degree = models.CharField(max_length=10, choices=Degree.choices)
    explanation = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["target", "element__framework__order", "element__order"]
        constraints = [
            models.UniqueConstraint(fields=["target", "element"], name="alignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.target.uid} -> {self.element.uid} ({self.degree})"


class TargetIndicator(models.Model):
    """An indicator a national target is tracked with: a framework indicator (headline,
    component, complementary) or a national indicator named in the target's own words."""

    target = models.ForeignKey(NationalTarget, on_delete=models.CASCADE, related_name="indicators")
    element = models.ForeignKey(
        "frameworks.Element",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="national_target_uses",
    )
    name = models.JSONField(
        default=dict, blank=True, help_text="For a national indicator: its name"
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["target", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(element__isnull=False) | ~models.Q(name={}),
                name="target_indicator_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target.uid}: {self.element.uid if self.element else i18n.text(self.name)}"


class QuantitativeElement(models.Model):
    """A number a national target commits to, e.g. 30 % of land protected by 2030."""

    target = models.ForeignKey(NationalTarget, on_delete=models.CASCADE, related_name="quantities")
    global_element = models.ForeignKey(
        GlobalElement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
        help_text="The global element it contributes to",
    )
    quantity = models.JSONField(default=dict, help_text="What is counted, in six languages")
    unit = models.CharField(max_length=30)
    value = models.FloatField()
    year = models.PositiveIntegerField(help_text="The year the value is to be reached")
    baseline_value = models.FloatField(null=True, blank=True)
    baseline_year = models.PositiveIntegerField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["target", "order", "id"]

    def __str__(self) -> str:
        return f"{self.target.uid}: {self.value} {self.unit} by {self.year}"
