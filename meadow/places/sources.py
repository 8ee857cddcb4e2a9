"""Reading the places sources into plain specs, with no database access.

The sources, all under ``data/``:

- ``m49/country-codes.csv``: one row per country or area with its M49 and ISO codes,
  its region codes, the LDC/LLDC/SIDS flags and its UN names in the six languages;
- ``m49/UNSD-{ar,cn,en,es,fr,ru}.csv``: the UNSD M49 overview in each language, the
  only source of the names of the world, regions and sub-regions in six languages;
- ``countrygroups/countrygroups_0.13.0.csv``: group memberships as of 2021, of which
  the UN regional groups are used;
- ``countryinfo/weights.csv``: population and area per country;
- ``groups.json``: Meadow's own definition of each group (name in six languages,
  who defines it, and where its members come from).

``read`` validates every file before anything is written and raises ``SourceError``
naming the file, line and element of the first problem it finds.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meadow.frameworks.sources import SourceError, line_of, read_text

LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")

WORLD = "world"
REGION = "region"
SUB_REGION = "sub-region"
INTERMEDIATE_REGION = "intermediate-region"
COUNTRY = "country"
PLACE_KINDS = (WORLD, REGION, SUB_REGION, INTERMEDIATE_REGION, COUNTRY)

GROUP_KINDS = ("un-regional-group", "development-status", "convention-group", "custom")

COUNTRY_CODES = Path("m49") / "country-codes.csv"
# UNSD spells the Chinese download "cn".
UNSD_FILES = {
    lang: Path("m49") / f"UNSD-{'cn' if lang == 'zh' else lang}.csv" for lang in LANGUAGES
}
COUNTRY_GROUPS = Path("countrygroups") / "countrygroups_0.13.0.csv"
WEIGHTS = Path("countryinfo") / "weights.csv"
GROUP_DEFINITIONS = Path("groups.json")

FLAG_COLUMNS = {
    "ldc": "Least Developed Countries (LDC)",
    "lldc": "Land Locked Developing Countries (LLDC)",
    "sids": "Small Island Developing States (SIDS)",
}
_LANGUAGE_NAMES = {
    "ar": "Arabic",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "ru": "Russian",
    "zh": "Chinese",
}
NAME_COLUMNS = {lang: f"official_name_{'cn' if lang == 'zh' else lang}" for lang in LANGUAGES}
FORMAL_NAME_COLUMNS = {lang: f"UNTERM {_LANGUAGE_NAMES[lang]} Formal" for lang in LANGUAGES}
AREA_COLUMNS = {
    REGION: "Region Code",
    SUB_REGION: "Sub-region Code",
    INTERMEDIATE_REGION: "Intermediate Region Code",
}
COUNTRY_COLUMNS = [
    "ISO3166-1-Alpha-3",
    "ISO3166-1-Alpha-2",
    "M49",
    "Global Code",
    *AREA_COLUMNS.values(),
    *FLAG_COLUMNS.values(),
    *NAME_COLUMNS.values(),
    *FORMAL_NAME_COLUMNS.values(),
]
UNSD_COLUMNS = [
    "Global Code",
    "Global Name",
    "Region Code",
    "Region Name",
    "Sub-region Code",
    "Sub-region Name",
    "Intermediate Region Code",
    "Intermediate Region Name",
    "Country or Area",
    "M49 Code",
    "ISO-alpha2 Code",
    "ISO-alpha3 Code",
    *FLAG_COLUMNS.values(),
]
GROUP_COLUMNS = ["group", "subgroup", "iso3"]
WEIGHT_COLUMNS = ["iso3", "population", "area_km2"]

WORLD_CODE = "001"
_ISO3 = re.compile(r"[A-Z]{3}")
_ISO2 = re.compile(r"[A-Z]{2}")
_M49 = re.compile(r"\d{1,3}")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_GROUP_NAME = re.compile(r"[A-Z0-9_]+")
_SUBGROUP_NAME = re.compile(r"[A-Z0-9_/]*")


@dataclass
class PlaceSpec:
    code: str
    kind: str
    m49: str
    name: dict[str, str]
    order: int
    iso2: str = ""
    iso3: str = ""
    formal_name: dict[str, str] = field(default_factory=dict)
    parent_code: str | None = None

    @property
    def uid(self) -> str:
        return f"place/{self.code}"


@dataclass
class GroupSpec:
    slug: str
    kind: str
    defined_by: str
    name: dict[str, str]
    order: int
    members: list[str]
    description: dict[str, str] = field(default_factory=dict)
    source: str = ""
    source_url: str = ""

    @property
    def uid(self) -> str:
        return f"group/{self.slug}"


@dataclass
class WeightSetSpec:
    slug: str
    name: dict[str, str]
    unit: str
    year: str
    source: str
    source_url: str
    licence: str
    order: int
    values: dict[str, float]
    description: dict[str, str] = field(default_factory=dict)

    @property
    def uid(self) -> str:
        return f"weights/{self.slug}"


@dataclass
class PlacesSpec:
    places: list[PlaceSpec]
    groups: list[GroupSpec]
    weight_sets: list[WeightSetSpec]
    files: list[Path] = field(default_factory=list)


@dataclass
class _Country:
    line: int
    iso3: str
    iso2: str
    m49: str
    areas: dict[str, str]
    flags: set[str]
    name: dict[str, str]
    formal_name: dict[str, str]


@dataclass(frozen=True)
class _WeightColumn:
    slug: str
    column: str
    name: dict[str, str]
    description: dict[str, str]
    unit: str


_COUNTRYINFO = {
    "year": "as published",
    "source": "countryinfo 1.0.1 (Porimol Chandro), country data files",
    "source_url": "https://pypi.org/project/countryinfo/1.0.1/",
    "licence": "MIT",
}
WEIGHT_SETS = [
    _WeightColumn(
        slug="population",
        column="population",
        name={
            "ar": "السكان",
            "en": "Population",
            "es": "Población",
            "fr": "Population",
            "ru": "Население",
            "zh": "人口",
        },
        description={
            "en": "Population per country or area as published in countryinfo 1.0.1, "
            "which states no reference year.",
        },
        unit="people",
    ),
    _WeightColumn(
        slug="area",
        column="area_km2",
        name={
            "ar": "المساحة",
            "en": "Area",
            "es": "Superficie",
            "fr": "Superficie",
            "ru": "Площадь",
            "zh": "面积",
        },
        description={
            "en": "Area in square kilometres per country or area as published in "
            "countryinfo 1.0.1: the total area, land and inland water together, since the "
            "source gives no separate land area.",
        },
        unit="km²",
    ),
]


def _table(path: Path, columns: list[str], *, exact: bool) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV file with their line numbers, after checking its header."""
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = [cell.strip() for cell in next(reader, [])]
        if not any(header):
            raise SourceError(path, "file is empty", line=1)
        if exact and header != columns:
            raise SourceError(
                path, f"expected columns {','.join(columns)}, found {','.join(header)}", line=1
            )
        missing = [name for name in columns if name not in header]
        if missing:
            raise SourceError(path, f"column {missing[0]!r} is missing", line=1)
        repeated = [name for name, count in Counter(header).items() if count > 1]
        if repeated:
            raise SourceError(path, f"column {repeated[0]!r} appears twice", line=1)
        line = reader.line_num + 1
        for row in reader:
            # A quoted field may span lines: the row starts where the previous one ended.
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise SourceError(
                    path, f"expected {len(header)} fields, found {len(row)}", line=start
                )
            rows.append((start, {k: v.strip() for k, v in zip(header, row, strict=True)}))
    except csv.Error as exc:
        raise SourceError(path, f"not valid CSV: {exc}", line=reader.line_num) from None
    return rows


