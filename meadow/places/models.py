"""Countries and areas in the M49 tree, groups of places, and weights per place."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from meadow.core import i18n


class PlaceKind(models.TextChoices):
    WORLD = "world", _("World")
    REGION = "region", _("Region")
    SUB_REGION = "sub-region", _("Sub-region")
    INTERMEDIATE_REGION = "intermediate-region", _("Intermediate region")
    COUNTRY = "country", _("Country or area")


class GroupKind(models.TextChoices):
    UN_REGIONAL_GROUP = "un-regional-group", _("UN regional group")
    DEVELOPMENT_STATUS = "development-status", _("Development status")
    CONVENTION_GROUP = "convention-group", _("Convention group")
    CUSTOM = "custom", _("Custom group")


class Place(models.Model):
    """A country or area (code: ISO alpha-3) or an M49 area above countries (code: M49)."""

    code = models.CharField(
        max_length=3, unique=True, help_text="ISO alpha-3 for countries, M49 code for areas"
    )
    kind = models.CharField(max_length=20, choices=PlaceKind.choices, db_index=True)
    m49 = models.CharField("M49 code", max_length=3, unique=True)
    iso2 = models.CharField("ISO alpha-2 code", max_length=2, blank=True)
    iso3 = models.CharField("ISO alpha-3 code", max_length=3, blank=True)
    name = models.JSONField(default=dict, help_text="Name in the six UN languages")
    formal_name = models.JSONField(default=dict, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    lineage = models.CharField(
        max_length=40,
        blank=True,
        db_index=True,
        help_text="M49 codes of the areas above, world first: /001/002/202/014/",
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["iso2"], condition=~models.Q(iso2=""), name="place_iso2_unique"
            ),
            models.UniqueConstraint(
                fields=["iso3"], condition=~models.Q(iso3=""), name="place_iso3_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.uid

    def get_absolute_url(self) -> str:
        return f"/{self.uid}"

    @property
    def uid(self) -> str:
        return f"place/{self.code}"

    def label(self, lang: str | None = None) -> str:
        return i18n.text(self.name, lang) or self.code

    @property
    def is_country(self) -> bool:
        return self.kind == PlaceKind.COUNTRY

    @property
    def ancestor_codes(self) -> list[str]:
        return [code for code in self.lineage.split("/") if code]


class SlugNamed:
    """Shared reading of a model with a slug, a six-language name and description."""

    uid_prefix: str
    slug: str
    name: dict[str, str]
    description: dict[str, str]

    def __str__(self) -> str:
        return self.uid

    def get_absolute_url(self) -> str:
        return f"/{self.uid}"

    @property
    def uid(self) -> str:
        return f"{self.uid_prefix}/{self.slug}"

    def label(self, lang: str | None = None) -> str:
        return i18n.text(self.name, lang) or self.slug

    def description_text(self, lang: str | None = None) -> str:
        return i18n.text(self.description, lang)


class PlaceGroup(SlugNamed, models.Model):
    """A named set of places, defined by the UN, a convention or a curator."""

    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=30, choices=GroupKind.choices, db_index=True)
    defined_by = models.CharField(max_length=100, blank=True, help_text="UN, CBD, ...")
    name = models.JSONField(default=dict, help_text="Name in the six UN languages")
    description = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=500, blank=True, help_text="Where the members come from")
    source_url = models.URLField(max_length=500, blank=True)
    origin = models.CharField(
        max_length=30,
        blank=True,
        help_text="Loader that owns the group (reference data); empty for curated groups",
    )
    order = models.PositiveIntegerField(default=0)
    members = models.ManyToManyField(Place, through="Membership", related_name="groups")

    class Meta:
        ordering = ["order", "slug"]

    uid_prefix = "group"


class Membership(models.Model):
    group = models.ForeignKey(PlaceGroup, on_delete=models.CASCADE, related_name="memberships")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        ordering = ["group", "place__order"]
        constraints = [models.UniqueConstraint(fields=["group", "place"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.group.uid} {self.place.uid}"


class WeightSet(SlugNamed, models.Model):
    """One number per place (population, area...) with where it comes from."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.JSONField(default=dict, help_text="Name in the six UN languages")
    description = models.JSONField(default=dict, blank=True)
    unit = models.CharField(max_length=50)
    year = models.CharField(max_length=50, help_text='Reference year, or "as published"')
    source = models.CharField(max_length=500)
    source_url = models.URLField(max_length=500, blank=True)
    licence = models.CharField(max_length=100, blank=True)
    origin = models.CharField(max_length=30, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]

    uid_prefix = "weights"


class Weight(models.Model):
    weight_set = models.ForeignKey(WeightSet, on_delete=models.CASCADE, related_name="weights")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="weights")
    value = models.FloatField()

    class Meta:
        ordering = ["weight_set", "place__order"]
        constraints = [
            models.UniqueConstraint(fields=["weight_set", "place"], name="weight_unique"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.weight_set.slug} {self.place.code} {self.value}"

    @property
    def uid(self) -> str:
        return f"{self.weight_set.uid}#{self.place.code}"
