"""``meadow bench progress --quick``: the report ends with a JSON line of sane figures."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from meadow.analytics.bench import read_open_sdg, synthetic
from meadow.analytics.progress import Status, assess

KEYS = {"rows", "seconds", "rows_per_s", "floor_ratio", "naive_ratio", "peak_memory_ratio"}


def test_quick_benchmark_prints_lines_then_json():
    out = StringIO()
    call_command("bench", "progress", "--quick", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) > 1
    assert any("Floor" in line for line in lines[:-1])
    summary = json.loads(lines[-1])
    assert summary.keys() >= KEYS
    assert summary["rows"] == 20 * 50 * 3 * 30
    assert summary["seconds"] > 0
    assert summary["rows_per_s"] == pytest.approx(summary["rows"] / summary["seconds"], rel=0.01)
    for key in ("floor_ratio", "naive_ratio", "peak_memory_ratio"):
        assert summary[key] > 0


def test_json_only_prints_one_line():
    out = StringIO()
    call_command("bench", "progress", "--quick", "--json-only", stdout=out)
    (line,) = out.getvalue().strip().splitlines()
    assert json.loads(line).keys() >= KEYS


def test_uk_path_must_be_a_directory(tmp_path: Path):
    with pytest.raises(CommandError, match="not a directory"):
        call_command("bench", "progress", "--quick", "--uk", str(tmp_path / "absent"))


def test_open_sdg_directory_reader(tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "indicator_1-1-1.csv").write_text(
        "Year,Sex,Observation status,Value\n"
        "2015,,Normal value,10\n2020,,Normal value,12\n"
        "2015,Female,Normal value,9\n2015-16,Female,Normal value,9.5\n"
        "2019,Female,Normal value,\n",
        encoding="utf-8",
    )
    panel, files, rows = read_open_sdg(tmp_path)
    assert (files, rows, panel.n_series) == (1, 5, 2)
    assert panel.years.tolist() == [2015, 2019, 2020]
    # "2015-16" is 2015 and replaces the earlier 2015; an empty value is missing.
    assert panel.values[1, 0] == 9.5


def test_synthetic_panel_has_the_advertised_shape_and_a_mix_of_classes():
    data = synthetic(places=4, indicators=10, disaggregations=3, years=30)
    assert data.panel.values.shape == (120, 30)
    assert data.groups.max() == 39
    missing = float(np.isnan(data.panel.values).mean())
    assert 0.2 < missing < 0.4
    statuses = set(assess(data.panel, data.goals)["un_chart"].status.tolist())
    assert {Status.ACHIEVED, Status.REGRESSING} <= statuses
