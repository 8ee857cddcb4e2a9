"""National indicator data added up to regions, groups and the world: the database side of
``meadow.analytics.aggregate``.

For one indicator :func:`aggregates` reads the national panel, the groups and the
weights from the database, runs the aggregation core and returns, for every group and
year, the value (None where not published), its coverage, the number of countries
that reported and the number imputed, with the progress class of each group's series
against the indicator's global goal where there is one. Results are cached under a
data version that changes with any import, audit entry, rule, goal, membership or
weight (:func:`data_version`). The choices made here are in ``docs/stocktake.md``:

* **Series**: per country, the indicator's national total, i.e. a series without
  disaggregation, in one unit: the rule's ``unit`` if it names one, else the unit
  (with its multiplier) that most countries' totals use. A country with several
  totals in that unit (different series codes) contributes the one with the most
  annual observations (then the lowest id). Only countries count (not M49 areas).
* **Observations**: annual ones (a calendar or split year, placed at the year it
  ends in), as the progress assessment reads them; the first stored of a year.
* **Groups**: the world, the M49 regions, sub-regions and intermediate regions (their
  countries are those whose lineage passes through them), then every place group (UN
  regional groups, LDC, LLDC, SIDS, convention and custom groups).
* **Weights**: one value per country from the rule's weight set; a country without a
  value in the set weighs 0.
* **Defaults** when an indicator has no rule: the plain mean of the reporting
  countries, with coverage measured by population (the "population" weight set, when
  there is one, so that a small territory without data does not hold a region's
  figure back), no imputation, threshold 0.5.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max, Q

from meadow.analytics import progress as methods
from meadow.analytics.aggregate import Impute, Rule, aggregate, national_panel
from meadow.analytics.groups import Groups
from meadow.analytics.panel import Goals, Panel
from meadow.frameworks.models import Element, Level
from meadow.indicators.models import Goal, Import, Observation, Series
from meadow.places.models import GroupKind, Membership, Place, PlaceGroup, PlaceKind, Weight
from meadow.stocktake.models import DEFAULT_THRESHOLD, AggregationRule, Imputation, RuleKind

CACHE_PREFIX = "meadow:stocktake:aggregates:1"
CACHE_SECONDS = 7 * 24 * 3600
ANNUAL = ("year", "split-year")
AREA_KINDS = (
    PlaceKind.WORLD,
    PlaceKind.REGION,
    PlaceKind.SUB_REGION,
    PlaceKind.INTERMEDIATE_REGION,
)
GROUP_KIND_ORDER = {kind: n for n, kind in enumerate(GroupKind.values)}

RULES = {
    RuleKind.SUM: Rule.SUM,
    RuleKind.MEAN: Rule.MEAN,
    RuleKind.WEIGHTED_MEAN: Rule.WEIGHTED_MEAN,
    RuleKind.MIN: Rule.MIN,
    RuleKind.MAX: Rule.MAX,
}
IMPUTES = {
    Imputation.NONE: Impute.NONE,
    Imputation.GROUP_MEAN: Impute.GROUP_MEAN,
    Imputation.CARRY_FORWARD: Impute.CARRY_FORWARD,
}


@dataclass(frozen=True)
class Settings:
    """The rule in force for an indicator, and the unit its national series are in."""

    rule: str = RuleKind.MEAN.value
    weight: str = ""  # weight set slug, "" for none
    impute: str = Imputation.NONE.value
    threshold: float = DEFAULT_THRESHOLD
    unit: str = ""
    unit_multiplier: int = 0
    is_default: bool = True
    note: str = ""
    weight_name: dict[str, str] = field(default_factory=dict)

    def weight_label(self, lang: str | None = None) -> str:
        from meadow.core import i18n

        return i18n.text(self.weight_name, lang) or self.weight

    @property
    def rule_label(self) -> str:
        return str(RuleKind(self.rule).label)

    @property
    def impute_label(self) -> str:
        return str(Imputation(self.impute).label)


@dataclass(frozen=True)
class GroupRef:
    """A group aggregated to: an M49 area (``place/001``) or a place group (``group/ldc``)."""

    uid: str
    code: str
    kind: str
    name: dict[str, str]
    size: int

    @property
    def url(self) -> str:
        return f"/{self.uid}"

    @property
    def is_area(self) -> bool:
        return self.uid.startswith("place/")

    @property
    def kind_label(self) -> str:
        if self.kind in PlaceKind.values:
            return str(PlaceKind(self.kind).label)
        if self.kind in GroupKind.values:
            return str(GroupKind(self.kind).label)
        return self.kind

    def label(self, lang: str | None = None) -> str:
        from meadow.core import i18n

        return i18n.text(self.name, lang) or self.code


@dataclass(frozen=True)
class Cell:
    """One group's aggregate in one year."""

    year: int
    value: float | None
    coverage: float
    n_countries: int
    n_imputed: int

    @property
    def published(self) -> bool:
        return self.value is not None

    @property
    def has_data(self) -> bool:
        return self.n_countries > 0 or self.n_imputed > 0


