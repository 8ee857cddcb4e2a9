"""``meadow openapi``: writes the schema, and ``--check`` catches a stale copy."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from meadow.core.management.commands.openapi import default_path, generate_schema


def test_writes_then_checks(tmp_path: Path) -> None:
    schema = tmp_path / "openapi.yaml"
    call_command("openapi", file=schema, stdout=StringIO())
    text = schema.read_text(encoding="utf-8")
    assert yaml.safe_load(text)["openapi"].startswith("3.")
    out = StringIO()
    call_command("openapi", "--check", file=schema, stdout=out)
    assert "up to date" in out.getvalue()


def test_check_fails_with_a_diff_when_stale(tmp_path: Path) -> None:
    schema = tmp_path / "openapi.yaml"
    call_command("openapi", file=schema, stdout=StringIO())
    lines = schema.read_text(encoding="utf-8").splitlines(keepends=True)
    title = next(i for i, line in enumerate(lines) if line.lstrip().startswith("title:"))
    lines[title] = "  title: An older API\n"
    schema.write_text("".join(lines), encoding="utf-8")
    before = schema.read_bytes()

    out = StringIO()
    with pytest.raises(CommandError, match="differs from the API: run `meadow openapi`"):
        call_command("openapi", "--check", file=schema, stdout=out)
    diff = out.getvalue()
    assert "--- openapi.yaml (committed)" in diff
    assert "+++ openapi.yaml (generated)" in diff
    assert "-  title: An older API\n" in diff
    assert "+  title: Meadow API\n" in diff
    assert schema.read_bytes() == before, "--check never writes"


def test_check_fails_when_missing(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="is missing"):
        call_command("openapi", "--check", file=tmp_path / "openapi.yaml", stdout=StringIO())
    assert not (tmp_path / "openapi.yaml").exists()


def test_generation_is_deterministic_and_matches_the_served_schema(client: Client) -> None:
    first = generate_schema()
    assert generate_schema() == first
    served = client.get("/api/schema/")
    assert served.status_code == 200
    assert served.content.decode("utf-8") == first


def test_default_file_is_at_the_checkout_root() -> None:
    assert default_path() == Path(settings.BASE_DIR) / "openapi.yaml"
    assert (default_path().parent / "pyproject.toml").exists()


def test_schema_is_the_same_on_every_database() -> None:
    # Django bounds an integer field by the backend's integer size (64 bits on SQLite,
    # 32 on PostgreSQL); such a bound in the schema makes it differ between the two.
    backend_bounds = {2**31 - 1, -(2**31), 2**63 - 1, -(2**63)}
    leaked = [
        f"line {number}: {line.strip()}"
        for number, line in enumerate(generate_schema().splitlines(), start=1)
        if (match := re.search(r"\b(?:maximum|minimum): (-?\d+)$", line))
        and int(match.group(1)) in backend_bounds
    ]
    assert not leaked, (
        "integer bounds that depend on the database backend (make the serializer field "
        f"read-only or give it explicit bounds): {leaked}"
    )
