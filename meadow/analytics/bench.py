"""How fast the progress assessment runs, against the memory-bandwidth floor.

``progress`` builds a seeded synthetic panel (200 places x 500 indicators x 3
disaggregations x 30 years, 30 % missing; ``quick`` shrinks it to 20 places x 50
indicators) and measures, in one run:

- the full assessment: every method and its roll-up to place x indicator, best of a
  few runs;
- the floor: a plain ``values.sum()`` over the same values (one read of the array, the
  memory-bandwidth floor), and ``np.nansum`` (a sum that skips missing values);
- the straightforward implementation (:mod:`meadow.analytics.reference`, one series at
  a time in Python) on a sample of series, extrapolated to the whole panel;
- the peak memory the assessment allocates (tracemalloc), against the values' size.

With ``uk``, it also reads the Open SDG CSV files of a data directory into a panel and
times the reading and the assessment.

``aggregate`` reads the same synthetic panel as 200 countries x 1,500 national series
(500 indicators x 3 disaggregations) x 30 years (``quick``: 5 indicators) and
aggregates it to 38 groups (:func:`synthetic_groups`: the world, 5 regions, 17
sub-regions, 7 intermediate regions, 5 UN regional groups, LDC, LLDC and SIDS) by
population-weighted means with coverage, against the same floor, the peak memory, and a
straightforward version (one group at a time, ``np.nansum`` over its members).
"""

from __future__ import annotations

import csv
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from meadow.analytics.aggregate import Impute, Rule
from meadow.analytics.aggregate import aggregate as aggregate_panel
from meadow.analytics.groups import Groups
from meadow.analytics.panel import Goals, Panel
from meadow.analytics.progress import METHODS, assess
from meadow.analytics.reference import SeriesGoal, assess_series
from meadow.analytics.rollup import rollup

__all__ = [
    "Synthetic",
    "SyntheticGroups",
    "aggregate",
    "progress",
    "read_open_sdg",
    "synthetic",
    "synthetic_groups",
]

SEED = 20_240_601


@dataclass(frozen=True)
class Synthetic:
    """A synthetic panel, its goals and the series -> place x indicator groups."""

    panel: Panel
    goals: Goals
    groups: np.ndarray[Any, np.dtype[np.int64]]