@dataclass(frozen=True)
class ProgressClass:
    """A progress method's class for a group's aggregate series."""

    method: str
    status: str  # Status name in lower case: on_track, not_assessed...
    label: str
    score: float | None
    reason: str = ""


@dataclass(frozen=True)
class GroupAggregate:
    group: GroupRef
    cells: tuple[Cell, ...]
    progress: tuple[ProgressClass, ...] = ()

    @property
    def with_data(self) -> list[Cell]:
        return [c for c in self.cells if c.has_data]

    @property
    def latest(self) -> Cell | None:
        """The latest published cell."""
        published = [c for c in self.cells if c.published]
        return published[-1] if published else None

    @property
    def latest_with_data(self) -> Cell | None:
        cells = self.with_data
        return cells[-1] if cells else None


@dataclass(frozen=True)
class IndicatorAggregates:
    """Every group's aggregates of one indicator, with the rule and goal they used."""

    indicator: str
    settings: Settings
    years: tuple[int, ...]
    groups: tuple[GroupAggregate, ...]
    countries: int  # countries with a national series of the indicator
    goal: dict[str, Any] | None = None
    version: str = ""
    units: dict[str, int] = field(default_factory=dict)  # every unit found -> countries

    def group(self, uid: str) -> GroupAggregate | None:
        return next((g for g in self.groups if g.group.uid == uid), None)

    @property
    def world(self) -> GroupAggregate | None:
        return self.group("place/001")


# Reading the database ------------------------------------------------------------------


DEFAULT_WEIGHT = "population"


def default_settings() -> Settings:
    """Mean, coverage by population (when that weight set exists), no imputation, 0.5."""
    from meadow.places.models import WeightSet

    population = WeightSet.objects.filter(slug=DEFAULT_WEIGHT).first()
    if population is None:
        return Settings()
    return Settings(weight=population.slug, weight_name=population.name)


def settings_for(indicator: Element) -> Settings:
    """The indicator's rule, or the defaults (:func:`default_settings`)."""
    rule = AggregationRule.objects.select_related("weight").filter(indicator=indicator).first()
    if rule is None:
        return default_settings()
    return Settings(
        rule=rule.rule,
        weight=rule.weight.slug if rule.weight else "",
        impute=rule.impute,
        threshold=float(rule.threshold),
        unit=rule.unit,
        is_default=False,
        note=rule.note,
        weight_name=rule.weight.name if rule.weight else {},
    )


def countries() -> list[tuple[int, str]]:
    """(place id, code) of every country, in M49 order: sub-regions are runs of rows."""
    return list(
        Place.objects.filter(kind=PlaceKind.COUNTRY)
        .order_by("order", "code")
        .values_list("pk", "code")
    )


