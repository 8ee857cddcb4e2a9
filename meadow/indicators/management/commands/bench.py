"""``meadow bench progress|aggregate|reports``: time a computation core against its floor."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from meadow.analytics import bench
from meadow.analytics.memory import keep_freed_memory


class Command(BaseCommand):
    help = (
        "Benchmark a computation core on synthetic data: `bench progress` times every "
        "progress method on 200 places x 500 indicators x 3 disaggregations x 30 years "
        "against a numpy sum of the same values; `bench aggregate` aggregates the same "
        "panel to 38 regions and groups (population-weighted means with coverage). "
        "`bench reports` prefills a CBD 7th national report and renders it as a PDF, then "
        "exports 200 countries' reports to JSON against a bare json.dumps of the same "
        "answers (all rolled back). The last line is a JSON object."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "target", choices=["progress", "aggregate", "reports"], help="what to benchmark"
        )
        parser.add_argument(
            "--quick",
            action="store_true",
            help="a panel a hundred times smaller (reports: 20 countries instead of 200)",
        )
        parser.add_argument(
            "--uk",
            type=Path,
            default=None,
            metavar="PATH",
            help="progress only: also import and assess an Open SDG data folder through "
            "the database (inside a transaction that is rolled back: nothing is kept)",
        )
        parser.add_argument("--place", default="GBR", help="country of the --uk data")
        parser.add_argument("--json-only", action="store_true", help="print only the JSON line")

    def handle(self, *args: Any, **options: Any) -> None:
        uk: Path | None = options["uk"]
        if uk is not None and options["target"] != "progress":
            raise CommandError("--uk applies to bench progress only")
        if uk is not None and not uk.is_dir():
            raise CommandError(f"{uk} is not a directory")

        def echo(line: str) -> None:
            if not options["json_only"]:
                self.stdout.write(line)

        if options["target"] == "reports":
            from meadow.reports import bench as reports_bench

            try:
                summary = reports_bench.run(quick=options["quick"], echo=echo)
            except LookupError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(json.dumps(summary))
            return
        tuned = keep_freed_memory()
        echo(f"Allocator keeps freed memory: {'yes' if tuned else 'no (not glibc)'}")
        if options["target"] == "aggregate":
            self.stdout.write(json.dumps(bench.aggregate(quick=options["quick"], echo=echo)))
            return
        summary = bench.progress(quick=options["quick"], echo=echo)
        if uk is not None:
            summary["uk"] = self._import_and_assess(uk, options["place"], echo)
        self.stdout.write(json.dumps(summary))

    def _import_and_assess(self, path: Path, place: str, echo: Any) -> dict[str, Any]:
        """Time the real importer and the stored assessment on a national data folder."""
        from django.db import transaction

        from meadow.core.actors import SystemActor
        from meadow.indicators import actions
        from meadow.indicators.assess import assess
        from meadow.indicators.formats.base import ReadOptions

        class Rollback(Exception):
            pass

        figures: dict[str, Any] = {}
        actor = SystemActor("bench")
        try:
            with transaction.atomic():
                start = time.perf_counter()
                result = actions.import_data(
                    path,
                    actor=actor,
                    format="opensdg",
                    options=ReadOptions(place=place),
                    reassess=False,
                )
                figures["import_seconds"] = round(time.perf_counter() - start, 3)
                figures["already_stored"] = result.import_record is None
                figures["observations"] = result.added + result.changed + result.unchanged
                figures["series"] = len(result.series_ids)
                start = time.perf_counter()
                report = assess(actor=actor, series_ids=result.series_ids)
                figures["assess_seconds"] = round(time.perf_counter() - start, 3)
                figures["assessments"] = report.series * 4
                raise Rollback
        except Rollback:
            pass
        except actions.ImportRejected as exc:
            raise CommandError(str(exc)) from None
        echo(
            f"{path.name}: imported {figures['observations']:,} observations in "
            f"{figures['series']:,} series in {figures['import_seconds']:.1f} s; assessed and "
            f"stored in {figures['assess_seconds']:.1f} s (rolled back"
            + (
                "; the data were stored already, so the import changed nothing)"
                if figures["already_stored"]
                else ")"
            )
        )
        return figures
