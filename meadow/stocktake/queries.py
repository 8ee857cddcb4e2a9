"""Reads of the stocktake: national targets counted per GBF target, national commitments added
up per global element, and what a country page shows.

The stocktake is public: only published national targets count, for every reader, so
every query here starts from :func:`public_targets` (what an anonymous reader may see,
through ``meadow.parties.visibility.visible``). A country counts once per GBF target,
with the strongest degree of any of its published targets aligned with it (full, then
partial, then minimal).
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from meadow.core import i18n
from meadow.core.actors import Actor
from meadow.frameworks.models import Element, Level
from meadow.parties.visibility import Publication, visible
from meadow.places.models import GroupKind, Place, PlaceGroup, PlaceKind, Weight
from meadow.targets.models import (
    Alignment,
    Degree,
    GlobalElement,
    Measure,
    NationalTarget,
    QuantitativeElement,
)

# Strongest first; "none" is a country with no aligned published target.
DEGREES: tuple[str, ...] = (Degree.FULL, Degree.PARTIAL, Degree.MINIMAL)
NONE = "none"
RANK = {degree: n for n, degree in enumerate(DEGREES)}
DEGREE_LABELS: dict[str, Any] = {
    Degree.FULL: Degree.FULL.label,
    Degree.PARTIAL: Degree.PARTIAL.label,
    Degree.MINIMAL: Degree.MINIMAL.label,
    NONE: _("No aligned national target"),
}
PERCENT_UNITS = frozenset({"%", "percent", "per cent", "percentage", "pct"})
CBD = "cbd"
BY_GROUP_KINDS = (GroupKind.UN_REGIONAL_GROUP, GroupKind.DEVELOPMENT_STATUS)


def public_targets() -> QuerySet[NationalTarget]:
    """The national targets the public sees: the published ones."""
    return visible(NationalTarget.objects.all(), AnonymousUser())


def gbf_targets() -> QuerySet[Element]:
    return Element.objects.filter(framework__slug="gbf", level=Level.TARGET).order_by("order")


def gbf_target(code: str) -> Element | None:
    return gbf_targets().filter(code=code).first()


def parties() -> set[int]:
    """Place ids of the CBD's country Parties (every country when none are on record)."""
    from meadow.parties.models import Party

    found = set(
        Party.objects.filter(convention__code=CBD, place__kind=PlaceKind.COUNTRY).values_list(
            "place_id", flat=True
        )
    )
    if found:
        return found
    return set(Place.objects.filter(kind=PlaceKind.COUNTRY).values_list("pk", flat=True))


# Counts by degree ------------------------------------------------------------------------


@dataclass
class DegreeCounts:
    """Countries by their strongest degree of alignment, out of ``parties``."""

    full: int = 0
    partial: int = 0
    minimal: int = 0
    parties: int = 0

    @property
    def aligned(self) -> int:
        return self.full + self.partial + self.minimal

    @property
    def none(self) -> int:
        return max(self.parties - self.aligned, 0)

    def get(self, degree: str) -> int:
        return int(getattr(self, degree))

    def add(self, degree: str) -> None:
        setattr(self, degree, self.get(degree) + 1)

    def rows(self) -> list[tuple[str, str, int]]:
        """(degree, label, count) for full, partial, minimal and none."""
        return [(d, str(DEGREE_LABELS[d]), self.get(d)) for d in (*DEGREES, NONE)]

    def share(self, degree: str) -> float:
        return self.get(degree) / self.parties if self.parties else 0.0

    def as_dict(self) -> dict[str, int]:
        return {
            "full": self.full,
            "partial": self.partial,
            "minimal": self.minimal,
            "none": self.none,
            "aligned": self.aligned,
            "parties": self.parties,
        }


def _strongest(rows: Iterable[tuple[int, str]]) -> dict[int, str]:
    """Country id -> its strongest degree, from (country id, degree) rows."""
    best: dict[int, str] = {}
    for country_id, degree in rows:
        if degree not in RANK:
            continue
        if country_id not in best or RANK[degree] < RANK[best[country_id]]:
            best[country_id] = degree
    return best


def _public_alignments() -> QuerySet[Alignment]:
    return Alignment.objects.filter(target__in=public_targets())


@dataclass
class TargetSummary:
    element: Element
    counts: DegreeCounts
    national_targets: int

    @property
    def url(self) -> str:
        return f"/stocktake/target/{self.element.code}"


