"""``meadow library``: the library of convention documents.

``ingest PATH...`` takes document files (plain text, DOCX, HTML, PDF; a folder stands
for the supported files in it) into the library, each file all or nothing. A file
that cannot be taken in gets one line on stderr (the file's name and why) and the
others are still taken in; the command then exits with status 1. ``--symbol`` names
the document when its text does not (one file only); ``--force`` parses again files
whose bytes are already in the library. Without ``--user`` the command acts as the
system; with it, as that user (an administrator).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from meadow.core.actors import Actor, SystemActor
from meadow.library.ingest import ingest
from meadow.library.readers import SUFFIXES, ReadError


class Command(BaseCommand):
    help = "The library of convention documents: take document files in."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True, metavar="ingest")
        take = commands.add_parser("ingest", help="take document files into the library")
        take.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        take.add_argument("--symbol", help="the document's symbol, when its text has none")
        take.add_argument(
            "--force", action="store_true", help="parse again files already in the library"
        )
        take.add_argument("--user", help="act as this user (default: the system)")

    def _actor(self, name: str | None) -> Actor:
        if not name:
            return SystemActor("cli")
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise CommandError(_("no user named %(name)r") % {"name": name})
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "ingest":
            self._ingest(options)

    def _ingest(self, options: dict[str, Any]) -> None:
        actor = self._actor(options.get("user"))
        files = expand(options["paths"])
        if options.get("symbol") and len(files) != 1:
            raise CommandError(_("--symbol names one document: give exactly one file"))
        failed = 0
        counts = {"added": 0, "replaced": 0, "unchanged": 0}
        bar = tqdm(
            files,
            desc="ingest",
            unit="file",
            file=self.stderr._out,
            disable=options["verbosity"] == 0 or len(files) < 2,
        )
        for path in bar:
            try:
                document = ingest(
                    path, actor=actor, symbol=options.get("symbol"), force=options["force"]
                )
            except ReadError as exc:
                failed += 1
                bar.write(str(exc), file=self.stderr._out)
                continue
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from None
            counts[document.outcome] += 1
            if options["verbosity"] > 0:
                bar.write(
                    f"{path.name}: {document.symbol} ({document.outcome}, "
                    f"{document.paragraphs.count()} paragraphs)",
                    file=self.stdout._out,
                )
        bar.close()
        summary = _(
            "%(added)s added, %(replaced)s replaced, %(unchanged)s unchanged, %(failed)s failed"
        ) % {**counts, "failed": failed}
        if failed:
            raise CommandError(summary)
        if options["verbosity"] > 0:
            self.stdout.write(summary)


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; a folder stands for its supported files, by name."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
            )
        else:
            files.append(path)
    return files
