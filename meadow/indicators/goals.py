"""Baselines and targets from a CSV file: one row per indicator (in a place) or series.

Columns: ``indicator`` (uid such as ``gbf/indicator/3.1``), ``place`` (a country or
area code; empty for every place), ``direction`` (``increase`` or ``decrease``),
``baseline_year``, ``baseline_value``, ``target_year``, ``target_value``,
``natural_limit`` (each may be empty) and ``source`` (the document the goal comes
from). Meadow ships ``data/goals.csv`` with goals set by the GBF and the SDGs.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

from meadow.indicators.formats.base import ERROR, Location, Problem

COLUMNS = [
    "indicator",
    "place",
    "direction",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "natural_limit",
    "source",
]
DIRECTIONS = {"increase": 1, "decrease": -1}
SHIPPED = Path(__file__).resolve().parent / "data" / "goals.csv"


@dataclass(frozen=True)
class GoalRow:
    indicator: str
    place: str
    direction: int
    baseline_year: int | None
    baseline_value: float | None
    target_year: int | None
    target_value: float | None
    natural_limit: float | None
    source: str
    location: Location


def read(path: Path) -> tuple[list[GoalRow], list[Problem]]:
    """Every row and every problem of a goals file."""
    problems: list[Problem] = []
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [Problem(Location(path.name), f"not UTF-8 text (byte {exc.start})")]
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [Problem(Location(path.name, 1, missing[0]), "missing column", ERROR)]
    rows: list[GoalRow] = []
    for number, row in enumerate(reader, start=2):
        goal = _row(path.name, number, row, problems)
        if goal is not None:
            rows.append(goal)
    return rows, problems


def _row(file: str, number: int, row: dict[str, str], problems: list[Problem]) -> GoalRow | None:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    def year(name: str) -> int | None:
        text = cell(name)
        if not text:
            return None
        if not text.isdigit() or not 1900 <= int(text) <= 2100:
            problems.append(Problem(Location(file, number, name), f"{text!r} is not a year"))
            return None
        return int(text)

    def value(name: str) -> float | None:
        text = cell(name)
        if not text:
            return None
        try:
            result = float(text)
        except ValueError:
            problems.append(Problem(Location(file, number, name), f"{text!r} is not a number"))
            return None
        if not math.isfinite(result):
            problems.append(Problem(Location(file, number, name), "not a finite number"))
            return None
        return result

    direction = DIRECTIONS.get(cell("direction").lower())
    if direction is None:
        problems.append(
            Problem(
                Location(file, number, "direction"),
                f"{cell('direction')!r}: write increase or decrease",
            )
        )
    baseline_year, baseline_value = year("baseline_year"), value("baseline_value")
    target_year, target_value = year("target_year"), value("target_value")
    if (target_year is None) != (target_value is None):
        problems.append(
            Problem(
                Location(file, number, "target_value"), "a target needs both a year and a value"
            )
        )
    if baseline_value is not None and baseline_year is None:
        problems.append(
            Problem(Location(file, number, "baseline_year"), "a baseline value needs its year")
        )
    if not cell("indicator"):
        problems.append(Problem(Location(file, number, "indicator"), "empty"))
    if direction is None:
        return None
    return GoalRow(
        indicator=cell("indicator"),
        place=cell("place"),
        direction=direction,
        baseline_year=baseline_year,
        baseline_value=baseline_value,
        target_year=target_year,
        target_value=target_value,
        natural_limit=value("natural_limit"),
        source=cell("source"),
        location=Location(file, number),
    )
