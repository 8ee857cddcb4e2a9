"""Who may do what with a commitment, and who sees which (``visible_commitments``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from meadow.commitments import actions
from meadow.commitments.models import Commitment, CommitmentReview
from meadow.commitments.queries import visible_commitments
from meadow.core.actors import SystemActor
from meadow.parties.roles import TokenScope, forget
from tests.commitments.conftest import (
    People,
    Register,
    commitment_input,
    give_role,
    publish,
    submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]


def seen_by(actor: Any) -> set[str]:
    return set(visible_commitments(Commitment.objects.all(), actor).values_list("code", flat=True))


def test_reviews_by_other_countries_contributors_and_reviewers_are_refused(
    people: People, register: Register
) -> None:
    commitment = submitted(register())
    # Another country's focal point: not for KEN's part, and USA is not concerned.
    with pytest.raises(PermissionDenied):
        actions.review(commitment, actor=people.usa_focal_point, country="KEN", decision="approved")
    with pytest.raises(PermissionDenied, match="USA is not a country this commitment covers"):
        actions.review(commitment, actor=people.usa_focal_point, country="USA", decision="approved")
    # Kenya's focal point decides for Kenya only.
    with pytest.raises(PermissionDenied):
        actions.review(commitment, actor=people.ken_focal_point, country="BRA", decision="approved")
    # Contributors and reviewers of the country do not decide.
    for actor in (people.ken_contributor, people.ken_reviewer):
        with pytest.raises(PermissionDenied):
            actions.review(commitment, actor=actor, country="KEN", decision="approved")
    # Nor does the public, or the CBD secretariat for a country's part.
    with pytest.raises(PermissionDenied):
        actions.review(commitment, actor=AnonymousUser(), country="KEN", decision="approved")
    with pytest.raises(PermissionDenied):
        actions.review(commitment, actor=people.cbd_secretariat, country="KEN", decision="approved")
    assert not CommitmentReview.objects.exists()
    commitment.refresh_from_db()
    assert commitment.status == "submitted"


def test_the_owner_may_not_review_their_own_commitment(people: People, register: Register) -> None:
    commitment = submitted(register(actor=people.ken_focal_point))
    with pytest.raises(PermissionDenied, match="owner"):
        actions.review(commitment, actor=people.ken_focal_point, country="KEN", decision="approved")


def test_only_the_owner_edits_submits_and_withdraws(people: People, register: Register) -> None:
    commitment = register()
    others = [people.other_business, people.ken_focal_point, people.cbd_secretariat]
    for actor in [*others, AnonymousUser()]:
        with pytest.raises(PermissionDenied):
            actions.update(
                commitment,
                commitment_input(actor_name="Hijacked"),
                actor=actor,
                owner_id=commitment.owner_id,
                version=commitment.version,
            )
        with pytest.raises(PermissionDenied):
            actions.submit(commitment, actor=actor, owner_id=commitment.owner_id)
        with pytest.raises(PermissionDenied):
            actions.withdraw(commitment, actor=actor, owner_id=commitment.owner_id)
    # Naming oneself as the owner does not help.
    with pytest.raises(PermissionDenied, match="Only the owner"):
        actions.update(
            commitment,
            commitment_input(actor_name="Hijacked"),
            actor=people.other_business,
            owner_id=people.other_business.pk,
            version=commitment.version,
        )
    commitment.refresh_from_db()
    assert (commitment.actor_name, commitment.status, commitment.version) == (
        "Acme Agriculture Ltd",
        "draft",
        1,
    )


def test_administrators_may_act_for_the_owner(people: People, register: Register) -> None:
    commitment = register()
    edited = actions.update(
        commitment,
        commitment_input(actor_name="Acme Agriculture Limited"),
        actor=people.admin,
        owner_id=commitment.owner_id,
        version=1,
    )
    assert edited.actor_name == "Acme Agriculture Limited"


def test_registering_needs_a_signed_in_person(people: People) -> None:
    with pytest.raises(PermissionDenied):
        actions.create(commitment_input(), actor=AnonymousUser())
    with pytest.raises(PermissionDenied, match="signed-in"):
        actions.create(commitment_input(), actor=SystemActor("tests"))
    assert not Commitment.objects.exists()


def test_an_api_token_registers_nothing_and_reviews_only_its_country(
    people: People, register: Register
) -> None:
    give_role(people.ken_focal_point, "BRA", "focal-point")
    forget(people.ken_focal_point)
    commitment = submitted(register())
    people.ken_focal_point.token_scope = TokenScope("KEN", "focal-point")
    with pytest.raises(PermissionDenied):
        actions.create(commitment_input(), actor=people.ken_focal_point)
    with pytest.raises(PermissionDenied):
        actions.review(commitment, actor=people.ken_focal_point, country="BRA", decision="approved")
    actions.review(commitment, actor=people.ken_focal_point, country="KEN", decision="approved")
    # A token carries no secretariat power.
    people.cbd_secretariat.token_scope = TokenScope("KEN", "focal-point")
    global_one = submitted(register(coverage="global", countries=[]))
    with pytest.raises(PermissionDenied):
        actions.review(global_one, actor=people.cbd_secretariat, country=None, decision="approved")


def test_who_sees_which_commitment(people: People, register: Register) -> None:
    draft = register(coverage="national", countries=["KEN"]).code
    in_review = submitted(register()).code
    published = publish(register(), people).code
    returned_one = submitted(register(coverage="national", countries=["KEN"]))
    actions.review(
        returned_one, actor=people.ken_focal_point, country="KEN", decision="returned", comment="?"
    )
    returned = returned_one.code
    global_review = submitted(register(coverage="global", countries=[])).code
    everything = {draft, in_review, published, returned, global_review}

    assert seen_by(AnonymousUser()) == {published}
    assert seen_by(people.other_business) == {published}
    assert seen_by(people.business) == everything
    # Every role of a covered country sees what is submitted to it, nothing else unpublished.
    for actor in (people.ken_focal_point, people.ken_contributor, people.ken_reviewer):
        assert seen_by(actor) == {in_review, published}
    assert seen_by(people.bra_publisher) == {in_review, published}
    assert seen_by(people.usa_focal_point) == {published}
    for actor in (people.cbd_secretariat, people.cites_secretariat, people.admin):
        assert seen_by(actor) == everything
    # A token scoped to another country drops the team's view.
    people.ken_focal_point.token_scope = TokenScope("USA", "focal-point")
    assert seen_by(people.ken_focal_point) == {published}
