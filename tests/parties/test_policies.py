"""Every country-scoped policy against every kind of person, for GBR.

The people: GBR's focal point, publishing authority, contributor and reviewer; France's
focal point (another country); CBD secretariat staff; an administrator; someone signed
in with no role; the public; the system. Then the same people through API tokens.
"""

from __future__ import annotations

from typing import Any

import pytest

from meadow.core import policies
from meadow.core.actors import SystemActor
from meadow.parties import roles, team
from meadow.parties.models import Invitation
from tests.parties.conftest import SYSTEM, People

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

ACTORS = [
    "focal_point",
    "publishing_authority",
    "contributor",
    "reviewer",
    "other_country",
    "secretariat",
    "admin",
    "nobody",
    "anonymous",
]
FP, PA, CO, RE, OTHER, SEC, ADMIN, NOBODY, ANON = ACTORS

# policy, context, who may. The system may do what an administrator may, except what
# needs a person: holding a role for a token, accepting an invitation.
SYSTEM_REFUSED = {"tokens.create", "invitations.accept"}
MATRIX: list[tuple[str, dict[str, Any], set[str]]] = [
    ("team.view", {"country": "GBR"}, {FP, PA, CO, RE, SEC, ADMIN}),
    ("team.view", {"country": "FRA"}, {OTHER, SEC, ADMIN}),
    ("team.invite", {"country": "GBR", "role": "contributor"}, {FP, ADMIN}),
    ("team.invite", {"country": "GBR", "role": "publishing-authority"}, {FP, ADMIN}),
    ("team.invite", {"country": "GBR", "role": "focal-point"}, {FP, SEC, ADMIN}),
    ("team.invite", {"country": "FRA", "role": "reviewer"}, {OTHER, ADMIN}),
    ("team.revoke", {"country": "GBR", "role": "reviewer"}, {FP, ADMIN}),
    ("team.revoke", {"country": "GBR", "role": "focal-point"}, {FP, SEC, ADMIN}),
    # A token carries a role its owner holds: administrators hold no country role.
    ("tokens.create", {"country": "GBR", "role": "contributor"}, {CO}),
    ("tokens.create", {"country": "GBR", "role": "focal-point"}, {FP}),
    ("tokens.create", {"country": "GBR", "role": "reviewer"}, {RE}),
    ("tokens.create", {"country": "FRA", "role": "focal-point"}, {OTHER}),
    ("national.read-unpublished", {"country": "GBR"}, {FP, PA, CO, RE, SEC, ADMIN}),
    ("national.draft", {"country": "GBR"}, {FP, PA, CO, ADMIN}),
    ("national.draft", {"country": "FRA"}, {OTHER, ADMIN}),
    ("national.publish", {"country": "GBR"}, {FP, PA, ADMIN}),
    ("national.publish", {"country": "FRA"}, {OTHER, ADMIN}),
    ("audit.view", {"country": "GBR"}, {FP, PA, CO, RE, SEC, ADMIN}),
    ("audit.view", {"country": "FRA"}, {OTHER, SEC, ADMIN}),
    ("audit.view", {}, {SEC, ADMIN}),
    ("commitments.review", {"country": "GBR"}, {FP, PA, ADMIN}),
    ("commitments.review", {"country": None}, {SEC, ADMIN}),
    ("commitments.draft", {}, {FP, PA, CO, RE, OTHER, SEC, ADMIN, NOBODY}),
    ("parties.edit", {"convention": "cbd"}, {SEC, ADMIN}),
    ("parties.edit", {"convention": "ramsar"}, {ADMIN}),
    ("stocktake.configure", {}, {SEC, ADMIN}),
    ("roles.grant", {}, {ADMIN}),
    ("invitations.accept", {}, {FP, PA, CO, RE, OTHER, SEC, ADMIN, NOBODY}),
    ("tokens.revoke", {"owner_id": "contributor"}, {CO, ADMIN}),
]


def _context(context: dict[str, Any], people: People) -> dict[str, Any]:
    out = dict(context)
    if out.get("owner_id") == "contributor":
        out["owner_id"] = people.contributor.pk
    return out


@pytest.mark.parametrize(("name", "context", "allowed"), MATRIX)
def test_policy_matrix(
    people: People, name: str, context: dict[str, Any], allowed: set[str]
) -> None:
    decide = policies.require(name)
    ctx = _context(context, people)
    got = {who for who in ACTORS if decide(people.named(who), **ctx)}
    assert got == allowed
    assert decide(SYSTEM, **ctx) == (name not in SYSTEM_REFUSED)


def test_every_country_scoped_policy_is_in_the_matrix() -> None:
    tested = {name for name, _, _ in MATRIX}
    scoped = {
        "team.view",
        "team.invite",
        "team.revoke",
        "tokens.create",
        "tokens.issue",
        "tokens.revoke",
        "national.read-unpublished",
        "national.draft",
        "national.publish",
        "audit.view",
        "commitments.review",
        "parties.edit",
        "roles.grant",
        "invitations.accept",
        "accounts.create",
    }
    assert scoped <= set(policies.POLICIES)
    assert scoped - tested == {"tokens.issue", "accounts.create"}  # tested below


