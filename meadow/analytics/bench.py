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
"""

from __future__ import annotations

import csv
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from meadow.analytics.panel import Goals, Panel
from meadow.analytics.progress import METHODS, assess
from meadow.analytics.reference import SeriesGoal, assess_series
from meadow.analytics.rollup import rollup

__all__ = ["Synthetic", "progress", "read_open_sdg", "synthetic"]

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
