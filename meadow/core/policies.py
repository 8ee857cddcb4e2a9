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


# Country-scoped policies. A context names the country by its code (``country="GBR"``);
# the role facts come from meadow.parties.roles, which honours API-token scopes.


def _roles() -> Any:
    from meadow.parties import roles

    return roles


@policy("parties.edit")
def can_edit_parties(actor: Actor, *, convention: str | None = None, **_: Any) -> bool:
    """Conventions and their Parties: administrators and that convention's secretariat."""
    r = _roles()
    return bool(r.is_admin(actor) or (convention and r.is_secretariat(actor, convention)))


@policy("team.invite")
def can_invite(actor: Actor, *, country: str, role: str, **_: Any) -> bool:
    """A focal point builds the country's team; the secretariat and administrators can
    appoint a focal point (for a country that has none yet, say)."""
    from meadow.parties.models import Role

    r = _roles()
    if r.is_admin(actor):
        return True
    if role == Role.FOCAL_POINT and r.is_secretariat(actor):
        return True
    return bool(r.has_role(actor, country, r.MANAGERS))


@policy("team.revoke")
def can_revoke(actor: Actor, *, country: str, role: str, **_: Any) -> bool:
    """Whoever may grant a role may take it back."""
    return can_invite(actor, country=country, role=role)


@policy("team.view")
def can_view_team(actor: Actor, *, country: str, **_: Any) -> bool:
    """A country's team list: its members, the secretariat and administrators."""
    return bool(_roles().sees_unpublished(actor, country))


@policy("tokens.create")
def can_create_token(actor: Actor, *, country: str, role: str, **_: Any) -> bool:
    """A token carries one role its owner holds for the country, signed in with a password."""
    r = _roles()
    if r.token_scope(actor) is not None:
        return False
    return role in r.roles_in(actor, country)


@policy("national.read-unpublished")
def can_read_unpublished(actor: Actor, *, country: str, **_: Any) -> bool:
    """Drafts of a country's records: its team, the secretariat and administrators."""
    return bool(_roles().sees_unpublished(actor, country))


@policy("national.draft")
def can_draft(actor: Actor, *, country: str, **_: Any) -> bool:
    """Drafting and editing drafts: focal points, publishing authorities, contributors."""
    r = _roles()
    return bool(r.is_admin(actor) or r.has_role(actor, country, r.WRITERS))


@policy("national.publish")
def can_publish(actor: Actor, *, country: str, **_: Any) -> bool:
    """Publishing, unpublishing and editing what is published: focal point and
    publishing authority."""
    r = _roles()
    return bool(r.is_admin(actor) or r.has_role(actor, country, r.PUBLISHERS))


@policy("audit.view")
def can_view_audit(actor: Actor, *, country: str | None = None, **_: Any) -> bool:
    """The change history of a country: its team, the secretariat, administrators;
    the whole log: administrators and secretariat staff."""
    r = _roles()
    if country is None:
        return bool(r.is_admin(actor) or r.is_secretariat(actor))
    return bool(r.sees_unpublished(actor, country))


@policy("commitments.draft")
def can_draft_commitment(actor: Actor, **_: Any) -> bool:
    """Anyone signed in may register a commitment on behalf of their organisation."""
    r = _roles()
    return bool(r.is_admin(actor) or (r.signed_in(actor) and r.token_scope(actor) is None))


@policy("commitments.edit")
def can_edit_commitment(actor: Actor, *, owner_id: int | None = None, **_: Any) -> bool:
    """A commitment is edited by whoever registered it, signed in with a password (a
    token carries a country role, not its owner's commitments), and by administrators."""
    r = _roles()
    if r.is_admin(actor):
        return True
    return bool(
        r.signed_in(actor)
        and r.token_scope(actor) is None
        and owner_id is not None
        and getattr(actor, "pk", None) == owner_id
    )


