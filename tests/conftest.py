"""Shared fixtures: the real reference data loaded once per test database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command

from meadow.core.actors import SystemActor

SYSTEM = SystemActor("tests")


@pytest.fixture(scope="session")
def reference_db(django_db_setup, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The test database with every reference data set loaded (once per session)."""
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)
    yield


@pytest.fixture
def system() -> SystemActor:
    return SYSTEM
