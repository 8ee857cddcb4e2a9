"""The real UK Open SDG sample through each export format and back, without a database.

The sample's dimension names have spaces and brackets, 154 rows belong to an archived
indicator (a series attribute) and some rows repeat a key: every format here must give
all of it back.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from meadow.indicators.formats import reader, writer
from meadow.indicators.formats.base import ExportSeries, ReadOptions, Record

from .helpers import facts

SAMPLE = Path(__file__).resolve().parent.parent / "files" / "opensdg-uk-sample"


def as_series(records: list[Record]) -> list[ExportSeries]:
    """Group records the way the import does: one series per identity, rows in order."""
    groups: dict[tuple[object, ...], ExportSeries] = {}
    for r in records:
        key = (
            r.indicator,
            r.unit,
            r.unit_multiplier,
            r.series_code,
            r.disaggregation,
            r.attributes,
        )
        if key not in groups:
            groups[key] = ExportSeries(
                indicator=r.indicator,
                framework="sdg",
                indicator_title="",
                place="GBR",
                place_m49="826",
                place_name="United Kingdom",
                unit=r.unit,
                unit_multiplier=r.unit_multiplier,
                disaggregation=r.disaggregation,
                series_code=r.series_code,
                source=r.source,
                footnote=r.footnote,
                observations=[],
                attributes=r.attributes,
            )
        groups[key].observations.append((r.period, r.value, r.status, r.comment))
    return list(groups.values())


@pytest.fixture(scope="module")
def uk() -> list[ExportSeries]:
    result = reader("opensdg").read(SAMPLE, ReadOptions(place="GBR"))
    assert result.errors == []
    assert len(result.records) == 673
    return as_series(result.records)


@pytest.mark.parametrize(
    ("name", "path", "place"),
    [
        ("csv", "uk.csv", "GBR"),
        ("datapackage", "uk", "GBR"),
        ("sdmx-ml", "uk.xml", "826"),
        ("sdmx-json", "uk.json", "826"),
    ],
)
def test_uk_sample_round_trip(
    uk: list[ExportSeries], name: str, path: str, place: str, tmp_path: Path
) -> None:
    written = writer(name).write(uk, tmp_path / path)
    source = written[-1] if name == "datapackage" else written[0]
    result = reader("csv" if name == "datapackage" else name).read(source, ReadOptions())
    assert result.errors == []
    assert result.framework == "sdg"
    expected = [
        (s.indicator, place, period, value, s.disaggregation, s.unit, s.unit_multiplier, status,
         comment, s.series_code, s.source, s.footnote, s.attributes)
        for s in uk
        for period, value, status, comment in s.observations
    ]  # fmt: skip
    assert [(*facts(r), r.attributes) for r in result.records] == expected
    assert len(expected) == 673
