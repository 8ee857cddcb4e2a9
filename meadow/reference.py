"""Every reference data set Meadow ships, in loading order (places before frameworks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from meadow.frameworks.loaders import LOADERS as FRAMEWORK_LOADERS
from meadow.places import loaders as places

REFERENCE_LOADERS: list[tuple[str, str, Callable[..., Any]]] = [
    (places.NAME, places.DESCRIPTION, places.load_places),
    *[(loader.name, loader.description, loader.run) for loader in FRAMEWORK_LOADERS],
]
