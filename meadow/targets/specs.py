"""A national target as it is given (by a form, the API or a file), its checks, its snapshot.

``TargetSpec`` holds a target with its codes not yet resolved, and where each part
came from (file, sheet, row, column), so that every problem can name its place.
``validate`` resolves the codes of many targets at once and returns every problem of
all of them; ``snapshot`` is the full JSON of a stored target, the shape of the JSON
export and of the audit log's before and after values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from meadow.core import i18n
from meadow.frameworks.models import Element
from meadow.indicators.formats.base import ERROR, Location, Problem
from meadow.targets.models import (
    Degree,
    GlobalElement,
    NationalTarget,
)

# A target code is the country's own numbering and the last part of its address.
CODE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,28}[A-Za-z0-9])?$")
CODE_LENGTH = 30
UNIT_LENGTH = 30
# National targets align with the goals and targets of the GBF, nothing else.
ALIGNABLE = re.compile(r"^gbf/(?:goal|target)/[A-Za-z0-9.]+$")
# What an indicator reference looks like (any framework), as against a national name.
INDICATOR_UID = re.compile(r"^[a-z][a-z0-9-]*/(?:indicator|sub-indicator)/\S+$")
INDICATOR_FRAMEWORK = "gbf"
MIN_YEAR = 1900
MAX_YEAR = 2100


def here(file: str = "") -> Location:
    return Location(file)


@dataclass
class Part:
    """Where one item of a target comes from: a location and, per field, its column."""

    where: Location = field(default_factory=here)
    columns: Mapping[str, str] = field(default_factory=dict)
    # Fields given in a form that could not be read (a problem is already reported).
    broken: set[str] = field(default_factory=set)

    def at(self, name: str) -> Location:
        column = self.columns.get(name) or self.where.column or name
        return replace(self.where, column=column)


@dataclass
class AlignmentSpec(Part):
    element: str = ""
    degree: str = ""
    explanation: dict[str, str] = field(default_factory=dict)


@dataclass
class IndicatorSpec(Part):
    element: str = ""  # uid of a framework indicator, or empty for a national one
    name: dict[str, str] = field(default_factory=dict)


@dataclass
class QuantitySpec(Part):
    global_element: str = ""  # code of a GlobalElement, or empty
    quantity: dict[str, str] = field(default_factory=dict)
    unit: str = ""
    value: float | None = None
    year: int | None = None
    baseline_value: float | None = None
    baseline_year: int | None = None

    def read_number(self, name: str, raw: Any, problems: list[Problem], label: str = "") -> None:
        value = number(raw, label or name, problems, self.at(name))
        if value is None and raw not in (None, ""):
            self.broken.add(name)
        setattr(self, name, value)

    def read_year(self, name: str, raw: Any, problems: list[Problem], label: str = "") -> None:
        value = year(raw, label or name, problems, self.at(name))
        if value is None and raw not in (None, ""):
            self.broken.add(name)
        setattr(self, name, value)


@dataclass
class TargetSpec(Part):
    code: str = ""
    title: dict[str, str] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    alignments: list[AlignmentSpec] = field(default_factory=list)
    indicators: list[IndicatorSpec] = field(default_factory=list)
    quantities: list[QuantitySpec] = field(default_factory=list)


@dataclass
class Resolved:
    """A checked target: its spec with every code resolved to a stored row."""

    spec: TargetSpec
    alignments: list[tuple[Element, AlignmentSpec]]
    indicators: list[tuple[Element | None, IndicatorSpec]]
    quantities: list[tuple[GlobalElement | None, QuantitySpec]]

    def content(self) -> dict[str, Any]:
        """The target's content in snapshot form, for comparison with a stored one."""
        return {
            "code": self.spec.code,
            "title": self.spec.title,
            "text": self.spec.text,
            "alignments": [
                {"element": e.uid, "degree": a.degree, "explanation": a.explanation}
                for e, a in sorted(
                    self.alignments, key=lambda pair: (pair[0].framework.order, pair[0].order)
                )
            ],
            "indicators": [_indicator_dict(e.uid if e else "", i.name) for e, i in self.indicators],
            "quantities": [
                _quantity_dict(g.code if g else None, q.quantity, q) for g, q in self.quantities
            ],
        }


