"""People with roles for Kenya and Tanzania, and a few targets to work on.

Roles are granted by writing CountryRole and SecretariatRole rows directly.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from meadow.core.actors import SystemActor
from meadow.parties.models import Convention, CountryRole, Role, SecretariatRole
from meadow.places.models import Place
from meadow.targets import actions
from meadow.targets.models import NationalTarget

SYSTEM = SystemActor("tests")


def person(name: str, *roles: tuple[str, str], secretariat: str = "", admin: bool = False) -> User:
    user = User.objects.create_user(name, password="not-used", is_superuser=admin)
    for country, role in roles:
        CountryRole.objects.create(user=user, country=Place.objects.get(code=country), role=role)
    if secretariat:
        SecretariatRole.objects.create(
            user=user, convention=Convention.objects.get(code=secretariat)
        )
    return user


@pytest.fixture
def contributor(db: None) -> User:
    return person("kc", ("KEN", Role.CONTRIBUTOR))


@pytest.fixture
def focal(db: None) -> User:
    return person("kf", ("KEN", Role.FOCAL_POINT))


@pytest.fixture
def publisher(db: None) -> User:
    return person("kp", ("KEN", Role.PUBLISHING_AUTHORITY))


@pytest.fixture
def reviewer(db: None) -> User:
    return person("kr", ("KEN", Role.REVIEWER))


@pytest.fixture
def other_focal(db: None) -> User:
    return person("tf", ("TZA", Role.FOCAL_POINT))


@pytest.fixture
def secretariat(db: None) -> User:
    return person("sec", secretariat="cbd")


@pytest.fixture
def admin(db: None) -> User:
    return person("root", admin=True)


@pytest.fixture
def outsider(db: None) -> User:
    return person("nobody")


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


PROTECT = {
    "code": "T1",
    "title": {"en": "Protect 30 % of land and inland waters", "fr": "Protéger 30 % des terres"},
    "text": {"en": "By 2030, at least 30 % of Kenya's land is conserved.\nSecond paragraph."},
    "alignments": [
        ("gbf/target/3", "full", {"en": "Protected areas and conservancies"}),
        ("gbf/goal/A", "partial", ""),
    ],
    "indicators": ["gbf/indicator/3.1", "Area under community conservancies"],
    "quantities": [
        {
            "global_element": "gbf-3-land",
            "quantity": {"en": "Land and inland waters protected"},
            "unit": "percent",
            "value": 30,
            "year": 2030,
            "baseline_value": 12.5,
            "baseline_year": 2020,
        }
    ],
}
RESTORE = {
    "code": "T2",
    "title": "Restore degraded rangelands",
    "alignments": [("gbf/target/2", "partial", "Rangelands only")],
}


def draft(content: dict[str, Any], country: str = "KEN") -> NationalTarget:
    return actions.save_target(actor=SYSTEM, country=country, **content)


def published(content: dict[str, Any], country: str = "KEN") -> NationalTarget:
    target = draft(content, country)
    return actions.publish_target(actor=SYSTEM, country=country, code=target.code)
