"""``meadow reports load-template|check-template FILE``: report templates from files.

``check-template FILE`` prints every problem of a template file (file, line, path)
and exits non-zero when there is any; it loads nothing. ``load-template FILE``
checks the file the same way and loads it, all or nothing. Without ``--user`` the
command acts as the system; with it, as that user (an administrator, or a member of
the template's convention's secretariat).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from meadow.core.actors import Actor, SystemActor
from meadow.reports import loaders
from meadow.reports.templates_io import TemplateRejected


class Command(BaseCommand):
    help = "Check or load a report template file (YAML or JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(
            dest="command", required=True, metavar="load-template|check-template"
        )
        load = commands.add_parser("load-template", help="check a template file and load it")
        load.add_argument("path", type=Path, metavar="FILE")
        load.add_argument("--user", help="act as this user (default: the system)")
        check = commands.add_parser("check-template", help="print every problem of a file")
        check.add_argument("path", type=Path, metavar="FILE")

    def _actor(self, name: str | None) -> Actor:
        if not name:
            return SystemActor("cli")
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise CommandError(f"no user named {name!r}")
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if options["command"] == "check-template":
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
