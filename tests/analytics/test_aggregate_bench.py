"""``meadow bench aggregate --quick``: the report ends with a JSON line of sane figures."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

KEYS = {"rows", "seconds", "rows_per_s", "floor_ratio", "peak_memory_ratio", "per_group_ratio"}


def test_quick_benchmark_prints_lines_then_json():
    out = StringIO()
    call_command("bench", "aggregate", "--quick", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert any("Floor" in line for line in lines[:-1])
    assert any("Groups: 38" in line for line in lines[:-1])
    summary = json.loads(lines[-1])
    assert summary.keys() >= KEYS
    assert summary["benchmark"] == "aggregate"
    # 200 countries x 5 indicators x 3 disaggregations x 30 years.
    assert summary["rows"] == 200 * 5 * 3 * 30
    assert summary["aggregates"] == 38 * 15 * 30
    assert summary["seconds"] > 0
    assert summary["rows_per_s"] == pytest.approx(summary["rows"] / summary["seconds"], rel=0.01)
    assert summary["floor_ratio"] > 0 and summary["peak_memory_ratio"] > 0
    assert 0.0 < summary["published_share"] < 1.0


def test_json_only_prints_one_line():
    out = StringIO()
    call_command("bench", "aggregate", "--quick", "--json-only", stdout=out)
    (line,) = out.getvalue().strip().splitlines()
    assert json.loads(line).keys() >= KEYS


def test_uk_data_is_for_the_progress_benchmark(tmp_path: Path):
    with pytest.raises(CommandError, match="progress only"):
        call_command("bench", "aggregate", "--quick", "--uk", str(tmp_path))
