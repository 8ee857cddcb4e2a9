"""Reading and checking report template files and the shared concepts file.

A template file (YAML or JSON) is read with the line of every value kept, checked
against the published JSON Schema (``schema/template.schema.json``) for its
structure, then for its meaning: unique keys, concepts that exist, conditions that
point to an earlier question with values that question can take, options and
columns where the type needs them, rules that fit the question's type. Every
problem is collected with the file, the line (where the file gives one) and the
path of the value (``sections[2].questions[4].concept``); nothing here writes.

YAML is read with the rules of YAML 1.2 for plain scalars: only ``true`` and
``false`` are booleans (``yes``, ``no``, ``on`` and ``off`` stay text, as option
values often are), and dates stay text (``2026-02-28``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from meadow.frameworks.sources import SourceError

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
DATA = Path(__file__).resolve().parent / "data"
SHARED_CONCEPTS = DATA / "concepts.yaml"
SHIPPED_TEMPLATES = DATA / "templates"
TEMPLATE_FORMAT = "meadow-report-template/1"
CONCEPTS_FORMAT = "meadow-report-concepts/1"
SUFFIXES = (".yaml", ".yml", ".json")

PathPart = str | int


# --- reading -------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and no implicit dates."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where it is and what is wrong."""

    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f", line {self.line}" if self.line else "")
        return f"{where}, {self.path or '(top level)'}: {self.message}"


class TemplateRejected(SourceError):
    """A template or concepts file has problems; nothing was loaded."""

    def __init__(self, path: Path | str, problems: list[Problem]) -> None:
        first = problems[0]
        super().__init__(path, first.message, line=first.line, element=first.path)
        self.problems = problems
        self.args = (
            f"{Path(str(path)).name}: {len(problems)} problem(s), nothing loaded\n"
            + "\n".join(f"  {p}" for p in problems),
        )


def dotted(parts: Iterable[PathPart]) -> str:
    """``("sections", 2, "questions", 4, "concept")`` -> ``sections[2].questions[4].concept``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass
class Document:
    """A parsed file with the line of each value."""

    path: Path
    data: Any
    lines: dict[tuple[PathPart, ...], int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    def line(self, parts: Iterable[PathPart]) -> int | None:
        key = tuple(parts)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), None)

    def problem(self, parts: Iterable[PathPart], message: str) -> None:
        parts = tuple(parts)
        self.problems.append(Problem(self.name, dotted(parts), message, self.line(parts)))


def _walk_lines(
    node: yaml.Node, parts: tuple[PathPart, ...], doc: Document, lines: dict[Any, int]
) -> None:
    lines.setdefault(parts, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                doc.problems.append(
                    Problem(
                        doc.name,
                        dotted((*parts, key)),
                        f"the key {key!r} is given twice",
                        key_node.start_mark.line + 1,
                    )
                )
            seen.add(key)
            lines[(*parts, key)] = key_node.start_mark.line + 1
            _walk_lines(value_node, (*parts, key), doc, lines)
    elif isinstance(node, yaml.SequenceNode):
        for n, item in enumerate(node.value):
            _walk_lines(item, (*parts, n), doc, lines)


def read_document(path: Path | str) -> Document:
    """The file parsed, or TemplateRejected when it is not readable YAML or JSON."""
    path = Path(path)
    doc = Document(path=path, data=None)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TemplateRejected(path, [Problem(path.name, "", "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateRejected(
            path, [Problem(path.name, "", f"not a readable UTF-8 file ({exc})")]
        ) from None
    if path.suffix.lower() == ".json":
        try:
            doc.data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TemplateRejected(
                path, [Problem(path.name, "", f"not valid JSON: {exc.msg}", exc.lineno)]
            ) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Any, int] = {}
        if node is not None:
            _walk_lines(node, (), doc, lines)
        doc.lines = lines
        if path.suffix.lower() != ".json":
            doc.data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        if path.suffix.lower() == ".json":
            return doc  # valid JSON that YAML cannot follow: no line numbers, no harm
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise TemplateRejected(
            path, [Problem(path.name, "", f"not valid YAML: {reason}", line)]
        ) from None
    finally:
        loader.dispose()
    return doc


def digest(data: Any) -> str:
    """SHA-256 of the canonical JSON of a document (same for its YAML and JSON forms)."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- schema --------------------------------------------------------------------------


