"""The ``meadow`` command: dashed names reach Django's commands, bad settings stop it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import management

from meadow import cli

MEADOW = Path(sys.executable).parent / "meadow"


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []
    monkeypatch.setattr(management, "execute_from_command_line", calls.append)
    return calls


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["load-reference"], ["meadow", "load_reference"]),
        (["serve", "--no-load"], ["meadow", "serve", "--no-load"]),
        # Only the command name is a module name; its arguments keep their dashes.
        (
            ["export", "skos", "gbf", "--format", "json-ld"],
            ["meadow", "export", "skos", "gbf", "--format", "json-ld"],
        ),
        (["make-migrations-x", "a-b"], ["meadow", "make_migrations_x", "a-b"]),
        (["help", "load-reference"], ["meadow", "help", "load_reference"]),
        (["--version"], ["meadow", "--version"]),
        ([], ["meadow"]),
    ],
)
def test_dashes_in_command_names(
    captured: list[list[str]], argv: list[str], expected: list[str]
) -> None:
    cli.main(argv)
    assert captured == [expected]


def test_program_name_is_meadow_whatever_the_path(
    captured: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["/some/venv/bin/meadow", "load-reference"])
    cli.main()
    assert captured == [["meadow", "load_reference"]]


def _run(*args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **environ}
    return subprocess.run(
        [str(MEADOW), *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_console_script_runs_a_dashed_command(tmp_path: Path) -> None:
    assert MEADOW.exists(), "the meadow console script is installed next to the interpreter"
    result = _run("load-reference", "--help", MEADOW_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "reference" in result.stdout


def test_malformed_setting_stops_start_up_naming_it(tmp_path: Path) -> None:
    result = _run("check", MEADOW_DEBUG="perhaps", MEADOW_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "MEADOW_DEBUG='perhaps'" in result.stderr
