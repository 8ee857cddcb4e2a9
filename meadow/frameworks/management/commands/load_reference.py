"""``meadow load-reference``: load or refresh every shipped reference data set."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from meadow.core.actors import SystemActor
from meadow.frameworks.sources import SourceError
from meadow.reference import REFERENCE_LOADERS


class Command(BaseCommand):
    help = "Load the reference data (places, GBF, Aichi, SDGs, crosswalk); safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "only", nargs="*", choices=[name for name, *_ in REFERENCE_LOADERS] + [[]],
            help="load only these sets (default: all)", metavar="SET",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = SystemActor("load-reference")
        chosen = [loader for loader in REFERENCE_LOADERS if not options["only"] or loader[0] in options["only"]]
        bar = tqdm(chosen, desc="reference data", unit="set", disable=options["verbosity"] == 0,
                   file=self.stderr._out)
        for name, description, run in bar:
            bar.set_postfix_str(name)
            try:
                report = run(actor=actor)
            except SourceError as exc:
                raise CommandError(f"{description}: {exc}") from None
            self.stdout.write(report.summary())
