"""Fixtures for the indicator-data tests: people, jobs run inline, uploads in a temporary folder."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

SAMPLE = Path(__file__).resolve().parent / "files" / "opensdg-uk-sample"


@pytest.fixture(autouse=True)
def jobs_inline(settings: Any, tmp_path: Path) -> None:
    """Jobs run at once in the test, and uploads land in the test's own folder."""
    settings.JOBS_SYNC = True
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff(db: None) -> User:
    return User.objects.create_user("ana", password="not-used", is_staff=True)


@pytest.fixture
def visitor(db: None) -> User:
    return User.objects.create_user("bo", password="not-used")


@pytest.fixture
def staff_client(staff: User) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def visitor_client(visitor: User) -> Client:
    client = Client()
    client.force_login(visitor)
    return client


def zip_folder(folder: Path, prefix: str = "") -> bytes:
    """A zip archive of a folder's files, under ``prefix`` (a top folder) when given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{prefix}{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


def zip_entries(entries: Mapping[str, bytes | str]) -> bytes:
    """A zip archive holding exactly these entries (names as given, unchecked)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def sample_zip() -> bytes:
    """The UK sample as a user zips it: one top folder holding data/ and meta/."""
    return zip_folder(SAMPLE, "opensdg-uk-sample/")
