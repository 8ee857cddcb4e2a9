"""The progress methods written the straightforward way: one series at a time, in Python.

This is the yardstick for :mod:`meadow.analytics.progress`: the benchmark times it on a
sample to show what the array version saves, and the tests check that both agree on
random panels. It follows the same rules (see the module docstring of
:mod:`meadow.analytics.progress` and ``docs/progress-methods.md``) with plain floats.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from meadow.analytics.panel import BASE_YEAR, TARGET_YEAR
from meadow.analytics.progress import (
    EUROSTAT_GROWTH_THRESHOLDS,
    OPEN_SDG_GROWTH_THRESHOLDS,
    OPEN_SDG_LIMIT_EXPONENT,
    RATIO_CAP,
    RATIO_THRESHOLDS,
    UN_GROWTH_THRESHOLDS,
    UN_TARGET_THRESHOLDS,
    Reason,
    Status,
)

__all__ = ["SeriesGoal", "SeriesResult", "assess_series"]

_FOUR = (Status.REGRESSING, Status.LIMITED, Status.MODERATE, Status.ON_TRACK)


@dataclass(frozen=True)
class SeriesGoal:
    """One series' goal; ``None`` for what it does not have."""

    direction: int = 1
    target_value: float | None = None
    target_year: int | None = None
    base_year: int | None = None
    natural_limit: float | None = None
    base_value: float | None = None


@dataclass(frozen=True)
class SeriesResult:
    """One series' class, reason and headline measure under one method."""

    status: Status
    reason: Reason
    progress: float | None = None
    base_year: int | None = None
    latest_year: int | None = None


def _grade(measure: float, thresholds: Sequence[float], codes: Sequence[Status]) -> Status:
    reached = sum(1 for t in thresholds if measure >= t)
    return codes[reached]


def _clip(ratio: float) -> float:
    if math.isnan(ratio):
        return 0.0
    return max(-RATIO_CAP, min(RATIO_CAP, ratio))


def _divide(a: float, b: float) -> float:
    """a / b with the floating-point answers for b == 0 (what the array code gets)."""
    if b == 0:
        return math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a)
    return a / b


def _share(d: int, value: float, base: float, target: float) -> float:
    return _clip(_divide(d * (value - base), abs(target - base)))


def _weighted_slope(points: list[tuple[int, float]], projection_year: int) -> float:
    """Weighted least-squares slope with weight 1 / (projection_year - t)."""
    s0 = s1 = s2 = q0 = q1 = 0.0
    for year, y in points:
        t = year - projection_year
        w = -1.0 / t
        s0 += w
        s1 += w * t
        s2 += w * t * t
        q0 += w * y
        q1 += w * t * y
    return (s0 * q1 - s1 * q0) / (s0 * s2 - s1 * s1)