def _m49(value: str, path: Path, line: int, element: str, what: str = "M49 code") -> str:
    if not _M49.fullmatch(value):
        raise SourceError(
            path,
            f"{what} {value!r} is not a number of up to three digits",
            line=line,
            element=element,
        )
    return value.zfill(3)


def _countries(path: Path) -> list[_Country]:
    countries: list[_Country] = []
    seen: dict[str, dict[str, int]] = {"iso3": {}, "iso2": {}, "m49": {}}
    for line, row in _table(path, COUNTRY_COLUMNS, exact=False):
        iso3 = row["ISO3166-1-Alpha-3"]
        if not _ISO3.fullmatch(iso3):
            raise SourceError(
                path,
                f"ISO alpha-3 code {iso3!r} is not three capital letters",
                line=line,
                element=iso3 or row[NAME_COLUMNS["en"]],
            )
        iso2 = row["ISO3166-1-Alpha-2"]
        if not _ISO2.fullmatch(iso2):
            raise SourceError(
                path,
                f"ISO alpha-2 code {iso2!r} is not two capital letters",
                line=line,
                element=iso3,
            )
        m49 = _m49(row["M49"], path, line, iso3)
        for key, value in (("iso3", iso3), ("iso2", iso2), ("m49", m49)):
            if value in seen[key]:
                raise SourceError(
                    path,
                    f"{key} {value} is already used on line {seen[key][value]}",
                    line=line,
                    element=iso3,
                )
            seen[key][value] = line
        if _m49(row["Global Code"], path, line, iso3, "global code") != WORLD_CODE:
            raise SourceError(
                path, f"global code {row['Global Code']!r} is not 001", line=line, element=iso3
            )
        areas: dict[str, str] = {}
        for kind, column in AREA_COLUMNS.items():
            if row[column]:
                areas[kind] = _m49(row[column], path, line, iso3, column.lower())
        if (INTERMEDIATE_REGION in areas and SUB_REGION not in areas) or (
            SUB_REGION in areas and REGION not in areas
        ):
            raise SourceError(
                path, "an area is given without the area above it", line=line, element=iso3
            )
        flags = set()
        for flag, column in FLAG_COLUMNS.items():
            value = row[column].lower()
            if value not in ("", "x"):
                raise SourceError(
                    path,
                    f"{column}: expected x or nothing, found {row[column]!r}",
                    line=line,
                    element=iso3,
                )
            if value:
                flags.add(flag)
        name = {lang: row[column] for lang, column in NAME_COLUMNS.items() if row[column]}
        if "en" not in name:
            raise SourceError(path, "no English name", line=line, element=iso3)
        formal = {lang: row[col] for lang, col in FORMAL_NAME_COLUMNS.items() if row[col]}
        countries.append(_Country(line, iso3, iso2, m49, areas, flags, name, formal))
    if not countries:
        raise SourceError(path, "no countries")
    return countries


