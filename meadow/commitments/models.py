"""Commitments of non-state actors towards the GBF targets and national targets.

A business, city, NGO or other organisation registers what it commits to: the GBF
targets and the (published) national targets it contributes to, where (one country,
several, or the whole world), when, and with what resources. Once submitted, each
country concerned reviews it (its focal point or publishing authority), or the CBD
secretariat for a global commitment; it is published when every one has approved,
and goes back to its owner as soon as one returns it. A published commitment
collects progress reports from its owner. Who sees what: ``meadow.commitments.queries``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meadow.core import i18n

FIRST_YEAR = 1990
LAST_YEAR = 2100


class ActorType(models.TextChoices):
    BUSINESS = "business", _("Business")
    FINANCIAL_INSTITUTION = "financial-institution", _("Financial institution")
    LOCAL_GOVERNMENT = "local-government", _("City or local government")
    SUBNATIONAL_GOVERNMENT = "subnational-government", _("Subnational government")
    NGO = "ngo", _("Non-governmental organisation")
    IPLC = "iplc", _("Organisation of Indigenous Peoples and local communities")
    ACADEMIA = "academia", _("Academia or research")
    OTHER = "other", _("Other")


class Coverage(models.TextChoices):
    NATIONAL = "national", _("National")
    MULTI_COUNTRY = "multi-country", _("Multi-country")
    GLOBAL = "global", _("Global")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned by a reviewer")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The owner edits a commitment in these states only; a returned one goes back to draft.
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class Commitment(models.Model):
    code = models.SlugField(
        max_length=60, unique=True, help_text="Stable identifier: commitment/<code>"
    )
    actor_name = models.CharField(max_length=200, help_text="The organisation committing")
    actor_type = models.CharField(max_length=30, choices=ActorType.choices, db_index=True)
    title = models.JSONField(default=dict, help_text="Title in the six UN languages")
    description = models.JSONField(default=dict, blank=True)
    coverage = models.CharField(max_length=20, choices=Coverage.choices, db_index=True)
    countries = models.ManyToManyField(
        "places.Place",
        blank=True,
        related_name="commitments",
        help_text="The countries covered (none for a global commitment)",
    )
    gbf_targets = models.ManyToManyField(
        "frameworks.Element", blank=True, related_name="commitments"
    )
    national_targets = models.ManyToManyField(
        "meadow_targets.NationalTarget", blank=True, related_name="commitments"
    )
    start_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    end_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    resources = models.JSONField(
        default=dict, blank=True, help_text="Resources committed, in the six UN languages"
    )
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 code")
    website = models.URLField(max_length=500, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commitments"
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    round = models.PositiveIntegerField(
        default=0, help_text="Review round: raised by every submission"
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every change; a save from an older version is refused"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=models.F("start_year")),
                name="commitment_years_ordered",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="commitment_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.uid

    def get_absolute_url(self) -> str:
        return f"/{self.uid}"

    @property
    def uid(self) -> str:
        return f"commitment/{self.code}"

    def label(self, lang: str | None = None) -> str:
        return i18n.text(self.title, lang) or self.code

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def is_global(self) -> bool:
        return self.coverage == Coverage.GLOBAL


class CommitmentReview(models.Model):
    """A country's (or, for a global commitment, the CBD secretariat's) decision on one
    submission of a commitment."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveIntegerField(help_text="The submission this decision is about")
    country = models.ForeignKey(
        "places.Place",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: the CBD secretariat, for a global commitment",
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["commitment", "-round", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "round", "country"],
                condition=Q(country__isnull=False),
                name="commitment_review_once_per_country",
            ),
            models.UniqueConstraint(
                fields=["commitment", "round"],
                condition=Q(country__isnull=True),
                name="commitment_review_once_by_secretariat",
            ),
        ]

    def __str__(self) -> str:
        who = self.country.code if self.country else "secretariat"
        return f"{self.commitment.uid} round {self.round}: {who} {self.decision}"


class ProgressReport(models.Model):
    """What the owner of a published commitment reports it has achieved; public at once."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="progress_reports"
    )
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
        help_text="The year reported on",
    )
    text = models.JSONField(default=dict, help_text="The report in the six UN languages")
    percent_complete = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["commitment", "-year", "-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__isnull=True) | Q(percent_complete__lte=100),
                name="progress_percent_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.uid} progress {self.year}"

    @property
    def uid(self) -> str:
        return f"{self.commitment.uid}/progress/{self.pk}"
