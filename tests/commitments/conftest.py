"""People with roles, national targets and a commitment to work with.

Users and their country and secretariat roles are made directly; national targets
too (published ones for Kenya and Brazil, a draft one for Kenya).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from meadow.commitments import actions
from meadow.commitments.actions import CommitmentInput
from meadow.commitments.models import Commitment
from meadow.parties.models import Convention, CountryRole, Role, SecretariatRole
from meadow.places.models import Place
from meadow.targets.models import NationalTarget


@dataclass
class People:
    business: Any
    other_business: Any
    ken_focal_point: Any
    ken_publisher: Any
    ken_contributor: Any
    ken_reviewer: Any
    bra_publisher: Any
    usa_focal_point: Any
    cbd_secretariat: Any
    cites_secretariat: Any
    admin: Any


def make_user(username: str, **extra: Any) -> AbstractBaseUser:
    return get_user_model().objects.create_user(
        username=username, password="a long test passphrase", **extra
    )


def give_role(user: Any, country: str, role: Role) -> None:
    CountryRole.objects.create(user=user, country=Place.objects.get(code=country), role=role)


@pytest.fixture
def people(db: None, reference_db: None) -> People:
    found = People(
        business=make_user("acme"),
        other_business=make_user("globex"),
        ken_focal_point=make_user("ken-fp"),
        ken_publisher=make_user("ken-pa"),
        ken_contributor=make_user("ken-contributor"),
        ken_reviewer=make_user("ken-reviewer"),
        bra_publisher=make_user("bra-pa"),
        usa_focal_point=make_user("usa-fp"),
        cbd_secretariat=make_user("cbd-staff"),
        cites_secretariat=make_user("cites-staff"),
        admin=get_user_model().objects.create_superuser(
            username="root", password="a long test passphrase", email="root@example.org"
        ),
    )
    give_role(found.ken_focal_point, "KEN", Role.FOCAL_POINT)
    give_role(found.ken_publisher, "KEN", Role.PUBLISHING_AUTHORITY)
    give_role(found.ken_contributor, "KEN", Role.CONTRIBUTOR)
    give_role(found.ken_reviewer, "KEN", Role.REVIEWER)
    give_role(found.bra_publisher, "BRA", Role.PUBLISHING_AUTHORITY)
    give_role(found.usa_focal_point, "USA", Role.FOCAL_POINT)
    SecretariatRole.objects.create(
        user=found.cbd_secretariat, convention=Convention.objects.get(code="cbd")
    )
    SecretariatRole.objects.create(
        user=found.cites_secretariat, convention=Convention.objects.get(code="cites")
    )
    return found


@dataclass
class Targets:
    ken_published: NationalTarget
    ken_draft: NationalTarget
    bra_published: NationalTarget
    usa_published: NationalTarget


def national_target(country: str, code: str, status: str) -> NationalTarget:
    return NationalTarget.objects.create(
        country=Place.objects.get(code=country),
        code=code,
        title={"en": f"{country} national target {code}"},
        status=status,
    )


@pytest.fixture
def targets(db: None, reference_db: None) -> Targets:
    return Targets(
        ken_published=national_target("KEN", "T3", "published"),
        ken_draft=national_target("KEN", "T9", "draft"),
        bra_published=national_target("BRA", "M3", "published"),
        usa_published=national_target("USA", "U1", "published"),
    )


def commitment_input(**change: Any) -> CommitmentInput:
    """A business's commitment covering Kenya and Brazil, with one change or more."""
    values: dict[str, Any] = {
        "actor_name": "Acme Agriculture Ltd",
        "actor_type": "business",
        "title": {"en": "Deforestation-free supply chains", "fr": "Chaînes sans déforestation"},
        "description": {"en": "All our cocoa and soy sourced without deforestation."},
        "coverage": "multi-country",
        "countries": ["KEN", "BRA"],
        "gbf_targets": ["gbf/target/3", "10"],
        "national_targets": [],
        "start_year": 2024,
        "end_year": 2030,
        "resources": {"en": "A team of twelve and a monitoring system"},
        "amount": "2500000.00",
        "currency": "USD",
        "website": "https://acme.example.org/nature",
    }
    values.update(change)
    return CommitmentInput(**values)


Register = Callable[..., Commitment]


@pytest.fixture
def register(people: People) -> Register:
    """Register a commitment as the business (or ``actor=``), with changes to the values."""

    def make(actor: Any = None, **change: Any) -> Commitment:
        return actions.create(commitment_input(**change), actor=actor or people.business)

    return make


def submitted(commitment: Commitment) -> Commitment:
    return actions.submit(commitment, actor=commitment.owner, owner_id=commitment.owner_id)


def publish(commitment: Commitment, people: People) -> Commitment:
    """Submit a KEN+BRA commitment and have both countries approve it."""
    commitment = submitted(commitment)
    actions.review(commitment, actor=people.ken_focal_point, country="KEN", decision="approved")
    actions.review(commitment, actor=people.bra_publisher, country="BRA", decision="approved")
    commitment.refresh_from_db()
    assert commitment.status == "published"
    return commitment
