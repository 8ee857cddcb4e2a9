"""``meadow import-goals FILE``: baselines and targets from a CSV file, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from meadow.core.actors import SystemActor
from meadow.indicators import actions, goals


class Command(BaseCommand):
    help = (
        "Set indicator goals from a CSV file with the columns "
        + ", ".join(goals.COLUMNS)
        + "; every problem is listed and nothing is changed when there is one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            report = actions.import_goals(path, actor=SystemActor("cli"))
        except actions.ImportRejected as exc:
            for problem in exc.problems:
                self.stderr.write(f"error: {problem}")
            raise CommandError(f"{len(exc.problems)} problem(s); no goal was changed") from None
        self.stdout.write(report.summary())
