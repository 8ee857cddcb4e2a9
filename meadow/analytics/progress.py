"""Progress of every series towards its target, by four published methods, in array passes.

Each method reads a whole :class:`~meadow.analytics.panel.Panel` with its
:class:`~meadow.analytics.panel.Goals` and returns an :class:`Assessment`: arrays of
length S with a class code per series, the method's own measure, a score on a common
-5..+5 scale (for roll-ups) and the base and latest observations it used. No method
loops over series in Python; the shared work (finding each series' base and latest
observations) is done once by :func:`endpoints` and can be passed to every method.

The formulas, thresholds, edge cases and sources are in ``docs/progress-methods.md``;
each method's docstring repeats what it computes.

Rules shared by every method
----------------------------
* Direction: +1 when higher is better, -1 when lower is better; 0 is not assessed.
* Latest observation: the last year with a value.
* Base observation: the first observation in or after the base year (2015 unless the
  goal says otherwise), if a later observation exists; with only one observation since
  the base year, the last one before it; with none since the base year, the earliest
  observation. A ``base_value`` in the goals replaces the observed base (at the goal's
  ``base_year``).
* Fewer than two points (base and latest the same observation): not assessed.
* Target met: a series whose latest value meets its target (``d * (latest - target) >=
  0``) is ``ACHIEVED`` whatever its trend, even with a single observation.
* Target year: 2030 unless given. When the latest observation is at or after the
  target year, nothing is projected: the projection is the latest value.
* Zero or sign change: growth rates (CAGR) need the base and latest values to be
  non-zero and of one sign (all-negative series are read with their direction
  reversed, as Open SDG does). Otherwise the methods that compare a trend with a
  target use the linear change per year instead; the methods that compare a growth
  rate with fixed growth thresholds cannot assess the series (reason
  ``GROWTH_UNDEFINED``).
* Ratios to a required change are clipped to +-1000 so that a target equal to the
  base value never stores an infinity.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from meadow.analytics.panel import BASE_YEAR, TARGET_YEAR, Goals, Panel
from meadow.analytics.trend import weighted_slopes

__all__ = [
    "METHODS",
    "Assessment",
    "Endpoints",
    "Method",
    "Reason",
    "Status",
    "assess",
    "endpoints",
    "escap",
    "eurostat",
    "open_sdg",
    "un_chart",
]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
I8 = NDArray[np.int8]
Bool = NDArray[np.bool_]

RATIO_CAP = 1000.0


class Status(IntEnum):
    """Class of a series, ordered from best to worst; the codes are stored as int8."""

    NOT_ASSESSED = 0
    ACHIEVED = 1
    ON_TRACK = 2
    MODERATE = 3
    LIMITED = 4
    REGRESSING = 5


class Reason(IntEnum):
    """Why a series was not assessed (``NONE`` when it was)."""

    NONE = 0
    NO_DIRECTION = 1
    NO_DATA = 2
    ONE_POINT = 3
    NO_TARGET = 4
    TARGET_YEAR_NOT_AFTER_BASE = 5
    GROWTH_UNDEFINED = 6


REASON_TEXT = {
    Reason.NONE: "",
    Reason.NO_DIRECTION: "no desired direction",
    Reason.NO_DATA: "no observations",
    Reason.ONE_POINT: "fewer than two observations",
    Reason.NO_TARGET: "the method needs a numeric target",
    Reason.TARGET_YEAR_NOT_AFTER_BASE: "the target year is not after the base year",
    Reason.GROWTH_UNDEFINED: "growth rate undefined: zero or a change of sign",
}


@dataclass(frozen=True)
class Method:
    """A method's name, version and vocabulary."""

    name: str
    title: str
    version: int
    labels: dict[Status, str]
    no_target_labels: dict[Status, str] = field(default_factory=dict)
    # Score bands, best first: a mean score at or above edge k gets codes[k]; below
    # every edge, codes[-1].
    score_edges: tuple[float, ...] = (2.5, 0.0, -2.5)
    score_codes: tuple[Status, ...] = (
        Status.ON_TRACK,
        Status.MODERATE,
        Status.LIMITED,
        Status.REGRESSING,
    )

    def label(self, status: Status, has_target: bool = True) -> str:
        if not has_target and status in self.no_target_labels:
            return self.no_target_labels[status]
        if status == Status.NOT_ASSESSED:
            return "Not assessed"
        return self.labels.get(status, "")

    def status_of_score(self, score: F64) -> I8:
        """Class of a (mean) score, by this method's score bands; NaN gives NOT_ASSESSED."""
        reached = np.zeros(score.shape, dtype=np.intp)
        for edge in self.score_edges:
            reached += score >= edge
        table = np.array([int(c) for c in reversed(self.score_codes)], dtype=np.int8)
        codes: I8 = table.take(reached) * ~np.isnan(score)
        return codes


