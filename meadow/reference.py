"""Every reference data set Meadow ships, in loading order (places before frameworks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from meadow.frameworks.loaders import LOADERS as FRAMEWORK_LOADERS

REFERENCE_LOADERS: list[tuple[str, str, Callable[..., Any]]] = [
    *[(loader.name, loader.description, loader.run) for loader in FRAMEWORK_LOADERS],
]
