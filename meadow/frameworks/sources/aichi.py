"""The Strategic Plan for Biodiversity 2011-2020: 5 strategic goals and 20 Aichi targets.

Read from the CBD website's data files (``goals.json``, ``targets.json``); the 236
national example activities of the targets are kept in each target's ``extra``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from meadow.frameworks.sources import ElementSpec, FrameworkSpec, SourceError, line_of, read_text


def _json(path: Path) -> Any:
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise SourceError(path, f"not valid JSON: {exc.msg}", line=exc.lineno) from None


def _en(value: Any, path: Path, where: str) -> dict[str, str]:
    if isinstance(value, str):
        value = {"en": value}
    if not isinstance(value, dict) or not isinstance(value.get("en"), str):
        raise SourceError(
            path,
            f"{where}: expected a text with an English version",
            line=line_of(path, where.split()[-1]),
            element=where,
        )
    return {k: " ".join(v.split()) for k, v in sorted(value.items()) if isinstance(v, str) and v}


def read(directory: Path) -> FrameworkSpec:
    goals_path = directory / "goals.json"
    targets_path = directory / "targets.json"
    goals = _json(goals_path).get("goals")
    targets = _json(targets_path).get("targets")
    if not isinstance(goals, list) or not goals:
        raise SourceError(goals_path, "no 'goals' list")
    if not isinstance(targets, list) or not targets:
        raise SourceError(targets_path, "no 'targets' list")

    elements: list[ElementSpec] = []
    goal_codes = set()
    for order, goal in enumerate(goals, start=1):
        code = str(goal.get("goal", "")).strip()
        if not code:
            raise SourceError(goals_path, f"goal {order} has no letter", element=f"goal {order}")
        goal_codes.add(code)
        elements.append(
            ElementSpec(
                uid=f"aichi/goal/{code}",
                level="goal",
                code=code,
                order=order,
                title=_en(goal.get("text"), goals_path, f"goal {code}"),
                short_title=_en(goal.get("title"), goals_path, f"goal {code}"),
            )
        )
    seen = set()
    for target in targets:
        number = target.get("id")
        if not isinstance(number, int) or not 1 <= number <= 99:
            raise SourceError(
                targets_path,
                f"target id {number!r} is not a number",
                line=line_of(targets_path, f'"id": {number}'),
            )
        where = f"aichi/target/{number}"
        line = line_of(targets_path, f'"id": {number},')
        if number in seen:
            raise SourceError(targets_path, "target is defined twice", line=line, element=where)
        seen.add(number)
        goal = (target.get("goal") or {}).get("en", "")
        if goal not in goal_codes:
            raise SourceError(
                targets_path, f"names unknown strategic goal {goal!r}", line=line, element=where
            )
        activities = [
            {"country": a.get("country", ""), "text": " ".join(str(a.get("title_s", "")).split())}
            for a in target.get("activities") or []
            if isinstance(a, dict)
        ]
        elements.append(
            ElementSpec(
                uid=where,
                level="target",
                code=str(number),
                order=100 + number,
                title=_en(target.get("title"), targets_path, where),
                text=_en(target.get("action"), targets_path, where),
                parent_uid=f"aichi/goal/{goal}",
                extra={"national_examples": activities} if activities else {},
            )
        )
    return FrameworkSpec(
        slug="aichi",
        name={
            "en": "Aichi Biodiversity Targets (Strategic Plan for Biodiversity 2011-2020)",
            "fr": "Objectifs d'Aichi pour la biodiversité (Plan stratégique 2011-2020)",
            "es": "Metas de Aichi para la Diversidad Biológica (Plan Estratégico 2011-2020)",
            "zh": "爱知生物多样性目标（2011-2020年生物多样性战略计划）",
            "ru": (
                "Айтинские целевые задачи в области биоразнообразия "
                "(Стратегический план на 2011-2020 годы)"
            ),
            "ar": "أهداف أيشي للتنوع البيولوجي (الخطة الاستراتيجية للتنوع البيولوجي 2011-2020)",
        },
        version="2010 (decision X/2)",
        source="CBD decision X/2, annex",
        source_url="https://www.cbd.int/sp/targets/",
        licence="MIT (CBD website data)",
        order=2,
        elements=elements,
        files=[goals_path, targets_path],
    )
