"""``meadow import-parties FILE``: add or date Parties from a CSV file, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from meadow.core.actors import SystemActor
from meadow.frameworks.sources import SourceError
from meadow.parties import actions, sources


class Command(BaseCommand):
    help = (
        "Add Parties, or their dates, from a CSV file with the columns "
        + ", ".join(sources.PARTY_COLUMNS)
        + " (convention code, ISO alpha-3 country code, YYYY-MM-DD or empty); nothing is "
        "changed when a row is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--convention", help="Accept rows of this convention only (cbd, ramsar...)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            report = actions.import_parties(
                path, actor=SystemActor("cli"), convention=options["convention"]
            )
        except SourceError as exc:
            raise CommandError(f"{exc}; nothing was changed") from None
        self.stdout.write(report.summary())
