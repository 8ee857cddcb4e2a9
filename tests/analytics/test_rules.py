"""The rules every method shares: base year, latest year, edge cases, reasons."""

from __future__ import annotations

import math

import numpy as np
import pytest

from meadow.analytics.panel import Goals, Panel
from meadow.analytics.progress import (
    METHODS,
    Reason,
    Status,
    assess,
    endpoints,
    escap,
    eurostat,
    open_sdg,
    un_chart,
)

NAN = np.nan
YEARS = np.arange(2010, 2025)


def present(array: np.ndarray | None) -> np.ndarray:
    assert array is not None
    return array


def panel(*rows: dict[int, float]) -> Panel:
    values = np.full((len(rows), YEARS.size), NAN)
    for i, row in enumerate(rows):
        for year, value in row.items():
            values[i, year - YEARS[0]] = value
    return Panel(YEARS, values)


def test_base_year_and_the_first_year_after_it():
    p = panel({2012: 1, 2015: 2, 2020: 3}, {2013: 1, 2017: 2, 2024: 3})
    ends = endpoints(p, Goals.build(2))
    # 2015 itself, or the first year after it with data.
    assert ends.base_year.tolist() == [2015, 2017]
    assert ends.latest_year.tolist() == [2020, 2024]
    assert ends.base_value.tolist() == [2.0, 2.0]


def test_one_observation_since_the_base_year_reaches_back_before_it():
    p = panel({2011: 1, 2013: 2, 2019: 3}, {2019: 3})
    ends = endpoints(p, Goals.build(2))
    assert ends.base_year.tolist() == [2013, 0]
    assert ends.reason.tolist() == [Reason.NONE, Reason.ONE_POINT]


def test_no_observation_since_the_base_year_uses_the_earliest():
    p = panel({2010: 4, 2012: 5, 2014: 6})
    ends = endpoints(p, Goals.build(1))
    assert (ends.base_year[0], ends.latest_year[0]) == (2010, 2014)


def test_given_base_year_and_base_value():
    p = panel({2012: 1, 2015: 2, 2018: 3, 2020: 4})
    ends = endpoints(p, Goals.build(1, base_year=2016))
    assert (ends.base_year[0], ends.base_value[0]) == (2018, 3.0)
    ends = endpoints(p, Goals.build(1, base_year=2011, base_value=10.0))
    assert (ends.base_year[0], ends.base_value[0], ends.base_col[0]) == (2011, 10.0, -1)
    ends = endpoints(p, Goals.build(1, base_year=2021, base_value=10.0))
    assert ends.reason[0] == Reason.ONE_POINT


def test_reasons_for_missing_data_and_direction():
    p = panel({}, {2016: 1}, {2015: 1, 2020: 2})
    goals = Goals.build(3, direction=[1, 1, 0])
    for result in assess(p, goals).values():
        assert result.status.tolist() == [Status.NOT_ASSESSED] * 3
        assert result.reason.tolist()[:2] == [Reason.NO_DATA, Reason.ONE_POINT]
        assert result.reason[2] == Reason.NO_DIRECTION


def test_a_single_observation_that_meets_the_target_is_achieved():
    p = panel({2018: 5.0})
    for result in assess(p, Goals.build(1, target_value=4.0)).values():
        assert result.status[0] == Status.ACHIEVED
        assert result.reason[0] == Reason.NONE
        assert result.score[0] == 5.0


def test_default_and_given_target_year():
    p = panel({2015: 10.0, 2020: 20.0})
    # CAGR = 2 ** (1/5) - 1 = 14.87 %; to 2030: 20 * 2 ** 2 = 80; to 2025: 20 * 2 = 40.
    by_default = un_chart(p, Goals.build(1, target_value=100.0))
    assert present(by_default.projected)[0] == pytest.approx(80.0)
    earlier = un_chart(p, Goals.build(1, target_value=100.0, target_year=2025))
    assert present(earlier.projected)[0] == pytest.approx(40.0)


def test_target_year_already_passed_projects_nothing():
    p = panel({2015: 10.0, 2022: 30.0})
    goals = Goals.build(1, target_value=50.0, target_year=2020)
    r = un_chart(p, goals)
    # No projection: P = (30 - 10) / (50 - 10) = 0.5.
    assert present(r.projected)[0] == 30.0
    assert r.progress[0] == pytest.approx(0.5)
    assert r.status[0] == Status.MODERATE
    assert present(escap(p, goals).projected)[0] == 30.0


def test_target_year_not_after_the_base_year():
    p = panel({2015: 10.0, 2022: 30.0})
    goals = Goals.build(1, target_value=50.0, target_year=2014)
    for method in (eurostat, open_sdg):
        r = method(p, goals)
        assert r.status[0] == Status.NOT_ASSESSED
        assert r.reason[0] == Reason.TARGET_YEAR_NOT_AFTER_BASE


