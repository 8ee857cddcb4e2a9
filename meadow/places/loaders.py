"""Loading the shipped places, groups and weights: read every source first, then write."""

from __future__ import annotations

from pathlib import Path

from meadow.core.actors import Actor
from meadow.places import actions, sources

DATA = Path(__file__).resolve().parent / "data"
NAME = "places"
DESCRIPTION = "M49 countries, areas and regions; UN groups; population and area"


def load_places(*, actor: Actor, directory: Path = DATA) -> actions.PlacesReport:
    return actions.sync_places(sources.read(directory), actor=actor)