# Loose input (the actions' arguments, the API) ----------------------------------------


class InvalidTarget(ValueError):
    """A target's content has problems; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "; ".join(_short(p) for p in problems[:10])
        more = f"; and {len(problems) - 10} more" if len(problems) > 10 else ""
        super().__init__(f"{len(problems)} problem(s): {shown}{more}")

    def by_field(self) -> dict[str, list[str]]:
        """Problems keyed by the field they concern (``alignments[0].degree``)."""
        out: dict[str, list[str]] = {}
        for problem in self.problems:
            out.setdefault(problem.location.column or "non_field_errors", []).append(problem.reason)
        return out


def _short(problem: Problem) -> str:
    where = problem.location
    if where.file or where.row is not None:
        return str(problem)
    return f"{where.column}: {problem.reason}" if where.column else problem.reason


def six(value: Any, name: str, problems: list[Problem], where: Location) -> dict[str, str]:
    """A six-language text from a mapping, or from plain text (taken as English)."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        value = {i18n.FALLBACK: value}
    try:
        return i18n.clean(value, field=name)
    except ValueError as exc:
        problems.append(Problem(where, str(exc), ERROR, "bad-text"))
        return {}


def number(value: Any, name: str, problems: list[Problem], where: Location) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        problems.append(Problem(where, f"{name}: {value!r} is not a number", ERROR, "bad-number"))
        return None
    try:
        result = float(value)
    except ValueError:
        problems.append(Problem(where, f"{name}: {value!r} is not a number", ERROR, "bad-number"))
        return None
    if not math.isfinite(result):
        problems.append(
            Problem(where, f"{name}: {value!r} is not a finite number", ERROR, "bad-number")
        )
        return None
    return result


def year(value: Any, name: str, problems: list[Problem], where: Location) -> int | None:
    if value is None or value == "":
        return None
    found: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        found = value
    elif isinstance(value, float) and value.is_integer():
        found = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        found = int(value.strip())
    if found is None or not MIN_YEAR <= found <= MAX_YEAR:
        problems.append(
            Problem(
                where,
                f"{name}: {value!r} is not a year between {MIN_YEAR} and {MAX_YEAR}",
                ERROR,
                "bad-year",
            )
        )
        return None
    return found


def _field(item: Any, key: str, index: int) -> Any:
    if isinstance(item, Mapping):
        return item.get(key)
    if isinstance(item, Sequence) and not isinstance(item, str):
        return item[index] if index < len(item) else None
    return None


def alignment_specs(items: Iterable[Any], problems: list[Problem]) -> list[AlignmentSpec]:
    """Alignments from ``(uid, degree, explanation)`` tuples or ``{"element": ...}`` mappings."""
    out = []
    for n, item in enumerate(items):
        where = Location("", None, f"alignments[{n}]")
        columns = {k: f"alignments[{n}].{k}" for k in ("element", "degree", "explanation")}
        if not isinstance(item, Mapping | Sequence) or isinstance(item, str):
            problems.append(Problem(where, "expected (element, degree, explanation)", ERROR))
            continue
        spec = AlignmentSpec(where=where, columns=columns)
        spec.element = str(_field(item, "element", 0) or "").strip()
        spec.degree = str(_field(item, "degree", 1) or "").strip()
        spec.explanation = six(
            _field(item, "explanation", 2), "explanation", problems, spec.at("explanation")
        )
        out.append(spec)
    return out


