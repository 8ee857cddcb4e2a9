"""The JSON format: one document ``{"country": "KEN", "targets": [...]}``.

Each target is an object with ``code``, ``title`` and ``text`` (six-language objects,
or plain English text), ``alignments`` (``element``, ``degree``, ``explanation``),
``indicators`` (``{"element": uid}`` or ``{"name": {...}}``) and ``quantities``
(``global_element``, ``quantity``, ``unit``, ``value``, ``year``, ``baseline_value``,
``baseline_year``). ``status`` and ``version`` are written by the export and ignored
on import. A problem names the target's position in the list as its row and the
JSON path of the field as its column (``targets[2].alignments[0].degree``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from meadow.indicators.formats.base import ERROR, Location, Problem
from meadow.targets import specs
from meadow.targets.formats.base import ReadResult
from meadow.targets.specs import AlignmentSpec, IndicatorSpec, QuantitySpec, TargetSpec

TOP_KEYS = {"country", "targets"}
TARGET_KEYS = {"code", "title", "text", "alignments", "indicators", "quantities"}
IGNORED_KEYS = {"status", "version"}
ALIGNMENT_KEYS = {"element", "degree", "explanation"}
INDICATOR_KEYS = {"element", "name"}


def read(raw: bytes, result: ReadResult) -> None:
    file = result.file
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        result.problems.append(
            Problem(Location(file), f"not UTF-8 text (byte {exc.start})", ERROR, "encoding")
        )
        return
    except json.JSONDecodeError as exc:
        result.problems.append(
            Problem(
                Location(file, exc.lineno, f"character {exc.colno}"),
                f"not valid JSON: {exc.msg}",
                ERROR,
                "bad-json",
            )
        )
        return
    if not isinstance(document, dict) or not isinstance(document.get("targets"), list):
        result.problems.append(
            Problem(
                Location(file),
                'expected an object {"country": "KEN", "targets": [...]}',
                ERROR,
                "bad-json",
            )
        )
        return
    for key in sorted(set(document) - TOP_KEYS):
        result.problems.append(Problem(Location(file, None, key), f"unknown field {key!r}", ERROR))
    country = document.get("country")
    if country is not None and not isinstance(country, str):
        result.problems.append(Problem(Location(file, None, "country"), "expected a country code"))
    result.country = (country or "").strip().upper() if isinstance(country, str) else ""
    for n, item in enumerate(document["targets"]):
        spec = _target(file, n, item, result.problems)
        if spec is not None:
            result.targets.append(spec)


def _unknown(
    item: dict[str, Any], known: set[str], where: Location, path: str, problems: list[Problem]
) -> None:
    for key in sorted(set(item) - known):
        problems.append(
            Problem(
                Location(where.file, where.row, f"{path}.{key}"),
                f"unknown field {key!r}; the fields are {', '.join(sorted(known))}",
                ERROR,
                "unknown-field",
            )
        )


def _list(item: dict[str, Any], key: str, where: Location, problems: list[Problem]) -> list[Any]:
    value = item.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(where, f"{key}: expected a list", ERROR, "bad-json"))
        return []
    return value


def _target(file: str, n: int, item: Any, problems: list[Problem]) -> TargetSpec | None:
    path = f"targets[{n}]"
    where = Location(file, n + 1, path)
    if not isinstance(item, dict):
        problems.append(Problem(where, "expected an object", ERROR, "bad-json"))
        return None
    _unknown(item, TARGET_KEYS | IGNORED_KEYS, where, path, problems)
    spec = TargetSpec(where=where, columns={k: f"{path}.{k}" for k in TARGET_KEYS})
    code = item.get("code")
    if code is not None and not isinstance(code, str | int):
        problems.append(Problem(spec.at("code"), "expected text", ERROR, "bad-code"))
    spec.code = str(code or "").strip()
    spec.title = specs.six(item.get("title"), "title", problems, spec.at("title"))
    spec.text = specs.six(item.get("text"), "text", problems, spec.at("text"))
    for m, entry in enumerate(_list(item, "alignments", spec.at("alignments"), problems)):
        sub = f"{path}.alignments[{m}]"
        at = Location(file, n + 1, sub)
        if not isinstance(entry, dict):
            problems.append(Problem(at, "expected an object with element and degree", ERROR))
            continue
        _unknown(entry, ALIGNMENT_KEYS, at, sub, problems)
        alignment = AlignmentSpec(where=at, columns={k: f"{sub}.{k}" for k in ALIGNMENT_KEYS})
        alignment.element = str(entry.get("element") or "").strip()
        alignment.degree = str(entry.get("degree") or "").strip()
        alignment.explanation = specs.six(
            entry.get("explanation"), "explanation", problems, alignment.at("explanation")
        )
        spec.alignments.append(alignment)
    for m, entry in enumerate(_list(item, "indicators", spec.at("indicators"), problems)):
        sub = f"{path}.indicators[{m}]"
        at = Location(file, n + 1, sub)
        indicator = IndicatorSpec(where=at, columns={k: f"{sub}.{k}" for k in INDICATOR_KEYS})
        if isinstance(entry, str):
            if specs.INDICATOR_UID.match(entry.strip()):
                indicator.element = entry.strip()
            else:
                indicator.name = specs.six(entry, "name", problems, at)
        elif isinstance(entry, dict):
            _unknown(entry, INDICATOR_KEYS, at, sub, problems)
            indicator.element = str(entry.get("element") or "").strip()
            indicator.name = specs.six(entry.get("name"), "name", problems, indicator.at("name"))
        else:
            problems.append(Problem(at, "expected an indicator uid, a name or an object", ERROR))
            continue
        spec.indicators.append(indicator)
    for m, entry in enumerate(_list(item, "quantities", spec.at("quantities"), problems)):
        sub = f"{path}.quantities[{m}]"
        at = Location(file, n + 1, sub)
        if not isinstance(entry, dict):
            problems.append(Problem(at, "expected an object", ERROR))
            continue
        _unknown(entry, set(specs.QUANTITY_FIELDS), at, sub, problems)
        quantity = QuantitySpec(where=at, columns={k: f"{sub}.{k}" for k in specs.QUANTITY_FIELDS})
        quantity.global_element = str(entry.get("global_element") or "").strip()
        quantity.quantity = specs.six(
            entry.get("quantity"), "quantity", problems, quantity.at("quantity")
        )
        quantity.unit = str(entry.get("unit") or "").strip()
        for name in ("value", "baseline_value"):
            value = entry.get(name)
            if isinstance(value, str):
                quantity.broken.add(name)
                problems.append(
                    Problem(
                        quantity.at(name),
                        f"{name}: {value!r} is a text, not a number",
                        ERROR,
                        "bad-number",
                    )
                )
                continue
            quantity.read_number(name, value, problems)
        quantity.read_year("year", entry.get("year"), problems)
        quantity.read_year("baseline_year", entry.get("baseline_year"), problems)
        spec.quantities.append(quantity)
    return spec


def dump(country: str, snapshots: Sequence[dict[str, Any]]) -> bytes:
    targets = [{k: v for k, v in snap.items() if k != "country"} for snap in snapshots]
    document = {"country": country, "targets": targets}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
