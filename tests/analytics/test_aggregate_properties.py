"""Properties of the aggregation on random panels and memberships (hypothesis).

- A group of one country is that country, for every rule and imputation.
- Numbering the countries differently changes nothing.
- Scaling every weight by one positive constant changes no weighted mean and no coverage.
- A mean lies between the minimum and the maximum.
- The sum of two disjoint groups is the sum of their sums.
- Coverage lies in [0, 1]; counts stay within the group's size.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from meadow.analytics.aggregate import Impute, Rule, aggregate
from meadow.analytics.groups import Groups
from meadow.analytics.panel import Panel

values = st.one_of(st.just(math.nan), st.floats(-1e6, 1e6, allow_nan=False))


@st.composite
def panels(draw, n_countries=None):  # type: ignore[no-untyped-def]
    c = n_countries or draw(st.integers(1, 8))
    k = draw(st.integers(1, 3))
    t = draw(st.integers(1, 6))
    cube = np.array(draw(st.lists(values, min_size=c * k * t, max_size=c * k * t)))
    weights = np.array(draw(st.lists(st.floats(0.5, 1e9), min_size=c, max_size=c)))
    return cube.reshape(c, k, t), weights


@st.composite
def memberships(draw, n_countries):  # type: ignore[no-untyped-def]
    members = st.lists(st.integers(0, n_countries - 1), unique=True)
    return draw(st.lists(members, min_size=1, max_size=6))


def _panel(cube: np.ndarray) -> Panel:
    return Panel(np.arange(2000, 2000 + cube.shape[2]), cube.reshape(-1, cube.shape[2]))


@settings(max_examples=80, deadline=None)
@given(panels(), st.sampled_from(list(Rule)), st.sampled_from(list(Impute)))
def test_a_group_of_one_country_is_that_country(data, rule, impute):  # type: ignore[no-untyped-def]
    cube, weights = data
    n = cube.shape[0]
    groups = Groups.from_lists([[c] for c in range(n)], n_countries=n)
    result = aggregate(_panel(cube), groups, rule=rule, weights=[weights], impute=impute)
    reported = ~np.isnan(cube)
    # Imputed values (a carried one is the country's own) do not count as coverage, so
    # exactly the reported cells are published.
    assert np.array_equal(result.published, reported)
    np.testing.assert_allclose(result.value[reported], cube[reported], rtol=1e-15)
    assert (result.coverage == reported).all()
    assert (result.n_countries == reported).all()


@settings(max_examples=80, deadline=None)
@given(st.data(), st.sampled_from(list(Rule)), st.sampled_from(list(Impute)))
def test_numbering_the_countries_differently_changes_nothing(data, rule, impute):  # type: ignore[no-untyped-def]
    cube, weights = data.draw(panels())
    n = cube.shape[0]
    lists = data.draw(memberships(n))
    order = np.array(data.draw(st.permutations(range(n))))
    # Country c becomes country position[c].
    position = np.argsort(order)
    options = {"rule": rule, "impute": impute}
    before = aggregate(_panel(cube), Groups.from_lists(lists, n), weights=[weights], **options)
    moved = Groups.from_lists([[int(position[c]) for c in g] for g in lists], n)
    after = aggregate(_panel(cube[order]), moved, weights=[weights[order]], **options)
    np.testing.assert_allclose(after.value, before.value, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(after.coverage, before.coverage, rtol=1e-9)
    np.testing.assert_array_equal(after.n_countries, before.n_countries)
    np.testing.assert_array_equal(after.n_imputed, before.n_imputed)


@settings(max_examples=80, deadline=None)
@given(st.data(), st.floats(1e-3, 1e3), st.sampled_from(list(Impute)))
def test_scaling_the_weights_changes_no_weighted_mean(data, scale, impute):  # type: ignore[no-untyped-def]
    cube, weights = data.draw(panels())
    groups = Groups.from_lists(data.draw(memberships(cube.shape[0])), cube.shape[0])
    options = {"rule": Rule.WEIGHTED_MEAN, "impute": impute}
    one = aggregate(_panel(cube), groups, weights=[weights], **options)
    other = aggregate(_panel(cube), groups, weights=[weights * scale], **options)
    np.testing.assert_allclose(other.value, one.value, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(other.coverage, one.coverage, rtol=1e-9, atol=1e-12)


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_a_mean_lies_between_the_minimum_and_the_maximum(data):  # type: ignore[no-untyped-def]
    cube, weights = data.draw(panels())
    groups = Groups.from_lists(data.draw(memberships(cube.shape[0])), cube.shape[0])
    panel = _panel(cube)

    def run(rule: Rule) -> np.ndarray:
        return aggregate(panel, groups, rule=rule, weights=[weights], threshold=0.0).value

    low, high = run(Rule.MIN), run(Rule.MAX)
    for rule in (Rule.MEAN, Rule.WEIGHTED_MEAN):
        mean = run(rule)
        assert np.array_equal(np.isnan(mean), np.isnan(low))
        both = ~np.isnan(mean)
        slack = 1e-9 * np.maximum(np.abs(low[both]), np.abs(high[both])) + 1e-9
        assert (mean[both] >= low[both] - slack).all()
        assert (mean[both] <= high[both] + slack).all()


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_the_sum_of_two_disjoint_groups_is_the_sum_of_their_sums(data):  # type: ignore[no-untyped-def]
    cube, _ = data.draw(panels())
    n = cube.shape[0]
    split = data.draw(st.integers(0, n))
    groups = Groups.from_lists([list(range(split)), list(range(split, n)), list(range(n))], n)
    result = aggregate(_panel(cube), groups, rule="sum", threshold=0.0)
    # An empty part or a part without data adds nothing (its NaN counts as 0).
    parts = np.nan_to_num(result.value[0]) + np.nan_to_num(result.value[1])
    whole = result.value[2]
    has = ~np.isnan(whole)
    np.testing.assert_allclose(whole[has], parts[has], rtol=1e-9, atol=1e-6)
    assert (result.n_countries[2] == result.n_countries[0] + result.n_countries[1]).all()


@settings(max_examples=80, deadline=None)
@given(
    st.data(),
    st.sampled_from(list(Rule)),
    st.sampled_from(list(Impute)),
    st.booleans(),
    st.floats(0.0, 1.0),
)
def test_coverage_and_counts_stay_in_range(data, rule, impute, count_imputed, threshold):  # type: ignore[no-untyped-def]
    cube, weights = data.draw(panels())
    groups = Groups.from_lists(data.draw(memberships(cube.shape[0])), cube.shape[0])
    weighted = data.draw(st.booleans()) or rule == Rule.WEIGHTED_MEAN
    result = aggregate(
        _panel(cube),
        groups,
        rule=rule,
        weights=[weights],
        weight=0 if weighted else -1,
        impute=impute,
        threshold=threshold,
        count_imputed=count_imputed,
    )
    assert ((result.coverage >= 0.0) & (result.coverage <= 1.0)).all()
    sizes = groups.sizes[:, None, None]
    assert ((result.n_countries + result.n_imputed) <= sizes).all()
    assert (result.coverage[result.published] >= threshold).all()