def indicator_specs(items: Iterable[Any], problems: list[Problem]) -> list[IndicatorSpec]:
    """Indicators from uids or national names (strings), or ``{"element"}``/``{"name"}``."""
    out = []
    for n, item in enumerate(items):
        where = Location("", None, f"indicators[{n}]")
        spec = IndicatorSpec(
            where=where, columns={k: f"indicators[{n}].{k}" for k in ("element", "name")}
        )
        if isinstance(item, str):
            text = item.strip()
            if INDICATOR_UID.match(text):
                spec.element = text
            else:
                spec.name = six(text, "name", problems, where)
        elif isinstance(item, Mapping):
            spec.element = str(item.get("element") or "").strip()
            spec.name = six(item.get("name"), "name", problems, spec.at("name"))
        else:
            problems.append(Problem(where, "expected an indicator uid or a name", ERROR))
            continue
        out.append(spec)
    return out


QUANTITY_FIELDS = (
    "global_element",
    "quantity",
    "unit",
    "value",
    "year",
    "baseline_value",
    "baseline_year",
)


def quantity_specs(items: Iterable[Any], problems: list[Problem]) -> list[QuantitySpec]:
    """Quantities from mappings with the fields of ``QUANTITY_FIELDS``."""
    out = []
    for n, item in enumerate(items):
        where = Location("", None, f"quantities[{n}]")
        if not isinstance(item, Mapping):
            problems.append(Problem(where, "expected a mapping of quantity fields", ERROR))
            continue
        spec = QuantitySpec(
            where=where, columns={k: f"quantities[{n}].{k}" for k in QUANTITY_FIELDS}
        )
        spec.global_element = str(item.get("global_element") or "").strip()
        spec.quantity = six(item.get("quantity"), "quantity", problems, spec.at("quantity"))
        spec.unit = str(item.get("unit") or "").strip()
        spec.read_number("value", item.get("value"), problems)
        spec.read_year("year", item.get("year"), problems)
        spec.read_number("baseline_value", item.get("baseline_value"), problems, "baseline value")
        spec.read_year("baseline_year", item.get("baseline_year"), problems, "baseline year")
        out.append(spec)
    return out


def target_spec(
    *,
    code: str,
    title: Any,
    text: Any = None,
    alignments: Iterable[Any] = (),
    indicators: Iterable[Any] = (),
    quantities: Iterable[Any] = (),
) -> tuple[TargetSpec, list[Problem]]:
    """A spec from the loose values an action or the API is given; with the shape problems."""
    problems: list[Problem] = []
    spec = TargetSpec(code=str(code or "").strip())
    spec.title = six(title, "title", problems, spec.at("title"))
    spec.text = six(text, "text", problems, spec.at("text"))
    spec.alignments = alignment_specs(alignments or (), problems)
    spec.indicators = indicator_specs(indicators or (), problems)
    spec.quantities = quantity_specs(quantities or (), problems)
    return spec, problems


# Checking -----------------------------------------------------------------------------


def validate(specs: Sequence[TargetSpec]) -> tuple[list[Resolved], list[Problem]]:
    """Check every target and resolve its codes; every problem of every target is returned."""
    problems: list[Problem] = []
    uids = {a.element for s in specs for a in s.alignments} | {
        i.element for s in specs for i in s.indicators if i.element
    }
    elements = {e.uid: e for e in Element.objects.filter(uid__in=uids).select_related("framework")}
    codes = {q.global_element for s in specs for q in s.quantities if q.global_element}
    global_elements = {g.code: g for g in GlobalElement.objects.filter(code__in=codes)}
    seen: dict[str, Location] = {}
    resolved = []
    for spec in specs:
        before = len(problems)
        _check_code(spec, seen, problems)
        if not spec.title:
            problems.append(
                Problem(
                    spec.at("title"),
                    "a title is required (in at least one language)",
                    ERROR,
                    "missing-title",
                )
            )
        alignments = _check_alignments(spec, elements, problems)
        indicators = _check_indicators(spec, elements, problems)
        quantities = _check_quantities(spec, global_elements, problems)
        if len(problems) == before:
            resolved.append(Resolved(spec, alignments, indicators, quantities))
    return resolved, problems