def groups(country_ids: list[int]) -> tuple[list[GroupRef], Groups]:
    """The world, M49 areas and place groups, with their member countries' row numbers."""
    row = {pk: n for n, pk in enumerate(country_ids)}
    refs: list[GroupRef] = []
    lists: list[list[int]] = []
    areas = list(Place.objects.filter(kind__in=AREA_KINDS).order_by("order", "code"))
    kind_rank = {kind: n for n, kind in enumerate(AREA_KINDS)}
    areas.sort(key=lambda p: (kind_rank[PlaceKind(p.kind)], p.order, p.code))
    in_area: dict[str, list[int]] = {p.m49: [] for p in areas}
    for pk, lineage in Place.objects.filter(kind=PlaceKind.COUNTRY).values_list("pk", "lineage"):
        for code in lineage.split("/"):
            if code in in_area:
                in_area[code].append(row[pk])
    for area in areas:
        members = sorted(in_area[area.m49])
        refs.append(GroupRef(area.uid, area.code, area.kind, area.name, len(members)))
        lists.append(members)
    place_groups = sorted(
        PlaceGroup.objects.all(), key=lambda g: (GROUP_KIND_ORDER.get(g.kind, 99), g.order, g.slug)
    )
    members_of: dict[int, list[int]] = {g.pk: [] for g in place_groups}
    for group_id, place_id in Membership.objects.filter(place__kind=PlaceKind.COUNTRY).values_list(
        "group_id", "place_id"
    ):
        if place_id in row:
            members_of[group_id].append(row[place_id])
    for group in place_groups:
        members = sorted(members_of[group.pk])
        refs.append(GroupRef(group.uid, group.slug, group.kind, group.name, len(members)))
        lists.append(members)
    return refs, Groups.from_lists(lists, len(country_ids))


def weight_array(slug: str, country_ids: list[int]) -> np.ndarray:
    """One weight per country from a weight set; 0 where the set has none."""
    values = dict(Weight.objects.filter(weight_set__slug=slug).values_list("place_id", "value"))
    return np.array([float(values.get(pk, 0.0)) for pk in country_ids], dtype=np.float64)


def national_series(
    indicator: Element, unit: str = ""
) -> tuple[dict[int, int], tuple[str, int], dict[str, int]]:
    """The total series chosen per country (place id -> series id), the unit, every unit.

    Totals are series without disaggregation; the unit is ``unit`` (any multiplier) if
    given, else the (unit, multiplier) most countries use, ties to the alphabetically
    first. Per country, the total with the most annual observations, then the lowest id.
    """
    totals = list(
        Series.objects.filter(indicator=indicator, place__kind=PlaceKind.COUNTRY)
        .annotate(n=Count("observations", filter=Q(observations__kind__in=ANNUAL)))
        .values_list("pk", "place_id", "unit", "unit_multiplier", "disaggregation", "n")
    )
    totals = [t for t in totals if not t[4]]
    by_unit: Counter[tuple[str, int]] = Counter()
    for unit_pair in {(t[1], t[2], t[3]) for t in totals}:
        by_unit[(unit_pair[1], unit_pair[2])] += 1
    units = {
        (u if not m else f"{u} (x10^{m})"): n
        for (u, m), n in sorted(by_unit.items(), key=lambda item: (-item[1], item[0]))
    }
    if unit:
        matching = [pair for pair in by_unit if pair[0] == unit]
        if not matching:
            return {}, (unit, 0), units
        chosen = min(matching, key=lambda pair: (-by_unit[pair], pair))
    elif by_unit:
        chosen = min(by_unit, key=lambda pair: (-by_unit[pair], pair))
    else:
        return {}, ("", 0), units
    best: dict[int, tuple[int, int]] = {}
    for pk, place_id, u, m, _dims, n in totals:
        if (u, m) != chosen:
            continue
        current = best.get(place_id)
        if current is None or (-n, pk) < (-current[1], current[0]):
            best[place_id] = (pk, n)
    return {place: pk for place, (pk, _n) in best.items()}, chosen, units


