"""A panel of annual series in one dense array, and the goals that go with each series.

A ``Panel`` holds every series of a table as one row of a ``series x year`` array of
float64, NaN where a year has no observation; the row index is the series id. The
progress methods in :mod:`meadow.analytics.progress` read whole panels at once, so
the array layout is the contract between the database side and the computation core.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["BASE_YEAR", "TARGET_YEAR", "Goals", "Panel"]

# The 2030 Agenda was adopted in 2015 for 2030; every method defaults to that window.
BASE_YEAR = 2015
TARGET_YEAR = 2030


@dataclass(frozen=True, eq=False)
class Panel:
    """Series in rows, years in columns.

    ``years``: shape (T,), strictly increasing integers.
    ``values``: shape (S, T), float64, NaN where a series has no observation that year.
    Row ``i`` is series id ``i``.
    """

    years: NDArray[np.int64]
    values: NDArray[np.float64]

    def __post_init__(self) -> None:
        years = np.asarray(self.years)
        values = np.asarray(self.values)
        if years.ndim != 1 or not np.issubdtype(years.dtype, np.integer):
            raise ValueError("years must be a one-dimensional integer array")
        if values.ndim != 2 or values.shape[1] != years.shape[0]:
            raise ValueError(
                f"values must have shape (series, {years.shape[0]}), not {values.shape}"
            )
        if years.size > 1 and not bool(np.all(np.diff(years) > 0)):
            raise ValueError("years must be strictly increasing")
        # The methods read rows as contiguous runs; a transposed or sliced view would
        # turn every pass into a strided gather.
        object.__setattr__(self, "years", years.astype(np.int64, copy=False))
        object.__setattr__(self, "values", np.ascontiguousarray(values, dtype=np.float64))

    @property
    def n_series(self) -> int:
        return int(self.values.shape[0])

    @property
    def n_years(self) -> int:
        return int(self.values.shape[1])

    @classmethod
    def from_long(
        cls,
        series_id: ArrayLike,
        year: ArrayLike,
        value: ArrayLike,
        *,
        n_series: int | None = None,
        years: ArrayLike | None = None,
    ) -> Panel:
        """Build a panel from long arrays, one observation per position.

        ``series_id`` are row numbers (0..S-1); ``n_series`` defaults to the largest id
        plus one, so that series without observations can still have a row. ``years``
        defaults to the distinct years observed. Raises ``ValueError`` on a negative id,
        a year outside ``years``, or two observations for the same series and year.
        """
        sid = np.asarray(series_id)
        yr = np.asarray(year)
        val = np.asarray(value, dtype=np.float64)
        if not (sid.shape == yr.shape == val.shape) or sid.ndim != 1:
            raise ValueError("series_id, year and value must be one-dimensional, same length")
        if sid.size and not np.issubdtype(sid.dtype, np.integer):
            raise ValueError("series_id must be integers")
        if sid.size and int(sid.min()) < 0:
            raise ValueError("series_id must not be negative")
        size = int(sid.max()) + 1 if sid.size else 0
        if n_series is None:
            n_series = size
        elif n_series < size:
            raise ValueError(f"series_id {size - 1} is out of range for {n_series} series")

        cols_years = np.unique(yr) if years is None else np.asarray(years)
        col = np.searchsorted(cols_years, yr)
        if yr.size:
            inside = col < cols_years.size
            if not bool(np.all(inside)) or not bool(
                np.all(cols_years[np.minimum(col, cols_years.size - 1)] == yr)
            ):
                raise ValueError("year outside the panel's years")

        n_years = int(cols_years.size)
        flat = sid.astype(np.int64) * n_years + col
        # One scatter into a bitmap finds duplicates without sorting nine million keys.
        seen = np.zeros(n_series * n_years, dtype=bool)
        seen[flat] = True
        duplicates = flat.size - int(np.count_nonzero(seen))
        if duplicates:
            raise ValueError(f"{duplicates} duplicate (series, year) observations")
        values = np.full(n_series * n_years, np.nan)
        values[flat] = val
        return cls(
            years=cols_years.astype(np.int64),
            values=values.reshape(n_series, n_years),
        )


def _column(name: str, given: Any, n: int, dtype: Any, default: Any) -> NDArray[Any]:
    if given is None:
        given = default
    array = np.asarray(given)
    if array.ndim == 0:
        return np.full(n, array, dtype=dtype)
    if array.shape != (n,):
        raise ValueError(f"{name} must be a scalar or have shape ({n},), not {array.shape}")
    return array.astype(dtype, copy=False)


@dataclass(frozen=True, eq=False)
class Goals:
    """What each series of a panel should reach: one array of length S per field.

    ``direction``: +1 when higher is better, -1 when lower is better, 0 when unknown
    (the series is then not assessed).
    ``target_value``: NaN when the series has no numeric target.
    ``target_year``: 0 for the default (2030).
    ``base_year``: 0 for the default (2015); see the base-year rule in the methods.
    ``natural_limit``: NaN when none (used by the Open SDG method without a target).
    ``base_value``: NaN to take the base value from the data; a number overrides it,
    and then ``base_year`` must be given.
    """

    direction: NDArray[np.int8]
    target_value: NDArray[np.float64]
    target_year: NDArray[np.int64]
    base_year: NDArray[np.int64]
    natural_limit: NDArray[np.float64]
    base_value: NDArray[np.float64]

    def __post_init__(self) -> None:
        n = np.asarray(self.direction).shape[0]
        for name in ("target_value", "target_year", "base_year", "natural_limit", "base_value"):
            if np.asarray(getattr(self, name)).shape != (n,):
                raise ValueError(f"{name} must have shape ({n},)")
        direction = np.asarray(self.direction)
        if not bool(np.all((direction == 1) | (direction == -1) | (direction == 0))):
            raise ValueError("direction must be +1, -1 or 0")
        override = ~np.isnan(np.asarray(self.base_value, dtype=np.float64))
        if bool(np.any(override & (np.asarray(self.base_year) <= 0))):
            raise ValueError("a base_value override needs its base_year")

    def __len__(self) -> int:
        return int(self.direction.shape[0])

    @classmethod
    def build(
        cls,
        n: int,
        *,
        direction: ArrayLike = 1,
        target_value: ArrayLike | None = None,
        target_year: ArrayLike | None = None,
        base_year: ArrayLike | None = None,
        natural_limit: ArrayLike | None = None,
        base_value: ArrayLike | None = None,
    ) -> Goals:
        """Goals for ``n`` series; each field is a scalar for all or an array of length n."""
        return cls(
            direction=_column("direction", direction, n, np.int8, 1),
            target_value=_column("target_value", target_value, n, np.float64, np.nan),
            target_year=_column("target_year", target_year, n, np.int64, 0),
            base_year=_column("base_year", base_year, n, np.int64, 0),
            natural_limit=_column("natural_limit", natural_limit, n, np.float64, np.nan),
            base_value=_column("base_value", base_value, n, np.float64, np.nan),
        )

    def rows(self, index: NDArray[Any]) -> Goals:
        """The goals of a subset of series, in the order of ``index``."""
        return Goals(
            direction=self.direction[index],
            target_value=self.target_value[index],
            target_year=self.target_year[index],
            base_year=self.base_year[index],
            natural_limit=self.natural_limit[index],
            base_value=self.base_value[index],
        )
