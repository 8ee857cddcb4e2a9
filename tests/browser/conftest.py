"""Real Meadow servers and a real Chromium for the browser tests.

A test module starts its own server with ``running_server``: a subprocess on its own
SQLite file in a temporary folder, as a user would start it. Not pytest-django's
live_server: that one flushes the test database, which would drop the reference data
the rest of the suite loads once per session.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")

needs_chromium = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]


def server_environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """Settings of a server on its own SQLite file, even when the suite runs on PostgreSQL."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "meadow.config.settings",
        "MEADOW_DATA_DIR": str(data_dir),
        "MEADOW_DEBUG": "false",
        **extra,
    }
    env.pop("MEADOW_DATABASE_URL", None)
    env.pop("MEADOW_REDIS_URL", None)
    return env


def meadow(*args: str, env: dict[str, str]) -> None:
    """Run a ``meadow`` command in the server's settings; fail the test if it fails."""
    result = subprocess.run(
        [sys.executable, "-m", "meadow.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"meadow {' '.join(args)} failed:\n{result.stderr[-3000:]}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(env: dict[str, str]) -> Iterator[str]:
    """Migrate, load the reference data, serve on a free port; yields the base URL."""
    meadow("migrate", "--verbosity", "0", env=env)
    meadow("load-reference", env=env)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "meadow.cli", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"the server stopped:\n{process.stdout.read() if process.stdout else ''}"
                )
            try:
                with urllib.request.urlopen(f"{url}/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the server did not answer within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()
