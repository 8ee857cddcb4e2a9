"""What the targets file readers produce: target specs and problems, with no database access."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from meadow.indicators.formats.base import Problem
from meadow.targets.specs import TargetSpec

FORMATS = ("json", "csv", "xlsx")
MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A country's targets fit in far less; anything bigger is not such a file.
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass
class ReadResult:
    file: str
    country: str = ""
    targets: list[TargetSpec] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def guess(name: str) -> str | None:
    suffix = Path(name).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else None
