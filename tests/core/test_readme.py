"""The README keeps its promises: two commands up front, every setting and command real."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core.management import get_commands

from meadow.config import env

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FIRST_SCREEN = 25


def fenced_blocks(text: str) -> list[list[str]]:
    """The lines inside each ``` block, in order."""
    return [
        block.splitlines()
        for block in re.findall(r"^```[^\n]*\n(.*?)^```\s*$", text, flags=re.M | re.S)
    ]


def commands(lines: list[str]) -> list[str]:
    """Shell commands of a block: what is left of each line without its comment."""
    stripped = (re.sub(r"(^|\s)#.*$", "", line).strip() for line in lines)
    return [line for line in stripped if line]


def test_first_screen_has_exactly_two_commands() -> None:
    first_screen = "\n".join(README.splitlines()[:FIRST_SCREEN]) + "\n"
    blocks = fenced_blocks(first_screen)
    assert len(blocks) == 1, "one code block on the first screen"
    found = commands(blocks[0])
    assert len(found) == 2, found
    start, test = found
    assert "start" in start
    assert "test" in test


def test_first_screen_commands_are_executable_scripts() -> None:
    (block,) = fenced_blocks("\n".join(README.splitlines()[:FIRST_SCREEN]) + "\n")
    for command in commands(block):
        script = ROOT / command.split()[0]
        assert script.is_file(), command
        assert os.access(script, os.X_OK), f"{command} is not executable"


def settings_table() -> dict[str, str]:
    """Variable name to documented default, from the README's settings table."""
    rows = re.findall(r"^\|\s*`(MEADOW_\w+)`\s*\|\s*([^|]*?)\s*\|", README, flags=re.M)
    return {name: default for name, default in rows}


def test_settings_table_lists_exactly_the_declared_settings() -> None:
    documented = settings_table()
    assert sorted(documented) == sorted(env.SETTINGS), (
        "README settings table and meadow/config/env.py SETTINGS differ: "
        f"undocumented {sorted(set(env.SETTINGS) - set(documented))}, "
        f"not declared {sorted(set(documented) - set(env.SETTINGS))}"
    )


@pytest.mark.parametrize("name", sorted(env.SETTINGS))
def test_documented_default_is_the_real_one(name: str) -> None:
    shown = settings_table().get(name, "")
    expected = f"`{env.SETTINGS[name].default}`" if env.SETTINGS[name].default else "(empty)"
    assert shown == expected


def test_every_meadow_command_in_the_readme_exists() -> None:
    # help is answered by the command-line utility itself, not by a command module.
    available = {*get_commands(), "help"}
    mentioned = set(re.findall(r"`meadow ([a-z][a-z-]*)", README))
    mentioned |= set(re.findall(r"\.venv/bin/meadow ([a-z][a-z-]*)", README))
    # bench commands arrive with the capabilities they measure.
    mentioned.discard("bench")
    missing = sorted(name for name in mentioned if name.replace("-", "_") not in available)
    assert not missing, f"README mentions commands that do not exist: {missing}"
    assert {"serve", "load-reference", "export", "openapi"} <= mentioned


def test_relative_links_point_into_the_checkout() -> None:
    targets = re.findall(r"\]\(((?!https?:|#)[^)\s]+)\)", README)
    assert "docs/screenshot.png" in targets
    missing = [target for target in targets if not (ROOT / target).exists()]
    assert not missing, missing
