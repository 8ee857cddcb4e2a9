"""What a commitment may name: clear errors by field, and nothing written on error."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from meadow.audit.models import AuditEntry
from meadow.commitments import actions
from meadow.commitments.models import Commitment
from tests.commitments.conftest import People, Register, Targets, commitment_input, submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]


def errors_of(people: People, **change: Any) -> dict[str, list[str]]:
    """The errors of registering with these changes; checks that nothing was written."""
    before = (Commitment.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as caught:
        actions.create(commitment_input(**change), actor=people.business)
    assert (Commitment.objects.count(), AuditEntry.objects.count()) == before
    return caught.value.message_dict


def test_values_are_cleaned_and_stored(
    people: People, register: Register, targets: Targets
) -> None:
    commitment = register(
        actor_name="  Acme   Agriculture Ltd ",
        title={"en": "  Deforestation-free   supply chains ", "zh": ""},
        currency="usd",
        amount="2500000",
        national_targets=["place/KEN/target/T3", "place/BRA/target/M3"],
    )
    assert commitment.actor_name == "Acme Agriculture Ltd"
    assert commitment.title == {"en": "Deforestation-free supply chains"}
    assert (commitment.amount, commitment.currency) == (Decimal("2500000.00"), "USD")
    assert [e.uid for e in commitment.gbf_targets.order_by("order")] == [
        "gbf/target/3",
        "gbf/target/10",
    ]
    assert sorted(t.uid for t in commitment.national_targets.all()) == [
        "place/BRA/target/M3",
        "place/KEN/target/T3",
    ]
    assert commitment.code.startswith("acme-agriculture-ltd-")
    assert commitment.uid == f"commitment/{commitment.code}"


def test_a_draft_national_target_reads_as_not_published(people: People, targets: Targets) -> None:
    draft = errors_of(people, national_targets=["place/KEN/target/T9"])
    missing = errors_of(people, national_targets=["place/KEN/target/T99"])
    assert draft == {
        "national_targets": ["'place/KEN/target/T9' is not a published national target of KEN"]
    }
    # A draft and a target that does not exist give the same answer: no draft leaks.
    assert missing["national_targets"][0].replace("T99", "T9") == draft["national_targets"][0]


def test_a_national_target_of_a_country_not_covered_is_refused(
    people: People, targets: Targets
) -> None:
    errors = errors_of(people, national_targets=["place/USA/target/U1"])
    assert errors["national_targets"] == [
        "'place/USA/target/U1' is a target of USA, which this commitment does not cover; "
        "add USA to its countries or leave the target out."
    ]


def test_a_global_commitment_may_serve_any_countrys_published_targets(
    people: People, register: Register, targets: Targets
) -> None:
    commitment = register(coverage="global", countries=[], national_targets=["place/USA/target/U1"])
    assert [t.uid for t in commitment.national_targets.all()] == ["place/USA/target/U1"]
    errors = errors_of(
        people, coverage="global", countries=[], national_targets=["place/KEN/target/T9"]
    )
    assert list(errors) == ["national_targets"]


def test_a_national_target_unpublished_since_stops_the_submission(
    people: People, register: Register, targets: Targets
) -> None:
    commitment = register(national_targets=["place/KEN/target/T3"])
    targets.ken_published.status = "draft"
    targets.ken_published.save()
    with pytest.raises(ValidationError) as caught:
        submitted(commitment)
    assert caught.value.message_dict == {
        "national_targets": ["'place/KEN/target/T3' is not a published national target of KEN"]
    }
    commitment.refresh_from_db()
    assert commitment.status == "draft"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"coverage": "national"}, "countries", "A national commitment covers exactly one"),
        ({"countries": ["KEN"]}, "countries", "two countries or more"),
        ({"coverage": "global"}, "countries", "A global commitment names no countries"),
        ({"countries": ["KEN", "XYZ"]}, "countries", "'XYZ' is not a country"),
        ({"countries": ["KEN", "002"]}, "countries", "'002' is not a country"),
        ({"coverage": "regional"}, "coverage", "'regional' is not one of"),
        ({"gbf_targets": ["gbf/target/99"]}, "gbf_targets", "'gbf/target/99' is not a GBF target"),
        ({"gbf_targets": ["gbf/goal/A"]}, "gbf_targets", "'gbf/goal/A' is not a GBF target"),
        ({"gbf_targets": []}, "gbf_targets", "at least one GBF target"),
        ({"actor_type": "government"}, "actor_type", "'government' is not one of"),
        ({"actor_name": "  "}, "actor_name", "Name the organisation"),
        ({"title": {}}, "title", "Give a title"),
        ({"title": {"de": "Titel"}}, "title", "'de' is not one of the six UN languages"),
        ({"national_targets": ["KEN T3"]}, "national_targets", "not a national target identifier"),
        ({"start_year": None}, "start_year", "A year is required"),
        ({"start_year": 1800}, "start_year", "1800 is not between 1990 and 2100"),
        ({"end_year": 2020}, "end_year", "The end year comes before the start year"),
        ({"amount": "-5"}, "amount", "positive number"),
        ({"amount": "12.345"}, "amount", "at most two decimals"),
        ({"amount": "lots"}, "amount", "'lots' is not a number"),
        ({"currency": ""}, "currency", "Give the currency"),
        ({"currency": "dollars"}, "currency", "'dollars' is not an ISO 4217 code"),
        ({"amount": None}, "amount", "Give the amount in USD"),
        ({"website": "acme dot org"}, "website", "is not a web address"),
        ({"website": "ftp://acme.example.org"}, "website", "is not a web address"),
    ],
)
def test_each_bad_value_is_named_by_its_field(
    people: People, change: dict[str, Any], field: str, message: str
) -> None:
    errors = errors_of(people, **change)
    assert list(errors) == [field]
    assert message in errors[field][0]


def test_every_problem_is_reported_at_once(people: People) -> None:
    errors = errors_of(people, actor_type="?", coverage="national", gbf_targets=[], start_year=3000)
    assert set(errors) == {"actor_type", "countries", "gbf_targets", "start_year"}


def test_a_stale_edit_is_refused_and_changes_nothing(people: People, register: Register) -> None:
    commitment = register()
    first = Commitment.objects.get(pk=commitment.pk)
    second = Commitment.objects.get(pk=commitment.pk)
    saved = actions.update(
        first,
        commitment_input(end_year=2028),
        actor=people.business,
        owner_id=first.owner_id,
        version=first.version,
    )
    assert saved.version == 2
    entries = AuditEntry.objects.count()
    with pytest.raises(actions.Conflict) as caught:
        actions.update(
            second,
            commitment_input(end_year=2035),
            actor=people.business,
            owner_id=second.owner_id,
            version=second.version,
        )
    assert (caught.value.current, caught.value.expected) == (2, 1)
    assert "version 2, yours was 1" in str(caught.value)
    commitment.refresh_from_db()
    assert (commitment.end_year, commitment.version) == (2028, 2)
    assert AuditEntry.objects.count() == entries
    # Submitting or withdrawing from an old version is refused the same way.
    with pytest.raises(actions.Conflict):
        actions.submit(commitment, actor=people.business, owner_id=commitment.owner_id, version=1)
    with pytest.raises(actions.Conflict):
        actions.withdraw(commitment, actor=people.business, owner_id=commitment.owner_id, version=1)
    commitment.refresh_from_db()
    assert commitment.status == "draft"


def test_an_edit_that_changes_nothing_keeps_the_version(people: People, register: Register) -> None:
    commitment = register()
    entries = AuditEntry.objects.count()
    same = actions.update(
        commitment,
        commitment_input(),
        actor=people.business,
        owner_id=commitment.owner_id,
        version=1,
    )
    assert same.version == 1
    assert AuditEntry.objects.count() == entries


def test_a_submitted_commitment_is_not_edited(people: People, register: Register) -> None:
    commitment = submitted(register())
    with pytest.raises(actions.WrongState, match="Only a draft or a returned commitment"):
        actions.update(
            commitment,
            commitment_input(end_year=2029),
            actor=people.business,
            owner_id=commitment.owner_id,
            version=commitment.version,
        )
    with pytest.raises(actions.WrongState):
        submitted(commitment)
