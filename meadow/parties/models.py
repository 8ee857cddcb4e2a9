"""Conventions, their Parties, and who may act for a country or a secretariat.

Roles are granted per country (national focal point, publishing authority,
contributor, reviewer) or per convention (secretariat staff). Administrators are
Django superusers. The public is everyone not signed in. What each role may do is
decided by the named policies in ``meadow.core.policies``, never by the views.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meadow.core import i18n


class Convention(models.Model):
    """A biodiversity-related convention or protocol."""

    code = models.SlugField(max_length=20, unique=True, help_text="cbd, cartagena, ramsar, ...")
    acronym = models.CharField(max_length=20)
    name = models.JSONField(default=dict, help_text="Name in the six UN languages")
    adopted = models.DateField(null=True, blank=True)
    entered_into_force = models.DateField(null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="protocols",
        help_text="The convention a protocol belongs to",
    )
    url = models.URLField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.acronym

    def get_absolute_url(self) -> str:
        return f"/convention/{self.code}"

    @property
    def uid(self) -> str:
        return f"convention/{self.code}"

    def label(self, lang: str | None = None) -> str:
        return i18n.text(self.name, lang) or self.acronym


class Party(models.Model):
    """A country that is a Party to a convention, since a date where known."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="parties")
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="parties")
    since = models.DateField(
        null=True, blank=True, help_text="Date of becoming a Party (entry into force for it)"
    )
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["convention__order", "place__code"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "place"], name="party_unique"),
        ]
        verbose_name_plural = "parties"

    def __str__(self) -> str:
        return f"{self.place.code} ({self.convention.acronym})"


class Role(models.TextChoices):
    """What a person does for a country; ordered from most to least powerful."""

    FOCAL_POINT = "focal-point", _("National focal point")
    PUBLISHING_AUTHORITY = "publishing-authority", _("Publishing authority")
    CONTRIBUTOR = "contributor", _("Contributor")
    REVIEWER = "reviewer", _("Reviewer")


class CountryRole(models.Model):
    """A person's role for one country."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="country_roles"
    )
    country = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="country_roles"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["country__code", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "country", "role"], name="country_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.country.code}"


class SecretariatRole(models.Model):
    """A person on the staff of a convention's secretariat."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="secretariat_roles"
    )
    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="secretariat_roles"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["convention__order", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "convention"], name="secretariat_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} secretariat {self.convention.acronym}"


def new_secret() -> tuple[str, str]:
    """A fresh secret to hand out once, and the digest that is stored in its place."""
    secret = secrets.token_urlsafe(32)
    return secret, digest(secret)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Invitation(models.Model):
    """An invitation to take a role for a country; the link carries a one-time secret."""

    email = models.EmailField()
    country = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=30, choices=Role.choices)
    secret_digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} {self.role} {self.country.code}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class ApiToken(models.Model):
    """A key for a machine client, acting as its user within one country and one role.

    Only the SHA-256 digest of the key is stored; the key is shown once, when made.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    country = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=30, choices=Role.choices)
    prefix = models.CharField(
        max_length=12, db_index=True, help_text="First characters, to tell keys apart"
    )
    key_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.user} {self.role} {self.country.code}"

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()
