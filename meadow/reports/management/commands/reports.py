"""``meadow reports``: report templates from files, report exports and offline workbooks.

``check-template FILE`` prints every problem of a template file (file, line, path)
and exits non-zero when there is any; it loads nothing. ``load-template FILE``
checks the file the same way and loads it, all or nothing. Without ``--user`` the
command acts as the system; with it, as that user (an administrator, or a member of
the template's convention's secretariat).

``export COUNTRY TEMPLATE --format pdf|docx|xlsx|json [--lang en] [-o FILE]`` writes
a country's report (the latest version of the template, the template's cycle unless
``--cycle`` says otherwise). ``import-offline COUNTRY TEMPLATE FILE --user NAME``
imports a filled offline workbook as that user: every changed answer, or nothing and
every problem (file, sheet, cell), with exit status 1.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from meadow.core import i18n
from meadow.core.actors import Actor, SystemActor
from meadow.reports import loaders
from meadow.reports.models import Report, Template
from meadow.reports.templates_io import TemplateRejected

FORMATS = ("pdf", "docx", "xlsx", "json")


class Command(BaseCommand):
    help = "Load report templates, export reports, import filled offline workbooks."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(
            dest="command",
            required=True,
            metavar="load-template|check-template|export|import-offline",
        )
        load = commands.add_parser("load-template", help="check a template file and load it")
        load.add_argument("path", type=Path, metavar="FILE")
        load.add_argument("--user", help="act as this user (default: the system)")
        check = commands.add_parser("check-template", help="print every problem of a file")
        check.add_argument("path", type=Path, metavar="FILE")
        export = commands.add_parser("export", help="write a country's report to a file")
        export.add_argument("country", metavar="COUNTRY", help="ISO alpha-3 code: KEN")
        export.add_argument("template", metavar="TEMPLATE_CODE", help="cbd-nr7, ramsar-cop15 ...")
        export.add_argument(
            "--cycle", default="", help="the reporting cycle (default: the template's)"
        )
        export.add_argument("--format", dest="fmt", required=True, choices=FORMATS)
        export.add_argument("--lang", default="en", help="ar, en, es, fr, ru or zh (default: en)")
        export.add_argument(
            "-o", "--output", type=Path, default=None, help="the file to write (- for stdout)"
        )
        offline = commands.add_parser(
            "import-offline", help="import a filled offline workbook, all or nothing"
        )
        offline.add_argument("country", metavar="COUNTRY")
        offline.add_argument("template", metavar="TEMPLATE_CODE")
        offline.add_argument("path", type=Path, metavar="FILE")
        offline.add_argument("--cycle", default="", help="the reporting cycle")
        offline.add_argument("--user", required=True, help="the member of the country's team")

    def _actor(self, name: str | None) -> Actor:
        if not name:
            return SystemActor("cli")
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise CommandError(f"no user named {name!r}")
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["command"]
        if command == "export":
            self._export(options)
        elif command == "import-offline":
            self._import(options)
        else:
            self._template(command, options)

    def _template(self, command: str, options: dict[str, Any]) -> None:
        path: Path = options["path"]
        if command == "check-template":
            problems = loaders.check_template_file(path)
            if problems:
                for problem in problems:
                    self.stderr.write(str(problem))
                raise CommandError(f"{path.name}: {len(problems)} problem(s)")
            self.stdout.write(f"{path.name}: no problems")
            return
        try:
            report = loaders.load_template(path, actor=self._actor(options.get("user")))
        except TemplateRejected as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            count = len(exc.problems)
            raise CommandError(f"{path.name}: {count} problem(s), nothing loaded") from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(report.summary())

    def _report(self, country: str, code: str, cycle: str) -> Report:
        country = country.strip().upper()
        templates = Template.objects.filter(code=code)
        if not templates.exists():
            raise CommandError(f"no report template {code!r}")
        reports = Report.objects.filter(country__code=country, template__code=code).select_related(
            "country", "template", "template__convention"
        )
        if cycle:
            reports = reports.filter(cycle=cycle)
        else:
            latest = templates.order_by("-loaded_at", "-id").first()
            assert latest is not None
            reports = reports.filter(template=latest, cycle=latest.cycle)
        found = reports.order_by("-template__loaded_at", "-id").first()
        if found is None:
            raise CommandError(
                f"{country} has no {code} report"
                + (f" for the cycle {cycle}" if cycle else " for the template's cycle")
            )
        return found

    def _export(self, options: dict[str, Any]) -> None:
        from meadow.reports import document, exports

        try:
            lang = i18n.normalise(options["lang"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        report = self._report(options["country"], options["template"], options["cycle"])
        made = exports.render(document.assemble(report), options["fmt"], lang)
        output: Path | None = options["output"]
        if output is not None and str(output) == "-":
            sys.stdout.buffer.write(made.content)
            sys.stdout.buffer.flush()
            return
        target = output or Path(made.filename)
        target.write_bytes(made.content)
        self.stdout.write(f"{target}: {len(made.content):,} bytes ({made.content_type})")

    def _import(self, options: dict[str, Any]) -> None:
        from meadow.reports import offline

        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        actor = self._actor(options["user"])
        report = self._report(options["country"], options["template"], options["cycle"])

        def progress(items: Iterable[Any]) -> Iterable[Any]:
            return tqdm(list(items), desc="saving answers", unit="answer", file=sys.stderr)

        try:
            result = offline.import_workbook(
                actor=actor,
                report=report,
                data=path.read_bytes(),
                name=path.name,
                progress=progress,
            )
        except offline.OfflineRejected as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{path.name}: {len(exc.problems)} problem(s), nothing imported"
            ) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{path.name}: {len(result.changed)} answer(s) changed, "
            f"{result.unchanged} unchanged ({report.uid})"
        )