def target_overview() -> list[TargetSummary]:
    """Every GBF target with the Parties whose published national targets align with it."""
    elements = list(gbf_targets())
    party_ids = parties()
    rows = _public_alignments().filter(element__in=elements)
    degrees: dict[int, list[tuple[int, str]]] = defaultdict(list)
    targets: dict[int, set[int]] = defaultdict(set)
    for element_id, country_id, degree, target_id in rows.values_list(
        "element_id", "target__country_id", "degree", "target_id"
    ):
        degrees[element_id].append((country_id, degree))
        targets[element_id].add(target_id)
    out = []
    for element in elements:
        counts = DegreeCounts(parties=len(party_ids))
        for degree in _strongest(degrees[element.pk]).values():
            counts.add(degree)
        out.append(TargetSummary(element, counts, len(targets[element.pk])))
    return out


@dataclass
class CountryAlignment:
    """A country's strongest degree for a GBF target, with its aligned published targets."""

    place: Place
    degree: str
    is_party: bool
    targets: list[tuple[NationalTarget, str]] = field(default_factory=list)

    @property
    def degree_label(self) -> str:
        return str(DEGREE_LABELS[self.degree])


@dataclass
class AreaCounts:
    """Counts by degree for the countries of one region or group."""

    uid: str
    name: dict[str, str]
    kind_label: str
    counts: DegreeCounts

    @property
    def url(self) -> str:
        return f"/{self.uid}"

    def label(self, lang: str | None = None) -> str:
        return i18n.text(self.name, lang) or self.uid


@dataclass
class TargetStocktake:
    element: Element
    counts: DegreeCounts
    national_targets: int
    by_region: list[AreaCounts]
    by_group: list[AreaCounts]
    countries: list[CountryAlignment]
    degree_by_m49: dict[str, tuple[Place, str, bool]]


def target_stocktake(element: Element) -> TargetStocktake:
    """How many Parties align published national targets with a GBF target, by degree,
    by M49 region and by group (UN regional groups, LDC, LLDC, SIDS), country by country."""
    party_ids = parties()
    rows = list(
        _public_alignments()
        .filter(element=element)
        .select_related("target__country")
        .order_by("target__country__code", "target__order", "target__code")
    )
    best = _strongest((a.target.country_id, a.degree) for a in rows)
    aligned_targets: dict[int, list[tuple[NationalTarget, str]]] = defaultdict(list)
    for a in rows:
        aligned_targets[a.target.country_id].append((a.target, a.degree))
    places = list(Place.objects.filter(kind=PlaceKind.COUNTRY).order_by("order", "code"))
    counts = DegreeCounts(parties=len(party_ids))
    countries: list[CountryAlignment] = []
    degree_by_m49: dict[str, tuple[Place, str, bool]] = {}
    for place in places:
        degree = best.get(place.pk, NONE)
        is_party = place.pk in party_ids
        degree_by_m49[place.m49] = (place, degree, is_party)
        if degree != NONE:
            counts.add(degree)
            countries.append(CountryAlignment(place, degree, is_party, aligned_targets[place.pk]))
    lang = i18n.current()
    countries.sort(key=lambda c: (RANK[c.degree], c.place.label(lang).casefold()))

    def tally(uid: str, name: dict[str, str], kind_label: str, members: set[int]) -> AreaCounts:
        area = DegreeCounts(parties=len(members & party_ids))
        for place_id in members:
            if place_id in best:
                area.add(best[place_id])
        return AreaCounts(uid, name, kind_label, area)

    by_region = []
    for region in Place.objects.filter(kind=PlaceKind.REGION).order_by("order", "code"):
        members = {p.pk for p in places if f"/{region.m49}/" in p.lineage}
        by_region.append(tally(region.uid, region.name, str(PlaceKind.REGION.label), members))
    members_of: dict[int, set[int]] = defaultdict(set)
    chosen = list(
        PlaceGroup.objects.filter(kind__in=BY_GROUP_KINDS).order_by("kind", "order", "slug")
    )
    for group in chosen:
        members_of[group.pk] = set(
            group.memberships.filter(place__kind=PlaceKind.COUNTRY).values_list(
                "place_id", flat=True
            )
        )
    rank = {kind: n for n, kind in enumerate(BY_GROUP_KINDS)}
    chosen.sort(key=lambda g: (rank[GroupKind(g.kind)], g.order, g.slug))
    by_group = [
        tally(g.uid, g.name, str(GroupKind(g.kind).label), members_of[g.pk]) for g in chosen
    ]
    return TargetStocktake(
        element=element,
        counts=counts,
        national_targets=len({a.target_id for a in rows}),
        by_region=by_region,
        by_group=by_group,
        countries=countries,
        degree_by_m49=degree_by_m49,
    )


