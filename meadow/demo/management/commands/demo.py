"""``meadow demo``: generate, check or load the illustrative demo data set."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from meadow.demo import generate, load


class Command(BaseCommand):
    help = (
        "The illustrative demo data set (invented national targets, data and commitments "
        "for a dozen countries): generate its files, check them, or load them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("step", choices=["generate", "check", "load"])
        parser.add_argument(
            "--seed", type=int, default=generate.SEED, help="random seed for generate"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        step = options["step"]
        if step == "generate":
            written = generate.write(seed=options["seed"])
            self.stdout.write(f"wrote {len(written)} files to {generate.DATA}")
        elif step == "check":
            stale = [
                name
                for name, content in generate.render(options["seed"]).items()
                if not (generate.DATA / name).is_file()
                or (generate.DATA / name).read_text(encoding="utf-8") != content
            ]
            if stale:
                raise CommandError(
                    f"demo files differ from the generator: {', '.join(stale)} "
                    "(run: meadow demo generate)"
                )
            self.stdout.write("demo files match the generator")
        else:
            steps = 2 + len(list((generate.DATA / "targets").glob("*.json")))
            bar = tqdm(
                total=steps,
                desc="demo data",
                unit="step",
                file=self.stderr._out,
                disable=options["verbosity"] == 0,
            )

            def progress(step: str) -> None:
                bar.set_postfix_str(step)
                bar.update()

            report = load.load(progress=progress)
            bar.close()
            if options["verbosity"]:
                self.stdout.write(report.summary())
