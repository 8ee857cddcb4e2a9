"""``meadow export``: a framework or the crosswalk as SKOS or CSV, on standard output."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from meadow.frameworks import export


class Command(BaseCommand):
    help = (
        "Write a framework (gbf, aichi, sdg...) or the crosswalk to standard output: "
        "`export skos FRAMEWORK --format turtle|json-ld` or `export csv FRAMEWORK`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        families = parser.add_subparsers(dest="family", required=True, metavar="{skos,csv}")
        skos = families.add_parser("skos", help="SKOS concept scheme in Turtle or JSON-LD")
        skos.add_argument("target", metavar="FRAMEWORK", help="a framework's slug, or crosswalk")
        skos.add_argument(
            "--format",
            default="turtle",
            choices=export.formats("skos"),
            help="RDF syntax (default: turtle)",
        )
        table = families.add_parser(
            "csv", help="one row per element, or per relation for the crosswalk"
        )
        table.add_argument("target", metavar="FRAMEWORK", help="a framework's slug, or crosswalk")

    def handle(self, *args: Any, **options: Any) -> None:
        family = options["family"]
        name = options["format"] if family == "skos" else "csv"
        try:
            writer = export.writer(name, family)
            data = export.collect(options["target"])
        except (export.UnknownFormat, export.UnknownTarget) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(writer.render(data), ending="")
