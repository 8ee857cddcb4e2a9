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
        names = ", ".join(name for name, *_ in REFERENCE_LOADERS)
        parser.add_argument(
            "only", nargs="*", metavar="SET", help=f"load only these sets (default: all of {names})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        known = [name for name, *_ in REFERENCE_LOADERS]
        unknown = [name for name in options["only"] if name not in known]
        if unknown:
            raise CommandError(f"unknown set {unknown[0]!r}; choose from {', '.join(known)}")
        actor = SystemActor("load-reference")
        chosen = [
            entry
            for entry in REFERENCE_LOADERS
            if not options["only"] or entry[0] in options["only"]
        ]
        bar = tqdm(
            chosen,
            desc="reference data",
            unit="set",
            file=self.stderr._out,
            disable=options["verbosity"] == 0,
        )
        for name, description, run in bar:
            bar.set_postfix_str(name)
            try:
                report = run(actor=actor)
            except SourceError as exc:
                raise CommandError(f"{description}: {exc}") from None
            if options["verbosity"]:
                self.stdout.write(report.summary())
