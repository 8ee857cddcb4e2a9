"""``meadow targets import|export``: a country's national targets in and out of files.

``meadow targets import FILE --country KEN [--format json|csv|xlsx] [--user NAME]``
checks the whole file first; with any problem it lists every one (file, sheet, row,
column) and writes nothing. ``meadow targets export --country KEN --format csv --out
FILE`` writes the targets the actor may read. Without ``--user`` the command acts as
the system (an administrator); with it, as that user with that user's roles.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from meadow.core.actors import Actor, SystemActor
from meadow.targets import actions, formats, queries


class Command(BaseCommand):
    help = "Import or export a country's national targets (JSON, CSV or XLSX)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True, metavar="import|export")
        load = commands.add_parser("import", help="import targets from a file, all or nothing")
        load.add_argument("path", type=Path, metavar="FILE")
        load.add_argument("--country", required=True, help="ISO alpha-3 code, e.g. KEN")
        load.add_argument(
            "--format", choices=formats.FORMATS, help="default: from the file's extension"
        )
        load.add_argument("--user", help="act as this user (default: the system)")
        save = commands.add_parser("export", help="export a country's targets to a file")
        save.add_argument("--country", required=True, help="ISO alpha-3 code, e.g. KEN")
        save.add_argument("--format", choices=formats.FORMATS, required=True)
        save.add_argument("--out", type=Path, required=True, metavar="FILE")
        save.add_argument("--user", help="export what this user may read (default: everything)")

    def _actor(self, name: str | None) -> Actor:
        if not name:
            return SystemActor("cli")
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise CommandError(f"no user named {name!r}")
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        country = str(options["country"]).strip().upper()
        actor = self._actor(options.get("user"))
        if options["command"] == "export":
            self._export(actor, country, options)
        else:
            self._import(actor, country, options)

    def _export(self, actor: Actor, country: str, options: dict[str, Any]) -> None:
        data = queries.export(actor, country, options["format"])
        out: Path = options["out"]
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"{out}: {exc.strerror or exc}") from None
        count = len(queries.snapshots(actor, country))
        self.stdout.write(f"{count} national target(s) of {country} written to {out}")

    def _import(self, actor: Actor, country: str, options: dict[str, Any]) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        bar = tqdm(
            total=1,
            desc="import",
            unit="target",
            file=self.stderr._out,
            disable=options["verbosity"] == 0,
        )

        def progress(stage: str, done: int, total: int) -> None:
            bar.set_description(stage)
            bar.total = max(total, 1)
            bar.n = done
            bar.refresh()

        try:
            report = actions.import_targets(
                path, actor=actor, country=country, format=options["format"], progress=progress
            )
        except actions.ImportRejected as exc:
            bar.close()
            for problem in exc.problems:
                self.stderr.write(f"error: {problem}")
            raise CommandError(
                f"{len(exc.problems)} problem(s) in {path.name}; nothing was imported"
            ) from None
        except PermissionDenied:
            bar.close()
            raise CommandError(
                f"{options.get('user')} may not draft national targets for {country}"
            ) from None
        finally:
            bar.close()
        self.stdout.write(report.summary())
