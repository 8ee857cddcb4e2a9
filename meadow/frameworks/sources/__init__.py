"""Readers that turn a framework's source files into plain specs, with no database access.

Each reader validates the whole source before anything is written and raises
``SourceError`` naming the file, line and element of the first problem it finds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class SourceError(ValueError):
    """A source file is malformed or inconsistent; nothing has been written."""

    def __init__(
        self, path: Path | str, message: str, *, line: int | None = None, element: str = ""
    ) -> None:
        self.path = str(path)
        self.line = line
        self.element = element
        self.reason = message
        where = Path(self.path).name + (f", line {line}" if line else "")
        what = f" [{element}]" if element else ""
        super().__init__(f"{where}{what}: {message}")


@dataclass
class ElementSpec:
    uid: str
    level: str
    code: str
    order: int
    title: dict[str, str]
    short_title: dict[str, str] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    kind: str = ""
    parent_uid: str | None = None
    source_uri: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RelationSpec:
    subject_uid: str
    object_uid: str
    type: str
    source: str = ""
    confidence: float | None = None
    note: str = ""
    line: int | None = None


@dataclass
class FrameworkSpec:
    slug: str
    name: dict[str, str]
    version: str
    source: str
    source_url: str
    licence: str
    order: int
    elements: list[ElementSpec]
    relations: list[RelationSpec] = field(default_factory=list)
    description: dict[str, str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)


def line_of(path: Path, needle: str, *, after: int = 0) -> int | None:
    """First line (1-based) of ``path`` past line ``after`` containing ``needle``."""
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, start=1):
                if number > after and needle in text:
                    return number
    except OSError:
        return None
    return None


def read_text(path: Path) -> str:
    """Read a UTF-8 source file; a missing file or another encoding is a SourceError."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(path, "file not found") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(path, f"not UTF-8 text (byte {exc.start})", line=line) from None