UN_CHART = Method(
    name="un_chart",
    title="UN SDG Progress Chart (2023 technical note)",
    version=1,
    labels={
        Status.ACHIEVED: "Target met",
        Status.ON_TRACK: "Target met or almost met",
        Status.MODERATE: "Fair progress, but acceleration needed",
        Status.LIMITED: "Limited or marginal progress",
        Status.REGRESSING: "Stagnation or regression",
    },
    no_target_labels={Status.ON_TRACK: "Substantial progress/on track"},
)
EUROSTAT = Method(
    name="eurostat",
    title="Eurostat EU SDG monitoring",
    version=1,
    labels={
        Status.ACHIEVED: "Target achieved",
        Status.ON_TRACK: "Significant progress towards the target",
        Status.MODERATE: "Moderate progress towards the target",
        Status.LIMITED: "Insufficient progress towards the target",
        Status.REGRESSING: "Movement away from the target",
    },
    no_target_labels={
        Status.ON_TRACK: "Significant progress towards the SD objectives",
        Status.MODERATE: "Moderate progress towards the SD objectives",
        Status.LIMITED: "Moderate movement away from the SD objectives",
        Status.REGRESSING: "Significant movement away from the SD objectives",
    },
)
OPEN_SDG = Method(
    name="open_sdg",
    title="Open SDG progress measure (Statistics Canada)",
    version=1,
    labels={
        Status.ACHIEVED: "Target achieved",
        Status.ON_TRACK: "On track",
        Status.MODERATE: "Progress made but acceleration needed",
        Status.LIMITED: "Limited progress",
        Status.REGRESSING: "Deterioration",
    },
)
ESCAP = Method(
    name="escap",
    title="ESCAP Current Status and Anticipated Progress indices",
    version=1,
    labels={
        Status.ACHIEVED: "Target achieved",
        Status.ON_TRACK: "Maintain progress to achieve the target",
        Status.MODERATE: "Accelerate progress to achieve the target",
        Status.REGRESSING: "Reverse the trend to achieve the target",
    },
    score_edges=(2.5, 0.0),
    score_codes=(Status.ON_TRACK, Status.MODERATE, Status.REGRESSING),
)

METHODS: dict[str, Method] = {m.name: m for m in (UN_CHART, EUROSTAT, OPEN_SDG, ESCAP)}

# Thresholds, best first, on each method's measure (see docs/progress-methods.md).
UN_TARGET_THRESHOLDS = (0.95, 0.5, 0.1)
UN_GROWTH_THRESHOLDS = (0.02, 0.01, 0.005)
RATIO_THRESHOLDS = (0.95, 0.6, 0.0)
EUROSTAT_GROWTH_THRESHOLDS = (0.01, 0.0, -0.01)
OPEN_SDG_GROWTH_THRESHOLDS = (0.015, 0.005, 0.0)
ESCAP_THRESHOLDS = (1.0, 0.0)
OPEN_SDG_LIMIT_EXPONENT = 4.44

# Piecewise-linear maps from each measure to the -5..+5 score; the knots at the
# class thresholds land on the band edges -2.5, 0 and 2.5.
_FOUR_BANDS = (-5.0, -2.5, 0.0, 2.5, 5.0)
UN_TARGET_KNOTS = ((-0.3, 0.1, 0.5, 0.95, 1.4), _FOUR_BANDS)
UN_GROWTH_KNOTS = ((0.0, 0.005, 0.01, 0.02, 0.03), _FOUR_BANDS)
RATIO_KNOTS = ((-0.6, 0.0, 0.6, 0.95, 1.3), _FOUR_BANDS)
EUROSTAT_GROWTH_KNOTS = ((-0.02, -0.01, 0.0, 0.01, 0.02), _FOUR_BANDS)
# Open SDG scales positive growth by the limit factor C before this map.
OPEN_SDG_GROWTH_KNOTS = ((-0.02, 0.0, 0.005, 0.015, 0.02), _FOUR_BANDS)
ESCAP_KNOTS = ((-1.0, 0.0, 1.0, 2.0), (-5.0, 0.0, 2.5, 5.0))


@dataclass(frozen=True, eq=False)
class Endpoints:
    """Base and latest observation of every series, and what follows from them alone.

    Column indices are -1 and years 0 where there is none; ``reason`` is the
    data-side reason a series cannot be assessed (or NONE). ``elapsed`` is the number
    of years from base to latest, ``growth`` the compound annual growth rate between
    them and ``loggable`` whether it is defined (both values non-zero, one sign).
    ``search_col`` is the first column at or after each series' base year and
    ``first_after`` the first observed column from there (-1 when none): the trend
    pass uses them to find windows without per-row starts. Built by
    :func:`endpoints` for one panel and one set of goals.
    """

    base_col: I64
    latest_col: I64
    base_year: I64
    latest_year: I64
    base_value: F64
    latest_value: F64
    reason: I8
    elapsed: F64
    growth: F64
    loggable: Bool
    search_col: I64
    first_after: I64
    # Per-method pieces that several methods share, computed once on first use.
    cache: dict[str, object] = field(default_factory=dict, repr=False)


# Observed cells are summed as powers of two into one float32 code per 24 columns
# (exact below 2**24); a row's first and last observations are then bit positions.
_BITS = 24
_CHUNK = 8192


