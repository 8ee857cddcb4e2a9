"""`meadow stocktake aggregate` and `meadow stocktake rule`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from meadow.stocktake.models import AggregationRule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]


def run(*args: str) -> str:
    out = StringIO()
    call_command("stocktake", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_aggregate_every_indicator() -> None:
    output = run("aggregate")
    assert "sdg/indicator/15.5.1: world" in output
    assert "(coverage" in output
    assert output.rstrip().endswith("indicators aggregated")


def test_aggregate_one_indicator_and_group(custom_group) -> None:  # type: ignore[no-untyped-def]
    custom_group("uk-only", ["GBR"])
    output = run("aggregate", "--indicator", "sdg/indicator/15.5.1", "--group", "group/uk-only")
    lines = output.splitlines()
    assert lines[0].startswith("sdg/indicator/15.5.1: rule mean, weight population")
    assert lines[1] == "group\tyear\tvalue\tcoverage\tn_countries\tn_imputed\tpublished"
    rows = [line.split("\t") for line in lines[2:]]
    assert rows and all(r[0] == "group/uk-only" and r[3] == "1.0000" for r in rows)
    assert all(r[6] == "yes" for r in rows)


def test_rule_set_and_remove() -> None:
    output = run(
        "rule", "--indicator", "gbf/indicator/A.3", "--rule", "weighted-mean", "--weight", "area"
    )
    assert "weighted-mean, area" in output
    assert AggregationRule.objects.get(indicator__uid="gbf/indicator/A.3").weight.slug == "area"  # type: ignore[union-attr]
    assert run("rule", "--indicator", "gbf/indicator/A.3", "--remove") == "rule removed\n"
    assert not AggregationRule.objects.exists()


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="weight"):
        run("rule", "--indicator", "gbf/indicator/A.3", "--rule", "weighted-mean")
    with pytest.raises(CommandError, match="not an indicator"):
        run("aggregate", "--indicator", "gbf/target/3")
