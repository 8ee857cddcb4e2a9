"""What every indicator-data reader produces and every writer takes, with no database access.

A reader turns files into ``Record`` rows (codes as written in the file) and
``Problem`` entries naming file, sheet, row and column. The import action resolves
codes against the frameworks and places, validates the whole set and only then
writes. A writer turns records back into files.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

ERROR = "error"
WARNING = "warning"

# Largest file a reader accepts; bigger uploads are refused before parsing.
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Location:
    """Where in the input a record or a problem comes from."""

    file: str
    row: int | None = None
    column: str = ""
    sheet: str = ""

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Problem:
    location: Location
    reason: str
    level: str = ERROR
    code: str = ""  # short machine name, e.g. "unknown-indicator", "duplicate-key"

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.location.file,
            "sheet": self.location.sheet,
            "row": self.location.row,
            "column": self.location.column,
            "reason": self.reason,
            "level": self.level,
            "code": self.code,
        }


@dataclass(slots=True)
class Record:
    """One observation as a file states it: codes are not yet resolved."""

    indicator: str  # indicator code as written: 15.1.1, 15-1-1, A.1, C_15.1.1
    place: str  # place code as written: GBR, GB, 826, 001
    period: str  # period label as written: 2015, 2014/15, 2020 Q1
    value: float
    location: Location
    disaggregation: tuple[tuple[str, str], ...] = ()  # sorted (dimension, value) pairs
    unit: str = ""
    unit_multiplier: int = 0  # power of ten: 3 for thousands
    status: str = ""
    comment: str = ""
    series_code: str = ""  # e.g. the SDG series code ER_PTD_TERR or Open SDG "Series"
    source: str = ""
    footnote: str = ""
    # Other per-series attributes kept verbatim so an export gives them back, e.g. an
    # Open SDG "Unit multiplier" written in an unusual way.
    attributes: tuple[tuple[str, str], ...] = ()

    def dims(self) -> dict[str, str]:
        return dict(self.disaggregation)


def disaggregation(
    pairs: Mapping[str, str] | Iterable[tuple[str, str]],
) -> tuple[tuple[str, str], ...]:
    """Normalised disaggregation: blanks dropped, sorted by dimension."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return tuple(sorted((str(k).strip(), str(v).strip()) for k, v in items if str(v).strip()))


@dataclass(frozen=True, slots=True)
class SourceFile:
    name: str
    sha256: str
    size: int


def fingerprint(path: Path) -> SourceFile:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return SourceFile(path.name, digest.hexdigest(), size)


@dataclass
class ReadResult:
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    framework: str = ""  # framework the indicator codes belong to when the format says so
    metadata: dict[str, Any] = field(default_factory=dict)  # per indicator code, free form

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == WARNING]

    def error(self, location: Location, reason: str, code: str = "") -> None:
        self.problems.append(Problem(location, reason, ERROR, code))

    def warn(self, location: Location, reason: str, code: str = "") -> None:
        self.problems.append(Problem(location, reason, WARNING, code))


@dataclass(frozen=True)
class ReadOptions:
    """Choices a user makes for an import; a reader uses those that apply to it."""

    place: str = ""  # default place code when the file has none (Open SDG national data)
    framework: str = ""  # framework of the indicator codes when the file does not say
    columns: Mapping[str, str] = field(default_factory=dict)  # plain CSV: role -> column name


class Reader(ABC):
    """Reads one format; registered by name in ``meadow.indicators.formats.REGISTRY``."""

    name: ClassVar[str]
    label: ClassVar[str]
    # True for formats that come as a folder (Open SDG); the others read one file.
    directory: ClassVar[bool] = False

    @abstractmethod
    def read(self, path: Path, options: ReadOptions) -> ReadResult:
        """Read everything, collecting every problem rather than stopping at the first."""


@dataclass
class ExportSeries:
    """A series to write: its resolved identity and its observations."""

    indicator: str  # code in its framework: 15.1.1, A.1
    framework: str  # sdg, gbf
    indicator_title: str
    place: str  # ISO alpha-3 for countries, M49 for areas
    place_m49: str
    place_name: str
    unit: str
    unit_multiplier: int
    disaggregation: tuple[tuple[str, str], ...]
    series_code: str
    source: str
    footnote: str
    observations: list[tuple[str, float, str, str]]  # period, value, status, comment
    attributes: tuple[tuple[str, str], ...] = ()
    # Format-specific metadata of the indicator kept from its import (Open SDG column
    # order and metadata page), shared by the indicator's series.
    metadata: dict[str, Any] = field(default_factory=dict)


class Writer(ABC):
    name: ClassVar[str]
    label: ClassVar[str]
    media_type: ClassVar[str]
    extension: ClassVar[str]  # file extension, or "" for a folder
    directory: ClassVar[bool] = False

    @abstractmethod
    def write(self, series: list[ExportSeries], destination: Path) -> list[Path]:
        """Write the series to ``destination`` (a file, or a folder for folder formats)."""
