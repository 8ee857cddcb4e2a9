"""``meadow export``: a framework or the crosswalk as SKOS or CSV, on standard output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from meadow.frameworks import export


class Command(BaseCommand):
    help = (
        "Write a framework (gbf, aichi, sdg...) or the crosswalk to standard output: "
        "`export skos FRAMEWORK --format turtle|json-ld` or `export csv FRAMEWORK`; or "
        "indicator data to a file or folder: "
        "`export --format FORMAT [--indicator CODE] [--place CODE] --out PATH`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", dest="data_format", help="indicator data format")
        parser.add_argument(
            "--indicator",
            action="append",
            default=[],
            help="indicator uid or code (repeatable; default: all)",
        )
        parser.add_argument("--place", default="", help="place code: GBR, 826")
        parser.add_argument("--out", type=Path, help="file or folder to write")
        families = parser.add_subparsers(dest="family", required=False, metavar="{skos,csv}")
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
        if family is None:
            self._export_data(options)
            return
        name = options["format"] if family == "skos" else "csv"
        try:
            writer = export.writer(name, family)
            data = export.collect(options["target"])
        except (export.UnknownFormat, export.UnknownTarget) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(writer.render(data), ending="")

    def _export_data(self, options: dict[str, Any]) -> None:
        from meadow.indicators import queries
        from meadow.indicators.formats import writer

        if not options["data_format"] or not options["out"]:
            raise CommandError("say what to export: skos, csv, or --format FORMAT --out PATH")
        try:
            data_writer = writer(options["data_format"])
        except KeyError as exc:
            raise CommandError(str(exc.args[0])) from None
        selected = queries.series(place=options["place"] or None)
        if options["indicator"]:
            from django.db.models import Q

            wanted = Q()
            for code in options["indicator"]:
                wanted |= Q(indicator__uid=code) | Q(indicator__code=code)
            selected = selected.filter(wanted)
        items = queries.export_series(selected, format=data_writer.name)
        if not items:
            raise CommandError("no series match")
        paths = data_writer.write(items, options["out"])
        observations = sum(len(item.observations) for item in items)
        self.stdout.write(
            f"{len(items)} series, {observations} observations written to {len(paths)} file(s)"
        )
