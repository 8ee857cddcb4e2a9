"""The template rules engine: conditions, requirements and each validation rule and level.

Known answers on a small hand-written template, properties with hypothesis, and the
real CBD template's conditional questions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from meadow.reports import rules, sample

TEMPLATES = Path(__file__).resolve().parents[2] / "meadow" / "reports" / "data" / "templates"

DOC: dict[str, Any] = {
    "sections": [
        {
            "key": "A",
            "questions": [
                {"key": "has-plan", "concept": "c1", "required": True},
                {
                    "key": "plan-date",
                    "concept": "c2",
                    "show_if": {"question": "has-plan", "equals": True},
                    "required": True,
                },
                {
                    "key": "why-not",
                    "concept": "c3",
                    "required_if": {"question": "has-plan", "equals": False},
                    "rules": [{"level": "warning", "kind": "length", "max": 20}],
                },
            ],
        },
        {
            "key": "B",
            "questions": [
                {
                    "key": "land",
                    "concept": "c4",
                    "rules": [
                        {"level": "error", "kind": "range", "min": 0, "max": 100},
                        {
                            "level": "blocker",
                            "kind": "compare",
                            "op": "<=",
                            "question": "total",
                            "message": {"en": "Land cannot exceed the total.", "fr": "Non."},
                        },
                    ],
                },
                {"key": "total", "concept": "c5"},
                {
                    "key": "url",
                    "concept": "c6",
                    "rules": [{"level": "error", "kind": "pattern", "pattern": "^https?://"}],
                },
                {
                    "key": "contact",
                    "concept": "c7",
                    "rules": [{"level": "blocker", "kind": "required"}],
                },
                {
                    "key": "habitats",
                    "concept": "c8",
                    "show_if": {"question": "plan-date", "in": ["2020-01-01"]},
                },
            ],
        },
    ]
}


def issues(values: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(i.question, i.level, i.kind) for i in rules.evaluate(DOC, values).issues}


def test_an_empty_report_misses_what_is_required_at_its_level() -> None:
    result = rules.evaluate(DOC, {})
    assert issues({}) == {("has-plan", "error", "required"), ("contact", "blocker", "required")}
    assert not result.questions["plan-date"].shown  # depends on an unanswered question
    assert not result.questions["why-not"].required
    assert result.count("blocker") == 1 and result.count("error") == 1


def test_a_condition_shows_and_requires_a_question() -> None:
    yes = rules.evaluate(DOC, {"has-plan": True, "contact": "x"})
    assert yes.questions["plan-date"].shown and yes.questions["plan-date"].required
    assert issues({"has-plan": True, "contact": "x"}) == {("plan-date", "error", "required")}
    no = rules.evaluate(DOC, {"has-plan": False, "contact": "x"})
    assert not no.questions["plan-date"].shown
    assert no.questions["why-not"].required
    assert issues({"has-plan": False, "contact": "x"}) == {("why-not", "error", "required")}


def test_a_hidden_question_is_never_required_nor_checked_and_hides_its_dependants() -> None:
    values = {"has-plan": False, "plan-date": "2020-01-01", "why-not": "x", "contact": "x"}
    result = rules.evaluate(DOC, values)
    assert not result.questions["plan-date"].shown
    assert not result.questions["habitats"].shown  # its condition's question is hidden
    assert result.issues == []


def test_range_compare_pattern_and_length_rules_with_their_levels() -> None:
    base = {"has-plan": False, "why-not": "short", "contact": "x"}
    assert issues({**base, "land": 120, "total": 200}) == {("land", "error", "range")}
    assert issues({**base, "land": 50, "total": 40}) == {("land", "blocker", "compare")}
    assert issues({**base, "land": 50, "total": 50}) == set()
    assert issues({**base, "land": 50}) == set()  # nothing to compare with
    assert issues({**base, "url": "www.example.org"}) == {("url", "error", "pattern")}
    assert issues({**base, "url": "https://example.org"}) == set()
    long = {**base, "why-not": "x" * 21}
    assert issues(long) == {("why-not", "warning", "length")}
    compare = next(i for i in rules.evaluate(DOC, {**base, "land": 5, "total": 1}).issues)
    assert compare.params == {"op": "<=", "question": "total", "value": 5, "other": 1}
    assert compare.message["en"] == "Land cannot exceed the total."


def test_a_multiple_choice_condition_holds_when_the_answer_contains_the_value() -> None:
    doc = {
        "sections": [
            {
                "key": "S",
                "questions": [
                    {"key": "a", "concept": "x"},
                    {"key": "b", "concept": "y", "show_if": {"question": "a", "equals": "other"}},
                ],
            }
        ]
    }
    assert rules.evaluate(doc, {"a": ["fully", "other"]}).questions["b"].shown
    assert not rules.evaluate(doc, {"a": ["fully"]}).questions["b"].shown
    assert not rules.evaluate(doc, {"a": []}).questions["b"].shown


def test_empty_values_are_not_answers() -> None:
    assert not any(rules.answered(v) for v in (None, "", "  ", [], {}))
    assert all(rules.answered(v) for v in (0, False, "0", ["x"], {"a": 1}))


numbers = st.one_of(st.none(), st.integers(-1000, 1000), st.floats(-1e6, 1e6, allow_nan=False))


@given(land=numbers, total=numbers, plan=st.one_of(st.none(), st.booleans()))
def test_properties_of_any_answers(land: Any, total: Any, plan: Any) -> None:
    values = {"land": land, "total": total, "has-plan": plan}
    result = rules.evaluate(DOC, values)
    # Every question has a state, in template order; only shown questions have issues.
    assert list(result.questions) == [q["key"] for _s, q in rules.questions(DOC)]
    for state in result.questions.values():
        assert state.shown or not state.issues
        assert state.shown or not state.required
        assert all(i.level in rules.LEVELS for i in state.issues)
    # The range rule fails exactly when the answer is outside 0 to 100.
    ranged = any(i.kind == "range" for i in result.issues)
    assert ranged == (land is not None and not 0 <= land <= 100)
    # The comparison fails exactly when both are answered and land exceeds total.
    compared = any(i.kind == "compare" for i in result.issues)
    assert compared == (land is not None and total is not None and land > total)
    # Evaluating never changes the answers and gives the same result twice.
    assert values == {"land": land, "total": total, "has-plan": plan}
    assert rules.evaluate(DOC, values) == result


def cbd() -> dict[str, Any]:
    return yaml.safe_load((TEMPLATES / "cbd-nr7.yaml").read_text(encoding="utf-8"))


def test_the_cbd_templates_conditional_questions_follow_their_answers() -> None:
    doc = cbd()
    # Question 1 asks whether the country is landlocked; 1.1(c), on sea-use change, is
    # asked (and required) only of a country that is not.
    follow = [
        q["key"] for _s, q in rules.questions(doc) if q.get("show_if", {}).get("question") == "1"
    ]
    assert follow == ["1_1_c"]
    landlocked = rules.evaluate(doc, {"1": "yes"})
    coastal = rules.evaluate(doc, {"1": "no"})
    assert not landlocked.questions["1_1_c"].shown
    assert landlocked.questions["1_1_a"].shown and landlocked.questions["1_1_a"].required
    assert coastal.questions["1_1_c"].shown and coastal.questions["1_1_c"].required
    missing = {i.question for i in coastal.issues if i.kind == "required"}
    assert "1_1_c" in missing and "1_1_c" not in {
        i.question for i in landlocked.issues if i.kind == "required"
    }


def test_sample_answers_satisfy_the_real_templates() -> None:
    concepts_file = TEMPLATES.parent / "concepts.yaml"
    shared = {c["id"]: c for c in yaml.safe_load(concepts_file.read_text())["concepts"]}
    for path in sorted(TEMPLATES.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        known = {**shared, **{c["id"]: c for c in doc.get("concepts") or []}}
        values = sample.answers(doc, known, seed=7)
        assert values == sample.answers(doc, known, seed=7)  # the same seed, the same report
        result = rules.evaluate(doc, values)
        failing = [(i.question, i.kind) for i in result.issues if i.level != "warning"]
        assert failing == [], path.name