def _check_code(spec: TargetSpec, seen: dict[str, Location], problems: list[Problem]) -> None:
    where = spec.at("code")
    if not spec.code:
        problems.append(Problem(where, "the target code is missing", ERROR, "missing-code"))
        return
    if len(spec.code) > CODE_LENGTH or not CODE.match(spec.code):
        problems.append(
            Problem(
                where,
                f"{spec.code!r} is not a target code: use up to {CODE_LENGTH} letters, digits, "
                "dots, dashes and underscores, starting and ending with a letter or digit",
                ERROR,
                "bad-code",
            )
        )
        return
    key = spec.code.casefold()
    if key in seen:
        first = seen[key]
        at = f"row {first.row}" if first.row is not None else "an earlier target"
        problems.append(
            Problem(
                where,
                f"the code {spec.code!r} is used twice (also at {at})",
                ERROR,
                "duplicate-code",
            )
        )
        return
    seen[key] = where


def _check_alignments(
    spec: TargetSpec, elements: dict[str, Element], problems: list[Problem]
) -> list[tuple[Element, AlignmentSpec]]:
    out = []
    seen: set[str] = set()
    for item in spec.alignments:
        element = elements.get(item.element) if ALIGNABLE.match(item.element) else None
        ok = True
        if element is None:
            problems.append(
                Problem(
                    item.at("element"),
                    f"{item.element!r} is not a goal or target of the GBF "
                    "(gbf/goal/A, gbf/target/3 ...)"
                    if item.element
                    else "the GBF goal or target is missing",
                    ERROR,
                    "unknown-element",
                )
            )
            ok = False
        if item.degree not in Degree.values:
            problems.append(
                Problem(
                    item.at("degree"),
                    f"{item.degree!r} is not a degree of alignment ({', '.join(Degree.values)})"
                    if item.degree
                    else f"the degree of alignment is missing ({', '.join(Degree.values)})",
                    ERROR,
                    "bad-degree",
                )
            )
            ok = False
        if item.element in seen:
            problems.append(
                Problem(
                    item.at("element"),
                    f"{item.element} is listed twice",
                    ERROR,
                    "duplicate-alignment",
                )
            )
            ok = False
        seen.add(item.element)
        if ok and element is not None:
            out.append((element, item))
    return out


def _check_indicators(
    spec: TargetSpec, elements: dict[str, Element], problems: list[Problem]
) -> list[tuple[Element | None, IndicatorSpec]]:
    out: list[tuple[Element | None, IndicatorSpec]] = []
    seen: set[str] = set()
    for item in spec.indicators:
        if item.element:
            element = elements.get(item.element)
            if (
                element is None
                or element.framework.slug != INDICATOR_FRAMEWORK
                or element.level not in ("indicator", "sub-indicator")
            ):
                problems.append(
                    Problem(
                        item.at("element"),
                        f"{item.element!r} is not an indicator of the GBF monitoring framework",
                        ERROR,
                        "unknown-indicator",
                    )
                )
                continue
            if element.uid in seen:
                problems.append(
                    Problem(
                        item.at("element"),
                        f"{element.uid} is listed twice",
                        ERROR,
                        "duplicate-indicator",
                    )
                )
                continue
            seen.add(element.uid)
            out.append((element, item))
        elif item.name:
            out.append((None, item))
        else:
            problems.append(
                Problem(
                    item.at("name"),
                    "an indicator needs a GBF indicator uid or a name",
                    ERROR,
                    "missing-indicator",
                )
            )
    return out


