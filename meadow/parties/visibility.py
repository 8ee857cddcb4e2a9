"""Draft and published records, and who sees which.

Every national record (a national target, a commitment, a report) is either a draft
or published. The public sees published records only; people with a role for the
country, secretariat staff and administrators see that country's drafts too. Every
query of such records for a reader goes through ``visible``.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from meadow.core.actors import Actor
from meadow.parties import roles


class Publication(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


M = TypeVar("M", bound=models.Model)


def visible(queryset: QuerySet[M], actor: Actor, *, country: str = "country__code") -> QuerySet[M]:
    """The rows of ``queryset`` the actor may read (``country``: path to the country code)."""
    seen = roles.countries_seen(actor)
    if seen is None:
        return queryset
    published = Q(status=Publication.PUBLISHED)
    if not seen:
        return queryset.filter(published)
    return queryset.filter(published | Q(**{f"{country}__in": sorted(seen)}))


def may_read(actor: Actor, *, status: str, country: str) -> bool:
    return status == Publication.PUBLISHED or roles.sees_unpublished(actor, country)
