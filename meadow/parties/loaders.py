"""The shipped conventions and Party lists, loaded with the reference data."""

from __future__ import annotations

from meadow.core.actors import Actor
from meadow.parties import actions

NAME = "conventions"
DESCRIPTION = "Biodiversity-related conventions and protocols; the CBD's Parties"


def load_conventions(*, actor: Actor) -> actions.ConventionsReport:
    return actions.sync_conventions(actions.read_shipped(), actor=actor)