@cache
def schema(name: str) -> dict[str, Any]:
    """A published schema: ``template`` or ``concepts``."""
    loaded: dict[str, Any] = json.loads(
        (SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")
    )
    return loaded


@cache
def _validator(name: str) -> Draft202012Validator:
    registry: Registry[Any] = Registry().with_resources(
        (schema(n)["$id"], Resource.from_contents(schema(n))) for n in ("template", "concepts")
    )
    return Draft202012Validator(
        schema(name), registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _schema_message(error: Any) -> str:
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown key(s)")
    if error.validator in ("if", "then", "else", "not") or error.validator == "allOf":
        return error.message
    if error.validator == "type" and isinstance(error.instance, bool):
        return f"{error.message} (write it in quotes)"
    if error.validator == "type" and isinstance(error.instance, int | float):
        return f"{error.message} (write it in quotes to make it text)"
    return str(error.message)


def check_schema(doc: Document, name: str) -> None:
    """Add a problem for each place the document breaks the schema."""
    errors = sorted(
        _validator(name).iter_errors(doc.data), key=lambda e: [str(p) for p in e.absolute_path]
    )
    for error in errors:
        parts = tuple(error.absolute_path)
        if error.validator == "not" and isinstance(error.validator_value, dict):
            keys = error.validator_value.get("required", [])
            message = f"{', '.join(keys)} is not allowed for this type"
        else:
            message = _schema_message(error)
        doc.problem(parts, message)


# --- meaning -------------------------------------------------------------------------

CONDITION_TYPES = {"choice", "multiple-choice", "yes-no", "number", "text", "date"}
RULE_TYPES: dict[str, set[str]] = {
    "range": {"number"},
    "length": {"text", "rich-text"},
    "pattern": {"text"},
    "compare": {"number", "date"},
}


def concept_definition(item: Mapping[str, Any]) -> dict[str, Any]:
    """A concept as stored: what two declarations must agree on to be the same concept."""
    return {
        "type": item.get("type", ""),
        "title": dict(item.get("title") or {}),
        "description": dict(item.get("description") or {}),
        "unit": item.get("unit", "") or "",
        "options": list(item.get("options") or []),
        "columns": list(item.get("columns") or []),
        "indicator": item.get("indicator") or None,
    }


def _check_concepts(doc: Document, known_indicators: set[str] | None) -> dict[str, dict[str, Any]]:
    declared: dict[str, dict[str, Any]] = {}
    items = doc.data.get("concepts") if isinstance(doc.data, dict) else None
    for n, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        where = ("concepts", n)
        uid = item["id"]
        if uid in declared:
            doc.problem((*where, "id"), f"the concept {uid!r} is declared twice")
            continue
        declared[uid] = concept_definition(item)
        values = [o.get("value") for o in item.get("options") or [] if isinstance(o, dict)]
        if len(values) != len(set(map(str, values))):
            doc.problem((*where, "options"), "an option value is given twice")
        keys = [c.get("key") for c in item.get("columns") or [] if isinstance(c, dict)]
        if len(keys) != len(set(map(str, keys))):
            doc.problem((*where, "columns"), "a column key is given twice")
        indicator = item.get("indicator")
        if (
            known_indicators is not None
            and isinstance(indicator, str)
            and indicator not in known_indicators
        ):
            doc.problem((*where, "indicator"), f"{indicator!r} is not a known indicator")
    return declared


def _condition_value_problem(value: Any, concept: Mapping[str, Any]) -> str | None:
    kind = concept.get("type")
    if kind in ("choice", "multiple-choice"):
        options = [str(o.get("value")) for o in concept.get("options") or []]
        if options and (not isinstance(value, str) or value not in options):
            return f"{value!r} is not one of that question's options ({', '.join(options)})"
        return None
    if kind == "yes-no":
        return None if isinstance(value, bool) else f"{value!r} is not true or false"
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else f"{value!r} is not a number"
    if kind == "date":
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            return f"{value!r} is not a date (YYYY-MM-DD)"
        return None
    return None if isinstance(value, str) else f"{value!r} is not text"


def check_template(
    doc: Document,
    *,
    concepts: Mapping[str, Mapping[str, Any]],
    conventions: set[str] | None = None,
    indicators: set[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Check a template's structure and meaning; problems go to ``doc.problems``.

    ``concepts`` are the concepts the template may use besides those it declares
    (the shared file's and the database's), by uid; ``conventions`` and
    ``indicators`` are the known codes and indicator uids (None: not checked).
    Returns the concepts the template declares, by uid.
    """
    check_schema(doc, "template")
    data = doc.data
    if not isinstance(data, dict):
        return {}
    convention = data.get("convention")
    if conventions is not None and isinstance(convention, str) and convention not in conventions:
        doc.problem(("convention",), f"{convention!r} is not a known convention")
    declared = _check_concepts(doc, indicators)
    for uid, definition in declared.items():
        existing = concepts.get(uid)
        if existing is not None and concept_definition(existing) != definition:
            n = next(i for i, c in enumerate(data["concepts"]) if c.get("id") == uid)
            doc.problem(
                ("concepts", n, "id"),
                f"the concept {uid!r} already exists with a different definition",
            )
    usable = {**concepts, **declared}

    sections = data.get("sections")
    section_keys: set[str] = set()
    order: dict[str, int] = {}
    bound: dict[str, Mapping[str, Any]] = {}
    pending: list[tuple[tuple[PathPart, ...], dict[str, Any], int]] = []
    for s, section in enumerate(sections if isinstance(sections, list) else []):
        if not isinstance(section, dict):
            continue
        key = section.get("key")
        if isinstance(key, str):
            if key in section_keys:
                doc.problem(("sections", s, "key"), f"the section key {key!r} is used twice")
            section_keys.add(key)
        questions = section.get("questions")
        for q, question in enumerate(questions if isinstance(questions, list) else []):
            if not isinstance(question, dict):
                continue
            where: tuple[PathPart, ...] = ("sections", s, "questions", q)
            qkey = question.get("key")
            if isinstance(qkey, str):
                if qkey in order:
                    doc.problem((*where, "key"), f"the question key {qkey!r} is used twice")
                else:
                    order[qkey] = len(order)
            ref = question.get("concept")
            if isinstance(ref, str):
                if ref not in usable:
                    doc.problem(
                        (*where, "concept"),
                        f"the concept {ref!r} is neither declared in this file, "
                        "nor a shared concept, nor already loaded",
                    )
                elif isinstance(qkey, str):
                    bound.setdefault(qkey, usable[ref])
            pending.append((where, question, order.get(qkey, -1) if isinstance(qkey, str) else -1))

    for where, question, position in pending:
        own = bound.get(question.get("key", ""))
        for name in ("show_if", "required_if"):
            condition = question.get(name)
            if not isinstance(condition, dict) or not isinstance(condition.get("question"), str):
                continue
            target = condition["question"]
            if target not in order:
                doc.problem((*where, name, "question"), f"there is no question {target!r}")
                continue
            if order[target] >= position:
                doc.problem(
                    (*where, name, "question"),
                    f"the question {target!r} does not come before this one; a condition "
                    "can only depend on an earlier question",
                )
                continue
            concept = bound.get(target)
            if concept is None:
                continue
            if concept.get("type") not in CONDITION_TYPES:
                doc.problem(
                    (*where, name, "question"),
                    f"a condition cannot test a {concept.get('type')} answer",
                )
                continue
            values = (
                [("equals", condition["equals"])]
                if "equals" in condition
                else [(("in", i), v) for i, v in enumerate(condition.get("in") or [])]
            )
            for sub, value in values:
                problem = _condition_value_problem(value, concept)
                if problem:
                    parts = (*where, name, *(sub if isinstance(sub, tuple) else (sub,)))
                    doc.problem(parts, problem)
        rules = question.get("rules")
        for r, rule in enumerate(rules if isinstance(rules, list) else []):
            if not isinstance(rule, dict) or own is None:
                continue
            kind = rule.get("kind")
            allowed = RULE_TYPES.get(str(kind))
            if allowed is not None and own.get("type") not in allowed:
                doc.problem(
                    (*where, "rules", r, "kind"),
                    f"a {kind} rule does not apply to a {own.get('type')} question "
                    f"(only to {', '.join(sorted(allowed))})",
                )
                continue
            low, high = rule.get("min"), rule.get("max")
            if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
                doc.problem((*where, "rules", r), "min is greater than max")
            if kind == "pattern" and isinstance(rule.get("pattern"), str):
                try:
                    re.compile(rule["pattern"])
                except re.error as exc:
                    doc.problem((*where, "rules", r, "pattern"), f"not a valid pattern ({exc})")
            other = rule.get("question")
            if kind == "compare" and isinstance(other, str):
                if other not in order:
                    doc.problem((*where, "rules", r, "question"), f"there is no question {other!r}")
                elif other == question.get("key"):
                    doc.problem(
                        (*where, "rules", r, "question"), "a question cannot compare with itself"
                    )
                elif other in bound and bound[other].get("type") != own.get("type"):
                    doc.problem(
                        (*where, "rules", r, "question"),
                        f"cannot compare a {own.get('type')} with a "
                        f"{bound[other].get('type')} answer",
                    )
    return declared


def check_concepts_file(doc: Document, *, indicators: set[str] | None = None) -> dict[str, Any]:
    """Check the shared concepts file; returns its concepts by uid."""
    check_schema(doc, "concepts")
    if not isinstance(doc.data, dict):
        return {}
    return _check_concepts(doc, indicators)


def template_files(folder: Path = SHIPPED_TEMPLATES) -> list[Path]:
    """The template files in a folder, by name."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