@policy("commitments.review")
def can_review_commitment(actor: Actor, *, country: str | None = None, **_: Any) -> bool:
    """The country concerned reviews a commitment (focal point or publishing authority);
    a global commitment (no country) is reviewed by the CBD secretariat."""
    r = _roles()
    if r.is_admin(actor):
        return True
    if country is None:
        return bool(r.is_secretariat(actor, "cbd"))
    return bool(r.has_role(actor, country, r.PUBLISHERS))


@policy("stocktake.configure")
def can_configure_stocktake(actor: Actor, **_: Any) -> bool:
    """Aggregation rules and global quantitative elements: administrators and the CBD
    secretariat."""
    r = _roles()
    return bool(r.is_admin(actor) or r.is_secretariat(actor, "cbd"))


@policy("roles.grant")
def can_grant_roles(actor: Actor, **_: Any) -> bool:
    """Granting a country or secretariat role outright, without an invitation (the
    command line): administrators and the system."""
    return bool(_roles().is_admin(actor))


@policy("invitations.accept")
def can_accept_invitation(actor: Actor, **_: Any) -> bool:
    """Whoever holds an invitation's secret accepts it, signed in with a password (the
    action itself checks the secret)."""
    r = _roles()
    return bool(r.signed_in(actor) and r.token_scope(actor) is None)


@policy("accounts.create")
def can_create_account(actor: Actor, *, secret: str = "", **_: Any) -> bool:
    """Accounts are opened through an open invitation (administrators create others)."""
    r = _roles()
    if r.is_admin(actor):
        return True
    from meadow.parties.models import Invitation, digest

    invitation = Invitation.objects.filter(secret_digest=digest(secret)).first()
    return bool(secret and invitation is not None and invitation.is_open)


@policy("tokens.issue")
def can_issue_token(actor: Actor, *, owner: Any = None, country: str, role: str, **_: Any) -> bool:
    """Administrators (the command line) issue a token to someone who holds the role."""
    r = _roles()
    return bool(r.is_admin(actor) and owner is not None and role in r.roles_in(owner, country))


@policy("tokens.revoke")
def can_revoke_token(actor: Actor, *, owner_id: int | None = None, **_: Any) -> bool:
    """A token is revoked by its owner, signed in with a password, or by administrators."""
    r = _roles()
    if r.is_admin(actor):
        return True
    return bool(
        r.signed_in(actor)
        and r.token_scope(actor) is None
        and owner_id is not None
        and r.user_id(actor) == owner_id
    )


@policy("facts.edit")
def can_edit_facts(actor: Actor, *, country: str, **_: Any) -> bool:
    """A country's facts (the answers of its reports): its focal point, publishing
    authority and contributors, and administrators."""
    r = _roles()
    return bool(r.is_admin(actor) or r.has_role(actor, country, r.WRITERS))


@policy("reports.templates.load")
def can_load_report_templates(actor: Actor, *, convention: str = "", **_: Any) -> bool:
    """A report template file: administrators, and the secretariat of the template's
    convention (a secretariat loads its real form without a change to the code)."""
    r = _roles()
    return bool(r.is_admin(actor) or (convention and r.is_secretariat(actor, convention)))


@policy("reports.secretariat")
def can_act_as_secretariat(actor: Actor, *, convention: str | None = None, **_: Any) -> bool:
    """A submitted report is returned or published by the secretariat of the report's
    convention (and administrators)."""
    r = _roles()
    return bool(r.is_admin(actor) or (convention and r.is_secretariat(actor, convention)))


@policy("reports.comment")
def can_comment_on_report(actor: Actor, *, country: str, **_: Any) -> bool:
    """Comments on a report's questions: the country's team (reviewers included), the
    secretariat and administrators: whoever may read the unpublished report."""
    return bool(_roles().sees_unpublished(actor, country))


@policy("reports.assign")
def can_assign_sections(actor: Actor, *, country: str, **_: Any) -> bool:
    """Sections of a report are assigned to contributors by the focal point or the
    publishing authority (and administrators)."""
    r = _roles()
    return bool(r.is_admin(actor) or r.has_role(actor, country, r.PUBLISHERS))
