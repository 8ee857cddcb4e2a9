"""Time-weighted trend of every series over its assessment window, in a few array passes.

The ESCAP method extrapolates with a trend that gives recent years more weight. Each
row's trend is the slope of a weighted least-squares line through its observations
from the base year to the latest year, with weight ``1 / (T - t)`` for an observation
in year ``t`` and a projection year ``T``. The slope is fitted to the logarithm of the
values relative to the base value (a growth rate), or to the values themselves for a
row whose window holds zero or values of both signs (a linear change per year).

Two observations give the plain end-to-end rate whatever the weights, so the weighted
slope generalises the compound annual growth rate of the other methods.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["weighted_slopes"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Bool = NDArray[np.bool_]

# Stands in for log(0) and for missing cells before they are multiplied by a zero
# weight; any row that keeps it in its sums has a zero or a change of sign and is
# fitted on the linear scale instead.
_FLOOR = np.float32(-1e30)
_LINEAR_CUT = -1e20
# Rows per pass: the float32 temporaries of one chunk stay in cache.
_CHUNK = 8192


def _design(years: F64, projection_year: float) -> F64:
    """Rows w, w*t, w*t*t per year, with t counted from the projection year, w = -1/t."""
    t = years - projection_year
    with np.errstate(divide="ignore"):
        w = np.where(t < 0, -1.0 / t, 0.0)
    return np.stack([w, w * t, w * t * t])


def _fit(sums: F64, targets: F64) -> F64:
    """Weighted least-squares slope from per-row sums.

    ``sums`` rows: sum of w, w*t and w*t*t; ``targets`` rows: sum of w*y and w*t*y;
    one column per series.
    """
    s0, s1, s2 = sums
    q0, q1 = targets
    with np.errstate(invalid="ignore", divide="ignore"):
        slope: F64 = (s0 * q1 - s1 * q0) / (s0 * s2 - s1 * s1)
    return slope


def _distinct_years(projection_year: I64) -> I64:
    """The few distinct projection years, without sorting the whole array."""
    if projection_year.size == 0:
        return projection_year
    low = int(projection_year.min())
    counts = np.bincount(projection_year - low)
    distinct: I64 = np.flatnonzero(counts) + low
    return distinct


def _block(
    values: F64,
    years: F64,
    base_value: F64,
    projection_year: I64,
    start: I64 | None,
    wanted: Bool,
) -> tuple[F64, Bool]:
    """Slopes for the rows of one block of columns.

    Rows outside ``wanted`` ride along (computing them costs less than copying the
    others out) but get no linear refit.
    """
    n_rows, width = values.shape
    distinct = _distinct_years(projection_year[wanted])
    designs = [_design(years, float(year)) for year in distinct]
    sums = np.zeros((3, n_rows))
    targets = np.zeros((2, n_rows))
    size = min(n_rows, _CHUNK)
    logs32 = np.empty((size, width), dtype=np.float32)
    logs = np.empty((size, width))
    weights = np.empty((size, width))
    part_sums = np.empty((3, size))
    part_targets = np.empty((2, size))
    for first in range(0, n_rows, _CHUNK):
        rows = slice(first, first + _CHUNK)
        size = min(_CHUNK, n_rows - first)
        chunk32, chunk, chunk_weights = logs32[:size], logs[:size], weights[:size]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            # The only read of the strided block; the rest runs on contiguous chunks.
            np.divide(values[rows], base_value[rows, None], out=chunk32, casting="unsafe")
            inside = chunk32 == chunk32
            if start is not None:
                # Observations before a row's base year are in the block, not its window.
                inside &= np.arange(width) >= start[rows, None]
            # Logs of ratios to the base value are close to zero, where float32 keeps
            # about seven significant digits, and run several times faster than float64
            # logs; the sums, where digits cancel, are taken in float64.
            np.log(chunk32, out=chunk32)
            np.fmax(chunk32, _FLOOR, out=chunk32)
            np.copyto(chunk_weights, inside)
            np.copyto(chunk, chunk32)
            chunk *= chunk_weights
            for year, design in zip(distinct, designs, strict=True):
                np.matmul(design, chunk_weights.T, out=part_sums[:, :size])
                np.matmul(design[:2], chunk.T, out=part_targets[:, :size])
                if distinct.size == 1:
                    sums[:, rows] = part_sums[:, :size]
                    targets[:, rows] = part_targets[:, :size]
                else:
                    # A few projection years (targets for 2030 and 2035, say): every
                    # design is cheap; each row keeps its own.
                    mine = projection_year[rows] == year
                    sums[:, rows] += part_sums[:, :size] * mine
                    targets[:, rows] += part_targets[:, :size] * mine
    slope = _fit(sums, targets)

    linear = wanted & (~(targets[0] > _LINEAR_CUT) | ~np.isfinite(slope))
    if bool(linear.any()):
        # A zero or a change of sign in the window: fit those rows on the values.
        rows_lin = np.flatnonzero(linear)
        level = values[rows_lin]
        seen = ~np.isnan(level)
        if start is not None:
            seen &= np.arange(width) >= start[rows_lin, None]
        level = np.where(seen, level, 0.0)
        t = years - projection_year[rows_lin, None].astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where(seen & (t < 0), -1.0 / t, 0.0)
        slope[rows_lin] = _fit(
            np.stack([w.sum(axis=1), (w * t).sum(axis=1), (w * t * t).sum(axis=1)]),
            np.stack([(w * level).sum(axis=1), (w * t * level).sum(axis=1)]),
        )
    return slope, linear


def weighted_slopes(
    values: F64,
    years: I64,
    base_col: I64,
    base_value: F64,
    projection_year: I64,
    regular: Bool,
    regular_col: int,
) -> tuple[F64, Bool]:
    """Weighted trend slope of each row from ``base_col`` to its last observation.

    Rows with ``base_col < 0`` are skipped (NaN). ``projection_year`` (per row) must
    be later than the row's last observation. ``regular`` rows have no observation
    between ``regular_col`` and their base column, so one block starting there serves
    them all without per-row starts; the other rows are fitted apart on their own
    columns. Returns the slope (log units a year, or value units a year where
    ``linear``) and the ``linear`` flags.
    """
    n = values.shape[0]
    slope = np.full(n, np.nan)
    linear = np.zeros(n, dtype=bool)
    yrs = years.astype(np.float64)
    wanted = base_col >= 0
    regular = regular & wanted
    if bool(regular.any()):
        # The whole panel as a view: no copies; rows that are not regular ride along.
        s, lin = _block(
            values[:, regular_col:], yrs[regular_col:], base_value, projection_year, None, regular
        )
        slope[regular] = s[regular]
        linear[regular] = lin[regular]
    others = np.flatnonzero(wanted & ~regular)
    if others.size:
        col = int(base_col[others].min())
        s, lin = _block(
            values[others, col:],
            yrs[col:],
            base_value[others],
            projection_year[others],
            base_col[others] - col,
            np.ones(others.size, dtype=bool),
        )
        slope[others] = s
        linear[others] = lin
    return slope, linear
