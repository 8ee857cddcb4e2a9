"""National targets in files: JSON, CSV and XLSX, read all at once and written back.

``read`` turns a file into target specs and every problem found, naming file,
sheet, row and column; nothing is checked against the database here (the import
action does that). ``dump`` writes snapshots of stored targets; a file written by
``dump`` reads back to the same targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from meadow.indicators.formats.base import ERROR, Location, Problem
from meadow.targets.formats import csvfile, jsonfile, xlsxfile
from meadow.targets.formats.base import FORMATS, MAX_FILE_BYTES, MEDIA_TYPES, ReadResult, guess

__all__ = ["FORMATS", "MEDIA_TYPES", "ReadResult", "dump", "file_name", "guess", "read"]


def read(path: Path, *, format: str | None = None, name: str = "") -> ReadResult:
    """Read a targets file; ``format`` defaults to the file name's extension."""
    file = name or path.name
    chosen = format or guess(file)
    result = ReadResult(file)
    if chosen not in FORMATS:
        result.problems.append(
            Problem(
                Location(file),
                "unknown format; name the file .json, .csv or .xlsx, or choose one of "
                + ", ".join(FORMATS),
                ERROR,
                "unknown-format",
            )
        )
        return result
    if not path.is_file():
        result.problems.append(Problem(Location(file), "no such file", ERROR, "not-found"))
        return result
    if path.stat().st_size > MAX_FILE_BYTES:
        result.problems.append(
            Problem(Location(file), f"larger than {MAX_FILE_BYTES // 2**20} MB", ERROR, "too-large")
        )
        return result
    raw = path.read_bytes()
    if not raw.strip():
        result.problems.append(Problem(Location(file), "the file is empty", ERROR, "empty"))
        return result
    if chosen == "json":
        jsonfile.read(raw, result)
    elif chosen == "csv":
        csvfile.read(raw, result)
    else:
        xlsxfile.read(raw, result)
    return result


def dump(format: str, country: str, snapshots: Sequence[dict[str, Any]]) -> bytes:
    """The file of ``format`` holding these targets (snapshots from ``specs.snapshot``)."""
    if format == "json":
        return jsonfile.dump(country, snapshots)
    if format == "csv":
        return csvfile.dump(snapshots)
    if format == "xlsx":
        return xlsxfile.dump(snapshots)
    raise ValueError(f"unknown format {format!r}; choose from {', '.join(FORMATS)}")


def file_name(country: str, format: str) -> str:
    return f"national-targets-{country}.{format}"
