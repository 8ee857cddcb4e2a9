"""Aggregation rules on a small hand-made case and on real UK data, with the arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pytest

from meadow.analytics import aggregate as aggregate_module
from meadow.analytics.aggregate import Impute, Rule, aggregate, carry_forward, national_panel
from meadow.analytics.groups import Groups
from meadow.analytics.panel import Panel

NAN = math.nan
YEARS = np.array([2020, 2021, 2022])

# Four countries, one series, three years:
#        pop  2020  2021  2022
#   A     10     1     -     3
#   B     30     2     4     -
#   C     60     -     6     9
#   D    100    10     -     -
VALUES = np.array(
    [
        [1.0, NAN, 3.0],
        [2.0, 4.0, NAN],
        [NAN, 6.0, 9.0],
        [10.0, NAN, NAN],
    ]
)
POPULATION = np.array([10.0, 30.0, 60.0, 100.0])
# north = {A, B, C} (population 100), south = {B, D} (130), world = {A, B, C, D} (200).
NORTH, SOUTH, WORLD = 0, 1, 2
GROUPS = Groups.from_lists([[0, 1, 2], [1, 3], [0, 1, 2, 3]], n_countries=4)


def _panel(values: np.ndarray = VALUES) -> Panel:
    return Panel(YEARS, values)


def _run(**options: object):  # type: ignore[no-untyped-def]
    result = aggregate(_panel(), GROUPS, **options)  # type: ignore[arg-type]
    # One key: drop its axis, leaving (group, year).
    return (
        result.value[:, 0],
        result.coverage[:, 0],
        result.n_countries[:, 0],
        result.n_imputed[:, 0],
    )


def test_unweighted_rules():
    # 2020: north has A=1, B=2 (2 of 3: coverage 2/3); south B=2, D=10 (2 of 2);
    #       world A, B, D = 1, 2, 10 (3 of 4).
    # 2021: north B=4, C=6 (2/3); south B=4 (1/2, still published at 50 %);
    #       world B, C (2/4).
    # 2022: north A=3, C=9 (2/3); south nothing (coverage 0); world A, C (2/4).
    value, coverage, n, imputed = _run(rule="sum")
    np.testing.assert_allclose(value[NORTH], [3.0, 10.0, 12.0])
    np.testing.assert_allclose(value[SOUTH], [12.0, 4.0, NAN])
    np.testing.assert_allclose(value[WORLD], [13.0, 10.0, 12.0])
    np.testing.assert_allclose(coverage[NORTH], [2 / 3, 2 / 3, 2 / 3])
    np.testing.assert_allclose(coverage[SOUTH], [1.0, 0.5, 0.0])
    np.testing.assert_allclose(coverage[WORLD], [0.75, 0.5, 0.5])
    assert n.tolist() == [[2, 2, 2], [2, 1, 0], [3, 2, 2]]
    assert not imputed.any()

    value, *_ = _run(rule="mean")
    # world 2020: (1 + 2 + 10) / 3 = 13/3.
    np.testing.assert_allclose(value[NORTH], [1.5, 5.0, 6.0])
    np.testing.assert_allclose(value[SOUTH], [6.0, 4.0, NAN])
    np.testing.assert_allclose(value[WORLD], [13 / 3, 5.0, 6.0])

    value, *_ = _run(rule=Rule.MIN)
    np.testing.assert_allclose(value, [[1.0, 4.0, 3.0], [2.0, 4.0, NAN], [1.0, 4.0, 3.0]])
    value, *_ = _run(rule=Rule.MAX)
    np.testing.assert_allclose(value, [[2.0, 6.0, 9.0], [10.0, 4.0, NAN], [10.0, 6.0, 9.0]])


def test_population_weighted_mean_and_coverage():
    value, coverage, n, _ = _run(rule="weighted_mean", weights=[POPULATION])
    # 2020 north: A, B report 10 + 30 = 40 of 100 -> coverage 0.4, below 50 %: the value
    #   (10*1 + 30*2) / 40 = 1.75 is not published, the coverage is kept.
    # 2020 south: B, D = 130 of 130 -> (30*2 + 100*10) / 130 = 1060/130.
    # 2020 world: A, B, D = 140 of 200 = 0.7 -> (10 + 60 + 1000) / 140 = 1070/140.
    # 2021 north: B, C = 90 of 100 -> (30*4 + 60*6) / 90 = 480/90.
    # 2021 south: B = 30 of 130 -> unpublished; world: B, C = 90 of 200 = 0.45 -> unpublished.
    # 2022 north: A, C = 70 of 100 -> (10*3 + 60*9) / 70 = 570/70; south: none;
    #   world: A, C = 70 of 200 = 0.35 -> unpublished.
    np.testing.assert_allclose(value[NORTH], [NAN, 480 / 90, 570 / 70])
    np.testing.assert_allclose(value[SOUTH], [1060 / 130, NAN, NAN])
    np.testing.assert_allclose(value[WORLD], [1070 / 140, NAN, NAN])
    np.testing.assert_allclose(coverage[NORTH], [0.4, 0.9, 0.7])
    np.testing.assert_allclose(coverage[SOUTH], [1.0, 30 / 130, 0.0])
    np.testing.assert_allclose(coverage[WORLD], [0.7, 0.45, 0.35])
    # Counts are of reporting countries, published or not.
    assert n.tolist() == [[2, 2, 2], [2, 1, 0], [3, 2, 2]]


def test_a_weight_measures_coverage_under_any_rule():
    # The sum of north in 2020 is 1 + 2 = 3, but A and B hold 40 % of its population.
    value, coverage, *_ = _run(rule="sum", weights=[POPULATION])
    assert math.isnan(value[NORTH, 0])
    assert coverage[NORTH, 0] == pytest.approx(0.4)
    # A lower threshold publishes it.
    value, *_ = _run(rule="sum", weights=[POPULATION], threshold=0.4)
    assert value[NORTH, 0] == 3.0


def test_weights_that_change_by_year():
    # World 2020 with weights 10, 30, 60, 100 is 1070/140 (above); in 2021 the weights
    # double for B only: B, C = 60*4 + 60*6 = 600 over 120 of 230 (0.52) -> 5.0.
    by_year = np.repeat(POPULATION[:, None], 3, axis=1)
    by_year[1, 1] = 60.0
    value, coverage, *_ = _run(rule="weighted_mean", weights=[by_year])
    assert value[WORLD, 0] == pytest.approx(1070 / 140)
    assert value[WORLD, 1] == pytest.approx(600 / 120)
    assert coverage[WORLD, 1] == pytest.approx(120 / 230)


def test_carry_forward():
    # A: 1, (1), 3   B: 2, 4, (4)   C: -, 6, 9 (nothing before its first value)
    # D: 10, (10), (10)    (imputed in brackets)
    filled, flags = carry_forward(VALUES)
    np.testing.assert_array_equal(filled, [[1, 1, 3], [2, 4, 4], [NAN, 6, 9], [10, 10, 10]])
    assert flags.tolist() == [
        [False, True, False],
        [False, False, True],
        [False, False, False],
        [False, True, True],
    ]
    value, coverage, n, imputed = _run(rule="mean", impute="carry_forward")
    # 2021 north: A (1, imputed), B 4, C 6 -> 11/3; coverage counts B and C only: 2/3.
    # 2021 south: B 4, D (10) -> 7; coverage 1/2.
    # 2021 world: (1 + 4 + 6 + 10) / 4 = 21/4; coverage 2/4.
    # 2022 south: B (4) and D (10) are both imputed: coverage 0, nothing published.
    np.testing.assert_allclose(value[:, 1], [11 / 3, 7.0, 21 / 4])
    np.testing.assert_allclose(coverage[:, 1], [2 / 3, 0.5, 0.5])
    assert n[:, 1].tolist() == [2, 1, 2]
    assert imputed[:, 1].tolist() == [1, 1, 2]
    assert math.isnan(value[SOUTH, 2])
    assert (n[SOUTH, 2], imputed[SOUTH, 2]) == (0, 2)
    # Counting imputed cells towards coverage publishes it: (4 + 10) / 2.
    value, coverage, *_ = _run(rule="mean", impute="carry_forward", count_imputed=True)
    assert value[SOUTH, 2] == 7.0
    assert coverage[SOUTH, 2] == 1.0


def test_carry_forward_weighted_mean():
    # 2021 world with A (1) and D (10) carried: (10*1 + 30*4 + 60*6 + 100*10) / 200
    # = 1490/200; coverage of the reporters B, C: 90/200 -> below 50 %, so use 0.4.
    value, coverage, *_ = _run(
        rule="weighted_mean", weights=[POPULATION], impute="carry_forward", threshold=0.4
    )
    assert value[WORLD, 1] == pytest.approx(1490 / 200)
    assert coverage[WORLD, 1] == pytest.approx(0.45)


def test_group_mean_scales_a_sum_and_leaves_means_alone():
    # 2021: south has B = 4 and misses D, filled at 4: sum 8, one imputed.
    #   north has B = 4, C = 6 and misses A, filled at 5: 15. world: B, C and two
    #   fills at 5: 20.
    value, coverage, _, imputed = _run(rule="sum", impute="group_mean")
    np.testing.assert_allclose(value[:, 1], [15.0, 8.0, 20.0])
    assert imputed[:, 1].tolist() == [1, 1, 2]
    # The coverage still counts reporters only.
    np.testing.assert_allclose(coverage[:, 1], [2 / 3, 0.5, 0.5])
    # 2022 south: nobody to take a mean from: nothing is filled.
    assert math.isnan(value[SOUTH, 2]) and imputed[SOUTH, 2] == 0

    # The fills are the mean, so the mean does not move: north 2021 (5 + 4 + 6) / 3 = 5.
    mean, *_ = _run(rule="mean", impute="group_mean")
    plain, *_ = _run(rule="mean")
    np.testing.assert_allclose(mean, plain)
    for rule in ("min", "max"):
        filled, *_ = _run(rule=rule, impute="group_mean")
        np.testing.assert_allclose(filled, _run(rule=rule)[0])
    weighted, *_ = _run(rule="weighted_mean", weights=[POPULATION], impute="group_mean")
    np.testing.assert_allclose(weighted, _run(rule="weighted_mean", weights=[POPULATION])[0])


def test_group_mean_of_a_weighted_sum_fills_per_unit_of_weight():
    # 2021 world: B (30 people) = 4 and C (60) = 6 report, 10 per 90 people; A (10)
    # gets 10/9 and D (100) gets 100/9: 10 + 110/9 = 10 * 200/90. Coverage 90/200.
    value, coverage, _, imputed = _run(
        rule="sum", weights=[POPULATION], impute="group_mean", threshold=0.4
    )
    assert value[WORLD, 1] == pytest.approx(10 * 200 / 90)
    assert coverage[WORLD, 1] == pytest.approx(0.45)
    assert imputed[WORLD, 1] == 2
    # Counting the fills as coverage covers the whole group wherever a member reports.
    _, coverage, *_ = _run(rule="sum", impute="group_mean", count_imputed=True)
    np.testing.assert_allclose(coverage, [[1, 1, 1], [1, 1, 0], [1, 1, 1]])


def test_threshold_zero_publishes_any_data_and_one_needs_everyone():
    value, *_ = _run(rule="mean", threshold=0.0)
    assert not np.isnan(value[:, :2]).any()
    # South in 2022 has no data at all: still nothing.
    assert math.isnan(value[SOUTH, 2])
    value, *_ = _run(rule="mean", threshold=1.0)
    # Only south in 2020 has every member reporting.
    assert (~np.isnan(value)).sum() == 1 and value[SOUTH, 0] == 6.0


def test_rules_per_key_and_blocks(monkeypatch: pytest.MonkeyPatch):
    # Three keys: the hand-made series, twice its values, minus its values; one rule
    # each, computed in blocks of one key, equals each rule on its own.
    monkeypatch.setattr(aggregate_module, "BLOCK_CELLS", 1)
    cube = np.stack([VALUES, 2 * VALUES, -VALUES, VALUES], axis=1)  # (4 countries, 4 keys, 3)
    panel = Panel(YEARS, cube.reshape(16, 3))
    rules = ["sum", "weighted_mean", "min", "sum"]
    result = aggregate(panel, GROUPS, rule=rules, weights=[POPULATION])
    for k, rule in enumerate(rules):
        alone = aggregate(Panel(YEARS, cube[:, k]), GROUPS, rule=rule, weights=[POPULATION])
        np.testing.assert_allclose(result.value[:, k], alone.value[:, 0])
        np.testing.assert_allclose(result.coverage[:, k], alone.coverage[:, 0])
        np.testing.assert_array_equal(result.n_countries[:, k], alone.n_countries[:, 0])


def test_weight_per_key_and_no_weight():
    # Key 0 by population, key 1 without a weight (coverage by count).
    cube = np.stack([VALUES, VALUES], axis=1)
    panel = Panel(YEARS, cube.reshape(8, 3))
    result = aggregate(panel, GROUPS, rule="sum", weights=[POPULATION], weight=[0, -1])
    assert result.coverage[NORTH, 0, 0] == pytest.approx(0.4)
    assert result.coverage[NORTH, 1, 0] == pytest.approx(2 / 3)


def test_national_panel_from_long_arrays():
    panel = national_panel(
        country=[1, 0, 1],
        key=[0, 1, 1],
        year=[2020, 2020, 2021],
        value=[5.0, 6.0, 7.0],
        n_countries=2,
        n_keys=2,
    )
    # Rows: country * 2 + key.
    assert panel.values.shape == (4, 2)
    assert panel.values[2, 0] == 5.0 and panel.values[1, 0] == 6.0 and panel.values[3, 1] == 7.0
    assert np.isnan(panel.values[0]).all()
    with pytest.raises(ValueError, match="country"):
        national_panel([2], [0], [2020], [1.0], n_countries=2, n_keys=1)
    with pytest.raises(ValueError, match="key"):
        national_panel([0], [1], [2020], [1.0], n_countries=2, n_keys=1)


def test_bad_input_is_refused():
    panel = _panel()
    with pytest.raises(ValueError, match="countries x some keys"):
        aggregate(Panel(YEARS, VALUES[:3]), GROUPS)
    with pytest.raises(ValueError, match="needs a weight"):
        aggregate(panel, GROUPS, rule="weighted_mean")
    with pytest.raises(ValueError, match="unknown rule"):
        aggregate(panel, GROUPS, rule="median")
    with pytest.raises(ValueError, match="unknown impute"):
        aggregate(panel, GROUPS, impute=7)
    with pytest.raises(ValueError, match="one value or 1 values"):
        aggregate(panel, GROUPS, rule=["sum", "mean"])
    with pytest.raises(ValueError, match="finite and not negative"):
        aggregate(panel, GROUPS, weights=[-POPULATION])
    with pytest.raises(ValueError, match="finite and not negative"):
        aggregate(panel, GROUPS, weights=[np.array([1.0, NAN, 1.0, 1.0])])
    with pytest.raises(ValueError, match="shape"):
        aggregate(panel, GROUPS, weights=[POPULATION[:3]])
    with pytest.raises(ValueError, match="index into"):
        aggregate(panel, GROUPS, weights=[POPULATION], weight=1)
    with pytest.raises(ValueError, match="threshold"):
        aggregate(panel, GROUPS, threshold=1.5)


def test_an_empty_group_and_a_zero_weight():
    groups = Groups.from_lists([[], [0]], n_countries=4)
    result = aggregate(_panel(), groups, rule="weighted_mean", weights=[np.zeros(4)])
    # No member, or no weight: coverage 0, nothing published, counts still told.
    assert np.isnan(result.value).all()
    assert not result.coverage.any()
    assert result.n_countries[1, 0].tolist() == [1, 0, 1]


# Real data: the UK's Red List Index, indicator 15.5.1 of its Open SDG site
# (data/indicator_15-5-1.csv, "Red List Index", 2000-2023; Open Government Licence v3.0).
RED_LIST_YEARS = np.arange(2000, 2024)
RED_LIST = np.array(
    [
        0.96508, 0.96464, 0.964, 0.96362, 0.96343, 0.96332, 0.96331, 0.96342,
        0.96351, 0.96359, 0.96366, 0.96363, 0.96351, 0.96311, 0.96268, 0.96225,
        0.96218, 0.9619, 0.96188, 0.96194, 0.96202, 0.96202, 0.9621, 0.96214,
    ]
)  # fmt: skip


@pytest.mark.parametrize("rule", list(Rule))
@pytest.mark.parametrize("impute", list(Impute))
def test_uk_as_a_one_country_group_equals_itself(rule: Rule, impute: Impute):
    panel = Panel(RED_LIST_YEARS, RED_LIST[None, :])
    groups = Groups.from_lists([[0]], n_countries=1)
    # The UK's population (an illustrative figure) as the weight.
    result = aggregate(panel, groups, rule=rule, weights=[[67.0e6]], impute=impute)
    expected = RED_LIST.copy()
    np.testing.assert_allclose(result.value[0, 0], expected, rtol=1e-15)
    assert (result.coverage[0, 0] == 1.0).all()
    assert (result.n_countries[0, 0] == 1).all()
    assert not result.n_imputed.any()


def test_uk_with_a_larger_member_that_has_no_data_publishes_nothing():
    # The UK (67 million people) in a group with a member of 100 million that has no
    # Red List Index: 67/167 = 40 % of the weight reports, so no aggregate is
    # published, but every year keeps its coverage and count.
    values = np.vstack([RED_LIST, np.full(RED_LIST.size, NAN)])
    panel = Panel(RED_LIST_YEARS, values)
    groups = Groups.from_lists([[0, 1]], n_countries=2)
    result = aggregate(panel, groups, rule="weighted_mean", weights=[[67.0e6, 100.0e6]])
    assert np.isnan(result.value).all()
    np.testing.assert_allclose(result.coverage[0, 0], 67 / 167)
    assert (result.n_countries == 1).all()
    # Unweighted, the UK is one member of two: 50 %, published as itself.
    result = aggregate(panel, groups, rule="mean")
    np.testing.assert_allclose(result.value[0, 0], RED_LIST)


# Real data: forest area as a share of land area (%) in the four UK nations, indicator
# 15.1.1 of the UK's Open SDG site (data/indicator_15-1-1.csv, rows without a
# management status), 2012-2014; Northern Ireland reports from 2013 on.
NATIONS = ["England", "Wales", "Scotland", "Northern Ireland"]
FOREST = np.array(
    [
        [9.97617460053377, 9.97617460053377, 9.97617460053377],
        [14.4672313304213, 14.9494723747687, 14.9494723747687],
        [17.9715437446707, 18.0999119142755, 18.2282800838803],
        [NAN, 7.97508837594184, 7.97508837594184],
    ]
)
# The UK figure in the same file for 2013.
FOREST_UK_2013 = 12.8944087630956
# Land areas in km2, approximate (rounded to 100): the weights of the mean.
LAND = np.array([130_300.0, 20_700.0, 77_900.0, 13_600.0])


def test_uk_nations_by_land_area():
    panel = Panel(np.array([2012, 2013, 2014]), FOREST)
    groups = Groups.from_lists([[0, 1, 2, 3]], n_countries=4)
    result = aggregate(panel, groups, rule="weighted_mean", weights=[LAND], threshold=0.95)
    value, coverage = result.value[0, 0], result.coverage[0, 0]
    # 2013: (9.976*130300 + 14.949*20700 + 18.100*77900 + 7.975*13600) / 242500.
    expected = float(FOREST[:, 1] @ LAND / LAND.sum())
    assert value[1] == pytest.approx(expected, rel=1e-14)
    # With approximate areas it lands within 0.1 % of the UK's own figure.
    assert value[1] == pytest.approx(FOREST_UK_2013, rel=1e-3)
    # 2012: Northern Ireland's 13,600 km2 are missing: 228,900 / 242,500 = 94.4 % of the
    # land reports, below a 95 % threshold: nothing is published for the UK that year.
    assert coverage.tolist() == pytest.approx([228_900 / 242_500, 1.0, 1.0])
    assert math.isnan(value[0])
    assert result.n_countries[0, 0].tolist() == [3, 4, 4]
