"""Shared fixtures: the real reference data loaded once per test database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from meadow.core.actors import SystemActor

SYSTEM = SystemActor("tests")
# A few real files of the UK's Open SDG data (Open Government Licence v3.0).
INDICATOR_SAMPLE = Path(__file__).resolve().parent / "indicators" / "files" / "opensdg-uk-sample"


@pytest.fixture(scope="session")
def reference_db(django_db_setup, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The test database with every reference data set loaded (once per session).

    It also holds the UK sample of indicator data for GBR, imported the way the web
    page imports (as a background job, here run inline) and assessed, so that every
    API list has rows to show.
    """
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)
        _load_indicator_sample()
    yield


def _load_indicator_sample() -> None:
    # Imported here: models can be loaded only once pytest-django has set Django up.
    from meadow.jobs.runner import enqueue

    with override_settings(JOBS_SYNC=True):
        job = enqueue(
            "import",
            "meadow.indicators.uploads.run_import",
            path=str(INDICATOR_SAMPLE),
            format="opensdg",
            place="GBR",
            name="opensdg-uk-sample",
        )
    assert job.status == "done", job.error
    call_command("assess", verbosity=0)


@pytest.fixture
def system() -> SystemActor:
    return SYSTEM
