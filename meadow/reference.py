"""Every reference data set Meadow ships, in loading order (places before frameworks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from meadow.core.actors import Actor
from meadow.frameworks.loaders import LOADERS as FRAMEWORK_LOADERS
from meadow.frameworks.sources import SourceError
from meadow.parties import loaders as parties
from meadow.places import loaders as places
from meadow.reports import loaders as report_templates
from meadow.targets import loaders as global_elements


def load_goals(*, actor: Actor) -> Any:
    """Baselines and targets set by the GBF and the SDGs for their indicators."""
    from meadow.indicators import actions, goals

    try:
        return actions.import_goals(goals.SHIPPED, actor=actor)
    except actions.ImportRejected as exc:
        first = exc.problems[0]
        raise SourceError(
            first.location.file,
            first.reason,
            line=first.location.row,
            element=first.location.column,
        ) from None


REFERENCE_LOADERS: list[tuple[str, str, Callable[..., Any]]] = [
    (places.NAME, places.DESCRIPTION, places.load_places),
    (parties.NAME, parties.DESCRIPTION, parties.load_conventions),
    *[(loader.name, loader.description, loader.run) for loader in FRAMEWORK_LOADERS],
    ("goals", "Indicator goals set by the GBF and the SDGs", load_goals),
    (global_elements.NAME, global_elements.DESCRIPTION, global_elements.load_global_elements),
    (report_templates.NAME, report_templates.DESCRIPTION, report_templates.load_report_templates),
]