def assess_series(
    years: Sequence[int], values: Sequence[float], goal: SeriesGoal, method: str
) -> SeriesResult:
    """Assess one series (years ascending, NaN for missing values) by one method."""
    observed = [(y, v) for y, v in zip(years, values, strict=True) if not math.isnan(v)]
    d = goal.direction
    target = goal.target_value
    has_target = target is not None and not math.isnan(target)

    if d == 0:
        return SeriesResult(Status.NOT_ASSESSED, Reason.NO_DIRECTION)
    if not observed:
        return SeriesResult(Status.NOT_ASSESSED, Reason.NO_DATA)
    latest_year, latest = observed[-1]
    achieved = has_target and d * (latest - target) >= 0  # type: ignore[operator]

    base_year_wanted = goal.base_year or BASE_YEAR
    since = [o for o in observed if o[0] >= base_year_wanted]
    base: tuple[int, float] | None
    if goal.base_value is not None and not math.isnan(goal.base_value):
        base = (goal.base_year or 0, goal.base_value)
    elif since and since[0][0] < latest_year:
        base = since[0]
    elif since:
        before = [o for o in observed if o[0] < base_year_wanted]
        base = before[-1] if before else None
    else:
        base = observed[0]

    def result(status: Status, reason: Reason, progress: float | None = None) -> SeriesResult:
        if achieved:
            status, reason = Status.ACHIEVED, Reason.NONE
        return SeriesResult(
            status, reason, progress, None if base is None else base[0], latest_year
        )

    if base is None or base[0] >= latest_year:
        return result(Status.NOT_ASSESSED, Reason.ONE_POINT)
    base_year, base_value = base
    elapsed = latest_year - base_year
    target_year = goal.target_year or TARGET_YEAR
    horizon = max(target_year - latest_year, 0)
    ratio = latest / base_value if base_value != 0 else math.nan
    loggable = ratio > 0 and math.isfinite(ratio) and latest != 0
    growth = ratio ** (1.0 / elapsed) - 1.0 if loggable else math.nan
    sign = math.copysign(1.0, base_value) if base_value != 0 else 0.0
    adjusted = sign * d * growth

    if method == "un_chart":
        if has_target:
            if loggable:
                projected = latest * (1.0 + growth) ** horizon
            else:
                projected = latest + horizon * (latest - base_value) / elapsed
            share = _share(d, projected, base_value, target)  # type: ignore[arg-type]
            return result(_grade(share, UN_TARGET_THRESHOLDS, _FOUR), Reason.NONE, share)
        if not loggable:
            return result(Status.NOT_ASSESSED, Reason.GROWTH_UNDEFINED)
        return result(_grade(adjusted, UN_GROWTH_THRESHOLDS, _FOUR), Reason.NONE, adjusted)

    if method in ("eurostat", "open_sdg"):
        if has_target:
            span = target_year - base_year
            if span <= 0:
                return result(Status.NOT_ASSESSED, Reason.TARGET_YEAR_NOT_AFTER_BASE)
            target_ratio = target / base_value if base_value != 0 else math.nan  # type: ignore[operator]
            if loggable and target_ratio > 0 and math.isfinite(target_ratio):
                required = target_ratio ** (1.0 / span) - 1.0
                r = _clip(_divide(sign * d * growth, abs(required)))
            else:
                actual = (latest - base_value) / elapsed
                needed = (target - base_value) / span  # type: ignore[operator]
                r = _clip(_divide(d * actual, abs(needed)))
            return result(_grade(r, RATIO_THRESHOLDS, _FOUR), Reason.NONE, r)
        if not loggable:
            return result(Status.NOT_ASSESSED, Reason.GROWTH_UNDEFINED)
        if method == "eurostat":
            thresholds: Sequence[float] = EUROSTAT_GROWTH_THRESHOLDS
        else:
            factor = 1.0
            limit = goal.natural_limit
            if limit is not None and not math.isnan(limit):
                b, lim = abs(base_value), abs(limit)
                if b >= 2 * lim:
                    factor = 1.0
                elif b <= lim:
                    factor = 1.0 - (b / lim) ** OPEN_SDG_LIMIT_EXPONENT
                else:
                    factor = 1.0 - ((2 * lim - b) / lim) ** OPEN_SDG_LIMIT_EXPONENT
            thresholds = [t * factor if t > 0 else t for t in OPEN_SDG_GROWTH_THRESHOLDS]
        return result(_grade(adjusted, thresholds, _FOUR), Reason.NONE, adjusted)

    if method == "escap":
        if not has_target:
            return result(Status.NOT_ASSESSED, Reason.NO_TARGET)
        if goal.base_value is not None and not math.isnan(goal.base_value):
            slope = math.log(ratio) / elapsed if loggable else (latest - base_value) / elapsed
            linear = not loggable
        else:
            window = [o for o in observed if base_year <= o[0] <= latest_year]
            projection_year = max(target_year, latest_year + 1)
            positive = [v / base_value for _, v in window] if base_value != 0 else []
            linear = not positive or any(p <= 0 for p in positive)
            if linear:
                slope = _weighted_slope(window, projection_year)
            else:
                logs = [(y, math.log(p)) for (y, _), p in zip(window, positive, strict=True)]
                slope = _weighted_slope(logs, projection_year)
        anticipated = latest + slope * horizon if linear else latest * math.exp(slope * horizon)
        share = _share(d, anticipated, base_value, target)  # type: ignore[arg-type]
        codes = (Status.REGRESSING, Status.MODERATE, Status.ON_TRACK)
        return result(_grade(share, (1.0, 0.0), codes), Reason.NONE, share)

    raise ValueError(f"unknown progress method: {method}")
