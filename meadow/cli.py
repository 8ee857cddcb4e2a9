"""The ``meadow`` command: Django's management commands under Meadow's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meadow.config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["meadow", *argv])
    args[0] = "meadow"
    # Commands are spelt with dashes on the command line (load-reference) and with
    # underscores as Django modules (load_reference).
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
        if args[1] == "help" and len(args) > 2 and not args[2].startswith("-"):
            args[2] = args[2].replace("-", "_")
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
