"""Loading the shipped reference frameworks: read every source first, then write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from meadow.core.actors import Actor
from meadow.frameworks import actions
from meadow.frameworks.sources import aichi, crosswalk, gbf, sdg

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Loader:
    name: str
    description: str
    run: Callable[..., actions.SyncReport]


def load_gbf(*, actor: Actor, directory: Path = DATA / "kmgbf") -> actions.SyncReport:
    return actions.sync_framework(gbf.read(directory), actor=actor, origin="gbf-ontology")


def load_aichi(*, actor: Actor, directory: Path = DATA / "aichi") -> actions.SyncReport:
    return actions.sync_framework(aichi.read(directory), actor=actor, origin="aichi")


def load_sdg(*, actor: Actor, directory: Path = DATA / "sdg") -> actions.SyncReport:
    return actions.sync_framework(sdg.read(directory), actor=actor, origin="sdg")


def load_crosswalk(
    *, actor: Actor, path: Path = DATA / "crosswalk" / "gbf_target_related_terms.csv"
) -> actions.SyncReport:
    walk = crosswalk.read(path)
    return actions.sync_relations(
        walk.relations, actor=actor, origin="gbf-crosswalk", source=path.name, skipped=walk.skipped
    )


LOADERS = [
    Loader("gbf", "Kunming-Montreal GBF: goals, targets, indicators", load_gbf),
    Loader("aichi", "Aichi Biodiversity Targets", load_aichi),
    Loader("sdg", "Sustainable Development Goals in six languages", load_sdg),
    Loader("crosswalk", "GBF-Aichi-SDG crosswalk", load_crosswalk),
]