def _codes(values: F64) -> I64:
    """Bit codes of the observed cells, shape (ceil(T / 24), S): bit j of row g is
    column 24g + j."""
    n_series, n_years = values.shape
    groups = max(1, -(-n_years // _BITS))
    powers = np.zeros((groups, n_years), dtype=np.float32)
    cols = np.arange(n_years)
    powers[cols // _BITS, cols] = np.exp2(cols % _BITS)
    codes = np.empty((groups, n_series), dtype=np.float32)
    # Row chunks keep the mask in cache; whole rows are contiguous, so isnan runs as
    # one flat loop instead of one short loop per row.
    for start in range(0, n_series, _CHUNK):
        missing = np.isnan(values[start : start + _CHUNK])
        observed = np.logical_not(missing, out=missing).view(np.uint8)
        np.matmul(powers, observed.astype(np.float32).T, out=codes[:, start : start + _CHUNK])
    return codes.astype(np.int64)


def _high_bit(code: I64) -> I64:
    """Position of the highest set bit, read from the float exponent; negative for 0."""
    exponent: I64 = (code.astype(np.float64).view(np.int64) >> 52) - 1023
    return exponent


def _scan(codes: I64, below: I64) -> tuple[I64, I64]:
    """Last observed column, and first observed column at or after ``below`` (-1 for
    none)."""
    groups, n_series = codes.shape
    last = np.full(n_series, -1, dtype=np.int64)
    first_from = np.full(n_series, -1, dtype=np.int64)
    for g in range(groups):
        code = codes[g]
        offset = g * _BITS
        np.copyto(last, _high_bit(code) + offset, where=code != 0)
    # Later groups first, so that the earliest group with a bit has the last word.
    for g in reversed(range(groups)):
        after = codes[g] & ~((np.int64(1) << np.clip(below - g * _BITS, 0, _BITS)) - 1)
        np.copyto(first_from, _high_bit(after & -after) + g * _BITS, where=after != 0)
    return last, first_from


def _scan_before(codes: I64, below: I64) -> tuple[I64, I64]:
    """Earliest observed column, and last observed column before ``below``."""
    groups, n_series = codes.shape
    earliest = np.full(n_series, -1, dtype=np.int64)
    last_before = np.full(n_series, -1, dtype=np.int64)
    for g in range(groups):
        before = codes[g] & ((np.int64(1) << np.clip(below - g * _BITS, 0, _BITS)) - 1)
        np.copyto(last_before, _high_bit(before) + g * _BITS, where=before != 0)
    for g in reversed(range(groups)):
        code = codes[g]
        np.copyto(earliest, _high_bit(code & -code) + g * _BITS, where=code != 0)
    return earliest, last_before


def _distinct(values: I64) -> I64:
    """Sorted distinct values; the usual case of one value costs one comparison pass."""
    if values.size and bool(np.all(values == values[0])):
        return values[:1]
    distinct: I64 = np.unique(values)
    return distinct


def endpoints(panel: Panel, goals: Goals) -> Endpoints:
    """Find each series' base and latest observations (the shared rules above)."""
    values, years = panel.values, panel.years
    n_series, n_years = values.shape
    if len(goals) != n_series:
        raise ValueError(f"{len(goals)} goals for {n_series} series")

    if bool(goals.base_year.any()):
        wanted = np.where(goals.base_year > 0, goals.base_year, BASE_YEAR)
        search_col = np.searchsorted(years, wanted).astype(np.int64)
    else:
        search_col = np.full(n_series, np.searchsorted(years, BASE_YEAR), dtype=np.int64)
    codes = _codes(values)
    latest, first_after = _scan(codes, search_col)

    has_data = latest >= 0
    # The base is the first observation from the base year on while a later one exists;
    # otherwise (a few rows) the last one before the base year when there is one
    # observation since, or the earliest when there is none since.
    base = first_after.copy()
    odd = np.flatnonzero(has_data & ((first_after < 0) | (first_after == latest)))
    if odd.size:
        earliest, last_before = _scan_before(codes[:, odd], search_col[odd])
        base[odd] = np.where(first_after[odd] >= 0, last_before, earliest)
    flat = values.reshape(-1)
    row_start = np.arange(n_series, dtype=np.int64) * n_years
    latest_value = np.take(flat, row_start + np.maximum(latest, 0))
    latest_value[~has_data] = np.nan
    base_value = np.take(flat, row_start + np.maximum(base, 0))
    base_value[base < 0] = np.nan
    latest_year = np.take(years, np.maximum(latest, 0))
    latest_year[~has_data] = 0
    base_year = np.take(years, np.maximum(base, 0))
    base_year[base < 0] = 0

    override = ~np.isnan(goals.base_value)
    if bool(override.any()):
        base = np.where(override, -1, base)
        base_year = np.where(override, goals.base_year, base_year)
        base_value = np.where(override, goals.base_value, base_value)

    reason = np.zeros(n_series, dtype=np.int8)
    two_points = has_data & (base_year > 0) & (base_year < latest_year)
    reason[~two_points] = Reason.ONE_POINT
    reason[~has_data] = Reason.NO_DATA
    reason[goals.direction == 0] = Reason.NO_DIRECTION

    elapsed = (latest_year - base_year).astype(np.float64)
    elapsed[~two_points] = np.nan
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = latest_value / base_value
        loggable = (ratio > 0) & np.isfinite(ratio) & (latest_value != 0) & two_points
        ratio[~loggable] = 1.0
        np.log(ratio, out=ratio)
        ratio /= elapsed
        growth = np.expm1(ratio, out=ratio)
    growth[~loggable] = np.nan
    return Endpoints(
        base_col=base,
        latest_col=np.where(has_data, latest, -1),
        base_year=base_year.astype(np.int64, copy=False),
        latest_year=latest_year.astype(np.int64, copy=False),
        base_value=base_value,
        latest_value=latest_value,
        reason=reason,
        elapsed=elapsed,
        growth=growth,
        loggable=loggable,
        search_col=search_col,
        first_after=first_after,
    )


@dataclass(frozen=True, eq=False)
class Assessment:
    """One method's result for every series of a panel: arrays of length S.

    ``status``: :class:`Status` codes (int8); ``reason``: :class:`Reason` codes (int8),
    NONE when assessed. ``score``: -5..+5, 5 for ACHIEVED, NaN when not assessed.
    ``progress``: the method's headline measure (UN: projected share P with a target,
    direction-adjusted CAGR without; Eurostat and Open SDG: ratio R of actual to
    required growth with a target, direction-adjusted CAGR without; ESCAP: anticipated
    share A), NaN when the method cannot compute it (an ACHIEVED series keeps it when
    it can). ``growth``: the CAGR from base to latest, NaN where undefined, whatever
    the status (the same array for the three CAGR methods; ESCAP: its weighted growth
    rate, NaN when not assessed or linear). ``linear``: the trend was measured as a
    linear change (zero or change of sign). ``projected``:
    value projected to the target year (UN, ESCAP). ``required_growth``: CAGR needed
    to reach the target (Eurostat, Open SDG). ``limit_factor``: Open SDG's natural
    limit factor C. ``status_index``: ESCAP's Current Status Index. ``base_*`` and
    ``latest_*``: the observations used (shared with the :class:`Endpoints`).
    """

    method: str
    version: int
    status: I8
    reason: I8
    score: F64
    progress: F64
    growth: F64
    linear: Bool
    has_target: Bool
    base_year: I64
    base_value: F64
    latest_year: I64
    latest_value: F64
    projected: F64 | None = None
    required_growth: F64 | None = None
    limit_factor: F64 | None = None
    status_index: F64 | None = None

    def __len__(self) -> int:
        return int(self.status.shape[0])

    def labels(self) -> NDArray[np.str_]:
        """The class of each series in words (the method's own vocabulary)."""
        method = METHODS[self.method]
        with_target = np.array([method.label(Status(c), True) for c in range(6)])
        without = np.array([method.label(Status(c), False) for c in range(6)])
        chosen: NDArray[np.str_] = np.where(
            self.has_target, with_target[self.status], without[self.status]
        )
        return chosen


# --- shared pieces -----------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Common:
    """Per-series quantities from the goals that every method starts from."""

    d: F64
    has_target: Bool
    target: F64
    target_year: I64
    horizon: F64
    sign: F64
    achieved: Bool
    open: Bool  # assessable, and not achieved


def _common(goals: Goals, ep: Endpoints) -> _Common:
    cached = ep.cache.get("common")
    if isinstance(cached, _Common):
        return cached
    d = goals.direction.astype(np.float64)
    target = goals.target_value
    has_target = ~np.isnan(target)
    target_year = np.where(goals.target_year > 0, goals.target_year, TARGET_YEAR)
    horizon = np.maximum(target_year - ep.latest_year, 0).astype(np.float64)
    achieved = has_target & (goals.direction != 0) & (d * (ep.latest_value - target) >= 0)
    common = _Common(
        d=d,
        has_target=has_target,
        target=target,
        target_year=target_year.astype(np.int64),
        horizon=horizon,
        sign=np.sign(ep.base_value),
        achieved=achieved,
        open=(ep.reason == Reason.NONE) & ~achieved,
    )
    ep.cache["common"] = common
    return common


_FOUR = (Status.REGRESSING, Status.LIMITED, Status.MODERATE, Status.ON_TRACK)
_THREE = (Status.REGRESSING, Status.MODERATE, Status.ON_TRACK)


def _grade(measure: F64, thresholds: Iterable[float | F64], codes: tuple[Status, ...]) -> I8:
    """Class codes: the number of thresholds a measure reaches picks the code."""
    reached = np.zeros(measure.shape, dtype=np.intp)
    for threshold in thresholds:
        reached += measure >= threshold
    graded: I8 = np.array([int(c) for c in codes], dtype=np.int8).take(reached)
    return graded


def _score(measure: F64, graded: I8, knots: tuple[tuple[float, ...], tuple[float, ...]]) -> F64:
    """Piecewise-linear score; the class already says which segment a measure is in."""
    xp = np.asarray(knots[0])
    fp = np.asarray(knots[1])
    slope = np.diff(fp) / np.diff(xp)
    # Status code -> the line of its segment (the worst class is the lowest segment).
    codes = _FOUR if len(xp) == 5 else _THREE
    gain = np.zeros(6)
    intercept = np.zeros(6)
    for index, code in enumerate(codes):
        gain[code] = slope[index]
        intercept[code] = fp[index] - xp[index] * slope[index]
    # take() with native-width indices is an order of magnitude faster than with int8.
    segment = graded.astype(np.intp)
    scored = gain.take(segment)
    scored *= measure
    scored += intercept.take(segment)
    np.clip(scored, fp[0], fp[-1], out=scored)
    return scored


def _share(d: F64, value: F64, base: F64, target: F64) -> F64:
    """Direction-signed change from base as a share of the change the target needs.

    Dividing by |target - base| instead of (target - base) keeps the sign right when
    the base already met the target and the series has since fallen short of it.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        share = d * (value - base) / np.abs(target - base)
    # 0/0 only when nothing changed and nothing was needed; + 0.0 turns -0.0 into 0.0.
    share[np.isnan(share)] = 0.0
    share += 0.0
    clipped: F64 = np.clip(share, -RATIO_CAP, RATIO_CAP)
    return clipped


def _finish(
    method: Method,
    ep: Endpoints,
    c: _Common,
    graded: I8,
    valid: Bool,
    reason: I8,
    score: F64,
    progress: F64,
    linear: Bool,
    growth: F64 | None = None,
    **extra: F64 | None,
) -> Assessment:
    """Combine grades, achievements and reasons into the result arrays.

    ``score``, ``progress`` and the ``extra`` arrays must be the method's own: they are
    cleaned in place. ``growth`` defaults to the shared CAGR.
    """
    # Arithmetic on the small codes instead of masked assignments, which cost a
    # branch per element on masks as random as these.
    assessed = c.open & valid
    achieved = c.achieved & (ep.reason != Reason.NO_DIRECTION)
    status = graded * assessed
    status *= ~achieved
    status += achieved * np.int8(Status.ACHIEVED)
    done = status != Status.NOT_ASSESSED
    reason = reason * ~done
    with np.errstate(invalid="ignore", divide="ignore"):
        # 0 / 1 = 0 keeps a value, 0 / 0 = NaN blanks it.
        blank = np.divide(0.0, assessed)
        unmeasured = np.divide(0.0, (ep.reason == Reason.NONE) & valid)
    score += blank
    score = np.where(achieved, 5.0, score)
    # An achieved series keeps its measure when the method could compute one.
    for array in (progress, *(a for a in extra.values() if a is not None)):
        array += unmeasured
    return Assessment(
        method=method.name,
        version=method.version,
        status=status.astype(np.int8, copy=False),
        reason=reason.astype(np.int8, copy=False),
        score=score,
        progress=progress,
        growth=ep.growth if growth is None else growth,
        linear=linear & done,
        has_target=c.has_target,
        base_year=ep.base_year,
        base_value=ep.base_value,
        latest_year=ep.latest_year,
        latest_value=ep.latest_value,
        **extra,
    )


def _reasons(ep: Endpoints, *pairs: tuple[Bool, Reason]) -> I8:
    """Data reasons first, then each method condition in order of precedence."""
    reason = ep.reason.copy()
    pending = reason == Reason.NONE
    for condition, code in pairs:
        hit = pending & condition
        reason[hit] = code
        pending &= ~hit
    return reason


def _ep(panel: Panel, goals: Goals, given: Endpoints | None) -> Endpoints:
    return endpoints(panel, goals) if given is None else given


# --- methods -----------------------------------------------------------------------


def un_chart(panel: Panel, goals: Goals, *, ends: Endpoints | None = None) -> Assessment:
    """UN SDG Progress Chart 2023: projected share of the required change, or CAGR.

    With a target ``y*``: ``CAGR = (y_t / y_b) ** (1 / (t - b)) - 1``; the value
    projected to the target year ``T`` at that rate is ``y_T = y_t * (1 + CAGR) **
    (T - t)``; the share ``P = d * (y_T - y_b) / |y* - y_b|``. Classes: ``P >= 0.95``
    target met or almost met (ON_TRACK); ``0.5 <= P < 0.95`` fair progress, but
    acceleration needed (MODERATE); ``0.1 <= P < 0.5`` limited or marginal progress
    (LIMITED); ``P < 0.1`` stagnation or regression (REGRESSING). When the base or
    latest value is zero or they differ in sign, the projection is linear:
    ``y_T = y_t + (T - t) * (y_t - y_b) / (t - b)``.

    Without a target: the direction-adjusted growth ``g = sign(y_b) * d * CAGR``;
    ``g >= 2 %`` substantial progress/on track; ``1 % <= g < 2 %`` fair progress;
    ``0.5 % <= g < 1 %`` limited or marginal; ``g < 0.5 %`` stagnation or regression.
    Undefined CAGR: not assessed (GROWTH_UNDEFINED).

    A series whose latest value meets its target is ACHIEVED ("Target met").
    ``progress`` holds P (with a target) or g (without); ``projected`` holds y_T.
    Score: P mapped through (-0.3, 0.1, 0.5, 0.95, 1.4) -> (-5, -2.5, 0, 2.5, 5), g
    through (0, 0.5 %, 1 %, 2 %, 3 %); the inner knots are the thresholds, the end
    points are Meadow's.

    Source: United Nations Statistics Division, "Sustainable Development Goals
    Progress Chart 2023: Technical Note" (2023),
    https://unstats.un.org/sdgs/files/report/2023/Progress_Chart_Technical_Note_2023.pdf
    """
    ep = _ep(panel, goals, ends)
    c = _common(goals, ep)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        factor = np.power(1.0 + ep.growth, c.horizon)
        slope = (ep.latest_value - ep.base_value) / ep.elapsed
    projected = np.where(ep.loggable, ep.latest_value * factor, ep.latest_value + c.horizon * slope)
    projected[~c.has_target] = np.nan
    share = _share(c.d, projected, ep.base_value, c.target)
    adjusted = c.sign * c.d * ep.growth + 0.0

    measure = np.where(c.has_target, share, adjusted)
    graded = np.where(
        c.has_target,
        _grade(share, UN_TARGET_THRESHOLDS, _FOUR),
        _grade(adjusted, UN_GROWTH_THRESHOLDS, _FOUR),
    )
    score = np.where(
        c.has_target,
        _score(share, graded, UN_TARGET_KNOTS),
        _score(adjusted, graded, UN_GROWTH_KNOTS),
    )
    growth_undefined = ~c.has_target & ~ep.loggable
    return _finish(
        UN_CHART,
        ep,
        c,
        graded,
        valid=~growth_undefined,
        reason=_reasons(ep, (growth_undefined, Reason.GROWTH_UNDEFINED)),
        score=score,
        progress=measure,
        linear=c.has_target & ~ep.loggable,
        projected=projected,
    )


def _limit_factor(base_value: F64, limit: F64) -> F64:
    """Open SDG's factor C in [0, 1] that shrinks positive thresholds near a limit."""
    factor = np.ones(base_value.shape)
    rows = np.flatnonzero(~np.isnan(limit))
    if rows.size:
        b = np.abs(base_value[rows])
        lim = np.abs(limit[rows])
        with np.errstate(divide="ignore", invalid="ignore"):
            below = 1.0 - np.power(b / lim, OPEN_SDG_LIMIT_EXPONENT)
            above = 1.0 - np.power((2.0 * lim - b) / lim, OPEN_SDG_LIMIT_EXPONENT)
        factor[rows] = np.where(b >= 2.0 * lim, 1.0, np.where(b <= lim, below, above))
    return factor


@dataclass(frozen=True, eq=False)
class _Ratio:
    """The target side shared by Eurostat and Open SDG."""

    ratio: F64
    required: F64
    exponential: Bool
    bad_year: Bool


def _ratio(goals: Goals, ep: Endpoints, c: _Common) -> _Ratio:
    cached = ep.cache.get("ratio")
    if isinstance(cached, _Ratio):
        return cached
    span = (c.target_year - ep.base_year).astype(np.float64)
    bad_year = c.has_target & ~(span > 0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        target_ratio = c.target / ep.base_value
        target_loggable = (target_ratio > 0) & np.isfinite(target_ratio) & ~bad_year
        required = np.exp(np.log(np.where(target_loggable, target_ratio, 1.0)) / span) - 1.0
        required[~target_loggable] = np.nan
        exponential = ep.loggable & target_loggable
        ratio = np.where(
            exponential,
            c.sign * c.d * ep.growth / np.abs(required),
            c.d
            * ((ep.latest_value - ep.base_value) / ep.elapsed)
            / np.abs((c.target - ep.base_value) / span),
        )
    ratio[np.isnan(ratio)] = 0.0
    ratio += 0.0
    np.clip(ratio, -RATIO_CAP, RATIO_CAP, out=ratio)
    result = _Ratio(ratio=ratio, required=required, exponential=exponential, bad_year=bad_year)
    ep.cache["ratio"] = result
    return result


def _ratio_method(
    method: Method,
    panel: Panel,
    goals: Goals,
    ends: Endpoints | None,
    growth_thresholds: tuple[float, float, float],
    growth_knots: tuple[tuple[float, ...], tuple[float, ...]],
    damped: bool,
) -> Assessment:
    ep = _ep(panel, goals, ends)
    c = _common(goals, ep)
    r = _ratio(goals, ep, c)
    adjusted = c.sign * c.d * ep.growth + 0.0
    factor = _limit_factor(ep.base_value, goals.natural_limit) if damped else None

    if factor is None:
        growth_graded = _grade(adjusted, growth_thresholds, _FOUR)
        growth_score = _score(adjusted, growth_graded, growth_knots)
    else:
        thresholds = [t * factor if t > 0 else t for t in growth_thresholds]
        growth_graded = _grade(adjusted, thresholds, _FOUR)
        # Open SDG reads positive growth in units of the shrunken thresholds; with C = 0
        # (base at the limit) any non-negative growth holds the limit: full marks.
        with np.errstate(divide="ignore", invalid="ignore"):
            normalised = np.where(adjusted >= 0, adjusted / factor, adjusted)
        growth_score = _score(normalised, growth_graded, growth_knots)
        growth_score[(factor == 0) & (adjusted >= 0)] = 5.0

    ratio_graded = _grade(r.ratio, RATIO_THRESHOLDS, _FOUR)
    graded = np.where(c.has_target, ratio_graded, growth_graded)
    score = np.where(c.has_target, _score(r.ratio, ratio_graded, RATIO_KNOTS), growth_score)
    growth_undefined = ~c.has_target & ~ep.loggable
    reason = _reasons(
        ep,
        (r.bad_year, Reason.TARGET_YEAR_NOT_AFTER_BASE),
        (growth_undefined, Reason.GROWTH_UNDEFINED),
    )
    if factor is not None:
        factor[c.has_target] = np.nan
    return _finish(
        method,
        ep,
        c,
        graded,
        valid=~r.bad_year & ~growth_undefined,
        reason=reason,
        score=score,
        progress=np.where(c.has_target, r.ratio, adjusted),
        linear=c.has_target & ~r.exponential,
        required_growth=np.where(c.has_target, r.required, np.nan),
        limit_factor=factor,
    )


def eurostat(panel: Panel, goals: Goals, *, ends: Endpoints | None = None) -> Assessment:
    """Eurostat's EU SDG trend assessment: actual over required growth, or CAGR.

    With a target ``y*`` for year ``T``: the required growth ``CAGR* = (y* / y_b) **
    (1 / (T - b)) - 1`` and the ratio ``R = sign(y_b) * d * CAGR / |CAGR*|``. Classes:
    ``R >= 95 %`` significant progress (ON_TRACK); ``60 % <= R < 95 %`` moderate
    progress (MODERATE); ``0 <= R < 60 %`` insufficient progress (LIMITED); ``R < 0``
    movement away (REGRESSING). With a zero or a change of sign among base, latest and
    target values, the ratio of linear rates: ``R = d * ((y_t - y_b) / (t - b)) /
    |(y* - y_b) / (T - b)|``. A target year not after the base year: not assessed.

    Without a target: ``g = sign(y_b) * d * CAGR``; ``g >= 1 %`` significant progress;
    ``0 <= g < 1 %`` moderate progress; ``-1 % <= g < 0`` moderate movement away;
    ``g < -1 %`` significant movement away. Undefined CAGR: not assessed.

    ``progress`` holds R or g; ``required_growth`` holds CAGR*. Score: R through Open
    SDG's map (-0.6, 0, 0.6, 0.95, 1.3) -> (-5, -2.5, 0, 2.5, 5); g through (-2 %,
    -1 %, 0, 1 %, 2 %), Meadow's. Eurostat assesses a short-term (last five years) and
    a long-term (fifteen years) trend; set ``base_year`` to reproduce either.

    Source: Eurostat, "Sustainable development in the European Union — Monitoring
    report on progress towards the SDGs in an EU context" (2023 edition),
    introduction and methodological annex,
    https://ec.europa.eu/eurostat/web/sdi/information-data/monitoring-report
    """
    return _ratio_method(
        EUROSTAT,
        panel,
        goals,
        ends,
        EUROSTAT_GROWTH_THRESHOLDS,
        EUROSTAT_GROWTH_KNOTS,
        damped=False,
    )


def open_sdg(panel: Panel, goals: Goals, *, ends: Endpoints | None = None) -> Assessment:
    """Open SDG's progress measure (Statistics Canada), with its -5..+5 series score.

    With a target: the ratio ``R`` of actual to required growth as in :func:`eurostat`,
    classed at 95 %, 60 % and 0 (on track / progress made but acceleration needed /
    limited progress / deterioration); score: ``R`` through (-0.6, 0.6, 1.3) ->
    (-5, 0, 5).

    Without a target: ``g = sign(y_b) * d * CAGR`` against 1.5 %·C, 0.5 %·C and 0,
    where the natural-limit factor ``C = 1 - (|y_b| / |L|) ** 4.44`` when
    ``|y_b| <= |L|``, ``1 - ((2|L| - |y_b|) / |L|) ** 4.44`` when ``|L| < |y_b| <
    2|L|``, and 1 beyond or without a limit ``L`` (``limit_factor``). With ``C = 0``
    (base at the limit) any ``g >= 0`` is on track. Score: ``g`` (divided by C when
    ``g >= 0``) through (-2 %, 0, 0.5 %, 1.5 %, 2 %) -> (-5, -2.5, 0, 2.5, 5).

    ACHIEVED scores 5. Meadow departs from the source on zeros: Open SDG replaces a
    zero base or target by 0.001, which makes the result depend on the unit; Meadow
    uses the ratio of linear rates with a target and does not assess without one.

    Sources: Open SDG, "Progress Measurement Methodology for the Sustainable
    Development Goals" (Statistics Canada, 2023),
    https://open-sdg.readthedocs.io/en/latest/progress-methodology/ ; the score
    transformation as implemented in sdg-build ``sdg/ProgressMeasure.py``,
    https://github.com/open-sdg/sdg-build
    """
    return _ratio_method(
        OPEN_SDG,
        panel,
        goals,
        ends,
        OPEN_SDG_GROWTH_THRESHOLDS,
        OPEN_SDG_GROWTH_KNOTS,
        damped=True,
    )


def escap(panel: Panel, goals: Goals, *, ends: Endpoints | None = None) -> Assessment:
    """ESCAP's Current Status Index and Anticipated Progress Index (target needed).

    Current Status Index: ``CSI = d * (y_t - y_b) / |y* - y_b|``, the share of the
    change needed from the base to the target that has been made (1 when achieved);
    returned as ``status_index``.

    Anticipated progress: the value anticipated for the target year ``T`` follows the
    weighted trend of the window (:mod:`meadow.analytics.trend`: a least-squares line
    through the log values with weight ``1 / (T - t)``, so recent years count more);
    ``y_T = y_t * exp(beta * (T - t))``, or ``y_t + beta * (T - t)`` on the linear
    scale when the window holds a zero or both signs. The anticipated share
    ``A = d * (y_T - y_b) / |y* - y_b|`` (``progress``; the anticipated gap as a share
    of the needed change is ``1 - A``). Classes: ``A >= 1`` maintain progress
    (ON_TRACK); ``0 <= A < 1`` accelerate progress (MODERATE); ``A < 0`` reverse the
    trend (REGRESSING). ``growth`` is ``exp(beta) - 1``; ``projected`` is y_T. With a
    ``base_value`` override, the trend is the end-to-end rate. Without a target: not
    assessed. Score: A through (-1, 0, 1, 2) -> (-5, 0, 2.5, 5), Meadow's.

    Sources: ESCAP, "Asia and the Pacific SDG Progress Report", annex "Technical
    notes" (yearly; methodology at
    https://data.unescap.org/resource-guides/progress-assessment-methodology );
    ESCAP Statistics Division working papers SD/WP/04 (March 2017) "Weighted
    extrapolation method for measuring SDGs" and SD/WP/05 (May 2017) "Tracking
    progress towards the SDGs: measuring the otherwise ambiguous progress",
    https://www.unescap.org/resources/working-paper-series-sdwp04march-2017-weighted-extrapolation-method-measuring-sdgs
    """
    ep = _ep(panel, goals, ends)
    c = _common(goals, ep)
    status_index = _share(c.d, ep.latest_value, ep.base_value, c.target)
    status_index[c.achieved] = 1.0

    # Fit the series the index can use: with a target, two points, an observed base.
    fit = (ep.reason == Reason.NONE) & c.has_target & (ep.base_col >= 0)
    cols = _distinct(ep.search_col[fit])
    if cols.size == 1:
        regular_col = int(cols[0])
    elif cols.size:
        regular_col = int(np.argmax(np.bincount(ep.search_col[fit])))
    else:
        regular_col = 0
    regular = fit & (ep.search_col == regular_col) & (ep.base_col == ep.first_after)
    projection_year = np.maximum(c.target_year, ep.latest_year + 1)
    slope, linear = weighted_slopes(
        panel.values,
        panel.years,
        np.where(fit, ep.base_col, -1),
        ep.base_value,
        projection_year,
        regular,
        regular_col,
    )
    # A base_value override has no observed window: use the end-to-end rate.
    override = (ep.reason == Reason.NONE) & c.has_target & (ep.base_col < 0)
    if bool(override.any()):
        with np.errstate(divide="ignore", invalid="ignore"):
            log_rate = np.log1p(ep.growth)
            lin_rate = (ep.latest_value - ep.base_value) / ep.elapsed
        slope[override] = np.where(ep.loggable, log_rate, lin_rate)[override]
        linear[override] = ~ep.loggable[override]

    with np.errstate(over="ignore", invalid="ignore"):
        anticipated = np.where(
            linear,
            ep.latest_value + slope * c.horizon,
            ep.latest_value * np.exp(slope * c.horizon),
        )
        growth = np.expm1(slope)
    growth[linear] = np.nan
    share = _share(c.d, anticipated, ep.base_value, c.target)
    graded = _grade(share, ESCAP_THRESHOLDS, _THREE)
    return _finish(
        ESCAP,
        ep,
        c,
        graded,
        valid=c.has_target,
        reason=_reasons(ep, (~c.has_target, Reason.NO_TARGET)),
        score=_score(share, graded, ESCAP_KNOTS),
        progress=share,
        linear=linear,
        growth=growth,
        projected=anticipated,
        status_index=status_index,
    )


_FUNCTIONS = {"un_chart": un_chart, "eurostat": eurostat, "open_sdg": open_sdg, "escap": escap}


def assess(
    panel: Panel, goals: Goals, methods: Iterable[str] | None = None
) -> dict[str, Assessment]:
    """Assess every series by each method (all four by default), sharing one pass."""
    names = list(METHODS) if methods is None else list(methods)
    unknown = [n for n in names if n not in _FUNCTIONS]
    if unknown:
        raise ValueError(f"unknown progress method: {', '.join(unknown)}")
    ends = endpoints(panel, goals)
    return {name: _FUNCTIONS[name](panel, goals, ends=ends) for name in names}