def observations(series_of_place: dict[int, int]) -> list[tuple[int, int, float]]:
    """(series id, year, value) of the annual observations, the first stored of a year."""
    if not series_of_place:
        return []
    rows = (
        Observation.objects.filter(
            series_id__in=list(series_of_place.values()), kind__in=ANNUAL, ordinal=0
        )
        .order_by("series_id", "year", "id")
        .values_list("series_id", "year", "value")
    )
    out: list[tuple[int, int, float]] = []
    last: tuple[int, int] | None = None
    for sid, year, value in rows:
        if (sid, year) == last:
            continue
        last = (sid, year)
        out.append((int(sid), int(year), float(value)))
    return out


def global_goal(indicator: Element) -> Goal | None:
    """The indicator's goal for every place (no place, no series), if there is one."""
    return Goal.objects.filter(indicator=indicator, place__isnull=True, series__isnull=True).first()


# Computing -------------------------------------------------------------------------------


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def compute(indicator: Element) -> IndicatorAggregates:
    """Aggregate one indicator to every group (no cache)."""
    settings = settings_for(indicator)
    series_of_place, (unit, multiplier), units = national_series(indicator, settings.unit)
    settings = replace(settings, unit=unit, unit_multiplier=multiplier)
    country_list = countries()
    country_ids = [pk for pk, _code in country_list]
    refs, membership = groups(country_ids)
    goal = global_goal(indicator)
    goal_dict = goal.as_dict() if goal is not None else None
    obs = observations(series_of_place)
    if not obs:
        return IndicatorAggregates(
            indicator=indicator.uid,
            settings=settings,
            years=(),
            groups=tuple(GroupAggregate(ref, ()) for ref in refs),
            countries=len(series_of_place),
            goal=goal_dict,
            units=units,
        )
    row = {pk: n for n, pk in enumerate(country_ids)}
    place_of_series = {sid: place for place, sid in series_of_place.items()}
    data = np.array(obs, dtype=np.float64)
    country = np.array([row[place_of_series[int(s)]] for s in data[:, 0]], dtype=np.int64)
    panel = national_panel(
        country,
        np.zeros(country.size, dtype=np.int64),
        data[:, 1].astype(np.int64),
        data[:, 2],
        n_countries=len(country_ids),
        n_keys=1,
    )
    weights = [weight_array(settings.weight, country_ids)] if settings.weight else []
    result = aggregate(
        panel,
        membership,
        rule=RULES[RuleKind(settings.rule)],
        weights=weights,
        weight=0 if weights else -1,
        impute=IMPUTES[Imputation(settings.impute)],
        threshold=settings.threshold,
    )
    years = [int(y) for y in result.years]
    values = result.value[:, 0, :]
    progress = _progress(Panel(years=result.years, values=values), goal)
    out = []
    for g, ref in enumerate(refs):
        cells = tuple(
            Cell(
                year=year,
                value=_number(values[g, t]),
                coverage=float(result.coverage[g, 0, t]),
                n_countries=int(result.n_countries[g, 0, t]),
                n_imputed=int(result.n_imputed[g, 0, t]),
            )
            for t, year in enumerate(years)
        )
        out.append(GroupAggregate(ref, cells, progress[g] if progress else ()))
    return IndicatorAggregates(
        indicator=indicator.uid,
        settings=settings,
        years=tuple(years),
        groups=tuple(out),
        countries=len(series_of_place),
        goal=goal_dict,
        units=units,
    )


