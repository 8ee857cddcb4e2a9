"""Fixtures for the places tests: a writable copy of the shipped sources."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from meadow.places.loaders import DATA


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the places data folder that a test may change."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


Edit = Callable[[Path, str, str], None]


@pytest.fixture
def edit() -> Edit:
    """Replace one exact text in a file, failing when the text is not there exactly once."""

    def replace(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return replace
