"""``meadow assess``: recompute every progress assessment and roll-up."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from meadow.analytics.memory import keep_freed_memory
from meadow.core.actors import SystemActor
from meadow.indicators.assess import assess


class Command(BaseCommand):
    help = "Assess every series with every progress method and store the results."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--series", type=int, action="append", help="only these series ids")

    def handle(self, *args: Any, **options: Any) -> None:
        keep_freed_memory()
        bar = tqdm(total=1, desc="assess", file=self.stderr._out, disable=options["verbosity"] == 0)

        def progress(stage: str, done: int, total: int) -> None:
            bar.set_description(stage)
            bar.total = max(total, 1)
            bar.n = done
            bar.refresh()

        try:
            report = assess(
                actor=SystemActor("cli"), series_ids=options["series"], progress=progress
            )
        finally:
            bar.close()
        self.stdout.write(report.summary())
