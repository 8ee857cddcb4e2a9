"""Exports of frameworks and of the crosswalk, one writer class per file format.

``WRITERS`` maps a format name to its writer; ``export`` reads a framework (by slug)
or ``crosswalk`` from the database and writes it::

    export("gbf", "turtle", sys.stdout)

Each writer names its family (``skos`` or ``csv``), media type and file extension, so
that the command line, the API and download links can share it.
"""

from __future__ import annotations

from typing import TextIO

from meadow.frameworks.export.base import Writer
from meadow.frameworks.export.csv import CsvWriter
from meadow.frameworks.export.data import CROSSWALK, ExportData, UnknownTarget, collect, targets
from meadow.frameworks.export.skos import JsonLdWriter, TurtleWriter

WRITERS: dict[str, type[Writer]] = {
    writer.name: writer for writer in (TurtleWriter, JsonLdWriter, CsvWriter)
}


class UnknownFormat(ValueError):
    """No writer has this name (in this family)."""


def formats(family: str | None = None) -> list[str]:
    """Names of the formats, optionally only those of one family (``skos``, ``csv``)."""
    return sorted(name for name, w in WRITERS.items() if family is None or w.family == family)


def writer(name: str, family: str | None = None) -> Writer:
    """The writer of format ``name``; ``UnknownFormat`` names the formats there are."""
    if name not in formats(family):
        known = ", ".join(formats(family))
        raise UnknownFormat(f"unknown format {name!r}: choose one of {known}")
    return WRITERS[name]()


def export(target: str, name: str, out: TextIO) -> None:
    """Write the framework ``target`` (a slug, or ``crosswalk``) to ``out`` in format ``name``."""
    writer(name).write(collect(target), out)


__all__ = [
    "CROSSWALK",
    "WRITERS",
    "ExportData",
    "UnknownFormat",
    "UnknownTarget",
    "Writer",
    "collect",
    "export",
    "formats",
    "targets",
    "writer",
]
