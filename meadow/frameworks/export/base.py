"""What every export writer has in common."""

from __future__ import annotations

from abc import ABC, abstractmethod
from io import StringIO
from typing import ClassVar, TextIO

from meadow.frameworks.export.data import ExportData


class Writer(ABC):
    """Writes one export (a framework or the crosswalk) in one file format."""

    name: ClassVar[str]
    family: ClassVar[str]
    media_type: ClassVar[str]
    extension: ClassVar[str]

    @abstractmethod
    def write(self, data: ExportData, out: TextIO) -> None:
        """Write ``data`` to ``out``; the same data always gives the same text."""

    def render(self, data: ExportData) -> str:
        buffer = StringIO()
        self.write(data, buffer)
        return buffer.getvalue()
