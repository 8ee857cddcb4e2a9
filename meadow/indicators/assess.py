"""Progress assessment of stored series: the database side of ``meadow.analytics``.

Reads every annual observation into one dense panel (series x year), builds the goals
arrays, runs every method in a handful of vectorised passes, rolls series up to their
indicator in each place (and SDG indicators on to their target and goal), and stores
the results with the method, its version and the inputs it used.

Annual means a period of one calendar or split year (``2015``, ``2014/15``), placed
at the year it ends in; quarters, months and multi-year ranges are not assessed. Where
two annual labels fall in the same year of a series (``1974a`` and ``1974b``), the
first stored is used; rows a file repeats (ordinal above 0) are left out.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils import timezone

from meadow import audit
from meadow.analytics import progress as methods
from meadow.analytics.panel import Goals, Panel
from meadow.analytics.rollup import rollup
from meadow.core.actions import action
from meadow.core.actors import Actor
from meadow.core.bulk import insert_rows
from meadow.indicators.models import Assessment, Goal, Observation, RollUp, Series

Progress = Callable[[str, int, int], None]
BATCH = 2000
ASSESSMENT_COLUMNS = ("series", "method", "version", "status", "score", "inputs", "computed_at")


@dataclass
class AssessReport:
    series: int = 0
    observations: int = 0
    assessed: dict[str, int] | None = None
    rollups: int = 0

    def summary(self) -> str:
        counts = ", ".join(f"{m} {n}" for m, n in sorted((self.assessed or {}).items()))
        return (
            f"{self.series} series, {self.observations} annual observations; "
            f"assessed per method: {counts}; {self.rollups} roll-ups"
        )


def _number(value: Any) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, np.integer):
        return int(value)
    number = float(value)
    return None if math.isnan(number) else number


def _goal_arrays(series: list[Series]) -> dict[str, np.ndarray]:
    """Direction, target, baseline and limit of each series from the most specific goal."""
    own = {g.series_id: g for g in Goal.objects.filter(series__isnull=False)}
    general: dict[tuple[int, int | None], Goal] = {
        (g.indicator_id, g.place_id): g for g in Goal.objects.filter(series__isnull=True)
    }
    n = len(series)
    out = {
        "direction": np.zeros(n, dtype=np.int8),
        "target_value": np.full(n, np.nan),
        "target_year": np.zeros(n, dtype=np.int64),
        "base_year": np.zeros(n, dtype=np.int64),
        "base_value": np.full(n, np.nan),
        "natural_limit": np.full(n, np.nan),
    }
    for row, item in enumerate(series):
        goal = (
            own.get(item.pk)
            or general.get((item.indicator_id, item.place_id))
            or general.get((item.indicator_id, None))
        )
        if goal is None:
            continue
        out["direction"][row] = goal.direction
        if goal.target_value is not None and goal.target_year is not None:
            out["target_value"][row] = goal.target_value
            out["target_year"][row] = goal.target_year
        if goal.baseline_year is not None:
            out["base_year"][row] = goal.baseline_year
            if goal.baseline_value is not None:
                out["base_value"][row] = goal.baseline_value
        if goal.natural_limit is not None:
            out["natural_limit"][row] = goal.natural_limit
    return out


def build(series_ids: list[int] | None = None) -> tuple[list[Series], Panel, Goals, int]:
    """The panel and goals of the given series (default: all)."""
    qs = Series.objects.order_by("id")
    if series_ids is not None:
        qs = qs.filter(pk__in=series_ids)
    series = list(qs)
    row_of = {s.pk: row for row, s in enumerate(series)}
    obs = Observation.objects.filter(kind__in=("year", "split-year"), ordinal=0)
    if series_ids is not None:
        obs = obs.filter(series_id__in=series_ids)
    rows = list(obs.order_by("series_id", "year", "id").values_list("series_id", "year", "value"))
    if rows:
        data = np.array(rows, dtype=np.float64)
        sid = np.array([row_of[int(s)] for s in data[:, 0]], dtype=np.int64)
        year = data[:, 1].astype(np.int64)
        value = data[:, 2]
        # Keep the first observation of each (series, year): rows are sorted by both.
        keep = np.ones(sid.size, dtype=bool)
        keep[1:] = (sid[1:] != sid[:-1]) | (year[1:] != year[:-1])
        sid, year, value = sid[keep], year[keep], value[keep]
    else:
        sid = np.zeros(0, dtype=np.int64)
        year = np.zeros(0, dtype=np.int64)
        value = np.zeros(0)
    panel = Panel.from_long(sid, year, value, n_series=len(series))
    goals = Goals.build(len(series), **_goal_arrays(series))
    return series, panel, goals, int(sid.size)


def _inputs(result: methods.Assessment, goals: Goals, row: int, label: str) -> dict[str, Any]:
    inputs = {
        "label": label,
        "reason": methods.REASON_TEXT.get(methods.Reason(int(result.reason[row])), ""),
        "direction": int(goals.direction[row]),
        "base_year": _number(result.base_year[row]) or None,
        "base_value": _number(result.base_value[row]),
        "latest_year": _number(result.latest_year[row]) or None,
        "latest_value": _number(result.latest_value[row]),
        "target_year": _number(goals.target_year[row]) or None,
        "target_value": _number(goals.target_value[row]),
        "natural_limit": _number(goals.natural_limit[row]),
        "growth": _number(result.growth[row]),
        "progress": _number(result.progress[row]),
        "linear": bool(result.linear[row]),
    }
    for name, key in (
        ("projected", "projected_value"),
        ("required_growth", "required_growth"),
        ("limit_factor", "limit_factor"),
        ("status_index", "status_index"),
    ):
        array = getattr(result, name)
        if array is not None:
            inputs[key] = _number(array[row])
    if inputs.get("projected_value") is not None and inputs["target_year"] is None:
        inputs["target_year"] = 2030
    return inputs


@action("indicators.assess")
def assess(
    *, actor: Actor, series_ids: list[int] | None = None, progress: Progress | None = None
) -> AssessReport:
    """Assess every series (or the given ones) with every method and store the results."""
    notify = progress or (lambda _stage, _done, _total: None)
    notify("reading", 0, 1)
    if series_ids is not None:
        # Roll-ups combine every series of an indicator in a place, so reassess whole places.
        places = Series.objects.filter(pk__in=series_ids).values("place_id")
        series_ids = list(Series.objects.filter(place_id__in=places).values_list("pk", flat=True))
    series, panel, goals, observations = build(series_ids)
    notify("assessing", 0, 1)
    results = methods.assess(panel, goals)
    report = AssessReport(series=len(series), observations=observations, assessed={})
    existing = (
        Assessment.objects.all()
        if series_ids is None
        else Assessment.objects.filter(series_id__in=series_ids)
    )
    existing.delete()
    rows: list[tuple[Any, ...]] = []
    total = len(results) * len(series)
    now = timezone.now()
    for method_name, result in results.items():
        labels = result.labels()
        spec = methods.METHODS[method_name]
        statuses = result.status
        assert report.assessed is not None
        report.assessed[method_name] = int(np.count_nonzero(statuses))
        names = [methods.Status(code).name.lower() for code in range(len(methods.Status))]
        for row, item in enumerate(series):
            rows.append(
                (
                    item.pk,
                    method_name,
                    str(spec.version),
                    names[int(statuses[row])],
                    _number(result.score[row]),
                    _inputs(result, goals, row, str(labels[row])),
                    now,
                )
            )
        notify("storing", len(rows), total)
    insert_rows(Assessment, ASSESSMENT_COLUMNS, rows)
    report.rollups = _roll_up(series, results, series_ids)
    audit.record(
        actor=actor,
        action="indicators.assess",
        object_type="assessment",
        object_uid="series/*" if series_ids is None else f"series/{len(series)}",
        after={"series": len(series), "assessed": report.assessed},
    )
    notify("done", 1, 1)
    return report


def _roll_up(
    series: list[Series], results: dict[str, methods.Assessment], series_ids: list[int] | None
) -> int:
    """Series to indicator in each place, then SDG indicator to target to goal."""
    from meadow.frameworks.models import Element

    if not series:
        return 0
    pairs = sorted({(s.indicator_id, s.place_id) for s in series})
    index = {pair: n for n, pair in enumerate(pairs)}
    group = np.array([index[(s.indicator_id, s.place_id)] for s in series], dtype=np.int64)
    parents = dict(Element.objects.filter(parent__isnull=False).values_list("id", "parent_id"))
    if series_ids is None:
        RollUp.objects.all().delete()
    else:
        RollUp.objects.filter(place_id__in={p for _, p in pairs}).delete()
    stored: list[RollUp] = []
    for method_name, result in results.items():
        spec = methods.METHODS[method_name]
        level_result: Any = result
        level_pairs = pairs
        level_group = group
        # A roll-up speaks of targets only when every assessed member had one.
        level_targets = np.asarray(result.has_target, dtype=bool)
        while level_pairs:
            rolled = rollup(level_result, level_group, n_groups=len(level_pairs))
            assessed = np.asarray(level_result.status) != methods.Status.NOT_ASSESSED
            keep = level_group >= 0
            lacking = np.bincount(
                level_group[keep],
                weights=(assessed & ~level_targets)[keep],
                minlength=len(level_pairs),
            )
            group_targets = (np.asarray(rolled.n_assessed) > 0) & (lacking == 0)
            for n, (element_id, place_id) in enumerate(level_pairs):
                stored.append(
                    RollUp(
                        element_id=element_id,
                        place_id=place_id,
                        method=method_name,
                        version=str(spec.version),
                        status=methods.Status(int(rolled.status[n])).name.lower(),
                        score=_number(rolled.score[n]),
                        series_count=int(rolled.n_members[n]),
                        has_target=bool(group_targets[n]),
                    )
                )
            # One level up: elements with a parent (SDG indicator -> target -> goal).
            up_pairs = sorted({(parents[e], p) for e, p in level_pairs if e in parents})
            if not up_pairs:
                break
            up_index = {pair: n for n, pair in enumerate(up_pairs)}
            level_group = np.array(
                [up_index.get((parents.get(e, -1), p), -1) for e, p in level_pairs],
                dtype=np.int64,
            )
            level_result, level_pairs, level_targets = rolled, up_pairs, group_targets
    RollUp.objects.bulk_create(stored, batch_size=BATCH)
    return len(stored)


def run_job(
    *,
    series_ids: list[int] | None = None,
    progress: Progress | None = None,
    actor_label: str = "import",
) -> dict[str, Any]:
    """Background job: reassess the series an import touched."""
    from meadow.core.actors import SystemActor

    report = assess(actor=SystemActor(actor_label), series_ids=series_ids, progress=progress)
    return {"summary": report.summary(), "series": report.series}
