"""Aggregates of national series for regions, groups and the world, with their coverage.

The input is a national panel: a :class:`~meadow.analytics.panel.Panel` whose row
``country * K + key`` holds the series ``key`` (an indicator with its disaggregation)
of country ``country``, so that its values read as a ``country x key x year`` cube
(:func:`national_panel` builds one from long arrays). With a :class:`~meadow.analytics.
groups.Groups` membership and per-key rules, :func:`aggregate` returns an
:class:`Aggregates`: for every group, key and year a value, its coverage, the number
of countries that reported and the number of imputed countries.

Rules, per key: ``SUM``, ``MEAN``, ``WEIGHTED_MEAN`` (``sum(w * v) / sum(w)`` over the
countries with a value), ``MIN``, ``MAX``. Weights are per-country series, static
(shape (C,): population, land area) or by year (shape (C, T)); each key picks one or
none. Imputation, per key: ``NONE``; ``GROUP_MEAN`` (a missing member takes the mean
of the group's reporting members that year, or with a weight their value per unit of
weight: this leaves every mean, the minimum and the maximum unchanged and scales a
sum up to the whole group); ``CARRY_FORWARD`` (a country's last observed value fills
its later missing years). Coverage is the reporting members' share of the group's
weight (of its members without a weight); imputed members count towards it only
with ``count_imputed``. Below ``threshold`` (default 0.5) nothing is published: the
value is NaN and the coverage and counts stay. The full rules and their edge cases are
in ``docs/aggregation-methods.md``.

Speed: the cube is read in blocks of keys; in each block a group's sums are one
matrix-vector product over its members' rows (a slice when they are consecutive), and
a group made of other groups (the world of its regions) is summed from their results
(see :class:`~meadow.analytics.groups.Plan`). Nothing loops over series in Python.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from meadow.analytics.groups import Groups, Plan
from meadow.analytics.panel import Panel

__all__ = [
    "Aggregates",
    "Impute",
    "Rule",
    "aggregate",
    "carry_forward",
    "national_panel",
]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
I32 = NDArray[np.int32]
Bool = NDArray[np.bool_]

DEFAULT_THRESHOLD = 0.5
# Cells of the cube per block: its working arrays (about 30 bytes a cell) stay in the
# last-level cache, and the per-group calls (two or three per base group) stay few.
BLOCK_CELLS = 1 << 17

# Added to a value to unpublish it: indexing by a mask is one gather, where a masked
# assignment branches on every cell.
_NAN_IF = np.array([0.0, np.nan])
_NEARLY_ONE = 1.0 - 1e-12


class Rule(IntEnum):
    """How a group's value is made from its members' values; stored as int8."""

    SUM = 0
    MEAN = 1
    WEIGHTED_MEAN = 2
    MIN = 3
    MAX = 4


class Impute(IntEnum):
    """What fills a member's missing value before aggregation; stored as int8."""

    NONE = 0
    GROUP_MEAN = 1
    CARRY_FORWARD = 2


@dataclass(frozen=True, eq=False)
class Aggregates:
    """Aggregates per group, key and year: arrays of shape (G, K, T).

    ``value``: the aggregate, NaN where unpublished (coverage below the threshold, or
    no member with a value). ``coverage``: share of the group's weight (without a
    weight, of its members) that reported, in [0, 1], kept where unpublished.
    ``n_countries``: members that reported (imputed ones not included).
    ``n_imputed``: members whose value was imputed. ``threshold``: the coverage
    needed to publish. ``published`` is where ``value`` is not NaN.
    """

    years: I64
    value: F64
    coverage: F64
    n_countries: I32
    n_imputed: I32
    threshold: float

    @property
    def published(self) -> Bool:
        published: Bool = ~np.isnan(self.value)
        return published

    @property
    def n_groups(self) -> int:
        return int(self.value.shape[0])

    @property
    def n_keys(self) -> int:
        return int(self.value.shape[1])


