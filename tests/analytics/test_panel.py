"""Panels from long arrays, and goals from scalars or arrays."""

from __future__ import annotations

import numpy as np
import pytest

from meadow.analytics.panel import Goals, Panel


def test_from_long_scatters_into_rows_and_years():
    panel = Panel.from_long(
        np.array([2, 0, 0, 2]), np.array([2020, 2015, 2021, 2015]), np.array([4.0, 1.0, 2.0, 3.0])
    )
    assert panel.years.tolist() == [2015, 2020, 2021]
    expected = [[1.0, np.nan, 2.0], [np.nan] * 3, [3.0, 4.0, np.nan]]
    np.testing.assert_array_equal(panel.values, expected)
    assert (panel.n_series, panel.n_years) == (3, 3)


def test_from_long_keeps_empty_series_and_given_years():
    panel = Panel.from_long(
        np.array([0]), np.array([2016]), np.array([5.0]), n_series=3, years=np.arange(2015, 2019)
    )
    assert panel.values.shape == (3, 4)
    assert panel.values[0, 1] == 5.0
    assert np.isnan(panel.values[1:]).all()


@pytest.mark.parametrize(
    ("sid", "year", "message"),
    [
        ([0, 0], [2015, 2015], "1 duplicate"),
        ([-1], [2015], "negative"),
        ([0], [2014], "outside"),
        ([5], [2015], "out of range"),
    ],
)
def test_from_long_rejects_bad_input(sid, year, message):
    with pytest.raises(ValueError, match=message):
        Panel.from_long(
            np.array(sid),
            np.array(year),
            np.ones(len(sid)),
            n_series=2,
            years=np.array([2015, 2016]),
        )


def test_panel_rejects_unsorted_years_and_wrong_shapes():
    with pytest.raises(ValueError, match="increasing"):
        Panel(np.array([2016, 2015]), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="shape"):
        Panel(np.array([2015, 2016]), np.zeros((1, 3)))


def test_panel_stores_contiguous_float64():
    values = np.arange(12, dtype=np.int64).reshape(3, 4).T
    panel = Panel(np.arange(3), values)  # type: ignore[arg-type]
    assert panel.values.dtype == np.float64
    assert panel.values.flags.c_contiguous


def test_goals_broadcast_scalars_and_check_shapes():
    goals = Goals.build(3, direction=-1, target_value=[1.0, np.nan, 3.0], target_year=2025)
    assert goals.direction.tolist() == [-1, -1, -1]
    assert goals.target_year.tolist() == [2025] * 3
    assert np.isnan(goals.natural_limit).all()
    assert len(goals) == 3
    assert goals.rows(np.array([2, 0])).target_value.tolist() == [3.0, 1.0]
    with pytest.raises(ValueError, match="shape"):
        Goals.build(3, target_value=[1.0, 2.0])
    with pytest.raises(ValueError, match="direction"):
        Goals.build(2, direction=2)
    with pytest.raises(ValueError, match="base_year"):
        Goals.build(1, base_value=4.0)
