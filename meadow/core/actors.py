"""Who performs an action: a signed-in user or a named part of the system."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


@dataclass(frozen=True)
class SystemActor:
    """The system acting on its own behalf, e.g. ``SystemActor("load-reference")``."""

    name: str

    def __str__(self) -> str:
        return f"system:{self.name}"


Actor = Union["AbstractBaseUser", "AnonymousUser", SystemActor]


def label(actor: Actor) -> str:
    if isinstance(actor, SystemActor):
        return str(actor)
    username = actor.get_username() if actor.is_authenticated else ""
    return username or "anonymous"


def is_staff(actor: Actor) -> bool:
    """The system, and staff users signed in with a password (an API token carries only
    its own country role, never staff powers)."""
    if isinstance(actor, SystemActor):
        return True
    if getattr(actor, "token_scope", None) is not None:
        return False
    return bool(actor.is_authenticated and getattr(actor, "is_staff", False))
