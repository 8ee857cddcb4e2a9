"""``meadow openapi``: write the API's OpenAPI schema, or check the committed one."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer


def default_path() -> Path:
    return Path(settings.BASE_DIR) / "openapi.yaml"


def generate_schema() -> str:
    """The schema as YAML: the same text for the same code, whatever the locale."""
    GENERATOR_STATS.reset()
    # Field labels and help texts are translatable; the committed schema is in English.
    with translation.override("en"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    GENERATOR_STATS.emit_summary()
    return OpenApiYamlRenderer().render(schema, renderer_context={}).decode("utf-8")


class Command(BaseCommand):
    help = (
        "Write the OpenAPI schema of the API to openapi.yaml; with --check, fail with a "
        "diff when the file differs from the schema the code generates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="compare instead of writing; exit non-zero with a diff when they differ",
        )
        parser.add_argument(
            "--file",
            type=Path,
            default=None,
            help="the schema file (default: openapi.yaml at the root of the checkout)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"] or default_path()
        generated = generate_schema()
        if not options["check"]:
            path.write_text(generated, encoding="utf-8")
            self.stdout.write(f"Wrote {path}")
            return

        committed = path.read_text(encoding="utf-8") if path.exists() else ""
        if committed == generated:
            self.stdout.write(f"{path.name} is up to date")
            return
        diff = difflib.unified_diff(
            committed.splitlines(keepends=True),
            generated.splitlines(keepends=True),
            fromfile=f"{path.name} (committed)",
            tofile=f"{path.name} (generated)",
        )
        self.stdout.write("".join(diff), ending="")
        state = "is missing" if not path.exists() else "differs from the API"
        raise CommandError(f"{path} {state}: run `meadow openapi` and commit the result")
