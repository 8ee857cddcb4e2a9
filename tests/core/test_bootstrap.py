"""The install scripts and the pinned constraints they install from."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ["scripts/start", "scripts/test", "scripts/lock", ".ci/run"]
BASH = shutil.which("bash") or "/bin/bash"


def pins() -> dict[str, Version]:
    found: dict[str, Version] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==([^\s;]+)", line)
        assert match, f"constraints.txt: {line!r} is not an exact pin"
        found[canonicalize_name(match.group(1))] = Version(match.group(2))
    return found


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    return [Requirement(requirement) for requirement in requirements]


def test_every_dependency_is_pinned_within_its_range() -> None:
    pinned = pins()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"constraints.txt pins {name}=={pinned[name]}, outside {requirement}"
        )


def test_the_project_itself_is_not_pinned() -> None:
    assert "meadow" not in pins()


@pytest.mark.parametrize("script", [*SCRIPTS, "scripts/bootstrap.sh"])
def test_scripts_parse(script: str) -> None:
    subprocess.run([BASH, "-n", str(ROOT / script)], check=True)


@pytest.mark.parametrize("script", SCRIPTS)
def test_scripts_are_executable(script: str) -> None:
    assert os.access(ROOT / script, os.X_OK)


def _fake_checkout(tmp_path: Path) -> Path:
    """A checkout with the real bootstrap and a .venv whose pip only logs its arguments."""
    checkout = tmp_path / "checkout"
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts/bootstrap.sh", checkout / "scripts/bootstrap.sh")
    (checkout / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (checkout / "constraints.txt").write_text("a==1\n")
    bin_dir = checkout / ".venv/bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / "python"
    python.write_text(
        '#!/bin/sh\n[ "$1" = -m ] && echo "$*" >> "$(dirname "$0")/pip.log"\nexit 0\n'
    )
    (bin_dir / "meadow").write_text("#!/bin/sh\n")
    for executable in (python, bin_dir / "meadow"):
        executable.chmod(0o755)
    return checkout


def _install(checkout: Path, extras: str) -> list[str]:
    """Run install_meadow EXTRAS; return the pip calls it made."""
    log = checkout / ".venv/bin/pip.log"
    log.unlink(missing_ok=True)
    subprocess.run(
        [BASH, "-c", f'source scripts/bootstrap.sh && install_meadow "{extras}"'],
        cwd=checkout,
        check=True,
        capture_output=True,
    )
    return log.read_text().splitlines() if log.exists() else []


def test_install_happens_once_per_change(tmp_path: Path) -> None:
    checkout = _fake_checkout(tmp_path)
    (call,) = _install(checkout, "server")
    assert "-c" in call and call.endswith(f"-e {checkout}[server]")
    assert _install(checkout, "server") == []

    # The test script needs more; what start installed is kept.
    (call,) = _install(checkout, "dev,server")
    assert call.endswith("[dev,server]")
    assert _install(checkout, "server") == []
    assert _install(checkout, "dev,server") == []

    # New pins: everything installed so far is brought up to them.
    (checkout / "constraints.txt").write_text("a==2\n")
    (call,) = _install(checkout, "server")
    assert call.endswith("[dev,server]")
    assert _install(checkout, "dev,server") == []


def test_python_older_than_3_11_is_refused(tmp_path: Path) -> None:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    for name in ("python3", "python3.11"):
        # Answers the version check the way Python 3.10 would.
        (fake_bin / name).write_text("#!/bin/sh\nexit 1\n")
        (fake_bin / name).chmod(0o755)
    (fake_bin / "dirname").symlink_to(shutil.which("dirname") or "/usr/bin/dirname")
    result = subprocess.run(
        [BASH, "-c", f"source scripts/bootstrap.sh && VENV={tmp_path}/venv make_venv"],
        cwd=ROOT,
        env={"PATH": str(fake_bin)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "needs Python 3.11 or newer" in result.stderr
    assert not (tmp_path / "venv").exists()


def test_missing_venv_module_names_the_debian_package(tmp_path: Path) -> None:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    # Behaves like Debian's python3.11 without the python3.11-venv package.
    (fake_bin / "python3.11").write_text(
        "#!/bin/sh\n"
        'case "$1" in\n'
        '  -c) case "$2" in *print*) echo 3.11;; esac; exit 0;;\n'
        '  --version) echo "Python 3.11.2"; exit 0;;\n'
        '  -m) mkdir -p "$3/bin"; echo "ensurepip is not available" >&2; exit 1;;\n'
        "esac\n"
    )
    (fake_bin / "python3.11").chmod(0o755)
    for tool in ("dirname", "grep", "rm", "mkdir"):
        (fake_bin / tool).symlink_to(shutil.which(tool) or f"/bin/{tool}")
    result = subprocess.run(
        [BASH, "-c", f"source scripts/bootstrap.sh && VENV={tmp_path}/venv make_venv"],
        cwd=ROOT,
        env={"PATH": str(fake_bin)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "apt-get install python3.11-venv" in result.stderr
    assert not (tmp_path / "venv").exists(), "a half-made .venv is removed"