def _check_quantities(
    spec: TargetSpec, global_elements: dict[str, GlobalElement], problems: list[Problem]
) -> list[tuple[GlobalElement | None, QuantitySpec]]:
    out = []
    for item in spec.quantities:
        before = len(problems)
        found = None
        if item.global_element:
            found = global_elements.get(item.global_element)
            if found is None:
                problems.append(
                    Problem(
                        item.at("global_element"),
                        f"{item.global_element!r} is not a global element "
                        "(gbf-3-land, gbf-19-total ...)",
                        ERROR,
                        "unknown-global-element",
                    )
                )
        if not item.unit:
            problems.append(Problem(item.at("unit"), "the unit is missing", ERROR, "missing-unit"))
        elif len(item.unit) > UNIT_LENGTH:
            problems.append(
                Problem(
                    item.at("unit"),
                    f"the unit is longer than {UNIT_LENGTH} characters",
                    ERROR,
                    "bad-unit",
                )
            )
        if item.value is None and "value" not in _reported(problems, item, "value"):
            problems.append(
                Problem(item.at("value"), "the value is missing", ERROR, "missing-value")
            )
        if item.year is None and "year" not in _reported(problems, item, "year"):
            problems.append(Problem(item.at("year"), "the year is missing", ERROR, "missing-year"))
        if (item.baseline_value is None) != (item.baseline_year is None):
            name = "baseline_year" if item.baseline_year is None else "baseline_value"
            if name not in _reported(problems, item, name):
                problems.append(
                    Problem(
                        item.at(name),
                        "a baseline needs both its value and its year",
                        ERROR,
                        "incomplete-baseline",
                    )
                )
        if (
            item.year is not None
            and item.baseline_year is not None
            and item.baseline_year > item.year
        ):
            problems.append(
                Problem(
                    item.at("baseline_year"),
                    f"the baseline year {item.baseline_year} comes after the target year "
                    f"{item.year}",
                    ERROR,
                    "bad-year",
                )
            )
        if len(problems) == before:
            out.append((found, item))
    return out


def _reported(problems: list[Problem], item: Part, name: str) -> set[str]:
    """Fields of ``item`` that already have a problem (a bad number is not also missing)."""
    where = item.at(name)
    return {name for p in problems if p.location == where} | item.broken


# Snapshots ------------------------------------------------------------------------------


def _indicator_dict(uid: str, name: Mapping[str, str]) -> dict[str, Any]:
    return {"element": uid} if uid else {"name": dict(name)}


def _quantity_dict(code: str | None, quantity: Mapping[str, str], q: Any) -> dict[str, Any]:
    return {
        "global_element": code,
        "quantity": dict(quantity),
        "unit": q.unit,
        "value": float(q.value),
        "year": int(q.year),
        "baseline_value": None if q.baseline_value is None else float(q.baseline_value),
        "baseline_year": q.baseline_year,
    }


CONTENT_KEYS = ("code", "title", "text", "alignments", "indicators", "quantities")


def snapshot(target: NationalTarget) -> dict[str, Any]:
    """The full JSON of a stored target: its content, status and version.

    Alignments come in the GBF's order; indicators and quantities in their own.
    """
    alignments = sorted(
        target.alignments.select_related("element__framework"),
        key=lambda a: (a.element.framework.order, a.element.order),
    )
    return {
        "country": target.country.code,
        "code": target.code,
        "title": dict(target.title),
        "text": dict(target.text),
        "status": target.status,
        "version": target.version,
        "alignments": [
            {"element": a.element.uid, "degree": a.degree, "explanation": dict(a.explanation)}
            for a in alignments
        ],
        "indicators": [
            _indicator_dict(i.element.uid if i.element else "", i.name)
            for i in target.indicators.select_related("element").order_by("order", "id")
        ],
        "quantities": [
            _quantity_dict(q.global_element.code if q.global_element else None, q.quantity, q)
            for q in target.quantities.select_related("global_element").order_by("order", "id")
        ],
    }


def content(snap: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a snapshot a save can change (no country, status or version)."""
    return {key: snap[key] for key in CONTENT_KEYS}