def synthetic(
    places: int = 200,
    indicators: int = 500,
    disaggregations: int = 3,
    years: int = 30,
    missing: float = 0.3,
    seed: int = SEED,
) -> Synthetic:
    """Series with trends, noise, some negative values and zeros, and a mix of goals."""
    rng = np.random.default_rng(seed)
    n = places * indicators * disaggregations
    indicator = np.tile(np.repeat(np.arange(indicators), disaggregations), places)
    calendar = np.arange(2025 - years, 2025)

    # Percentages near a natural limit for a fifth of the indicators, levels elsewhere.
    bounded = (rng.random(indicators) < 0.2)[indicator]
    level = np.where(bounded, rng.uniform(1.0, 99.0, n), rng.lognormal(3.0, 1.5, n))
    trend = rng.normal(0.0, 0.03, n)
    values = np.empty((n, years))
    np.multiply(trend[:, None], np.arange(years, dtype=np.float64), out=values)
    values += rng.normal(0.0, 0.02, (n, years))
    np.exp(values, out=values)
    values *= level[:, None]
    # Balances that go below zero, and counts that hit zero, exercise the fallbacks.
    values[rng.random(n) < 0.02] *= -1.0
    values[rng.random((n, years)) < 0.002] = 0.0
    values[rng.random((n, years)) < missing] = np.nan

    direction = np.where(rng.random(indicators) < 0.5, 1, -1).astype(np.int8)[indicator]
    with_target = (rng.random(indicators) < 0.6)[indicator]
    target = level * np.exp(direction * rng.normal(0.4, 0.3, n))
    target_year = np.where(rng.random(indicators) < 0.1, 2035, 0)[indicator]
    goals = Goals.build(
        n,
        direction=direction,
        target_value=np.where(with_target, target, np.nan),
        target_year=target_year,
        natural_limit=np.where(bounded, 100.0, np.nan),
    )
    return Synthetic(Panel(calendar, values), goals, np.arange(n) // disaggregations)


def _assess_all(data: Synthetic) -> None:
    for result in assess(data.panel, data.goals).values():
        rollup(result, data.groups)


def _best(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def _naive(data: Synthetic, sample: int, seed: int) -> float:
    """Seconds for the per-series reference on ``sample`` series, every method."""
    rows = np.random.default_rng(seed).choice(data.panel.n_series, size=sample, replace=False)
    years = data.panel.years.tolist()
    g = data.goals
    start = time.perf_counter()
    for row in rows:
        values = data.panel.values[row].tolist()
        goal = SeriesGoal(
            direction=int(g.direction[row]),
            target_value=float(g.target_value[row]),
            target_year=int(g.target_year[row]) or None,
            base_year=int(g.base_year[row]) or None,
            natural_limit=float(g.natural_limit[row]),
        )
        for method in METHODS:
            assess_series(years, values, goal, method)
    return time.perf_counter() - start


def _peak_memory(data: Synthetic) -> int:
    tracemalloc.start()
    try:
        _assess_all(data)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def read_open_sdg(directory: Path) -> tuple[Panel, int, int]:
    """Read every ``indicator_*.csv`` of an Open SDG data directory into a panel.

    A series is a file plus the values of its columns other than Year, Value and
    observation status; a year like "2015-16" counts as its first year, and a repeated
    (series, year) keeps its last value. Returns the panel, the files and the rows read.
    """
    if (directory / "data").is_dir():
        directory = directory / "data"
    files = sorted(directory.glob("indicator_*.csv"))
    series: dict[tuple[str, ...], int] = {}
    cells: dict[tuple[int, int], float] = {}
    rows = 0
    for path in files:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fields = [
                f
                for f in reader.fieldnames or []
                if f not in ("Year", "Value", "Observation status")
            ]
            for record in reader:
                rows += 1
                try:
                    year = int((record.get("Year") or "")[:4])
                    value = float(record.get("Value") or "nan")
                except ValueError:
                    continue
                key = (path.name, *(record.get(f) or "" for f in fields))
                sid = series.setdefault(key, len(series))
                cells[(sid, year)] = value
    sid_array = np.fromiter((k[0] for k in cells), dtype=np.int64, count=len(cells))
    year_array = np.fromiter((k[1] for k in cells), dtype=np.int64, count=len(cells))
    value_array = np.fromiter(cells.values(), dtype=np.float64, count=len(cells))
    panel = Panel.from_long(sid_array, year_array, value_array, n_series=len(series))
    return panel, len(files), rows


def _uk(directory: Path, echo: Callable[[str], None], repeat: int) -> dict[str, Any]:
    start = time.perf_counter()
    panel, files, rows = read_open_sdg(directory)
    read_seconds = time.perf_counter() - start
    # The files carry no desired direction or target: assess the trends as increases.
    goals = Goals.build(panel.n_series)
    seconds = _best(lambda: assess(panel, goals), repeat)
    counts = {
        name: int((result.status != 0).sum()) for name, result in assess(panel, goals).items()
    }
    echo(
        f"UK Open SDG data: {files} files, {rows:,} rows, {panel.n_series:,} series, "
        f"years {panel.years[0]}-{panel.years[-1]}"
    )
    echo(f"  read into a panel: {read_seconds:.2f} s; assessed: {seconds * 1e3:.1f} ms")
    echo("  series with a class: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return {
        "files": files,
        "rows": rows,
        "series": panel.n_series,
        "read_seconds": round(read_seconds, 4),
        "assess_seconds": round(seconds, 6),
    }


def progress(
    quick: bool = False,
    uk: Path | None = None,
    echo: Callable[[str], None] = print,
    repeat: int | None = None,
) -> dict[str, Any]:
    """Run the progress benchmark, reporting lines through ``echo``; returns the figures."""
    shape = (20, 50, 3, 30) if quick else (200, 500, 3, 30)
    repeat = repeat or (3 if quick else 5)
    sample = 300 if quick else 2000

    start = time.perf_counter()
    data = synthetic(*shape)
    values = data.panel.values
    cells = values.size
    observations = int(np.count_nonzero(~np.isnan(values)))
    echo(
        f"Synthetic panel: {shape[0]} places x {shape[1]} indicators x {shape[2]} "
        f"disaggregations x {shape[3]} years = {cells:,} cells, {observations:,} observed "
        f"({values.nbytes / 1e6:.0f} MB), built in {time.perf_counter() - start:.1f} s"
    )

    _assess_all(data)  # warm up: first-touch of code paths and allocator pools
    seconds = _best(lambda: _assess_all(data), repeat)
    nansum = _best(lambda: np.nansum(values), repeat)
    raw_sum = _best(values.sum, repeat)
    naive = _naive(data, sample, SEED) * data.panel.n_series / sample
    peak = _peak_memory(data)

    echo(
        f"Full assessment ({', '.join(METHODS)}, with roll-ups), best of {repeat}: "
        f"{seconds * 1e3:.1f} ms, {cells / seconds / 1e6:.1f} M cells/s"
    )
    echo(
        f"Floor, a plain values.sum(): {raw_sum * 1e3:.1f} ms -> {seconds / raw_sum:.1f}x "
        f"(goal 5x); np.nansum: {nansum * 1e3:.1f} ms -> {seconds / nansum:.2f}x"
    )
    echo(
        f"Per-series Python reference: {naive:.1f} s estimated from {sample:,} series "
        f"-> {naive / seconds:,.0f}x slower"
    )
    echo(
        f"Peak memory allocated by the assessment: {peak / 1e6:.0f} MB "
        f"= {peak / values.nbytes:.2f}x the values"
    )
    summary: dict[str, Any] = {
        "benchmark": "progress",
        "quick": quick,
        "rows": cells,
        "series": data.panel.n_series,
        "observations": observations,
        "methods": list(METHODS),
        "seconds": round(seconds, 6),
        "rows_per_s": round(cells / seconds),
        # The floor is a plain sum over the same values: one read of the array.
        "floor_seconds": round(raw_sum, 6),
        "floor_ratio": round(seconds / raw_sum, 3),
        "nansum_seconds": round(nansum, 6),
        "nansum_ratio": round(seconds / nansum, 3),
        "naive_seconds": round(naive, 3),
        "naive_sample": sample,
        "naive_ratio": round(naive / seconds, 1),
        "peak_memory_bytes": peak,
        "values_bytes": values.nbytes,
        "peak_memory_ratio": round(peak / values.nbytes, 3),
    }
    if uk is not None:
        summary["uk"] = _uk(Path(uk), echo, repeat)
    return summary


# The M49 tree scaled to 200 countries, in M49 order: region, sub-region, intermediate
# region (or None), countries, their UN regional groups, and how many are LDC, LLDC and
# SIDS. The counts follow where the real ones lie (about 45 LDC, 32 LLDC and 39 SIDS
# among the UN members), scaled down: 41, 30 and 38 here.
_M49 = [
    ("Africa", "Northern Africa", None, 6, {"African": 6}, (1, 0, 0)),
    ("Africa", "Sub-Saharan Africa", "Eastern Africa", 18, {"African": 18}, (12, 6, 3)),
    ("Africa", "Sub-Saharan Africa", "Middle Africa", 9, {"African": 9}, (5, 2, 1)),
    ("Africa", "Sub-Saharan Africa", "Southern Africa", 5, {"African": 5}, (1, 3, 0)),
    ("Africa", "Sub-Saharan Africa", "Western Africa", 16, {"African": 16}, (11, 3, 2)),
    ("Americas", "Latin America and the Caribbean", "Caribbean", 13, {"GRULAC": 13}, (1, 0, 12)),
    ("Americas", "Latin America and the Caribbean", "Central America", 8, {"GRULAC": 8}, (0, 0, 1)),
    ("Americas", "Latin America and the Caribbean", "South America", 12, {"GRULAC": 12}, (0, 2, 2)),
    ("Americas", "Northern America", None, 2, {"WEOG": 2}, (0, 0, 0)),
    ("Asia", "Central Asia", None, 5, {"Asia-Pacific": 5}, (0, 5, 0)),
    ("Asia", "Eastern Asia", None, 5, {"Asia-Pacific": 5}, (0, 1, 0)),
    ("Asia", "South-eastern Asia", None, 11, {"Asia-Pacific": 11}, (3, 1, 2)),
    ("Asia", "Southern Asia", None, 9, {"Asia-Pacific": 9}, (3, 3, 1)),
    ("Asia", "Western Asia", None, 17, {"Asia-Pacific": 12, "WEOG": 2, "EEG": 3}, (1, 2, 1)),
    ("Europe", "Eastern Europe", None, 10, {"EEG": 10}, (0, 1, 0)),
    ("Europe", "Northern Europe", None, 10, {"WEOG": 7, "EEG": 3}, (0, 0, 0)),
    ("Europe", "Southern Europe", None, 15, {"WEOG": 8, "EEG": 7}, (0, 1, 0)),
    ("Europe", "Western Europe", None, 9, {"WEOG": 9}, (0, 0, 0)),
    ("Oceania", "Australia and New Zealand", None, 2, {"WEOG": 2}, (0, 0, 0)),
    ("Oceania", "Melanesia", None, 5, {"Asia-Pacific": 5}, (1, 0, 4)),
    ("Oceania", "Micronesia", None, 6, {"Asia-Pacific": 6}, (1, 0, 5)),
    ("Oceania", "Polynesia", None, 7, {"Asia-Pacific": 7}, (1, 0, 4)),
]


# The kinds are those of meadow.places (PlaceKind and GroupKind values).
_KIND_LABELS = {
    "world": "world",
    "region": "regions",
    "sub-region": "sub-regions",
    "intermediate-region": "intermediate regions",
    "un-regional-group": "UN regional groups",
    "development-status": "development groups (LDC, LLDC, SIDS)",
}


@dataclass(frozen=True)
class SyntheticGroups:
    """A synthetic membership, its group names and kinds, and a population per country."""

    groups: Groups
    names: list[str]
    kinds: list[str]
    population: np.ndarray[Any, np.dtype[np.float64]]


def synthetic_groups(seed: int = SEED) -> SyntheticGroups:
    """200 countries numbered in M49 order, in 38 groups of the kinds a stocktake uses.

    Every country is in the world, its region, its sub-region and its UN regional group,
    and in its intermediate region where the sub-region has them; which countries of a
    sub-region are LDC, LLDC or SIDS and which UN group each joins where a sub-region
    splits is drawn at random (an island is never landlocked). That puts each country
    in 4 to 7 groups (5.0 on average). Populations are log-normal around 10 million.
    """
    rng = np.random.default_rng(seed)
    members: dict[str, list[int]] = {}
    kinds: dict[str, str] = {}

    def join(name: str, kind: str, country: int) -> None:
        members.setdefault(name, []).append(country)
        kinds.setdefault(name, kind)

    country = 0
    for region, sub_region, intermediate, count, un_groups, flags in _M49:
        un = np.concatenate([[name] * n for name, n in un_groups.items()])
        rng.shuffle(un)
        ldc, lldc, sids = flags
        landlocked = rng.permutation(count)
        is_lldc = np.isin(np.arange(count), landlocked[:lldc])
        is_sids = np.isin(np.arange(count), landlocked[count - sids :])
        is_ldc = np.isin(np.arange(count), rng.permutation(count)[:ldc])
        for i in range(count):
            join("World", "world", country)
            join(region, "region", country)
            join(sub_region, "sub-region", country)
            if intermediate is not None:
                join(intermediate, "intermediate-region", country)
            join(f"{un[i]} Group", "un-regional-group", country)
            for name, flag in (("LDC", is_ldc), ("LLDC", is_lldc), ("SIDS", is_sids)):
                if flag[i]:
                    join(name, "development-status", country)
            country += 1
    names = list(members)
    groups = Groups.from_lists([members[name] for name in names], n_countries=country)
    population = np.round(rng.lognormal(np.log(10e6), 1.6, country))
    return SyntheticGroups(groups, names, [kinds[name] for name in names], population)


def _per_group(
    cube: np.ndarray[Any, Any], groups: Groups, weight: np.ndarray[Any, Any]
) -> list[tuple[np.ndarray[Any, Any], ...]]:
    """The straightforward version: one group at a time, NaN-aware sums over its members."""
    results: list[tuple[np.ndarray[Any, Any], ...]] = []
    for g in range(groups.n_groups):
        rows = groups.members_of(g)
        values = cube[rows]
        w = weight[rows][:, None, None]
        reported = ~np.isnan(values)
        total = np.nansum(values * w, axis=0)
        covered = np.sum(reported * w, axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / covered
        coverage = covered / weight[rows].sum()
        mean[coverage < 0.5] = np.nan
        results.append((mean, coverage, reported.sum(axis=0)))
    return results


def _aggregate_peak(run: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def aggregate(
    quick: bool = False,
    echo: Callable[[str], None] = print,
    repeat: int | None = None,
) -> dict[str, Any]:
    """Run the aggregation benchmark, reporting lines through ``echo``; returns the figures."""
    indicators = 5 if quick else 500
    repeat = repeat or (3 if quick else 5)
    start = time.perf_counter()
    member = synthetic_groups()
    groups = member.groups
    places = groups.n_countries
    data = synthetic(places=places, indicators=indicators)
    panel = data.panel
    values = panel.values
    n_keys = panel.n_series // places
    cells = values.size
    observations = int(np.count_nonzero(~np.isnan(values)))
    echo(
        f"Synthetic national panel: {places} countries x {n_keys:,} series ({indicators} "
        f"indicators x 3 disaggregations) x {panel.n_years} years = {cells:,} cells, "
        f"{observations:,} observed ({values.nbytes / 1e6:.0f} MB), "
        f"built in {time.perf_counter() - start:.1f} s"
    )
    plan = groups.plan
    kinds = {kind: member.kinds.count(kind) for kind in _KIND_LABELS}
    per_country = np.bincount(groups.members, minlength=places)
    sliced = sum(span is not None for span in plan.spans)
    echo(
        f"Groups: {groups.n_groups} ("
        + ", ".join(f"{n} {_KIND_LABELS[kind]}" for kind, n in kinds.items())
        + f"); {per_country.min()}-{per_country.max()} groups per country "
        f"({per_country.mean():.1f} on average); {plan.base.size} read from countries "
        f"({sliced} as slices, {plan.base.size - sliced} gathered), "
        f"{plan.derived.size} summed from other groups"
    )

    def run() -> object:
        return aggregate_panel(panel, groups, rule=Rule.WEIGHTED_MEAN, weights=[member.population])

    result = aggregate_panel(panel, groups, rule=Rule.WEIGHTED_MEAN, weights=[member.population])
    output_cells = result.value.size
    size = sum(
        a.nbytes for a in (result.value, result.coverage, result.n_countries, result.n_imputed)
    )
    published = float(result.published.mean())
    seconds = _best(run, repeat)
    nansum = _best(lambda: np.nansum(values), repeat)
    raw_sum = _best(values.sum, repeat)
    peak = _aggregate_peak(run)
    cube = values.reshape(places, n_keys, panel.n_years)
    start = time.perf_counter()
    _per_group(cube, groups, member.population)
    per_group = time.perf_counter() - start
    others: dict[str, float] = {}
    settings: dict[str, dict[str, Any]] = {
        "sum": {"rule": Rule.SUM},
        "mean": {"rule": Rule.MEAN},
        "max": {"rule": Rule.MAX},
        "sum with group means": {"rule": Rule.SUM, "impute": Impute.GROUP_MEAN},
        "weighted mean carried forward": {
            "rule": Rule.WEIGHTED_MEAN,
            "impute": Impute.CARRY_FORWARD,
        },
    }
    for name, options in settings.items():
        call = partial(aggregate_panel, panel, groups, weights=[member.population], **options)
        others[name] = _best(call, max(1, repeat // 2))

    echo(
        f"Population-weighted means with coverage for {groups.n_groups} groups "
        f"({output_cells:,} aggregates, {published:.0%} published), best of {repeat}: "
        f"{seconds * 1e3:.1f} ms, {cells / seconds / 1e6:.1f} M cells/s"
    )
    echo(
        f"Floor, a plain values.sum(): {raw_sum * 1e3:.1f} ms -> {seconds / raw_sum:.1f}x "
        f"(goal 5x); np.nansum: {nansum * 1e3:.1f} ms -> {seconds / nansum:.2f}x"
    )
    echo(
        f"One group at a time with np.nansum: {per_group * 1e3:,.0f} ms "
        f"-> {per_group / seconds:.0f}x slower"
    )
    echo("Other settings: " + ", ".join(f"{name} {s * 1e3:.1f} ms" for name, s in others.items()))
    echo(
        f"Peak memory allocated by the aggregation: {peak / 1e6:.0f} MB "
        f"= {peak / values.nbytes:.2f}x the values (the result itself: {size / 1e6:.0f} MB)"
    )
    return {
        "benchmark": "aggregate",
        "quick": quick,
        "rows": cells,
        "countries": places,
        "series": n_keys,
        "years": panel.n_years,
        "observations": observations,
        "groups": groups.n_groups,
        "memberships": int(groups.members.size),
        "base_groups": int(plan.base.size),
        "derived_groups": int(plan.derived.size),
        "aggregates": output_cells,
        "published_share": round(published, 4),
        "seconds": round(seconds, 6),
        "rows_per_s": round(cells / seconds),
        # The floor is a plain sum over the same values: one read of the array.
        "floor_seconds": round(raw_sum, 6),
        "floor_ratio": round(seconds / raw_sum, 3),
        "nansum_seconds": round(nansum, 6),
        "nansum_ratio": round(seconds / nansum, 3),
        "per_group_seconds": round(per_group, 4),
        "per_group_ratio": round(per_group / seconds, 1),
        "other_seconds": {name: round(s, 6) for name, s in others.items()},
        "peak_memory_bytes": peak,
        "values_bytes": values.nbytes,
        "peak_memory_ratio": round(peak / values.nbytes, 3),
    }