_UNSD_AREAS = [
    (WORLD, "Global Code", "Global Name"),
    (REGION, "Region Code", "Region Name"),
    (SUB_REGION, "Sub-region Code", "Sub-region Name"),
    (INTERMEDIATE_REGION, "Intermediate Region Code", "Intermediate Region Name"),
]


def _area_names(
    directory: Path, countries: list[_Country]
) -> tuple[dict[str, dict[str, str]], dict[str, int]]:
    """Names of the M49 areas per language, checked against country-codes.csv.

    A few areas are spelt two ways within one language file (e.g. Eastern Asia in
    French, on one row of seven); the spelling used on most rows wins.
    """
    by_m49 = {c.m49: c for c in countries}
    names: dict[str, dict[str, str]] = {}
    order: dict[str, int] = {}
    for lang, relative in UNSD_FILES.items():
        path = directory / relative
        votes: dict[str, Counter[str]] = {}
        found: set[str] = set()
        for line, row in _table(path, UNSD_COLUMNS, exact=True):
            m49 = _m49(row["M49 Code"], path, line, row["ISO-alpha3 Code"] or row["M49 Code"])
            country = by_m49.get(m49)
            if country is None:
                raise SourceError(
                    path,
                    f"M49 code {m49} is not in {COUNTRY_CODES.name}",
                    line=line,
                    element=row["ISO-alpha3 Code"] or m49,
                )
            if m49 in found:
                raise SourceError(
                    path, f"M49 code {m49} is listed twice", line=line, element=country.iso3
                )
            found.add(m49)
            if row["ISO-alpha3 Code"] != country.iso3:
                raise SourceError(
                    path,
                    f"ISO alpha-3 code {row['ISO-alpha3 Code']!r} differs "
                    f"from {country.iso3} in {COUNTRY_CODES.name}",
                    line=line,
                    element=country.iso3,
                )
            for kind, code_column, name_column in _UNSD_AREAS:
                if not row[code_column]:
                    if kind in country.areas:
                        raise SourceError(
                            path, f"{code_column} is missing", line=line, element=country.iso3
                        )
                    continue
                code = _m49(row[code_column], path, line, country.iso3, code_column.lower())
                if code != country.areas.get(kind, WORLD_CODE if kind == WORLD else None):
                    raise SourceError(
                        path,
                        f"{code_column} {code} differs from {COUNTRY_CODES.name}",
                        line=line,
                        element=country.iso3,
                    )
                if row[name_column]:
                    votes.setdefault(code, Counter())[row[name_column]] += 1
                if lang == "en":
                    order.setdefault(code, line)
            if lang == "en":
                order.setdefault(country.iso3, line)
        missing = sorted(set(by_m49) - found)
        if missing:
            raise SourceError(
                path,
                f"{len(missing)} countries or areas of "
                f"{COUNTRY_CODES.name} are missing, the first {missing[0]}",
            )
        for code, counter in votes.items():
            names.setdefault(code, {})[lang] = counter.most_common(1)[0][0]
    for code, values in names.items():
        if "en" not in values:
            raise SourceError(
                directory / UNSD_FILES["en"], "area has no English name", element=code
            )
    return names, order