# Global elements -------------------------------------------------------------------------


SHARE_WITH_BASIS = "share-with-basis"
SHARE = "share"
AMOUNT = "amount"


@dataclass
class Contribution:
    """A published national quantitative element towards a global element."""

    quantity: QuantitativeElement
    target: NationalTarget
    place: Place
    basis: float | None = None  # the country's total in the basis (its area)
    amount: float | None = None  # what it commits, in the global element's terms
    counted: bool = False
    note: str = ""

    @property
    def value(self) -> float:
        return float(self.quantity.value)


@dataclass
class ElementStocktake:
    """National commitments added up against a global quantitative element."""

    element: GlobalElement
    kind: str
    contributions: list[Contribution]
    countries: int
    committed: float | None = None
    global_value: float | None = None
    basis_total: float | None = None
    mean_share: float | None = None

    @property
    def counted_countries(self) -> int:
        return len({c.place.pk for c in self.contributions if c.counted})

    @property
    def gap(self) -> float | None:
        if self.committed is None or self.global_value is None:
            return None
        return self.global_value - self.committed

    @property
    def committed_share(self) -> float | None:
        """Committed as a share of the global value (1.0 = the global element is met)."""
        if self.committed is None or not self.global_value:
            return None
        return self.committed / self.global_value

    @property
    def committed_percent_of_basis(self) -> float | None:
        """For a share with a basis: the committed amount as a per cent of the world total."""
        if self.committed is None or not self.basis_total:
            return None
        return 100 * self.committed / self.basis_total

    @property
    def url(self) -> str:
        return f"/stocktake/element/{self.element.code}"


def _same_unit(unit: str, other: str) -> bool:
    a, b = unit.strip().lower(), other.strip().lower()
    return a == b or (a in PERCENT_UNITS and b in PERCENT_UNITS)


def global_elements() -> QuerySet[GlobalElement]:
    return GlobalElement.objects.select_related("element", "basis").order_by("order", "code")


def element_kind(element: GlobalElement) -> str:
    if element.measure == Measure.SHARE:
        return SHARE_WITH_BASIS if element.basis_id else SHARE
    return AMOUNT


def element_stocktake(element: GlobalElement) -> ElementStocktake:
    """Published national commitments towards a global element, added up where they can be.

    * a share with a basis (per cent of land area): each country's share times its
      basis value is the amount it commits; amounts are summed and set against the
      global share of the world's total basis (30 % of the world's area);
    * an amount: summed as it is, against the global amount;
    * a share without a basis: shares of different totals do not add up; the number
      of countries and their plain (unweighted) mean are given, nothing is summed.

    A country counts once: when several of its published targets commit to the same
    element, the largest counts and the others are listed as not counted. A value in a
    unit other than the global element's is listed and not counted, and so is a share
    from a country without a basis value.
    """
    kind = element_kind(element)
    quantities = list(
        QuantitativeElement.objects.filter(global_element=element, target__in=public_targets())
        .select_related("target__country")
        .order_by("target__country__order", "target__country__code", "target__order", "id")
    )
    basis: dict[int, float] = {}
    basis_total: float | None = None
    if kind == SHARE_WITH_BASIS:
        weights = Weight.objects.filter(
            weight_set_id=element.basis_id, place__kind=PlaceKind.COUNTRY
        ).values_list("place_id", "value")
        basis = {place_id: float(value) for place_id, value in weights}
        basis_total = sum(basis.values())
    contributions: list[Contribution] = []
    for q in quantities:
        place = q.target.country
        item = Contribution(quantity=q, target=q.target, place=place)
        if not _same_unit(q.unit, element.unit):
            item.note = str(_("Unit %(unit)s differs from %(global)s")) % {
                "unit": q.unit,
                "global": element.unit,
            }
        elif kind == SHARE_WITH_BASIS:
            item.basis = basis.get(place.pk)
            if item.basis is None:
                item.note = str(_("No %(basis)s on record for this country")) % {
                    "basis": element.basis.label() if element.basis else ""
                }
            else:
                item.amount = item.value / 100.0 * item.basis
                item.counted = True
        elif kind == AMOUNT:
            item.amount = item.value
            item.counted = True
        else:
            item.counted = True
        contributions.append(item)
    # One value per country: its largest.
    best: dict[int, Contribution] = {}
    for item in contributions:
        if not item.counted:
            continue
        size = item.amount if item.amount is not None else item.value
        current = best.get(item.place.pk)
        current_size = None
        if current is not None:
            current_size = current.amount if current.amount is not None else current.value
        if current is None or (current_size is not None and size > current_size):
            best[item.place.pk] = item
    for item in contributions:
        if item.counted and best.get(item.place.pk) is not item:
            item.counted = False
            item.note = str(_("A larger commitment of this country counts"))
    counted = list(best.values())
    result = ElementStocktake(
        element=element,
        kind=kind,
        contributions=contributions,
        countries=len({c.place.pk for c in contributions}),
        basis_total=basis_total,
    )
    if kind == SHARE_WITH_BASIS:
        result.committed = sum(c.amount or 0.0 for c in counted)
        result.global_value = element.value / 100.0 * (basis_total or 0.0)
    elif kind == AMOUNT:
        result.committed = sum(c.amount or 0.0 for c in counted)
        result.global_value = float(element.value)
    else:
        result.global_value = float(element.value)
        if counted:
            result.mean_share = sum(c.value for c in counted) / len(counted)
    return result