def _progress(panel: Panel, goal: Goal | None) -> list[tuple[ProgressClass, ...]]:
    """Each group's aggregate series assessed against the global goal, by every method."""
    if goal is None or panel.n_series == 0:
        return []
    n = panel.n_series
    has_target = goal.target_value is not None and goal.target_year is not None
    has_base = goal.baseline_year is not None
    goals = Goals.build(
        n,
        direction=goal.direction,
        target_value=goal.target_value if has_target else np.nan,
        target_year=goal.target_year if has_target else 0,
        base_year=goal.baseline_year if has_base else 0,
        base_value=(
            goal.baseline_value if has_base and goal.baseline_value is not None else np.nan
        ),
        natural_limit=goal.natural_limit if goal.natural_limit is not None else np.nan,
    )
    results = methods.assess(panel, goals)
    per_group: list[list[ProgressClass]] = [[] for _ in range(n)]
    for name, result in sorted(results.items()):
        labels = result.labels()
        for g in range(n):
            per_group[g].append(
                ProgressClass(
                    method=name,
                    status=methods.Status(int(result.status[g])).name.lower(),
                    label=str(labels[g]),
                    score=_number(float(result.score[g])),
                    reason=methods.REASON_TEXT.get(methods.Reason(int(result.reason[g])), ""),
                )
            )
    return [tuple(items) for items in per_group]


# Cache -------------------------------------------------------------------------------------


def data_version() -> str:
    """A text that changes whenever anything an aggregate reads may have changed.

    Every write through an action leaves an audit entry; imports, observations, goals,
    memberships, weights and rules are also read directly, for writes that bypass the
    audit log (bulk loads). Each part is one indexed MAX or a small COUNT.
    """
    from meadow.audit.models import AuditEntry

    parts = [
        AuditEntry.objects.aggregate(v=Max("id"))["v"],
        Import.objects.aggregate(v=Max("id"))["v"],
        Import.objects.aggregate(v=Max("undone_at"))["v"],
        Observation.objects.aggregate(v=Max("id"))["v"],
        Series.objects.aggregate(v=Max("id"))["v"],
        Goal.objects.aggregate(v=Max("id"))["v"],
        Membership.objects.aggregate(v=Max("id"))["v"],
        Weight.objects.aggregate(v=Max("id"))["v"],
        AggregationRule.objects.aggregate(v=Max("updated_at"), n=Count("id")),
    ]
    return "|".join(str(p) for p in parts)


def _key(indicator: Element, version: str) -> str:
    import hashlib

    digest = hashlib.sha256(version.encode("utf-8")).hexdigest()[:20]
    return f"{CACHE_PREFIX}:{indicator.pk}:{digest}"


def aggregates(indicator: Element, *, use_cache: bool = True) -> IndicatorAggregates:
    """The indicator's aggregates, from the cache when the data have not changed."""
    version = data_version()
    key = _key(indicator, version)
    if use_cache:
        found = cache.get(key)
        if isinstance(found, IndicatorAggregates):
            return found
    result = replace(compute(indicator), version=version)
    cache.set(key, result, CACHE_SECONDS)
    return result


# Which indicators ----------------------------------------------------------------------------


def indicators_with_data() -> list[Element]:
    """Indicators with at least one national total series, in framework order."""
    rows = Series.objects.filter(place__kind=PlaceKind.COUNTRY).values_list(
        "indicator_id", "disaggregation"
    )
    with_totals = {indicator_id for indicator_id, dims in rows.iterator() if not dims}
    return list(
        Element.objects.filter(pk__in=with_totals)
        .select_related("framework")
        .order_by("framework__order", "order")
    )


def indicator(uid: str) -> Element | None:
    """An indicator element by its uid (sub-indicators too), or None."""
    return (
        Element.objects.select_related("framework")
        .filter(uid=uid, level__in=(Level.INDICATOR, Level.SUB_INDICATOR))
        .first()
    )


def headline_indicators() -> list[Element]:
    return list(
        Element.objects.filter(framework__slug="gbf", level=Level.INDICATOR, kind="headline")
        .select_related("framework")
        .order_by("order")
    )


def precompute(elements: Iterable[Element]) -> Iterable[tuple[Element, IndicatorAggregates]]:
    """Aggregate each indicator afresh and store it in the cache (for the CLI)."""
    for element in elements:
        yield element, aggregates(element, use_cache=False)
