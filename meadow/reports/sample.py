"""Plausible answers for every question of a template, for demonstrations and benchmarks.

``answers(document, concepts, seed)`` gives, for each question a country types in, a
value its concept accepts (a choice among the options, a number in the question's
range, a date, text, table rows), drawn from a seeded generator so the same seed
gives the same report. Indicator-data questions are left out: they come from series.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from meadow.reports import rules

SENTENCES = (
    "Drafted by the national biodiversity committee and validated in a national workshop.",
    "Consultations included ministries, provinces, indigenous peoples and local communities.",
    "Data were compiled from the national biodiversity information system.",
    "Progress was reviewed against the updated national biodiversity strategy.",
)

# What was done towards a national target, what stands in the way, and an example.
TARGET_ACTIONS = (
    "Management plans were adopted for the areas concerned and their staff trained.",
    "A national programme funds community projects that implement the target.",
    "Sector ministries agreed on joint measures, monitored by the national committee.",
)
TARGET_CHALLENGES = (
    "Funding falls short of the plan; a dedicated budget line is being proposed.",
    "Data are incomplete in some regions; monitoring will be extended with partners.",
    "Competing land uses slow progress; spatial planning will settle them.",
)
TARGET_EXAMPLES = (
    "A pilot in two counties doubled the area under community management: "
    "https://www.cbd.int/countries/",
    "Restored wetlands now hold more waterbirds: https://www.ramsar.org/",
)

# Text cells of tables that have a plausible example.
CELLS = {
    "name": "A. Example",
    "institution": "Ministry of the Environment",
    "email": "focal.point@example.org",
}


def _scalar(kind: str, rng: random.Random, options: list[Any], rule: Mapping[str, Any]) -> Any:
    if kind in ("text", "rich-text"):
        return rng.choice(SENTENCES)
    if kind == "number":
        low = rule.get("min", 0)
        high = rule.get("max", max(low, 0) + 1000)
        return round(rng.uniform(low, high), 1)
    if kind == "date":
        return f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if kind == "yes-no":
        return rng.random() < 0.7
    if kind == "choice":
        return str(rng.choice(options)["value"]) if options else None
    return None


def value_for(
    concept: Mapping[str, Any],
    rng: random.Random,
    question: Mapping[str, Any] | None = None,
    targets: list[str] | None = None,
) -> Any:
    """A value the concept accepts (None for indicator data)."""
    kind = concept.get("type", "text")
    rule: Mapping[str, Any] = next(
        (r for r in (question or {}).get("rules") or [] if r.get("kind") == "range"), {}
    )
    options = list(concept.get("options") or [])
    if kind == "multiple-choice":
        if not options:
            return []
        picked = rng.sample(options, k=rng.randint(1, min(2, len(options))))
        return [str(o["value"]) for o in picked]
    if kind == "table":
        return [
            {
                c["key"]: (
                    CELLS.get(c["key"], f"Example {c['key']} {n}")
                    if c.get("type", "text") == "text"
                    else _scalar(c.get("type", "text"), rng, list(c.get("options") or []), {})
                )
                for c in concept.get("columns") or []
            }
            for n in range(1, rng.randint(1, 2) + 1)
        ]
    if kind == "national-targets":
        rows = []
        for code in targets or ["T1"]:
            progress = rng.choice(["on-track", "insufficient", "no-change"])
            summary = rng.choice(SENTENCES)
            # The other texts follow the summary drawn: no further draws, so the answers
            # to the questions after this one stay what the same seed always gave.
            n = SENTENCES.index(summary)
            rows.append(
                {
                    "target": code,
                    "progress": progress,
                    "actions": TARGET_ACTIONS[n % len(TARGET_ACTIONS)],
                    "summary": summary,
                    "challenges": TARGET_CHALLENGES[n % len(TARGET_CHALLENGES)],
                    "examples": TARGET_EXAMPLES[n % len(TARGET_EXAMPLES)],
                }
            )
        return rows
    if kind == "attachments":
        return [{"name": "NBSAP", "url": "https://www.cbd.int/nbsap/"}]
    if kind == "indicator-data":
        return None
    return _scalar(kind, rng, options, rule)


def answers(
    document: Mapping[str, Any],
    concepts: Mapping[str, Mapping[str, Any]],
    seed: int = 0,
    targets: list[str] | None = None,
    fixed: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A value for every question with a typed answer, by question key.

    ``fixed`` answers take the place of drawn ones (a landlocked country says so).

    ``concepts`` are the concepts' definitions by uid (type, options, columns).
    Questions shown only for an answer the generator did not give are left out, and
    a compared question keeps to its comparison, so the answers pass the rules.
    """
    rng = random.Random(seed)
    out: dict[str, Any] = {}
    for _section, question in rules.questions(document):
        concept = concepts[question["concept"]]
        value = value_for(concept, rng, question, targets)
        if fixed and question["key"] in fixed:
            value = fixed[question["key"]]
        if value is not None:
            out[question["key"]] = value
    evaluation = rules.evaluate(document, out)
    for state in evaluation.questions.values():
        if not state.shown:
            out.pop(state.key, None)
        elif any(i.kind == "compare" for i in state.issues):
            other = next(
                r.get("question") for r in _rules_of(document, state.key) if r["kind"] == "compare"
            )
            out[state.key] = out.get(str(other))
    return out


def _rules_of(document: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    for _section, question in rules.questions(document):
        if question["key"] == key:
            return list(question.get("rules") or [])
    return []
