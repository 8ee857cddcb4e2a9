"""Roll-ups from series to indicators and on to targets and goals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meadow.analytics.panel import Goals, Panel
from meadow.analytics.progress import METHODS, Status, assess, open_sdg
from meadow.analytics.rollup import rollup

YEARS = np.arange(2015, 2022)


def _panel(*growth: float) -> Panel:
    t = np.arange(YEARS.size)
    return Panel(YEARS, np.array([100.0 * (1 + g) ** t for g in growth]))


def test_mean_score_and_its_class():
    # Open SDG without targets: 3 % a year scores 5, 1 % scores 1.25 (on the 0.5..1.5 %
    # segment: (1 - 0.5) / 1 * 2.5), -1 % scores -3.75; one series has no direction.
    result = open_sdg(_panel(0.03, 0.01, -0.01, 0.02), Goals.build(4, direction=[1, 1, 1, 0]))
    assert result.score[:3] == pytest.approx([5.0, 1.25, -3.75])
    rolled = rollup(result, np.array([0, 0, 1, 1]))
    # Indicator 0: (5 + 1.25) / 2 = 3.125, on track. Indicator 1: only the assessed
    # series counts: -3.75, deterioration.
    assert rolled.score.tolist() == pytest.approx([3.125, -3.75])
    assert rolled.status.tolist() == [Status.ON_TRACK, Status.REGRESSING]
    assert rolled.n_members.tolist() == [2, 2]
    assert rolled.n_assessed.tolist() == [2, 1]


def test_achieved_only_when_every_assessed_member_is():
    goals = Goals.build(3, target_value=[50.0, 50.0, 500.0])
    result = open_sdg(_panel(0.02, 0.03, 0.01), goals)
    assert result.status.tolist()[:2] == [Status.ACHIEVED, Status.ACHIEVED]
    rolled = rollup(result, np.array([0, 0, 1]), n_groups=3)
    assert rolled.status[0] == Status.ACHIEVED
    assert rolled.status[1] != Status.ACHIEVED
    # A group without assessed members is not assessed.
    assert rolled.status[2] == Status.NOT_ASSESSED
    assert math.isnan(rolled.score[2])
    # Series 3: 1 % a year against the 5 ** (1/15) - 1 = 11.32636 % needed:
    # R = 0.01 / 0.1132636 = 0.0882896, score 25/6 * 0.0882896 - 2.5 = -2.132127 (limited).
    assert rolled.score[1] == pytest.approx(-2.132127, rel=1e-5)
    # The next level up averages the groups, (5 - 2.132127) / 2 = 1.433937 (moderate),
    # and is not achieved: one child group is not.
    up = rollup(rolled, np.array([0, 0, 1]))
    assert up.score[0] == pytest.approx(1.433937, rel=1e-5)
    assert up.status.tolist() == [Status.MODERATE, Status.NOT_ASSESSED]


def test_chained_rollup_weighs_groups_equally():
    # Three series in indicator 0, one in indicator 1; the target averages the two
    # indicators, not the four series.
    result = open_sdg(_panel(0.03, 0.03, 0.03, -0.03), Goals.build(4))
    indicators = rollup(result, np.array([0, 0, 0, 1]))
    targets = rollup(indicators, np.array([0, 0]))
    assert targets.score[0] == pytest.approx((5.0 + -5.0) / 2)


def test_members_left_out_and_bad_groups():
    result = open_sdg(_panel(0.03, -0.03), Goals.build(2))
    rolled = rollup(result, np.array([-1, 0]))
    assert rolled.n_members.tolist() == [1]
    assert rolled.score[0] == pytest.approx(-5.0)
    with pytest.raises(ValueError, match="shape"):
        rollup(result, np.array([0]))
    with pytest.raises(ValueError, match="out of range"):
        rollup(result, np.array([0, 3]), n_groups=2)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=-0.1, max_value=0.1), min_size=1, max_size=8))
def test_a_group_of_one_keeps_the_class_of_its_series(rates):
    panel = _panel(*rates)
    goals = Goals.build(len(rates), target_value=np.where(np.arange(len(rates)) % 2, 150.0, np.nan))
    for result in assess(panel, goals).values():
        rolled = rollup(result, np.arange(len(rates)))
        edges = np.array(METHODS[result.method].score_edges)
        # Away from a band edge, where a score and a threshold may round apart.
        clear = np.array([np.isnan(s) or np.min(np.abs(edges - s)) > 1e-9 for s in result.score])
        np.testing.assert_array_equal(rolled.status[clear], result.status[clear])
