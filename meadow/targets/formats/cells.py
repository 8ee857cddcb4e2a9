"""The cell syntax of the CSV and XLSX formats: lists and multilingual texts in one cell.

- A list cell holds items separated by ``;`` or line breaks. Inside an item, ``\\;``
  is a literal semicolon, ``\\|`` a literal bar, ``\\n`` a line break and ``\\\\`` a
  backslash.
- A short text in several languages is written ``en: Forest cover | fr: Couvert
  forestier``; a text without language tags is English.
- ``alignments``: ``gbf/target/3:full; gbf/goal/A:partial``.
- ``explanation_<lang>``: ``gbf/target/3: why ...; gbf/goal/A: why ...``; each
  explanation starts with the goal or target it explains, so it may hold semicolons.
- ``indicators``: ``gbf/indicator/3.1; Area of community conservancies``: GBF
  indicator uids and national indicator names.
- ``quantities``: ``gbf-3-land: 30 percent by 2030 from 16.5 in 2020 = Land area
  protected``: an optional global element code and colon, value, unit, ``by`` year,
  an optional ``from`` baseline value ``in`` baseline year, and an optional ``=``
  with what is counted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from meadow.core import i18n

ESCAPES = {"\\": "\\", ";": ";", "|": "|", "n": "\n"}
TAG = re.compile(r"^\s*(" + "|".join(i18n.CONTENT_LANGUAGES) + r")\s*:\s*(.*)$", re.S)
MARKER = re.compile(r"(?:^|;)\s*(gbf/(?:goal|target)/[A-Za-z0-9.]+)\s*:")
QUANTITY = re.compile(
    r"^(?:(?P<code>[a-z0-9][a-z0-9-]*)\s*:\s*)?"
    r"(?P<value>[^\s=]+)\s+(?P<unit>.+?)\s+by\s+(?P<year>[^\s=]+)"
    r"(?:\s+from\s+(?P<baseline_value>[^\s=]+)\s+in\s+(?P<baseline_year>[^\s=]+))?"
    r"\s*(?:=\s*(?P<name>.*))?$",
    re.S,
)


class CellError(ValueError):
    """A cell does not follow its syntax; the message says how it should read."""


def split(text: str, separators: str = ";\n") -> list[str]:
    """Split at separators that are not escaped; escapes are kept for the next step."""
    parts: list[str] = []
    current: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            current.append(char)
            current.append(next(chars, ""))
        elif char in separators:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def unescape(text: str) -> str:
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            if following not in ESCAPES:
                raise CellError(f"\\{following} is not an escape (use \\; \\| \\n or \\\\)")
            out.append(ESCAPES[following])
        else:
            out.append(char)
    return "".join(out).strip()


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace("|", "\\|").replace("\n", "\\n")


def tagged(raw: str) -> dict[str, str]:
    """``en: Name | fr: Nom`` (or a plain, English, text) as a six-language mapping."""
    parts = split(raw, "|")
    if not parts:
        return {}
    matches = [TAG.match(part) for part in parts]
    if len(parts) == 1 and matches[0] is None:
        return {i18n.FALLBACK: unescape(parts[0])}
    if any(m is None for m in matches):
        raise CellError(
            "write every language of a text with its tag (en: ... | fr: ...), "
            "or one English text without tags"
        )
    out: dict[str, str] = {}
    for match in matches:
        assert match is not None
        lang, text = match.group(1), unescape(match.group(2))
        if lang in out:
            raise CellError(f"{lang} is given twice")
        if text:
            out[lang] = text
    return out


def write_tagged(values: Mapping[str, str]) -> str:
    if not values:
        return ""
    if set(values) == {i18n.FALLBACK} and not TAG.match(values[i18n.FALLBACK]):
        return escape(values[i18n.FALLBACK])
    return " | ".join(f"{lang}: {escape(text)}" for lang, text in values.items())


def alignments(cell: str) -> list[tuple[str, str]]:
    """``uid:degree`` items."""
    out = []
    for item in split(cell):
        uid, sep, degree = item.rpartition(":")
        if not sep or not uid.strip():
            raise CellError(
                f"{item!r}: write the goal or target and the degree, e.g. gbf/target/3:full"
            )
        out.append((uid.strip(), degree.strip().lower()))
    return out


def write_alignments(items: list[tuple[str, str]]) -> str:
    return "; ".join(f"{uid}:{degree}" for uid, degree in items)


def explanations(cell: str) -> list[tuple[str, str]]:
    """``uid: text`` items, split only where an item starts with a goal or target uid."""
    text = cell.strip()
    if not text:
        return []
    found = list(MARKER.finditer(text))
    if not found or text[: found[0].start()].strip():
        raise CellError(
            "start each explanation with the goal or target it explains, "
            "e.g. gbf/target/3: Protected areas and OECMs"
        )
    out = []
    for n, match in enumerate(found):
        end = found[n + 1].start() if n + 1 < len(found) else len(text)
        body = text[match.end() : end].strip()
        if n + 1 == len(found) and body.endswith(";"):
            body = body[:-1].rstrip()
        out.append((match.group(1), body))
    return out


def write_explanations(items: list[tuple[str, str]]) -> str:
    return "; ".join(f"{uid}: {text}" for uid, text in items if text)


def number_text(value: float) -> str:
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def quantity(item: str) -> dict[str, Any]:
    """One quantity item as the raw fields (numbers still as text)."""
    match = QUANTITY.match(item)
    if match is None:
        raise CellError(
            f"{item!r}: write [global element:] value unit by year [from value in year] "
            "[= what is counted], e.g. gbf-3-land: 30 percent by 2030"
        )
    fields = match.groupdict()
    return {
        "global_element": fields["code"] or "",
        "value": fields["value"],
        "unit": unescape(fields["unit"]),
        "year": fields["year"],
        "baseline_value": fields["baseline_value"] or "",
        "baseline_year": fields["baseline_year"] or "",
        "quantity": tagged(fields["name"] or ""),
    }


def write_quantity(q: Mapping[str, Any]) -> str:
    head = f"{q['global_element']}: " if q.get("global_element") else ""
    text = f"{head}{number_text(float(q['value']))} {escape(q['unit'])} by {q['year']}"
    if q.get("baseline_value") is not None and q.get("baseline_year") is not None:
        text += f" from {number_text(float(q['baseline_value']))} in {q['baseline_year']}"
    if q.get("quantity"):
        text += f" = {write_tagged(q['quantity'])}"
    return text
