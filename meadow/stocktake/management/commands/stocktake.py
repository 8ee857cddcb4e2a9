"""``meadow stocktake aggregate|rule``: compute the aggregates, set an indicator's rule."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from meadow.core.actors import SystemActor
from meadow.stocktake import actions, aggregation
from meadow.stocktake.models import DEFAULT_THRESHOLD, Imputation, RuleKind


def _value(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:.6g}"


class Command(BaseCommand):
    help = (
        "`stocktake aggregate [--indicator UID]`: add every indicator's national series up "
        "to the world, regions and groups (or one indicator's), store the results in the "
        "cache and print them; `stocktake rule --indicator UID --rule RULE ...`: set how "
        "an indicator is added up (`--remove` goes back to the defaults)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="task", required=True)
        run = sub.add_parser("aggregate", help="compute and print aggregates")
        run.add_argument("--indicator", help="only this indicator (uid: gbf/indicator/A.3)")
        run.add_argument("--group", help="with --indicator: only this group (place/001, group/ldc)")
        rule = sub.add_parser("rule", help="set or remove an indicator's aggregation rule")
        rule.add_argument("--indicator", required=True, help="indicator uid")
        rule.add_argument("--rule", choices=RuleKind.values, default=RuleKind.MEAN)
        rule.add_argument("--weight", default="", help="weight set slug: population, area")
        rule.add_argument("--impute", choices=Imputation.values, default=Imputation.NONE)
        rule.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
        rule.add_argument("--unit", default="", help="unit of the national series to add up")
        rule.add_argument("--note", default="")
        rule.add_argument("--remove", action="store_true", help="remove the rule")
        for p in (run, rule):
            p.add_argument("-v", "--verbosity", type=int, default=1, choices=[0, 1, 2, 3])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["task"] == "rule":
            self._rule(options)
        else:
            self._aggregate(options)

    def _rule(self, options: dict[str, Any]) -> None:
        actor = SystemActor("cli")
        if options["remove"]:
            removed = actions.remove_rule(actor=actor, indicator=options["indicator"])
            self.stdout.write("rule removed" if removed else "no rule to remove")
            return
        try:
            rule = actions.set_rule(
                actor=actor,
                indicator=options["indicator"],
                rule=options["rule"],
                weight=options["weight"] or None,
                impute=options["impute"],
                threshold=options["threshold"],
                unit=options["unit"],
                note=options["note"],
            )
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from None
        weight = rule.weight.slug if rule.weight else "no weight"
        self.stdout.write(
            f"{options['indicator']}: {rule.rule}, {weight}, impute {rule.impute}, "
            f"threshold {rule.threshold}"
        )

    def _aggregate(self, options: dict[str, Any]) -> None:
        uid = options.get("indicator")
        if uid:
            element = aggregation.indicator(uid)
            if element is None:
                raise CommandError(f"{uid} is not an indicator")
            elements = [element]
        else:
            elements = aggregation.indicators_with_data()
        quiet = options["verbosity"] == 0
        bar = tqdm(
            total=len(elements),
            desc="aggregate",
            unit="indicator",
            file=self.stderr._out,
            disable=quiet,
        )
        results = []
        try:
            for element, result in aggregation.precompute(elements):
                bar.set_postfix_str(element.uid, refresh=False)
                bar.update(1)
                results.append((element, result))
        finally:
            bar.close()
        if uid:
            self._table(results[0][1], options.get("group"))
            return
        for element, result in results:
            world = result.world
            cell = world.latest_with_data if world else None
            if cell is None:
                self.stdout.write(f"{element.uid}: no data")
                continue
            self.stdout.write(
                f"{element.uid}: world {cell.year} {_value(cell.value)} "
                f"(coverage {cell.coverage:.1%}, {cell.n_countries} countries, "
                f"{result.countries} with data, rule {result.settings.rule})"
            )
        self.stdout.write(f"{len(results)} indicators aggregated")

    def _table(self, result: aggregation.IndicatorAggregates, group: str | None) -> None:
        st = result.settings
        self.stdout.write(
            f"{result.indicator}: rule {st.rule}, weight {st.weight or '-'}, impute {st.impute}, "
            f"threshold {st.threshold}, unit {st.unit or '-'}, {result.countries} countries"
        )
        self.stdout.write("group\tyear\tvalue\tcoverage\tn_countries\tn_imputed\tpublished")
        for g in result.groups:
            if group and g.group.uid != group:
                continue
            for cell in g.with_data:
                self.stdout.write(
                    f"{g.group.uid}\t{cell.year}\t{_value(cell.value)}\t{cell.coverage:.4f}\t"
                    f"{cell.n_countries}\t{cell.n_imputed}\t{'yes' if cell.published else 'no'}"
                )