def _places(directory: Path) -> tuple[list[PlaceSpec], list[_Country]]:
    path = directory / COUNTRY_CODES
    countries = _countries(path)
    names, order = _area_names(directory, countries)
    parents: dict[str, tuple[str, str]] = {WORLD_CODE: ("", "")}
    kinds: dict[str, str] = {WORLD_CODE: WORLD}
    country_codes = {c.m49 for c in countries}
    for country in countries:
        above = WORLD_CODE
        for kind in (REGION, SUB_REGION, INTERMEDIATE_REGION):
            code = country.areas.get(kind)
            if code is None:
                break
            if code in country_codes:
                raise SourceError(
                    path,
                    f"area code {code} is also a country's M49 code",
                    line=country.line,
                    element=country.iso3,
                )
            known = parents.setdefault(code, (above, country.iso3))
            if known[0] != above or kinds.setdefault(code, kind) != kind:
                raise SourceError(
                    path,
                    f"area {code} is placed under {above} here but under {known[0]} for {known[1]}",
                    line=country.line,
                    element=country.iso3,
                )
            above = code
    places = [
        PlaceSpec(
            code=code,
            kind=kinds[code],
            m49=code,
            name=names.get(code, {}),
            order=order.get(code, 0),
            parent_code=parents[code][0] or None,
        )
        for code in sorted(parents)
    ]
    for place in places:
        if not place.name:
            raise SourceError(directory / UNSD_FILES["en"], "area has no name", element=place.code)
    for country in countries:
        parent = WORLD_CODE
        for kind in (REGION, SUB_REGION, INTERMEDIATE_REGION):
            parent = country.areas.get(kind, parent)
        places.append(
            PlaceSpec(
                code=country.iso3,
                kind=COUNTRY,
                m49=country.m49,
                iso2=country.iso2,
                iso3=country.iso3,
                name=country.name,
                formal_name=country.formal_name,
                order=order.get(country.iso3, 0),
                parent_code=parent,
            )
        )
    return places, countries


