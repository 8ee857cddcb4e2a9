"""Reads of places, groups and weights."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from meadow.core import i18n
from meadow.places.models import Membership, Place, PlaceGroup, PlaceKind, Weight, WeightSet


def code_filter(code: str, prefix: str = "") -> Q:
    """Places whose code, M49 code, ISO alpha-2 or alpha-3 code is ``code`` (any case)."""
    value = code.strip().upper()
    query = Q(**{f"{prefix}code": value}) | Q(**{f"{prefix}iso2": value})
    if value.isdigit() and len(value) <= 3:
        query |= Q(**{f"{prefix}m49": value.zfill(3)})
    return query


def places(
    *,
    kind: str | None = None,
    code: str | None = None,
    region: str | None = None,
    group: str | None = None,
    parent: str | None = None,
) -> QuerySet[Place]:
    """Places, optionally only those of a kind, with a code, inside an M49 area or in a group."""
    qs = Place.objects.select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if code:
        qs = qs.filter(code_filter(code))
    if region:
        area = region.strip()
        qs = qs.filter(lineage__contains=f"/{area.zfill(3) if area.isdigit() else area}/")
    if group:
        qs = qs.filter(memberships__group__slug=group)
    if parent:
        qs = qs.filter(parent__code=parent.strip().upper())
    return qs.order_by("order", "code")


def place(code: str) -> Place | None:
    return Place.objects.select_related("parent").filter(code=code).first()


def ancestors(place: Place) -> list[Place]:
    """The areas above ``place``, nearest first (Eastern Africa ... World)."""
    found = {p.code: p for p in Place.objects.filter(code__in=place.ancestor_codes)}
    return [found[c] for c in reversed(place.ancestor_codes) if c in found]


def children(place: Place) -> QuerySet[Place]:
    return Place.objects.filter(parent=place).order_by("order", "code")


def place_groups(place: Place) -> QuerySet[PlaceGroup]:
    return PlaceGroup.objects.filter(memberships__place=place).order_by("order", "slug")


def place_weights(place: Place) -> QuerySet[Weight]:
    return (
        Weight.objects.filter(place=place)
        .select_related("weight_set")
        .order_by("weight_set__order", "weight_set__slug")
    )


@dataclass
class Area:
    """An M49 area with the countries directly in it and the areas below, for listings."""

    place: Place | None
    countries: list[Place] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)

    @property
    def country_count(self) -> int:
        return len(self.countries) + sum(a.country_count for a in self.areas)


def tree() -> Area:
    """The M49 tree from the world down, countries sorted by name in the active language."""
    everything = list(Place.objects.order_by("order", "code"))
    nodes = {p.pk: Area(place=p) for p in everything if not p.is_country}
    root = Area(place=None)
    for p in everything:
        parent = nodes.get(p.parent_id) if p.parent_id else None
        if p.is_country:
            (parent or root).countries.append(p)
        elif parent is not None:
            parent.areas.append(nodes[p.pk])
        else:
            root.areas.append(nodes[p.pk])
    lang = i18n.current()
    for node in [root, *nodes.values()]:
        node.countries.sort(key=lambda c: c.label(lang).casefold())
    return root


def groups(
    *, kind: str | None = None, member: str | None = None, defined_by: str | None = None
) -> QuerySet[PlaceGroup]:
    qs = PlaceGroup.objects.annotate(member_count=Count("memberships"))
    if kind:
        qs = qs.filter(kind=kind)
    if member:
        qs = qs.filter(
            pk__in=Membership.objects.filter(place__code=member.strip().upper()).values("group")
        )
    if defined_by:
        qs = qs.filter(defined_by__iexact=defined_by)
    return qs.order_by("order", "slug")


def groups_with_members() -> QuerySet[PlaceGroup]:
    return groups().prefetch_related(Prefetch("members", queryset=Place.objects.order_by("code")))


def group(slug: str) -> PlaceGroup | None:
    return groups().filter(slug=slug).first()


def members(group: PlaceGroup) -> QuerySet[Place]:
    return group.members.select_related("parent").order_by("order", "code")


def countries_in(uid: str) -> QuerySet[Place]:
    """Countries in an M49 area (``place/002``) or a group (``group/ldc``)."""
    kind, _, key = uid.partition("/")
    qs = Place.objects.filter(kind=PlaceKind.COUNTRY)
    if kind == "place":
        return qs.filter(lineage__contains=f"/{key}/")
    if kind == "group":
        return qs.filter(memberships__group__slug=key)
    raise ValueError(f"{uid!r} is neither place/<M49 code> nor group/<slug>")


def weight_sets() -> QuerySet[WeightSet]:
    return WeightSet.objects.annotate(value_count=Count("weights")).order_by("order", "slug")


def weight_set(slug: str) -> WeightSet | None:
    return weight_sets().filter(slug=slug).first()


def weights(*, weight_set: str | None = None, place: str | None = None) -> QuerySet[Weight]:
    qs = Weight.objects.select_related("weight_set", "place")
    if weight_set:
        qs = qs.filter(weight_set__slug=weight_set)
    if place:
        qs = qs.filter(code_filter(place, "place__"))
    return qs.order_by("weight_set__order", "place__order", "place__code")
