"""Indicator-data formats: one registry of readers and one of writers.

Each format is a small class in its own module; importing this package registers
them all. ``reader("opensdg")`` and ``writer("sdmx-json")`` look them up by name.
"""

from __future__ import annotations

from meadow.indicators.formats.base import Reader, Writer

READERS: dict[str, Reader] = {}
WRITERS: dict[str, Writer] = {}


def register_reader(cls: type[Reader]) -> type[Reader]:
    if cls.name in READERS:
        raise ValueError(f"reader {cls.name!r} is registered twice")
    READERS[cls.name] = cls()
    return cls


def register_writer(cls: type[Writer]) -> type[Writer]:
    if cls.name in WRITERS:
        raise ValueError(f"writer {cls.name!r} is registered twice")
    WRITERS[cls.name] = cls()
    return cls


def reader(name: str) -> Reader:
    _load()
    if name not in READERS:
        raise KeyError(f"unknown import format {name!r}; choose from {', '.join(sorted(READERS))}")
    return READERS[name]


def writer(name: str) -> Writer:
    _load()
    if name not in WRITERS:
        raise KeyError(f"unknown export format {name!r}; choose from {', '.join(sorted(WRITERS))}")
    return WRITERS[name]


def _load() -> None:
    # Format modules register themselves on import; listed here so none is forgotten.
    from meadow.indicators.formats import (  # noqa: F401
        csvmap,
        datapackage,
        opensdg,
        ort,
        sdmx_formats,
    )