def national_panel(
    country: ArrayLike,
    key: ArrayLike,
    year: ArrayLike,
    value: ArrayLike,
    *,
    n_countries: int,
    n_keys: int,
    years: ArrayLike | None = None,
) -> Panel:
    """A national panel (row ``country * n_keys + key``) from long arrays of observations.

    Every (country, key) pair gets a row, all NaN when it has no observation. Raises
    ``ValueError`` as :meth:`Panel.from_long` does, and on a country or key out of range.
    """
    c = np.asarray(country)
    k = np.asarray(key)
    if c.shape != k.shape or c.ndim != 1:
        raise ValueError("country and key must be one-dimensional, same length")
    if c.size and (int(c.min()) < 0 or int(c.max()) >= n_countries):
        raise ValueError(f"country must be in 0..{n_countries - 1}")
    if k.size and (int(k.min()) < 0 or int(k.max()) >= n_keys):
        raise ValueError(f"key must be in 0..{n_keys - 1}")
    rows = c.astype(np.int64) * n_keys + k.astype(np.int64)
    return Panel.from_long(rows, year, value, n_series=n_countries * n_keys, years=years)


def carry_forward(values: ArrayLike) -> tuple[F64, Bool]:
    """Fill each missing value with the last observed value before it, along the last axis.

    Returns the filled array and a mask of the cells that were filled; values before a
    series' first observation stay missing.
    """
    array = np.asarray(values, dtype=np.float64)
    missing = np.isnan(array)
    # The position of the latest observation at or before each cell: positions of the
    # observed cells (0 elsewhere), carried by a running maximum. A leading gap points
    # at position 0, which is itself missing, so it stays NaN.
    last = np.arange(array.shape[-1], dtype=np.intp) * ~missing
    np.maximum.accumulate(last, axis=-1, out=last)
    filled = np.take_along_axis(array, last, axis=-1)
    imputed: Bool = missing & ~np.isnan(filled)
    return filled, imputed


def aggregate(
    panel: Panel,
    groups: Groups,
    *,
    rule: Rule | str | Sequence[Rule | str] | ArrayLike = Rule.MEAN,
    weights: Sequence[ArrayLike] = (),
    weight: int | ArrayLike | None = None,
    impute: Impute | str | Sequence[Impute | str] | ArrayLike = Impute.NONE,
    threshold: float = DEFAULT_THRESHOLD,
    count_imputed: bool = False,
) -> Aggregates:
    """Aggregate a national panel to every group: value, coverage and counts per year.

    ``panel``: row ``country * K + key`` (see :func:`national_panel`), with
    ``panel.n_series == groups.n_countries * K``.
    ``groups``: the membership of the C countries in G groups.
    ``rule``: one :class:`Rule` (or its name, any case) for every key, or one per key.
    ``weights``: weight series, each of shape (C,) or (C, T), finite and not negative.
    ``weight``: per key (or one for all) the index in ``weights`` of the weight it
    uses, -1 for none; defaults to 0 when ``weights`` are given, else -1. A weight
    measures coverage under every rule and weighs the values under ``WEIGHTED_MEAN``,
    which needs one.
    ``impute``: one :class:`Impute` (or its name) for every key, or one per key.
    ``threshold``: the coverage needed to publish, in [0, 1].
    ``count_imputed``: let imputed members count towards coverage.

    Returns an :class:`Aggregates` of shape (G, K, T). Raises ``ValueError`` on
    shapes that do not fit, unknown rules, negative or non-finite weights, or a
    weighted mean without a weight.
    """
    n_countries = groups.n_countries
    n_series, n_years = panel.values.shape
    if n_countries == 0 or n_series % n_countries:
        raise ValueError(f"the panel's {n_series} rows are not {n_countries} countries x some keys")
    n_keys = n_series // n_countries
    if not 0.0 <= threshold <= 1.0:
        raise ValueError("threshold must be in [0, 1]")

    rules = _per_key(rule, n_keys, Rule, "rule")
    imputes = _per_key(impute, n_keys, Impute, "impute")
    series = [_weight_series(w, n_countries, n_years, i) for i, w in enumerate(weights)]
    default = 0 if series else -1
    chosen = np.asarray(default if weight is None else weight)
    if chosen.ndim == 0:
        chosen = np.full(n_keys, int(chosen))
    if chosen.shape != (n_keys,) or not np.issubdtype(chosen.dtype, np.integer):
        raise ValueError(f"weight must be an integer or {n_keys} integers")
    chosen = chosen.astype(np.int64)
    if bool(np.any((chosen < -1) | (chosen >= len(series)))):
        raise ValueError(f"weight must be -1 or an index into the {len(series)} weights")
    unweighted = (rules == Rule.WEIGHTED_MEAN) & (chosen < 0)
    if bool(np.any(unweighted)):
        keys = np.flatnonzero(unweighted)[:5].tolist()
        raise ValueError(f"a weighted mean needs a weight (keys {keys})")

    shape = (groups.n_groups, n_keys, n_years)
    out = Aggregates(
        years=panel.years,
        value=np.full(shape, np.nan),
        coverage=np.zeros(shape),
        n_countries=np.zeros(shape, dtype=np.int32),
        n_imputed=np.zeros(shape, dtype=np.int32),
        threshold=float(threshold),
    )
    if groups.n_groups == 0 or n_keys == 0:
        return out

    cube = panel.values.reshape(n_countries, n_keys, n_years)
    plan = groups.plan
    # One pass per combination of settings; the keys of a combination are read in blocks.
    code = (rules.astype(np.int64) * 3 + imputes) * (len(series) + 1) + chosen + 1
    for combination in np.unique(code).tolist():
        keys = np.flatnonzero(code == combination)
        k = int(keys[0])
        w = series[chosen[k]] if chosen[k] >= 0 else None
        kernel = _Kernel(
            cube=cube,
            groups=groups,
            plan=plan,
            rule=Rule(int(rules[k])),
            impute=Impute(int(imputes[k])),
            weight=w,
            threshold=float(threshold),
            count_imputed=count_imputed,
            out=out,
        )
        kernel.run(keys)
    return out


