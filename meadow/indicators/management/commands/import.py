"""``meadow import PATH --format FORMAT``: indicator data in, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from meadow.core.actors import SystemActor
from meadow.indicators import actions
from meadow.indicators.formats import READERS, _load
from meadow.indicators.formats.base import ReadOptions


def _formats() -> list[str]:
    _load()
    return sorted(READERS)


class Command(BaseCommand):
    help = (
        "Import indicator data from a file or folder. The whole input is checked first; "
        "with any blocking problem every problem is listed and nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", required=True, choices=_formats())
        parser.add_argument("--place", default="", help="country the data are for (GBR, 826)")
        parser.add_argument("--framework", default="", help="framework of the indicator codes")
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="ROLE=NAME",
            help="plain CSV: which column holds a role (indicator, place, period, value...)",
        )
        parser.add_argument("--warnings", action="store_true", help="list every warning")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(f"{path}: no such file or folder")
        columns = {}
        for item in options["column"]:
            role, sep, name = item.partition("=")
            if not sep:
                raise CommandError(f"--column {item!r}: write ROLE=NAME")
            columns[role.strip()] = name.strip()
        read_options = ReadOptions(
            place=options["place"], framework=options["framework"], columns=columns
        )
        bar = tqdm(
            total=1,
            desc="import",
            unit="row",
            file=self.stderr._out,
            disable=options["verbosity"] == 0,
        )

        def progress(stage: str, done: int, total: int) -> None:
            bar.set_description(stage)
            bar.total = max(total, 1)
            bar.n = done
            bar.refresh()

        try:
            result = actions.import_data(
                path,
                actor=SystemActor("cli"),
                format=options["format"],
                options=read_options,
                progress=progress,
            )
        except actions.ImportRejected as exc:
            bar.close()
            for problem in exc.problems:
                if problem.level == "error":
                    self.stderr.write(f"error: {problem}")
            raise CommandError(
                f"{sum(p.level == 'error' for p in exc.problems)} problem(s); nothing was imported"
            ) from None
        finally:
            bar.close()
        if options["warnings"]:
            for warning in result.warnings:
                self.stdout.write(f"warning: {warning}")
        self.stdout.write(result.summary())
