"""Fixtures for the parties tests: a country team for GBR, people around it, clients."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.test import Client

from meadow.core.actors import SystemActor
from meadow.parties import team

SYSTEM = SystemActor("tests")
PASSWORD = "a long and unusual passphrase 42"


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Sign-in failures are counted in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def make_user(username: str, **extra: object) -> User:
    return User.objects.create_user(
        username, email=f"{username}@example.org", password=PASSWORD, **extra
    )


@dataclass
class People:
    """GBR's team, a focal point of France, the CBD secretariat, an administrator, a person
    with no role and the public."""

    focal_point: User
    publishing_authority: User
    contributor: User
    reviewer: User
    other_country: User
    secretariat: User
    admin: User
    nobody: User
    anonymous: AnonymousUser

    def named(self, name: str) -> User | AnonymousUser:
        person: User | AnonymousUser = getattr(self, name)
        return person


@pytest.fixture
def people(db: None, reference_db: None) -> People:
    found = People(
        focal_point=make_user("fiona"),
        publishing_authority=make_user("paul"),
        contributor=make_user("carla"),
        reviewer=make_user("rui"),
        other_country=make_user("francois"),
        secretariat=make_user("sam"),
        admin=make_user("ada", is_superuser=True, is_staff=True),
        nobody=make_user("nobody"),
        anonymous=AnonymousUser(),
    )
    for user, country, role in [
        (found.focal_point, "GBR", "focal-point"),
        (found.publishing_authority, "GBR", "publishing-authority"),
        (found.contributor, "GBR", "contributor"),
        (found.reviewer, "GBR", "reviewer"),
        (found.other_country, "FRA", "focal-point"),
    ]:
        team.grant_role(actor=SYSTEM, user=user, country=country, role=role)
    team.grant_secretariat(actor=SYSTEM, user=found.secretariat, convention="cbd")
    return found


def client_for(user: User | AnonymousUser | None) -> Client:
    client = Client()
    if isinstance(user, User):
        client.force_login(user)
    return client