def test_check_raises_permission_denied(people: People) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        policies.check("national.publish", people.contributor, country="GBR")
    policies.check("national.publish", people.publishing_authority, country="GBR")


def test_tokens_are_issued_by_administrators_to_holders_of_the_role(people: People) -> None:
    issue = policies.require("tokens.issue")
    ctx = {"owner": people.contributor, "country": "GBR"}
    assert issue(SYSTEM, role="contributor", **ctx)
    assert issue(people.admin, role="contributor", **ctx)
    assert not issue(SYSTEM, role="focal-point", **ctx)  # the owner does not hold it
    assert not issue(people.focal_point, role="contributor", **ctx)
    assert not issue(people.contributor, role="contributor", **ctx)


def test_accounts_are_opened_with_an_open_invitation(people: People) -> None:
    create = policies.require("accounts.create")
    invitation, secret = team.invite(
        actor=people.focal_point,
        email="new@example.org",
        country="GBR",
        role="reviewer",
        site_url="http://testserver",
    )
    assert create(people.anonymous, secret=secret)
    assert not create(people.anonymous, secret="not-the-secret")
    assert not create(people.anonymous, secret="")
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=invitation.created_at)
    assert not create(people.anonymous, secret=secret)
    assert create(people.admin)


# API tokens limit the roles a request holds -------------------------------------------------


def scoped(user: Any, country: str, role: str) -> Any:
    """The user as an API token of that scope makes it (a fresh object, as per request)."""
    fresh = type(user).objects.get(pk=user.pk)
    fresh.token_scope = roles.TokenScope(country, role)
    return fresh


def test_a_focal_points_contributor_token_cannot_publish(people: People) -> None:
    team.grant_role(actor=SYSTEM, user=people.focal_point, country="GBR", role="contributor")
    token = scoped(people.focal_point, "GBR", "contributor")
    assert policies.require("national.draft")(token, country="GBR")
    assert not policies.require("national.publish")(token, country="GBR")
    assert not policies.require("team.invite")(token, country="GBR", role="contributor")
    assert roles.country_roles(token) == {"GBR": frozenset({"contributor"})}
    # The same person signed in with a password publishes.
    assert policies.require("national.publish")(people.focal_point, country="GBR")


def test_a_token_for_one_country_cannot_act_in_another(people: People) -> None:
    team.grant_role(actor=SYSTEM, user=people.contributor, country="FRA", role="contributor")
    token = scoped(people.contributor, "GBR", "contributor")
    assert policies.require("national.draft")(token, country="GBR")
    assert not policies.require("national.draft")(token, country="FRA")
    assert not policies.require("national.read-unpublished")(token, country="FRA")
    assert not policies.require("audit.view")(token, country="FRA")
    assert roles.countries_seen(token) == frozenset({"GBR"})


def test_a_token_carries_no_admin_or_secretariat_power(people: People) -> None:
    team.grant_role(actor=SYSTEM, user=people.admin, country="GBR", role="reviewer")
    team.grant_role(actor=SYSTEM, user=people.secretariat, country="GBR", role="reviewer")
    for user in (people.admin, people.secretariat):
        token = scoped(user, "GBR", "reviewer")
        assert not roles.is_admin(token)
        assert not roles.is_secretariat(token)
        assert not policies.require("national.publish")(token, country="GBR")
        assert not policies.require("audit.view")(token)
        assert not policies.require("parties.edit")(token, convention="cbd")
        assert not policies.require("stocktake.configure")(token)
        assert not policies.require("roles.grant")(token)
        assert roles.countries_seen(token) == frozenset({"GBR"})


def test_a_token_makes_no_token_and_revokes_none(people: People) -> None:
    token = scoped(people.contributor, "GBR", "contributor")
    assert not policies.require("tokens.create")(token, country="GBR", role="contributor")
    assert not policies.require("tokens.revoke")(token, owner_id=people.contributor.pk)
    assert not policies.require("invitations.accept")(token)
    assert not policies.require("commitments.draft")(token)


def test_a_token_for_a_role_since_taken_away_holds_nothing(people: People) -> None:
    token = scoped(people.reviewer, "GBR", "reviewer")
    assert policies.require("team.view")(token, country="GBR")
    held = people.reviewer.country_roles.get(country__code="GBR")
    team.revoke_role(held, actor=people.focal_point)
    assert roles.country_roles(scoped(people.reviewer, "GBR", "reviewer")) == {}
    assert not policies.require("team.view")(
        scoped(people.reviewer, "GBR", "reviewer"), country="GBR"
    )


def test_the_system_is_an_administrator_but_holds_no_country_role() -> None:
    system = SystemActor("x")
    assert roles.is_admin(system)
    assert roles.country_roles(system) == {}
    assert roles.countries_seen(system) is None