def _per_key(given: Any, n: int, enum: type[IntEnum], name: str) -> NDArray[np.int8]:
    def code(item: Any) -> int:
        if isinstance(item, str):
            try:
                return int(enum[item.strip().upper().replace("-", "_").replace(" ", "_")])
            except KeyError:
                raise ValueError(f"unknown {name} {item!r}") from None
        value = int(item)
        if value not in {int(e) for e in enum}:
            raise ValueError(f"unknown {name} {item!r}")
        return value

    if isinstance(given, (str, IntEnum)) or np.ndim(given) == 0:
        return np.full(n, code(given), dtype=np.int8)
    items = list(given)
    if len(items) != n:
        raise ValueError(f"{name} must be one value or {n} values, not {len(items)}")
    codes = np.array([code(item) for item in items], dtype=np.int8)
    return codes


def _weight_series(given: ArrayLike, n_countries: int, n_years: int, index: int) -> F64:
    w = np.asarray(given, dtype=np.float64)
    if w.shape not in ((n_countries,), (n_countries, n_years)):
        raise ValueError(
            f"weights[{index}] must have shape ({n_countries},) or "
            f"({n_countries}, {n_years}), not {w.shape}"
        )
    if not bool(np.all(np.isfinite(w))) or bool(np.any(w < 0)):
        raise ValueError(f"weights[{index}] must be finite and not negative")
    return np.ascontiguousarray(w)


def _carve(buffer: NDArray[Any], shape: tuple[int, ...]) -> NDArray[Any]:
    """A contiguous array of ``shape`` at the start of a preallocated flat buffer."""
    return buffer[: math.prod(shape)].reshape(shape)


