"""Named permission policies.

Every action names the policy it checks. A policy is a function of the actor and
the action's context that returns True when the actor may go on. Names are declared
here once; an action naming an unknown policy fails at import time, not silently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied

from meadow.core.actors import Actor, SystemActor, is_staff

Policy = Callable[..., bool]
POLICIES: dict[str, Policy] = {}


def policy(name: str) -> Callable[[Policy], Policy]:
    def register(fn: Policy) -> Policy:
        if name in POLICIES:
            raise ValueError(f"policy {name!r} is declared twice")
        POLICIES[name] = fn
        return fn

    return register


def require(name: str) -> Policy:
    if name not in POLICIES:
        raise KeyError(f"unknown permission policy {name!r}")
    return POLICIES[name]


def check(name: str, actor: Actor, /, **context: Any) -> None:
    if not require(name)(actor, **context):
        raise PermissionDenied(f"{actor} may not do this ({name})")


@policy("reference.load")
def can_load_reference(actor: Actor, **_: Any) -> bool:
    """Reference data is loaded by the system (CLI, start-up) or by administrators."""
    return isinstance(actor, SystemActor) or bool(getattr(actor, "is_superuser", False))


@policy("frameworks.edit")
def can_edit_frameworks(actor: Actor, **_: Any) -> bool:
    """Framework vocabularies and crosswalks are curated by staff."""
    return is_staff(actor)


@policy("places.edit")
def can_edit_places(actor: Actor, **_: Any) -> bool:
    """Places, groups and weights are curated by staff."""
    return is_staff(actor)


@policy("indicators.import")
def can_import_indicator_data(actor: Actor, **_: Any) -> bool:
    """Indicator data are imported by staff (country roles arrive with national teams)."""
    return is_staff(actor)


@policy("indicators.edit")
def can_edit_indicator_goals(actor: Actor, **_: Any) -> bool:
    """Baselines and targets are set by staff."""
    return is_staff(actor)


@policy("indicators.assess")
def can_assess(actor: Actor, **_: Any) -> bool:
    """Progress is recomputed by the system or by staff."""
    return is_staff(actor)
