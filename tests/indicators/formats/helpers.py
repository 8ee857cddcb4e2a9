"""Small builders shared by the format tests."""

from __future__ import annotations

from pathlib import Path

from meadow.indicators.formats.base import ExportSeries, Problem, ReadResult, Record

FILES = Path(__file__).parent / "files"
BAD = FILES / "bad"


def export_series(
    indicator: str = "A.1",
    *,
    framework: str = "gbf",
    title: str = "Red List Index",
    place: str = "GBR",
    m49: str = "826",
    place_name: str = "United Kingdom",
    unit: str = "",
    multiplier: int = 0,
    dims: tuple[tuple[str, str], ...] = (),
    series_code: str = "",
    source: str = "",
    footnote: str = "",
    observations: list[tuple[str, float, str, str]] | None = None,
    attributes: tuple[tuple[str, str], ...] = (),
) -> ExportSeries:
    return ExportSeries(
        indicator=indicator,
        framework=framework,
        indicator_title=title,
        place=place,
        place_m49=m49,
        place_name=place_name,
        unit=unit,
        unit_multiplier=multiplier,
        disaggregation=dims,
        series_code=series_code,
        source=source,
        footnote=footnote,
        observations=observations if observations is not None else [("2015", 0.5, "", "")],
        attributes=attributes,
    )


def facts(record: Record) -> tuple[object, ...]:
    """What a record says, without where it was read."""
    return (
        record.indicator,
        record.place,
        record.period,
        record.value,
        record.disaggregation,
        record.unit,
        record.unit_multiplier,
        record.status,
        record.comment,
        record.series_code,
        record.source,
        record.footnote,
    )


def only_problem(result: ReadResult, code: str) -> Problem:
    """The one problem with this code; fails listing every problem otherwise."""
    found = [p for p in result.problems if p.code == code]
    assert len(found) == 1, [str(p) for p in result.problems]
    return found[0]
