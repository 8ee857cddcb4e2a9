"""The vectorised aggregation agrees with the rules written plainly, cell by cell.

``reference_cell`` computes one group, key and year from the definitions in
``docs/aggregation-methods.md`` with Python lists and dicts; hypothesis draws small
panels, memberships (overlapping, nested, identical and empty groups, members in any
order) and weights, and every rule, imputation and coverage option must agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meadow.analytics import aggregate as aggregate_module
from meadow.analytics.aggregate import Impute, Rule, aggregate, carry_forward
from meadow.analytics.groups import Groups
from meadow.analytics.panel import Panel


@dataclass
class Cell:
    value: float
    coverage: float
    n_countries: int
    n_imputed: int


def reference_cell(
    cube: np.ndarray,
    groups: Groups,
    g: int,
    k: int,
    t: int,
    *,
    rule: Rule,
    weight: np.ndarray | None,
    impute: Impute,
    threshold: float,
    count_imputed: bool,
) -> Cell:
    members = groups.members_of(g).tolist()
    observed = {c: float(cube[c, k, t]) for c in members if not math.isnan(cube[c, k, t])}

    def w(c: int) -> float:
        if weight is None:
            return 1.0
        return float(weight[c] if weight.ndim == 1 else weight[c, t])

    imputed: dict[int, float] = {}
    if impute == Impute.CARRY_FORWARD:
        for c in members:
            earlier = [v for v in cube[c, k, :t] if not math.isnan(v)]
            if c not in observed and earlier:
                imputed[c] = float(earlier[-1])
    elif impute == Impute.GROUP_MEAN and observed:
        missing = [c for c in members if c not in observed]
        reporting_weight = sum(w(c) for c in observed)
        if rule == Rule.WEIGHTED_MEAN:
            if reporting_weight > 0:
                fill = sum(w(c) * v for c, v in observed.items()) / reporting_weight
                imputed = dict.fromkeys(missing, fill)
        elif rule == Rule.SUM and weight is not None:
            if reporting_weight > 0:
                per_unit = sum(observed.values()) / reporting_weight
                imputed = {c: per_unit * w(c) for c in missing}
        else:
            imputed = dict.fromkeys(missing, sum(observed.values()) / len(observed))

    used = {**observed, **imputed}
    total = sum(w(c) for c in members)
    counted = used if count_imputed else observed
    # Summed in member order, like the total: a complete group is covered exactly.
    covered = sum(w(c) for c in members if c in counted)
    coverage = min(covered / total, 1.0) if total > 0 else 0.0
    value = math.nan
    if used and coverage >= threshold:
        values = list(used.values())
        if rule == Rule.SUM:
            value = sum(values)
        elif rule == Rule.MEAN:
            value = sum(values) / len(values)
        elif rule == Rule.WEIGHTED_MEAN:
            weights = sum(w(c) for c in used)
            value = sum(w(c) * v for c, v in used.items()) / weights if weights else math.nan
        elif rule == Rule.MIN:
            value = min(values)
        else:
            value = max(values)
    return Cell(value, coverage, len(observed), len(imputed))


@st.composite
def cases(draw):  # type: ignore[no-untyped-def]
    n_countries = draw(st.integers(1, 7))
    n_keys = draw(st.integers(1, 3))
    n_years = draw(st.integers(1, 5))
    values = draw(
        st.lists(
            st.one_of(st.just(math.nan), st.floats(-1e3, 1e3, allow_nan=False)),
            min_size=n_countries * n_keys * n_years,
            max_size=n_countries * n_keys * n_years,
        )
    )
    cube = np.array(values).reshape(n_countries, n_keys, n_years)
    countries = st.lists(st.integers(0, n_countries - 1), unique=True)
    lists = draw(st.lists(countries, min_size=1, max_size=6))
    # Unions of the drawn groups, so that some groups are made of others.
    if len(lists) > 1 and draw(st.booleans()):
        lists.append(sorted(set(lists[0]) | set(lists[1])))
    lists.append(list(range(n_countries)))
    # Zero weights, but no subnormal ones: their products lose every digit.
    weight_floats = st.one_of(st.just(0.0), st.floats(0.01, 100.0))
    static = np.array(draw(st.lists(weight_floats, min_size=n_countries, max_size=n_countries)))
    by_year = np.array(
        draw(
            st.lists(weight_floats, min_size=n_countries * n_years, max_size=n_countries * n_years)
        )
    ).reshape(n_countries, n_years)
    return cube, Groups.from_lists(lists, n_countries), static, by_year


def _check(cube, groups, weights, chosen, options):  # type: ignore[no-untyped-def]
    _, n_keys, n_years = cube.shape
    panel = Panel(np.arange(2000, 2000 + n_years), cube.reshape(-1, n_years))
    result = aggregate(panel, groups, weights=weights, weight=chosen, **options)
    weight = weights[chosen] if chosen >= 0 else None
    for g in range(groups.n_groups):
        for k in range(n_keys):
            for t in range(n_years):
                cell = reference_cell(cube, groups, g, k, t, weight=weight, **options)
                where = (g, k, t)
                assert result.value[where] == pytest.approx(
                    cell.value, rel=1e-9, abs=1e-9, nan_ok=True
                ), where
                assert result.coverage[where] == pytest.approx(cell.coverage, rel=1e-12), where
                assert result.n_countries[where] == cell.n_countries, where
                assert result.n_imputed[where] == cell.n_imputed, where


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cases(),
    st.sampled_from(list(Rule)),
    st.sampled_from(list(Impute)),
    st.sampled_from([-1, 0, 1]),
    st.sampled_from([0.0, 0.5, 1.0]),
    st.booleans(),
)
def test_agrees_with_the_plain_rules(case, rule, impute, chosen, threshold, count_imputed):  # type: ignore[no-untyped-def]
    cube, groups, static, by_year = case
    if rule == Rule.WEIGHTED_MEAN and chosen < 0:
        chosen = 0
    options = {
        "rule": rule,
        "impute": impute,
        "threshold": threshold,
        "count_imputed": count_imputed,
    }
    _check(cube, groups, [static, by_year], chosen, options)


def test_agrees_in_blocks_of_one_key(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(aggregate_module, "BLOCK_CELLS", 1)
    rng = np.random.default_rng(7)
    cube = rng.normal(0.0, 10.0, (6, 4, 5))
    cube[rng.random(cube.shape) < 0.4] = math.nan
    groups = Groups.from_lists([[0, 2, 4], [1, 2], [0, 1, 2, 3, 4, 5], [5]], 6)
    weights = [rng.uniform(0.0, 5.0, 6), rng.uniform(0.0, 5.0, (6, 5))]
    for rule in Rule:
        for impute in Impute:
            options = {"rule": rule, "impute": impute, "threshold": 0.5, "count_imputed": False}
            _check(cube, groups, weights, 1 if rule == Rule.WEIGHTED_MEAN else -1, options)


def test_carry_forward_matches_a_loop():
    rng = np.random.default_rng(3)
    values = rng.normal(size=(50, 9))
    values[rng.random(values.shape) < 0.5] = math.nan
    filled, imputed = carry_forward(values)
    for row in range(values.shape[0]):
        last = math.nan
        for t in range(values.shape[1]):
            if not math.isnan(values[row, t]):
                last = values[row, t]
                assert filled[row, t] == values[row, t] and not imputed[row, t]
            else:
                assert filled[row, t] == pytest.approx(last, nan_ok=True)
                assert imputed[row, t] == (not math.isnan(last))