def test_zero_base_uses_linear_change_with_a_target():
    p = panel({2015: 0.0, 2020: 5.0})
    goals = Goals.build(1, target_value=20.0)
    r = un_chart(p, goals)
    # Linear: 1 a year; 2030 is 10 years on: 15; P = 15 / 20 = 0.75.
    assert r.linear[0]
    assert math.isnan(r.growth[0])
    assert present(r.projected)[0] == pytest.approx(15.0)
    assert r.progress[0] == pytest.approx(0.75)
    # Eurostat: actual 1 a year against (20 - 0) / 15 a year needed: R = 0.75.
    r = eurostat(p, goals)
    assert r.linear[0]
    assert r.progress[0] == pytest.approx(0.75)
    assert r.status[0] == Status.MODERATE
    # Without a target there is no growth rate to compare with the thresholds.
    r = eurostat(p, Goals.build(1))
    assert r.reason[0] == Reason.GROWTH_UNDEFINED


def test_escap_linear_trend_across_zero():
    p = panel({2015: -2.0, 2017: 0.0, 2019: 2.0})
    r = escap(p, Goals.build(1, target_value=24.0))
    # A straight line, 1 a year whatever the weights; 2019 + 11 years: 13.
    # A = (13 + 2) / (24 + 2) = 0.5769: accelerate.
    assert r.linear[0]
    assert present(r.projected)[0] == pytest.approx(13.0)
    assert r.progress[0] == pytest.approx(15 / 26)
    assert r.status[0] == Status.MODERATE


def test_negative_values_read_with_direction_reversed():
    # A balance from -10 to -5 (less negative) with higher better: growth of the
    # magnitude is negative, but it is progress.
    p = panel({2015: -10.0, 2020: -5.0})
    r = eurostat(p, Goals.build(1, direction=1))
    assert r.growth[0] == pytest.approx(0.5**0.2 - 1)
    assert r.progress[0] > 0
    assert r.status[0] == Status.ON_TRACK


@pytest.mark.parametrize(
    ("base", "limit", "factor"),
    [
        (50.0, 100.0, 1 - 0.5**4.44),
        (100.0, 100.0, 0.0),
        (150.0, 100.0, 1 - 0.5**4.44),
        (250.0, 100.0, 1.0),
        (50.0, np.nan, 1.0),
    ],
)
def test_open_sdg_limit_factor(base, limit, factor):
    p = panel({2015: base, 2020: base * 1.01})
    r = open_sdg(p, Goals.build(1, natural_limit=limit))
    assert present(r.limit_factor)[0] == pytest.approx(factor)


def test_open_sdg_at_the_limit_holding_it_is_on_track():
    p = panel({2015: 100.0, 2020: 100.0})
    r = open_sdg(p, Goals.build(1, natural_limit=100.0))
    assert r.status[0] == Status.ON_TRACK
    assert r.score[0] == 5.0


def test_open_sdg_thresholds_shrink_near_the_limit():
    # 1 % a year: limited progress far from a limit (below 1.5 % and above 0.5 %:
    # "acceleration needed"), on track at 95 % of the limit where C = 0.2035.
    far = panel({2015: 10.0, 2020: 10.0 * 1.01**5})
    near = panel({2015: 95.0, 2020: 95.0 * 1.01**5})
    assert open_sdg(far, Goals.build(1, natural_limit=100.0)).status[0] == Status.MODERATE
    assert open_sdg(near, Goals.build(1, natural_limit=100.0)).status[0] == Status.ON_TRACK


@pytest.mark.parametrize(
    ("growth", "un", "eu", "os"),
    [
        (0.025, Status.ON_TRACK, Status.ON_TRACK, Status.ON_TRACK),
        (0.012, Status.MODERATE, Status.ON_TRACK, Status.MODERATE),
        (0.007, Status.LIMITED, Status.MODERATE, Status.MODERATE),
        (0.003, Status.REGRESSING, Status.MODERATE, Status.LIMITED),
        (-0.005, Status.REGRESSING, Status.LIMITED, Status.REGRESSING),
        (-0.02, Status.REGRESSING, Status.REGRESSING, Status.REGRESSING),
    ],
)
def test_growth_thresholds_without_target(growth, un, eu, os):
    p = panel({2015: 100.0, 2020: 100.0 * (1 + growth) ** 5})
    goals = Goals.build(1)
    assert un_chart(p, goals).status[0] == un
    assert eurostat(p, goals).status[0] == eu
    assert open_sdg(p, goals).status[0] == os


def test_labels_cover_every_status():
    for method in METHODS.values():
        for status in Status:
            if status == Status.LIMITED and method.name == "escap":
                continue
            assert method.label(status)
