"""``meadow bench reports --quick``: lines of figures, then a JSON line; nothing is kept."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from meadow.audit.models import AuditEntry
from meadow.reports.models import Fact, FactVersion, Report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]
KEYS = {
    "benchmark",
    "prefill_s",
    "pdf_s",
    "pdf_bytes",
    "json_reports",
    "json_s",
    "json_reports_per_s",
    "baseline_ratio",
}


def test_quick_reports_benchmark_prints_lines_then_json_and_keeps_nothing() -> None:
    before = (
        Report.objects.count(),
        Fact.objects.count(),
        FactVersion.objects.count(),
        AuditEntry.objects.count(),
    )
    out = StringIO()
    call_command("bench", "reports", "--quick", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert any("PDF rendered" in line for line in lines[:-1])
    assert any("Baseline" in line for line in lines[:-1])
    summary = json.loads(lines[-1])
    assert summary.keys() >= KEYS
    assert summary["benchmark"] == "reports"
    assert summary["json_reports"] == 20
    assert summary["answers"] > 50
    for key in ("prefill_s", "pdf_s", "json_s", "json_reports_per_s", "baseline_ratio"):
        assert summary[key] > 0, key
    assert summary["pdf_bytes"] > 10_000
    assert summary["json_reports_per_s"] == pytest.approx(
        summary["json_reports"] / summary["json_s"], rel=0.05
    )
    after = (
        Report.objects.count(),
        Fact.objects.count(),
        FactVersion.objects.count(),
        AuditEntry.objects.count(),
    )
    assert after == before


def test_json_only_prints_one_line() -> None:
    out = StringIO()
    call_command("bench", "reports", "--quick", "--json-only", stdout=out)
    (line,) = out.getvalue().strip().splitlines()
    assert json.loads(line).keys() >= KEYS
