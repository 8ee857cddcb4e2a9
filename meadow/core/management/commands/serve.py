"""``meadow serve``: migrate, load the reference data, and serve the web site and API."""

from __future__ import annotations

import errno
import importlib.util
import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.servers.basehttp import WSGIServer, get_internal_wsgi_application, run
from django.db import connections


def default_workers() -> int:
    """Gunicorn's own rule of thumb: two workers per core, plus one."""
    return 2 * (os.cpu_count() or 1) + 1


def site_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in {"", "0.0.0.0"} else host
    if shown == "::":
        shown = "::1"
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def gunicorn_argv(host: str, port: int, workers: int) -> list[str]:
    """The command line that runs Meadow under gunicorn, from this interpreter."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "meadow.config.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
    ]


class Command(BaseCommand):
    help = (
        "Apply migrations, load the reference data and serve Meadow "
        "(a threaded server by default, gunicorn with --gunicorn)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument(
            "--port", type=int, default=8000, help="port to listen on (0: any free port)"
        )
        parser.add_argument(
            "--gunicorn",
            action="store_true",
            help="serve with gunicorn worker processes (server mode)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="gunicorn worker processes (default: 2 x cores + 1)",
        )
        parser.add_argument(
            "--no-migrate",
            action="store_true",
            help="do not apply migrations first (when a deployment step does it)",
        )
        parser.add_argument(
            "--no-load", action="store_true", help="do not load the reference data first"
        )
        parser.add_argument(
            "--demo",
            action="store_true",
            help="also load the illustrative demo data set (invented national targets, "
            "data and commitments for a dozen countries)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host: str = options["host"]
        port: int = options["port"]
        verbosity: int = options["verbosity"]
        if not 0 <= port < 65536:
            raise CommandError(f"--port {port}: expected a number from 0 to 65535")
        if options["workers"] < 1:
            raise CommandError("--workers: expected at least 1")
        if options["gunicorn"] and importlib.util.find_spec("gunicorn") is None:
            raise CommandError("gunicorn is not installed: pip install 'meadow[server]'")

        if not options["no_migrate"]:
            if verbosity:
                self.stdout.write("Applying database migrations ...")
            call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        if not options["no_load"]:
            if verbosity:
                self.stdout.write("Loading the reference data ...")
            call_command("load_reference", verbosity=verbosity)
            if options["demo"]:
                if verbosity:
                    self.stdout.write("Loading the illustrative demo data ...")
                call_command("demo", "load", verbosity=verbosity)
        self._warn_about_host(host)

        if options["gunicorn"]:
            self._exec_gunicorn(host, port, options["workers"])
        else:
            self._serve_threaded(host, port)

    def _exec_gunicorn(self, host: str, port: int, workers: int) -> None:
        argv = gunicorn_argv(host, port, workers)
        self.stdout.write(f"Meadow at {site_url(host, port)} (gunicorn, workers: {workers})")
        self.stdout.flush()
        # The workers open their own connections; this process is replaced by gunicorn.
        connections.close_all()
        os.execv(argv[0], argv)

    def _serve_threaded(self, host: str, port: int) -> None:
        listening = False

        def on_bind(bound_port: int | str) -> None:
            # Said once the socket listens, with the port the system chose for --port 0.
            nonlocal listening
            listening = True
            self.stdout.write(f"Meadow at {site_url(host, int(bound_port))} (press Ctrl-C to stop)")
            self.stdout.flush()

        connections.close_all()
        try:
            # runserver's autoreloader would restart a second process on every file
            # change; this is one process with a thread per request, and WhiteNoise
            # (a middleware) serves the static files.
            run(
                host,
                port,
                get_internal_wsgi_application(),
                ipv6=":" in host,
                threading=True,
                on_bind=on_bind,
                server_cls=WSGIServer,
            )
        except OSError as exc:
            if listening:
                raise
            if exc.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"{host}:{port} is already in use; choose another port with --port"
                ) from None
            raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")

    def _warn_about_host(self, host: str) -> None:
        """Django refuses requests for host names that are not allowed; say so up front."""
        allowed = settings.ALLOWED_HOSTS
        if host in {"127.0.0.1", "localhost", "::1"} or "*" in allowed:
            return
        self.stderr.write(
            f"note: requests are answered only for host names in MEADOW_ALLOWED_HOSTS "
            f"(now {', '.join(allowed) or 'empty'}); add the names clients use for {host}."
        )