# The country page ------------------------------------------------------------------------


@dataclass
class CountryTarget:
    target: NationalTarget
    alignments: list[Alignment]

    @property
    def is_draft(self) -> bool:
        return self.target.status != Publication.PUBLISHED

    def summary(self) -> list[tuple[str, int]]:
        """(degree, count) of its alignments, strongest first, leaving out zeros."""
        counts = {d: 0 for d in DEGREES}
        for a in self.alignments:
            if a.degree in counts:
                counts[a.degree] += 1
        return [(d, n) for d, n in counts.items() if n]


def country_targets(place: Place, actor: Actor) -> list[CountryTarget]:
    """The country's national targets the actor may read (drafts for its team), with
    their alignments."""
    qs = (
        visible(NationalTarget.objects.filter(country=place), actor)
        .select_related("country")
        .prefetch_related(
            Prefetch(
                "alignments",
                queryset=Alignment.objects.select_related("element").order_by(
                    "element__framework__order", "element__order"
                ),
            )
        )
        .order_by("order", "code")
    )
    return [CountryTarget(t, list(t.alignments.all())) for t in qs]


@dataclass
class IndicatorRow:
    element: Element
    place: Place
    series: int
    latest_year: int | None
    rollup: Any = None  # the roll-up of the chosen method, if there is one
    badges: list[Any] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"/data/{self.element.uid}/{self.place.code}"

    @property
    def stocktake_url(self) -> str:
        return f"/stocktake/indicator/{self.element.uid}"


def country_indicators(place: Place, method: str) -> list[IndicatorRow]:
    """Every indicator with data in the country, with its roll-up for one progress method."""
    from meadow.indicators.models import RollUp, Series

    counted = list(
        Series.objects.filter(place=place)
        .values("indicator_id")
        .annotate(n=Count("id", distinct=True), latest=Max("observations__year"))
        .order_by()
    )
    elements = Element.objects.select_related("framework").in_bulk(
        [r["indicator_id"] for r in counted]
    )
    rollups = {r.element_id: r for r in RollUp.objects.filter(place=place, method=method)}
    rows = [
        IndicatorRow(
            element=elements[r["indicator_id"]],
            place=place,
            series=r["n"],
            latest_year=r["latest"],
            rollup=rollups.get(r["indicator_id"]),
        )
        for r in counted
    ]
    rows.sort(key=lambda r: (r.element.framework.order, r.element.order))
    return rows


def commitments_count(place: Place, actor: Actor) -> int | None:
    """Commitments concerning the country that the actor may read, or None when the
    commitments app offers no query for them.

    The hook: ``meadow.commitments.queries`` with ``commitments(actor)`` (what the actor
    may read) and ``filtered(queryset, country=code)``.
    """
    try:
        commitment_queries = importlib.import_module("meadow.commitments.queries")
    except ImportError:
        return None
    readable = getattr(commitment_queries, "commitments", None)
    narrow = getattr(commitment_queries, "filtered", None)
    if not callable(readable) or not callable(narrow):
        return None
    return int(narrow(readable(actor), country=place.code).count())
