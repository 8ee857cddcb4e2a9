"""A template's conditions and validation rules, evaluated over a report's answers.

Pure Python (no Django): ``evaluate(document, values)`` takes a template document as
loaded (``meadow-report-template/1``) and the answers by question key, and says for
every question whether it is shown, whether it is required, and which rules fail.

- ``show_if``: the question is shown only when an earlier, shown question has the
  value (``equals``) or one of the values (``in``); for a multiple choice, when the
  answer contains it. A question that depends on a hidden one is hidden too.
- ``required`` / ``required_if``: a shown, required question without an answer is an
  issue of level ``error`` (or the level of its explicit ``required`` rule).
- rules (``range``, ``length``, ``pattern``, ``compare``, ``required``) apply to shown
  questions with an answer (``required`` to those without); a ``compare`` rule needs
  both answers.

Levels: ``blocker`` (the report can be neither approved nor submitted), ``error``
(stops approval unless the approver gives a reason), ``warning`` (shown only).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

BLOCKER, ERROR, WARNING = "blocker", "error", "warning"
LEVELS = (BLOCKER, ERROR, WARNING)

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    "=": operator.eq,
    ">=": operator.ge,
    ">": operator.gt,
}


def answered(value: Any) -> bool:
    """Whether a value counts as an answer (None, empty text and empty lists do not)."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, list | dict):
        return len(value) > 0
    return True


@dataclass(frozen=True)
class Issue:
    """One failing rule of one question.

    ``message`` holds the template's own texts by language when it gives them;
    otherwise the reader words the issue from ``kind`` and ``params``.
    """

    question: str
    level: str
    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)
    message: Mapping[str, str] = field(default_factory=dict)


@dataclass
class State:
    """What the rules say of one question."""

    key: str
    section: str
    shown: bool = True
    required: bool = False
    answered: bool = False
    issues: list[Issue] = field(default_factory=list)


@dataclass
class Evaluation:
    """Every question's state, in template order."""

    questions: dict[str, State]

    @property
    def issues(self) -> list[Issue]:
        return [issue for state in self.questions.values() for issue in state.issues]

    def count(self, level: str) -> int:
        return sum(1 for issue in self.issues if issue.level == level)

    def of(self, level: str) -> list[Issue]:
        return [issue for issue in self.issues if issue.level == level]


def questions(document: Mapping[str, Any]) -> Iterable[tuple[str, Mapping[str, Any]]]:
    """(section key, question) for every question, in order."""
    for section in document.get("sections") or []:
        for question in section.get("questions") or []:
            yield section["key"], question


def _matches(condition: Mapping[str, Any], value: Any) -> bool:
    wanted = [condition["equals"]] if "equals" in condition else list(condition.get("in") or [])
    if not answered(value):
        return False
    if isinstance(value, list):
        return any(_same(item, want) for item in value for want in wanted)
    return any(_same(value, want) for want in wanted)


def _same(value: Any, wanted: Any) -> bool:
    if isinstance(value, bool) or isinstance(wanted, bool):
        return value is wanted
    if isinstance(value, int | float) and isinstance(wanted, int | float):
        return float(value) == float(wanted)
    return str(value) == str(wanted)


def _holds(
    condition: Mapping[str, Any] | None, values: Mapping[str, Any], states: Mapping[str, State]
) -> bool:
    if not condition:
        return True
    target = condition.get("question", "")
    other = states.get(target)
    if other is None or not other.shown:
        return False
    return _matches(condition, values.get(target))


def _check(
    rule: Mapping[str, Any],
    key: str,
    value: Any,
    values: Mapping[str, Any],
    states: Mapping[str, State],
) -> dict[str, Any] | None:
    """The parameters of the failure, or None when the rule holds (or does not apply)."""
    kind = rule.get("kind")
    if kind == "range" and isinstance(value, int | float) and not isinstance(value, bool):
        low, high = rule.get("min"), rule.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            return {"value": value, "min": low, "max": high}
    elif kind == "length" and isinstance(value, str):
        if len(value) > rule.get("max", len(value)):
            return {"length": len(value), "max": rule["max"]}
    elif kind == "pattern" and isinstance(value, str):
        if re.search(rule.get("pattern", ""), value) is None:
            return {"pattern": rule.get("pattern", "")}
    elif kind == "compare":
        other_key = rule.get("question", "")
        other = values.get(other_key)
        state = states.get(other_key)
        if state is None or not state.shown or not answered(other) or isinstance(other, bool):
            return None
        op = OPERATORS.get(rule.get("op", ""))
        if op is None or type(value) is bool:
            return None
        try:
            holds = op(value, other)
        except TypeError:
            return None
        if not holds:
            return {"op": rule["op"], "question": other_key, "value": value, "other": other}
    return None


def evaluate(document: Mapping[str, Any], values: Mapping[str, Any]) -> Evaluation:
    """What the template's conditions and rules say of these answers (by question key)."""
    states: dict[str, State] = {}
    asked: list[Mapping[str, Any]] = []
    # First whether each question is shown and required (conditions look back only),
    # then the rules (a comparison may look forward).
    for section, question in questions(document):
        key = question["key"]
        state = State(key=key, section=section, answered=answered(values.get(key)))
        state.shown = _holds(question.get("show_if"), values, states)
        explicit = _required_rule(question)
        state.required = state.shown and (
            bool(question.get("required"))
            or explicit is not None
            or ("required_if" in question and _holds(question["required_if"], values, states))
        )
        states[key] = state
        asked.append(question)
    for question in asked:
        key = question["key"]
        state = states[key]
        if not state.shown:
            continue
        if state.required and not state.answered:
            explicit = _required_rule(question) or {}
            state.issues.append(
                Issue(
                    key, explicit.get("level", ERROR), "required", {}, explicit.get("message") or {}
                )
            )
        if not state.answered:
            continue
        for rule in question.get("rules") or []:
            if rule.get("kind") == "required":
                continue
            failure = _check(rule, key, values.get(key), values, states)
            if failure is not None:
                state.issues.append(
                    Issue(
                        key,
                        rule.get("level", ERROR),
                        rule["kind"],
                        failure,
                        rule.get("message") or {},
                    )
                )
    return Evaluation(states)


def _required_rule(question: Mapping[str, Any]) -> Mapping[str, Any] | None:
    return next((r for r in question.get("rules") or [] if r.get("kind") == "required"), None)
