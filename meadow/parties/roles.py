"""Who holds which role: the facts every country-scoped policy is built on.

A user signed in with a password holds all their roles. A machine client signed in
with an API token holds at most the token's one role, for the token's one country,
and nothing else: no secretariat or administrator powers travel with a token.
The token sets ``token_scope`` on the user object of that request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from meadow.core.actors import Actor, SystemActor
from meadow.parties.models import Role

# Roles that may publish and manage a country's team, and those that may write drafts.
MANAGERS = frozenset({Role.FOCAL_POINT})
PUBLISHERS = frozenset({Role.FOCAL_POINT, Role.PUBLISHING_AUTHORITY})
WRITERS = frozenset({Role.FOCAL_POINT, Role.PUBLISHING_AUTHORITY, Role.CONTRIBUTOR})
READERS = frozenset(Role)


@dataclass(frozen=True)
class TokenScope:
    country: str
    role: str


def token_scope(actor: Actor) -> TokenScope | None:
    scope = getattr(actor, "token_scope", None)
    return scope if isinstance(scope, TokenScope) else None


def signed_in(actor: Actor) -> bool:
    return not isinstance(actor, SystemActor) and bool(actor.is_authenticated)


def user_id(actor: Actor) -> int:
    """The primary key of a signed-in user (0 for anyone else)."""
    pk = getattr(actor, "pk", None) if signed_in(actor) else None
    return int(pk) if pk is not None else 0


def is_admin(actor: Actor) -> bool:
    """The system and superusers (never through an API token)."""
    if isinstance(actor, SystemActor):
        return True
    return (
        signed_in(actor)
        and bool(getattr(actor, "is_superuser", False))
        and token_scope(actor) is None
    )


def _cached(actor: Any, name: str, compute: Any) -> Any:
    cache = actor.__dict__.setdefault("_meadow_roles", {})
    if name not in cache:
        cache[name] = compute()
    return cache[name]


def country_roles(actor: Actor) -> dict[str, frozenset[str]]:
    """Country code -> the roles the actor holds there (cached on the user object)."""
    if not signed_in(actor):
        return {}

    def compute() -> dict[str, frozenset[str]]:
        from meadow.parties.models import CountryRole

        found: dict[str, set[str]] = {}
        rows = CountryRole.objects.filter(user_id=user_id(actor)).values_list(
            "country__code", "role"
        )
        for code, role in rows:
            found.setdefault(code, set()).add(role)
        return {code: frozenset(roles) for code, roles in found.items()}

    held: dict[str, frozenset[str]] = _cached(actor, "country", compute)
    scope = token_scope(actor)
    if scope is None:
        return held
    if scope.role in held.get(scope.country, frozenset()):
        return {scope.country: frozenset({scope.role})}
    return {}


def roles_in(actor: Actor, country: str) -> frozenset[str]:
    return country_roles(actor).get(country, frozenset())


def has_role(actor: Actor, country: str, allowed: frozenset[Role] | frozenset[str]) -> bool:
    return bool(roles_in(actor, country) & {str(r) for r in allowed})


def secretariats(actor: Actor) -> frozenset[str]:
    """Codes of the conventions whose secretariat the actor works for."""
    if not signed_in(actor) or token_scope(actor) is not None:
        return frozenset()

    def compute() -> frozenset[str]:
        from meadow.parties.models import SecretariatRole

        return frozenset(
            SecretariatRole.objects.filter(user_id=user_id(actor)).values_list(
                "convention__code", flat=True
            )
        )

    found: frozenset[str] = _cached(actor, "secretariat", compute)
    return found


def is_secretariat(actor: Actor, convention: str | None = None) -> bool:
    held = secretariats(actor)
    return convention in held if convention else bool(held)


def sees_unpublished(actor: Actor, country: str) -> bool:
    """Anyone with a role for the country, any secretariat, and administrators."""
    return is_admin(actor) or is_secretariat(actor) or bool(roles_in(actor, country))


def countries_seen(actor: Actor) -> frozenset[str] | None:
    """Countries whose unpublished records the actor sees; None means all of them."""
    if is_admin(actor) or is_secretariat(actor):
        return None
    return frozenset(country_roles(actor))


def forget(actor: Actor) -> None:
    """Drop the roles cached on a user object (after granting or revoking one)."""
    if not isinstance(actor, SystemActor):
        actor.__dict__.pop("_meadow_roles", None)