def _memberships(path: Path) -> dict[str, list[tuple[str, int]]]:
    """Members per ``GROUP/SUBGROUP`` key with the line of each, shape-checked only."""
    groups: dict[str, list[tuple[str, int]]] = {}
    seen: set[tuple[str, str]] = set()
    for line, row in _table(path, GROUP_COLUMNS, exact=True):
        group, subgroup, iso3 = row["group"], row["subgroup"], row["iso3"]
        if not _GROUP_NAME.fullmatch(group) or not _SUBGROUP_NAME.fullmatch(subgroup):
            raise SourceError(
                path, f"group {group}/{subgroup} is not in capitals and _", line=line, element=group
            )
        if not _ISO3.fullmatch(iso3):
            raise SourceError(
                path,
                f"ISO alpha-3 code {iso3!r} is not three capital letters",
                line=line,
                element=iso3,
            )
        key = f"{group}/{subgroup}" if subgroup else group
        if (key, iso3) in seen:
            raise SourceError(path, f"{iso3} is listed twice in {key}", line=line, element=iso3)
        seen.add((key, iso3))
        groups.setdefault(key, []).append((iso3, line))
    return groups


def _text(value: Any, path: Path, line: int | None, element: str, what: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise SourceError(
            path, f"{what}: expected an object of language to text", line=line, element=element
        )
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown:
        raise SourceError(
            path,
            f"{what}: {unknown[0]!r} is not one of the six UN languages",
            line=line,
            element=element,
        )
    return {k: " ".join(v.split()) for k, v in sorted(value.items()) if v.strip()}


def _groups(directory: Path, countries: list[_Country], places: list[PlaceSpec]) -> list[GroupSpec]:
    path = directory / GROUP_DEFINITIONS
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise SourceError(path, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    if not isinstance(data, list):
        raise SourceError(path, "expected a list of groups", line=1)
    flags = {flag: [c.iso3 for c in countries if flag in c.flags] for flag in FLAG_COLUMNS}
    memberships_path = directory / COUNTRY_GROUPS
    memberships = _memberships(memberships_path)
    codes = {p.code for p in places}
    groups: list[GroupSpec] = []
    slugs: set[str] = set()
    for order, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise SourceError(path, f"group {order} is not an object", element=f"group {order}")
        slug = item.get("slug")
        if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
            raise SourceError(
                path,
                f"slug {slug!r} is not lower-case words joined by -",
                line=line_of(path, f'"slug": {json.dumps(slug)}'),
                element=f"group {order}",
            )
        line = line_of(path, f'"slug": "{slug}"')
        where = f"group/{slug}"
        if slug in slugs:
            raise SourceError(path, "group is defined twice", line=line, element=where)
        slugs.add(slug)
        unknown = sorted(
            set(item)
            - {
                "slug",
                "kind",
                "defined_by",
                "name",
                "description",
                "members",
                "source",
                "source_url",
            }
        )
        if unknown:
            raise SourceError(path, f"unknown key {unknown[0]!r}", line=line, element=where)
        kind = item.get("kind")
        if kind not in GROUP_KINDS:
            raise SourceError(
                path,
                f"kind {kind!r} is not one of {', '.join(GROUP_KINDS)}",
                line=line,
                element=where,
            )
        for key in ("defined_by", "source", "source_url"):
            if not isinstance(item.get(key, ""), str):
                raise SourceError(path, f"{key}: expected text", line=line, element=where)
        name = _text(item.get("name"), path, line, where, "name")
        if "en" not in name:
            raise SourceError(path, "name has no English text", line=line, element=where)
        description = _text(item.get("description", {}), path, line, where, "description")
        members = _members(
            item.get("members"),
            path,
            line,
            where,
            flags=flags,
            memberships=memberships,
            memberships_path=memberships_path,
            codes=codes,
        )
        groups.append(
            GroupSpec(
                slug=slug,
                kind=kind,
                defined_by=item.get("defined_by", ""),
                name=name,
                order=order,
                members=members,
                description=description,
                source=item.get("source", ""),
                source_url=item.get("source_url", ""),
            )
        )
    return groups


def _members(
    value: Any,
    path: Path,
    line: int | None,
    where: str,
    *,
    flags: dict[str, list[str]],
    memberships: dict[str, list[tuple[str, int]]],
    memberships_path: Path,
    codes: set[str],
) -> list[str]:
    """Place codes of a group, from an M49 flag, a countrygroups list or a list of codes."""
    if not isinstance(value, dict) or len(value) != 1:
        raise SourceError(
            path, "members: expected one of m49, countrygroups or places", line=line, element=where
        )
    ((source, selector),) = value.items()
    if source == "m49":
        if selector not in flags:
            raise SourceError(
                path,
                f"members: {selector!r} is not an M49 flag ({', '.join(FLAG_COLUMNS)})",
                line=line,
                element=where,
            )
        return sorted(flags[selector])
    if source == "countrygroups":
        if selector not in memberships:
            raise SourceError(
                path,
                f"members: {selector!r} is not a group of {COUNTRY_GROUPS.name}",
                line=line,
                element=where,
            )
        for iso3, member_line in memberships[selector]:
            if iso3 not in codes:
                raise SourceError(
                    memberships_path,
                    f"{iso3} is not a known country or area",
                    line=member_line,
                    element=iso3,
                )
        return sorted(iso3 for iso3, _ in memberships[selector])
    if source == "places":
        if not isinstance(selector, list) or not all(isinstance(c, str) for c in selector):
            raise SourceError(
                path, "members: expected a list of place codes", line=line, element=where
            )
        for code in selector:
            if code not in codes:
                raise SourceError(
                    path, f"{code} is not a known country or area", line=line, element=where
                )
        if len(set(selector)) != len(selector):
            raise SourceError(path, "members: a place is listed twice", line=line, element=where)
        return sorted(selector)
    raise SourceError(path, f"members: unknown source {source!r}", line=line, element=where)


def _number(value: str, path: Path, line: int, iso3: str, column: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number < 0:
        raise SourceError(
            path, f"{column}: {value!r} is not a number of zero or more", line=line, element=iso3
        )
    return number


def _weights(path: Path, places: list[PlaceSpec]) -> list[WeightSetSpec]:
    countries = {p.code for p in places if p.kind == COUNTRY}
    values: dict[str, dict[str, float]] = {w.column: {} for w in WEIGHT_SETS}
    seen: dict[str, int] = {}
    for line, row in _table(path, WEIGHT_COLUMNS, exact=True):
        iso3 = row["iso3"]
        if iso3 not in countries:
            raise SourceError(
                path,
                f"{iso3!r} is not the ISO alpha-3 code of a known country or area",
                line=line,
                element=iso3,
            )
        if iso3 in seen:
            raise SourceError(
                path, f"{iso3} is already given on line {seen[iso3]}", line=line, element=iso3
            )
        seen[iso3] = line
        for column in values:
            if row[column]:
                values[column][iso3] = _number(row[column], path, line, iso3, column)
    return [
        WeightSetSpec(
            slug=w.slug,
            name=w.name,
            description=w.description,
            unit=w.unit,
            order=order,
            values=values[w.column],
            **_COUNTRYINFO,
        )
        for order, w in enumerate(WEIGHT_SETS, start=1)
    ]


def read(directory: Path) -> PlacesSpec:
    """Every place, group and weight set in ``directory``, fully validated."""
    places, countries = _places(directory)
    groups = _groups(directory, countries, places)
    weight_sets = _weights(directory / WEIGHTS, places)
    files = [COUNTRY_CODES, *UNSD_FILES.values(), COUNTRY_GROUPS, WEIGHTS, GROUP_DEFINITIONS]
    return PlacesSpec(
        places=places, groups=groups, weight_sets=weight_sets, files=[directory / f for f in files]
    )
