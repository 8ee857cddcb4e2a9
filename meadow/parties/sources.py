"""Reading the conventions file and Party lists, with no database access.

A Party list is a CSV with the columns ``convention,country,since`` (ISO alpha-3
country code, ISO date or empty). Every row is checked before anything is written;
the first problem raises ``SourceError`` naming the file, line and field.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meadow.core import i18n
from meadow.frameworks.sources import SourceError

DATA = Path(__file__).resolve().parent / "data"
CONVENTIONS = DATA / "conventions.json"
PARTY_LISTS = sorted(DATA.glob("*-parties.csv"))
PARTY_COLUMNS = ("convention", "country", "since")


@dataclass
class ConventionSpec:
    code: str
    acronym: str
    name: dict[str, str]
    order: int
    parent: str = ""
    adopted: dt.date | None = None
    entered_into_force: dt.date | None = None
    url: str = ""


@dataclass
class PartySpec:
    convention: str
    country: str
    since: dt.date | None
    source: str
    line: int


@dataclass
class ConventionsSpec:
    conventions: list[ConventionSpec] = field(default_factory=list)
    parties: list[PartySpec] = field(default_factory=list)


def _date(value: Any, path: Path, line: int | None, element: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise SourceError(
            path, f"{value!r} is not a date (YYYY-MM-DD)", line=line, element=element
        ) from None


def read_conventions(path: Path = CONVENTIONS) -> list[ConventionSpec]:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SourceError(path, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    if not isinstance(rows, list):
        raise SourceError(path, "expected a list of conventions")
    specs: list[ConventionSpec] = []
    codes: set[str] = set()
    for order, row in enumerate(rows, start=1):
        code = str(row.get("code", "")) if isinstance(row, dict) else ""
        where = code or f"#{order}"
        if not code or not str(row.get("acronym", "")):
            raise SourceError(path, "every convention needs a code and an acronym", element=where)
        if code in codes:
            raise SourceError(path, "code used twice", element=code)
        names = row.get("name")
        if not isinstance(names, dict) or set(names) - set(i18n.CONTENT_LANGUAGES):
            raise SourceError(path, "name must map UN language codes to text", element=code)
        parent = str(row.get("parent", ""))
        if parent and parent not in codes:
            raise SourceError(path, f"parent {parent!r} must come earlier", element=code)
        codes.add(code)
        specs.append(
            ConventionSpec(
                code=code,
                acronym=str(row["acronym"]),
                name={k: str(v) for k, v in names.items()},
                order=order,
                parent=parent,
                adopted=_date(row.get("adopted"), path, None, f"{code}.adopted"),
                entered_into_force=_date(
                    row.get("entered_into_force"), path, None, f"{code}.entered_into_force"
                ),
                url=str(row.get("url", "")),
            )
        )
    return specs


def read_parties(path: Path, conventions: set[str], countries: set[str]) -> list[PartySpec]:
    """Rows of a Party list, checked against the known conventions and country codes."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = tuple(reader.fieldnames or ())
            if header != PARTY_COLUMNS:
                raise SourceError(path, f"expected the columns {', '.join(PARTY_COLUMNS)}", line=1)
            specs: list[PartySpec] = []
            seen: set[tuple[str, str]] = set()
            for line, row in enumerate(reader, start=2):
                convention = (row["convention"] or "").strip()
                country = (row["country"] or "").strip().upper()
                if convention not in conventions:
                    raise SourceError(
                        path, f"unknown convention {convention!r}", line=line, element="convention"
                    )
                if country not in countries:
                    raise SourceError(
                        path, f"unknown country code {country!r}", line=line, element="country"
                    )
                if (convention, country) in seen:
                    raise SourceError(path, "listed twice", line=line, element="country")
                seen.add((convention, country))
                since = _date((row["since"] or "").strip(), path, line, "since")
                specs.append(PartySpec(convention, country, since, path.name, line))
    except UnicodeDecodeError:
        raise SourceError(path, "not UTF-8 text") from None
    return specs
