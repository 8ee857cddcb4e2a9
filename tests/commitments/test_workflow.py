"""The review workflow: draft, submitted, reviewed by each country concerned, published
or returned; global commitments reviewed by the CBD secretariat; withdrawal; progress."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from meadow.commitments import actions, queries
from meadow.commitments.models import Commitment, CommitmentReview, ProgressReport
from meadow.commitments.queries import visible_commitments
from tests.commitments.conftest import People, Register, commitment_input, publish, submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]


def sees(actor: object, commitment: Commitment) -> bool:
    return visible_commitments(Commitment.objects.filter(pk=commitment.pk), actor).exists()  # type: ignore[arg-type]


def test_multi_country_commitment_is_published_once_both_countries_approve(
    people: People, register: Register
) -> None:
    commitment = register()
    assert commitment.status == "draft"
    assert commitment.version == 1
    assert sorted(p.code for p in commitment.countries.all()) == ["BRA", "KEN"]
    assert sees(people.business, commitment)
    assert not sees(AnonymousUser(), commitment)
    # A draft is the owner's alone, even for the countries it covers.
    assert not sees(people.ken_focal_point, commitment)

    commitment = submitted(commitment)
    assert (commitment.status, commitment.round) == ("submitted", 1)
    assert commitment.submitted_at is not None
    assert queries.pending_parts(commitment) == ["BRA", "KEN"]
    assert sees(people.ken_focal_point, commitment)
    assert sees(people.ken_contributor, commitment)
    assert sees(people.bra_publisher, commitment)
    assert not sees(people.usa_focal_point, commitment)
    assert not sees(AnonymousUser(), commitment)
    assert not sees(people.other_business, commitment)

    actions.review(
        commitment, actor=people.ken_focal_point, country="KEN", decision="approved", comment=""
    )
    commitment.refresh_from_db()
    assert commitment.status == "submitted", "BRA has not decided yet"
    assert queries.pending_parts(commitment) == ["BRA"]
    assert not sees(AnonymousUser(), commitment)

    actions.review(commitment, actor=people.bra_publisher, country="BRA", decision="approved")
    commitment.refresh_from_db()
    assert commitment.status == "published"
    assert commitment.published_at is not None
    assert queries.pending_parts(commitment) == []
    assert sees(AnonymousUser(), commitment)
    assert sees(people.usa_focal_point, commitment)
    decisions = {
        (r.country.code if r.country else "", r.decision, r.by.get_username())
        for r in commitment.reviews.all()
    }
    assert decisions == {("KEN", "approved", "ken-fp"), ("BRA", "approved", "bra-pa")}


def test_a_return_sends_the_commitment_back_with_the_comment(
    people: People, register: Register
) -> None:
    commitment = submitted(register())
    actions.review(commitment, actor=people.ken_publisher, country="KEN", decision="approved")
    review = actions.review(
        commitment,
        actor=people.bra_publisher,
        country="BRA",
        decision="returned",
        comment="Name the Brazilian states where the soy is sourced.",
    )
    commitment.refresh_from_db()
    assert commitment.status == "returned"
    assert review.comment == "Name the Brazilian states where the soy is sourced."
    assert review.round == 1
    assert not sees(AnonymousUser(), commitment)
    assert sees(people.business, commitment)
    assert [r.comment for r in queries.reviews(commitment) if r.decision == "returned"] == [
        "Name the Brazilian states where the soy is sourced."
    ]

    # The owner edits it: back to a draft; submitted again, it is a new round in which
    # Kenya's earlier approval no longer counts.
    edited = actions.update(
        commitment,
        commitment_input(description={"en": "Soy from Mato Grosso and Pará only."}),
        actor=people.business,
        owner_id=commitment.owner_id,
        version=commitment.version,
    )
    assert edited.status == "draft"
    again = submitted(edited)
    assert again.round == 2
    assert queries.pending_parts(again) == ["BRA", "KEN"]
    actions.review(again, actor=people.bra_publisher, country="BRA", decision="approved")
    actions.review(again, actor=people.ken_focal_point, country="KEN", decision="approved")
    again.refresh_from_db()
    assert again.status == "published"
    rounds = sorted(
        (r.round, r.country.code if r.country else "", r.decision) for r in again.reviews.all()
    )
    assert rounds == [
        (1, "BRA", "returned"),
        (1, "KEN", "approved"),
        (2, "BRA", "approved"),
        (2, "KEN", "approved"),
    ]


def test_a_returned_commitment_can_be_submitted_again_as_it_is(
    people: People, register: Register
) -> None:
    commitment = submitted(register())
    actions.review(
        commitment, actor=people.ken_focal_point, country="KEN", decision="returned", comment="?"
    )
    commitment.refresh_from_db()
    assert submitted(commitment).status == "submitted"


def test_returning_needs_a_comment(people: People, register: Register) -> None:
    commitment = submitted(register())
    with pytest.raises(ValidationError) as caught:
        actions.review(commitment, actor=people.ken_focal_point, country="KEN", decision="returned")
    assert "comment" in caught.value.message_dict
    commitment.refresh_from_db()
    assert commitment.status == "submitted"
    assert not CommitmentReview.objects.filter(commitment=commitment).exists()


def test_a_country_decides_once_per_submission(people: People, register: Register) -> None:
    commitment = submitted(register())
    actions.review(commitment, actor=people.ken_focal_point, country="KEN", decision="approved")
    with pytest.raises(actions.WrongState, match="KEN has already decided"):
        actions.review(
            commitment, actor=people.ken_publisher, country="KEN", decision="returned", comment="x"
        )
    assert CommitmentReview.objects.filter(commitment=commitment).count() == 1


def test_only_submitted_commitments_are_reviewed(people: People, register: Register) -> None:
    commitment = register()
    with pytest.raises(actions.WrongState, match="Only a submitted commitment"):
        actions.review(commitment, actor=people.ken_focal_point, country="KEN", decision="approved")


def test_a_global_commitment_is_reviewed_by_the_cbd_secretariat(
    people: People, register: Register
) -> None:
    commitment = submitted(register(coverage="global", countries=[]))
    assert queries.pending_parts(commitment) == [None]
    # Country teams neither see nor review it; nor does another convention's secretariat.
    assert not sees(people.ken_focal_point, commitment)
    assert sees(people.cites_secretariat, commitment)
    with pytest.raises(PermissionDenied):
        actions.review(commitment, actor=people.ken_focal_point, country=None, decision="approved")
    with pytest.raises(PermissionDenied):
        actions.review(commitment, actor=people.ken_focal_point, country="KEN", decision="approved")
    with pytest.raises(PermissionDenied):
        actions.review(
            commitment, actor=people.cites_secretariat, country=None, decision="approved"
        )
    # The secretariat decides for the whole world, not for a country.
    with pytest.raises(PermissionDenied):
        actions.review(
            commitment, actor=people.admin, country="KEN", decision="approved", comment=""
        )
    review = actions.review(
        commitment, actor=people.cbd_secretariat, country=None, decision="approved"
    )
    assert review.country is None
    commitment.refresh_from_db()
    assert commitment.status == "published"
    assert sees(AnonymousUser(), commitment)


def test_a_national_commitment_needs_only_its_country(people: People, register: Register) -> None:
    commitment = submitted(register(coverage="national", countries=["KEN"]))
    actions.review(commitment, actor=people.ken_publisher, country="KEN", decision="approved")
    commitment.refresh_from_db()
    assert commitment.status == "published"


def test_withdrawal_takes_a_published_commitment_out_of_view(
    people: People, register: Register
) -> None:
    commitment = publish(register(), people)
    withdrawn = actions.withdraw(
        commitment, actor=people.business, owner_id=commitment.owner_id, version=commitment.version
    )
    assert withdrawn.status == "withdrawn"
    assert not sees(AnonymousUser(), withdrawn)
    assert not sees(people.ken_focal_point, withdrawn)
    assert sees(people.business, withdrawn)
    assert sees(people.cbd_secretariat, withdrawn)
    with pytest.raises(actions.WrongState):
        actions.update(
            withdrawn,
            commitment_input(),
            actor=people.business,
            owner_id=withdrawn.owner_id,
            version=withdrawn.version,
        )
    with pytest.raises(actions.WrongState, match="already withdrawn"):
        actions.withdraw(withdrawn, actor=people.business, owner_id=withdrawn.owner_id)


def test_withdrawing_a_submitted_commitment_ends_its_review(
    people: People, register: Register
) -> None:
    commitment = submitted(register())
    actions.withdraw(commitment, actor=people.business, owner_id=commitment.owner_id)
    assert not queries.awaiting_review("KEN", people.ken_focal_point).exists()
    with pytest.raises(actions.WrongState):
        actions.review(commitment, actor=people.ken_focal_point, country="KEN", decision="approved")


def test_review_queue_lists_what_waits_for_the_country(people: People, register: Register) -> None:
    first = submitted(register())
    second = submitted(register(coverage="national", countries=["KEN"]))
    register(coverage="national", countries=["KEN"])  # a draft: not in the queue
    queue = queries.awaiting_review("KEN", people.ken_focal_point)
    assert list(queue) == [first, second]
    actions.review(first, actor=people.ken_focal_point, country="KEN", decision="approved")
    assert list(queries.awaiting_review("KEN", people.ken_focal_point)) == [second]
    assert list(queries.awaiting_review("BRA", people.bra_publisher)) == [first]


def test_the_owner_reports_progress_on_a_published_commitment(
    people: People, register: Register
) -> None:
    commitment = register()
    with pytest.raises(actions.WrongState, match="published commitment only"):
        actions.add_progress_report(
            commitment,
            actor=people.business,
            owner_id=commitment.owner_id,
            year=2024,
            text={"en": "Too early"},
        )
    commitment = publish(commitment, people)
    report = actions.add_progress_report(
        commitment,
        actor=people.business,
        owner_id=commitment.owner_id,
        year=2025,
        text={"en": "Half of the cocoa is now traced to the farm.", "fr": ""},
        percent_complete=50,
    )
    assert (report.year, report.percent_complete) == (2025, 50)
    assert report.text == {"en": "Half of the cocoa is now traced to the farm."}
    assert list(queries.progress_reports(commitment)) == [report]
    with pytest.raises(PermissionDenied):
        actions.add_progress_report(
            commitment,
            actor=people.ken_focal_point,
            owner_id=commitment.owner_id,
            year=2025,
            text={"en": "Not theirs to report"},
        )


@pytest.mark.parametrize(
    ("year", "percent", "field"),
    [
        (2025, 101, "percent_complete"),
        (2025, -1, "percent_complete"),
        (2025, "half", "percent_complete"),
        (2025, 12.5, "percent_complete"),
        (2023, 10, "year"),
        (2999, 10, "year"),
        (None, 10, "year"),
    ],
)
def test_progress_reports_are_checked(
    people: People, register: Register, year: object, percent: object, field: str
) -> None:
    commitment = publish(register(), people)
    with pytest.raises(ValidationError) as caught:
        actions.add_progress_report(
            commitment,
            actor=people.business,
            owner_id=commitment.owner_id,
            year=year,  # type: ignore[arg-type]
            text={"en": "Something"},
            percent_complete=percent,  # type: ignore[arg-type]
        )
    assert list(caught.value.message_dict) == [field]
    assert not ProgressReport.objects.exists()


def test_a_progress_report_needs_a_text(people: People, register: Register) -> None:
    commitment = publish(register(), people)
    with pytest.raises(ValidationError) as caught:
        actions.add_progress_report(
            commitment, actor=people.business, owner_id=commitment.owner_id, year=2025, text={}
        )
    assert list(caught.value.message_dict) == ["text"]