class _Kernel:
    """The aggregation of the keys that share one rule, weight and imputation.

    Buffers are allocated once for the largest block and reused: every array of a block
    is carved from them, so a run allocates almost nothing per block.
    """

    def __init__(
        self,
        *,
        cube: F64,
        groups: Groups,
        plan: Plan,
        rule: Rule,
        impute: Impute,
        weight: F64 | None,
        threshold: float,
        count_imputed: bool,
        out: Aggregates,
    ) -> None:
        self.cube = cube
        self.plan = plan
        self.rule = rule
        self.impute = impute
        self.weight = weight
        self.threshold = threshold
        self.count_imputed = count_imputed
        self.out = out
        n_countries, _, n_years = cube.shape
        n_groups = groups.n_groups
        self.n_years = n_years
        self.block_keys = max(1, BLOCK_CELLS // max(1, n_countries * n_years))

        # The per-country quantities summed for each group sit side by side in one
        # array z (C, parts, cells): the values with missing ones as 0 (not for min or
        # max), 1 where reported, and 1 where imputed (carrying forward only).
        self.has_value = rule in (Rule.SUM, Rule.MEAN, Rule.WEIGHTED_MEAN)
        self.carries = impute == Impute.CARRY_FORWARD
        self.parts = int(self.has_value) + 1 + int(self.carries)
        self.reported = int(self.has_value)
        # Plain sums run over every part for a sum or mean, else over the counts;
        # weighted sums over every part for a weighted mean, else over the counts.
        self.plain_from = 0 if rule in (Rule.SUM, Rule.MEAN) else self.reported
        self.weighted_from = 0 if rule == Rule.WEIGHTED_MEAN else self.reported
        self.weighted = weight is not None
        self.by_year = weight is not None and weight.ndim == 2

        sizes = groups.sizes.astype(np.float64)
        total: F64 = sizes if weight is None else groups.total(weight)
        # Shaped to broadcast against a block's (G, keys, T) arrays.
        self.total = total[:, None, :] if total.ndim == 2 else total[:, None, None]
        self.size = sizes[:, None, None]
        # A group without weight divides by infinity: coverage 0. Dividing (rather than
        # multiplying by a reciprocal) makes a fully reporting group exactly 1.
        self.divisor = np.where(self.total > 0, self.total, np.inf)
        # Each base group's member weights, for its matrix-vector product.
        self.base_weights: list[F64] = []
        if weight is not None and not self.by_year:
            self.base_weights = [np.ascontiguousarray(weight[rows]) for rows in plan.rows]
        self.derived_parts = [plan.base[plan.parts(j)] for j in range(plan.derived.size)]

        cells = self.block_keys * n_years
        scattered = [r.size for s, r in zip(plan.spans, plan.rows, strict=True) if s is None]
        gathered = max(scattered, default=0)
        self.buffers = {
            "missing": np.empty(n_countries * cells, dtype=bool),
            "keep": np.empty(n_countries * cells, dtype=np.int8),
            "z": np.empty(n_countries * self.parts * cells),
            "gather": np.empty(gathered * self.parts * cells),
            "plain": np.empty(n_groups * (self.parts - self.plain_from) * cells),
            "weighted": np.empty(n_groups * (self.parts - self.weighted_from) * cells),
            "flag": np.empty(n_groups * cells, dtype=bool),
            "nan": np.empty(n_groups * cells),
        }
        if not self.has_value:
            self.buffers["extreme"] = np.empty(n_groups * cells)
            self.buffers["raw"] = np.empty(gathered * cells)
        if self.by_year:
            self.buffers["scaled"] = np.empty(
                n_countries * (self.parts - self.weighted_from) * cells
            )
        if not self.carries and self.impute == Impute.NONE:
            self.no_imputed = np.zeros(n_groups * cells)

    def run(self, keys: I64) -> None:
        step = self.block_keys
        contiguous = keys.size == int(keys[-1]) - int(keys[0]) + 1
        for start in range(0, keys.size, step):
            if contiguous:
                first = int(keys[0]) + start
                last = min(int(keys[-1]) + 1, first + step)
                where: slice | I64 = slice(first, last)
                block = self.cube[:, first:last]
            else:
                where = keys[start : start + step]
                block = np.take(self.cube, where, axis=1)
            self._block(block, where)

    def _block(self, block: F64, where: slice | I64) -> None:
        n_countries, n_block, n_years = block.shape
        cells = n_block * n_years
        plan = self.plan
        buffers = self.buffers
        n_groups = self.out.n_groups

        imputed: Bool | None = None
        if self.carries:
            block, imputed = carry_forward(block)
        values = block.reshape(n_countries, cells)
        missing = _carve(buffers["missing"], (n_countries, cells))
        np.isnan(values, out=missing)

        z = _carve(buffers["z"], (n_countries, self.parts, cells))
        if self.has_value:
            # Missing values become 0 through their bits: AND with 0 where missing and
            # with all ones elsewhere; a masked assignment branches on every cell.
            keep = _carve(buffers["keep"], (n_countries, cells))
            np.subtract(missing.view(np.int8), np.int8(1), out=keep)
            np.bitwise_and(values.view(np.int64), keep, out=z[:, 0].view(np.int64))
        if imputed is None:
            np.logical_not(missing, out=z[:, self.reported])
        else:
            filled = imputed.reshape(n_countries, cells)
            np.logical_not(missing | filled, out=z[:, self.reported])
            z[:, self.reported + 1] = filled
        flat = z.reshape(n_countries, self.parts * cells)

        plain_parts = self.parts - self.plain_from
        weighted_parts = self.parts - self.weighted_from
        plain = _carve(buffers["plain"], (n_groups, plain_parts, cells))
        weighted = _carve(buffers["weighted"], (n_groups, weighted_parts, cells))
        plain_flat = plain.reshape(n_groups, -1)
        weighted_flat = weighted.reshape(n_groups, -1)
        plain_cols = slice(self.plain_from * cells, None)
        weighted_cols = slice(self.weighted_from * cells, None)

        scaled: F64 | None = None
        if self.by_year and self.weight is not None:
            # Weights that change by year cannot ride in a matrix-vector product:
            # multiply them in, then sum plainly.
            scaled = _carve(buffers["scaled"], (n_countries, weighted_parts * cells))
            np.multiply(
                z[:, self.weighted_from :].reshape(n_countries, weighted_parts, n_block, n_years),
                self.weight[:, None, None, :],
                out=scaled.reshape(n_countries, weighted_parts, n_block, n_years),
            )
        extreme: F64 | None = None
        if not self.has_value:
            extreme = _carve(buffers["extreme"], (n_groups, cells))
        reduce = np.fmin if self.rule == Rule.MIN else np.fmax

        for i, (span, rows) in enumerate(zip(plan.spans, plan.rows, strict=True)):
            g = int(plan.base[i])
            if span is not None:
                a, b = span
                source = flat[a:b]
            else:
                shape = (rows.size, self.parts * cells)
                source = np.take(flat, rows, axis=0, out=_carve(buffers["gather"], shape))
            np.add.reduce(source[:, plain_cols], axis=0, out=plain_flat[g])
            if scaled is not None:
                part = scaled[a:b] if span is not None else np.take(scaled, rows, axis=0)
                np.add.reduce(part, axis=0, out=weighted_flat[g])
            elif self.weighted:
                np.dot(self.base_weights[i], source[:, weighted_cols], out=weighted_flat[g])
            if extreme is not None:
                if span is not None:
                    raw = values[a:b]
                else:
                    raw = np.take(
                        values, rows, axis=0, out=_carve(buffers["raw"], (rows.size, cells))
                    )
                reduce.reduce(raw, axis=0, out=extreme[g])

        if plan.derived.size:
            # A derived group is the sum of its disjoint parts.
            plain_flat[plan.derived] = plan.cover @ plain_flat[plan.base]
            if self.weighted:
                weighted_flat[plan.derived] = plan.cover @ weighted_flat[plan.base]
            if extreme is not None:
                for g, pieces in zip(plan.derived.tolist(), self.derived_parts, strict=True):
                    if pieces.size:
                        reduce.reduce(extreme[pieces], axis=0, out=extreme[g])
                    else:
                        extreme[g] = np.nan

        self._finish(plain, weighted, extreme, where, n_block)

    def _finish(
        self,
        plain: F64,
        weighted: F64,
        extreme: F64 | None,
        where: slice | I64,
        n_block: int,
    ) -> None:
        shape = (self.out.n_groups, n_block, self.n_years)
        buffers = self.buffers

        def part(array: F64, index: int, start: int) -> F64:
            return array[:, index - start].reshape(shape)

        n_reported = part(plain, self.reported, self.plain_from)
        w_reported = (
            part(weighted, self.reported, self.weighted_from) if self.weighted else n_reported
        )
        if self.carries:
            n_imputed = part(plain, self.reported + 1, self.plain_from)
            w_imputed = (
                part(weighted, self.reported + 1, self.weighted_from)
                if self.weighted
                else n_imputed
            )
        elif self.impute == Impute.GROUP_MEAN:
            # Every missing member of a group with a reporting member is filled; a fill
            # per unit of weight needs reporters that carry some weight.
            per_unit = self.weighted and self.rule in (Rule.SUM, Rule.WEIGHTED_MEAN)
            fills = w_reported > 0 if per_unit else n_reported > 0
            n_imputed = (self.size - n_reported) * fills
            w_imputed = (self.total - w_reported) * fills if self.weighted else n_imputed
        else:
            n_imputed = _carve(self.no_imputed, shape)
            w_imputed = n_imputed

        # Write straight into the output when the keys are a slice of it.
        out = self.out
        if isinstance(where, slice):
            value = out.value[:, where]
            coverage = out.coverage[:, where]
        else:
            value = np.empty(shape)
            coverage = np.empty(shape)

        with np.errstate(invalid="ignore", divide="ignore"):
            self._value(value, plain, weighted, extreme, shape, n_imputed, w_reported, w_imputed)
            if self.count_imputed and self.impute != Impute.NONE:
                np.divide(w_reported + w_imputed, self.divisor, out=coverage)
            else:
                np.divide(w_reported, self.divisor, out=coverage)
        if self.weighted:
            # Weights summed in another order than the group's total can miss 1 by a
            # rounding either way (counts cannot): within 1e-12 of 1 is 1, so that a
            # threshold of 1 means the whole weight.
            np.minimum(coverage, 1.0, out=coverage)
            np.maximum(coverage, coverage >= _NEARLY_ONE, out=coverage)
        unpublished = _carve(buffers["flag"], shape)
        np.less(coverage, self.threshold, out=unpublished)
        if self.threshold <= 0.0:
            # Above a zero threshold, a group without data has coverage 0 and is caught.
            unpublished |= (n_reported + n_imputed) == 0
        nan = _carve(buffers["nan"], shape)
        np.take(_NAN_IF, unpublished.view(np.uint8), out=nan)
        value += nan

        if isinstance(where, slice):
            np.copyto(out.n_countries[:, where], n_reported, casting="unsafe")
            if self.impute != Impute.NONE:
                np.copyto(out.n_imputed[:, where], n_imputed, casting="unsafe")
        else:
            index = np.ix_(np.arange(shape[0]), where)
            out.value[index] = value
            out.coverage[index] = coverage
            out.n_countries[index] = n_reported
            if self.impute != Impute.NONE:
                out.n_imputed[index] = n_imputed

    def _value(
        self,
        value: F64,
        plain: F64,
        weighted: F64,
        extreme: F64 | None,
        shape: tuple[int, int, int],
        n_imputed: F64,
        w_reported: F64,
        w_imputed: F64,
    ) -> None:
        if extreme is not None:
            value[...] = extreme.reshape(shape)
            return
        # Group-mean fills equal the group's (weighted) mean, so a mean over the
        # reporters already is the mean over the filled group.
        group_mean = self.impute == Impute.GROUP_MEAN
        if self.rule == Rule.WEIGHTED_MEAN:
            summed = weighted[:, 0].reshape(shape)
            if self.impute == Impute.NONE:
                np.divide(summed, w_reported, out=value)
            else:
                np.divide(summed, w_reported if group_mean else w_reported + w_imputed, out=value)
            return
        summed = plain[:, 0].reshape(shape)
        n_reported = plain[:, self.reported].reshape(shape)
        if self.rule == Rule.MEAN:
            np.divide(summed, n_reported if group_mean else n_reported + n_imputed, out=value)
        elif group_mean:
            # A sum over the filled group: the missing members at the reporters' mean
            # (per unit of weight with a weight); without fills, the reporters' sum.
            scale = np.where(w_reported > 0, (w_reported + w_imputed) / w_reported, 1.0)
            np.multiply(summed, scale, out=value)
        else:
            value[...] = summed
