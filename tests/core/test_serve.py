"""``meadow serve``: prepares the database, then answers on the port it was given."""

from __future__ import annotations

import json
import os
import queue
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from meadow.core.management.commands import serve
from meadow.frameworks.models import Framework

MEADOW = Path(sys.executable).parent / "meadow"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers.get_content_type(), response.read()


def test_site_url() -> None:
    assert serve.site_url("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert serve.site_url("0.0.0.0", 80) == "http://127.0.0.1:80/"
    assert serve.site_url("::", 8000) == "http://[::1]:8000/"
    assert serve.site_url("meadow.example.org", 8080) == "http://meadow.example.org:8080/"


def test_default_workers_follow_the_cores() -> None:
    assert serve.default_workers() == 2 * (os.cpu_count() or 1) + 1


def test_gunicorn_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    executed: list[list[str]] = []

    def fake_execv(path: str, argv: list[str]) -> None:
        executed.append(argv)
        raise SystemExit(0)

    monkeypatch.setattr(serve.os, "execv", fake_execv)
    with pytest.raises(SystemExit):
        call_command(
            "serve", "--gunicorn", "--no-migrate", "--no-load", "--port", "8123", "--workers", "3"
        )
    (argv,) = executed
    assert argv[:3] == [sys.executable, "-m", "gunicorn"]
    assert "meadow.config.wsgi:application" in argv
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8123"
    assert argv[argv.index("--workers") + 1] == "3"
    assert serve.gunicorn_argv("::1", 80, 1)[5] == "[::1]:80"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "70000"], "--port 70000"),
        (["--port", "-1"], "--port -1"),
        (["--gunicorn", "--workers", "0"], "--workers"),
    ],
)
def test_bad_options(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("serve", "--no-migrate", "--no-load", *args)


def test_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"127.0.0.1:{port} is already in use"):
            call_command("serve", "--no-migrate", "--no-load", "--port", str(port))


def _server_environment(data_dir: Path) -> dict[str, str]:
    """A fresh SQLite site in data_dir, whatever database the test run itself uses."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"MEADOW_DATABASE_URL", "MEADOW_REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment["MEADOW_DATA_DIR"] = str(data_dir)
    return environment


class Server:
    """``meadow serve`` in a child process, with its output read as it comes."""

    def __init__(self, args: list[str], data_dir: Path) -> None:
        self.errors = (data_dir / "stderr.log").open("w+")
        self.process = subprocess.Popen(
            [str(MEADOW), "serve", *args],
            stdout=subprocess.PIPE,
            stderr=self.errors,
            stdin=subprocess.DEVNULL,
            text=True,
            env=_server_environment(data_dir),
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, pattern: str, timeout: float = 120) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            self.output.append(line)
            if match := re.search(pattern, line):
                return match
        self.errors.seek(0)
        raise AssertionError(
            f"no line matching {pattern!r}; output:\n{''.join(self.output)}\n{self.errors.read()}"
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.errors.close()


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[[list[str]], Server]]:
    """Starts servers on a fresh data folder and stops them after the test."""
    started: list[Server] = []

    def start(args: list[str]) -> Server:
        started.append(Server(args, tmp_path))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def test_serve_migrates_loads_and_answers(
    start_server: Callable[[list[str]], Server], tmp_path: Path
) -> None:
    server = start_server(["--port", "0"])
    url = server.wait_for(r"Meadow at (http://127\.0\.0\.1:\d+/)").group(1)

    status, content_type, body = fetch(url)
    assert (status, content_type) == (200, "text/html")
    assert b"Meadow" in body

    status, content_type, body = fetch(url + "api/v1/")
    assert (status, content_type) == (200, "application/json")
    for endpoint in json.loads(body).values():
        assert fetch(endpoint)[0] == 200, endpoint

    # Static files come from the installed apps through WhiteNoise, no collectstatic.
    status, content_type, _ = fetch(url + "static/admin/css/base.css")
    assert (status, content_type) == (200, "text/css")

    with sqlite3.connect(tmp_path / "meadow.sqlite3") as db:
        (frameworks,) = db.execute(f"SELECT count(*) FROM {Framework._meta.db_table}").fetchone()
    assert frameworks >= 3


def test_serve_no_load_leaves_reference_data_alone(
    start_server: Callable[[list[str]], Server], tmp_path: Path
) -> None:
    server = start_server(["--port", "0", "--no-load"])
    url = server.wait_for(r"Meadow at (http://\S+/)").group(1)
    assert fetch(url)[0] == 200
    with sqlite3.connect(tmp_path / "meadow.sqlite3") as db:
        (frameworks,) = db.execute(f"SELECT count(*) FROM {Framework._meta.db_table}").fetchone()
    assert frameworks == 0


def test_serve_with_gunicorn(start_server: Callable[[list[str]], Server]) -> None:
    pytest.importorskip("gunicorn")
    port = free_port()
    server = start_server(["--gunicorn", "--workers", "2", "--no-load", "--port", str(port)])
    server.wait_for(rf"Meadow at http://127\.0\.0\.1:{port}/ \(gunicorn, workers: 2\)")
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            status, _, _ = fetch(url)
            break
        except OSError:
            assert server.process.poll() is None, "gunicorn exited"
            assert time.monotonic() < deadline, "gunicorn did not answer within a minute"
            time.sleep(0.2)
    assert status == 200
    assert fetch(url + "static/admin/css/base.css")[1] == "text/css"
