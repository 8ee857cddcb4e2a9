"""Frictionless Tabular Data Package: ``datapackage.json`` beside ``data.csv``.

The CSV is the layout of the plain CSV writer (one observation a row), so the package
reads back through the ``csv`` reader. The descriptor follows the Data Package and
Tabular Data Resource specifications: a Table Schema with a type and a description for
every field, the primary key when the rows have unique keys (a file that repeated a key
is exported as it came, so then there is none), and the sources of the series.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from meadow.indicators.formats import register_writer
from meadow.indicators.formats.base import ExportSeries, Writer
from meadow.indicators.formats.csvmap import DEFAULT_COLUMNS, columns_for, rows_for, write_table

DESCRIPTOR = "datapackage.json"
DATA = "data.csv"
ROLE_FIELDS: dict[str, tuple[str, str]] = {
    "indicator": ("string", "Indicator code in its framework, e.g. 15.1.1 or A.1"),
    "framework": ("string", "Framework of the indicator code: gbf, sdg..."),
    "series": ("string", "Series code, e.g. the SDG series ER_PTD_TERR"),
    "place": ("string", "Place: ISO 3166-1 alpha-3 code for a country, UN M49 code for an area"),
    "period": ("string", "Period as reported: a year (2015), split year (2014/15), quarter..."),
    "value": ("number", "Observed value, in the unit times ten to the unit multiplier"),
    "unit": ("string", "Unit of measurement"),
    "unit_multiplier": ("integer", "Power of ten the value is expressed in: 3 for thousands"),
    "status": ("string", "Observation status, e.g. estimated or provisional"),
    "comment": ("string", "Comment on the observation"),
    "footnote": ("string", "Footnote of the series"),
    "source": ("string", "Source of the series"),
}
REQUIRED = {"indicator", "framework", "place", "period", "value"}
# Columns of the series identity, then the period: the key of one observation.
KEY_ROLES = ("indicator", "framework", "series", "place", "unit", "unit_multiplier")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._") or "data"


def _title_and_name(series: list[ExportSeries]) -> tuple[str, str]:
    indicators = sorted({(s.framework, s.indicator, s.indicator_title) for s in series})
    places = sorted({(s.place, s.place_name) for s in series})
    if len(indicators) == 1 and len(places) == 1:
        (framework, code, title), (place, place_name) = indicators[0], places[0]
        label = f"{framework.upper()} {code}" + (f" {title}" if title else "")
        return (
            f"{label}: {place_name or place}",
            _slug(f"meadow-{framework}-{code}-{place}"),
        )
    return (
        f"Indicator data: {len(indicators)} indicators, {len(places)} places",
        "meadow-indicator-data",
    )


def _has_unique_keys(series: list[ExportSeries]) -> bool:
    seen: set[tuple[Any, ...]] = set()
    for item in series:
        identity = (
            item.indicator,
            item.framework,
            item.series_code,
            item.place,
            item.unit,
            item.unit_multiplier,
            item.disaggregation,
            item.attributes,
        )
        for period, *_ in item.observations:
            if (identity, period) in seen:
                return False
            seen.add((identity, period))
    return True


@register_writer
class DataPackageWriter(Writer):
    name = "datapackage"
    label = "Frictionless data package (datapackage.json and CSV)"
    media_type = "application/zip"
    extension = ""
    directory = True

    def write(
        self,
        series: list[ExportSeries],
        destination: Path,
        *,
        licenses: Sequence[Mapping[str, str]] = (),
    ) -> list[Path]:
        """Write the package folder and return the descriptor and data paths.

        ``licenses`` are Data Package license objects (``name``, ``path``, ``title``) for
        the data, given when the caller knows them; without them the descriptor has none.
        """
        destination.mkdir(parents=True, exist_ok=True)
        columns = columns_for(series)
        data_path = destination / DATA
        write_table(data_path, columns.header, rows_for(series, columns))

        role_of = {names[0]: role for role, names in DEFAULT_COLUMNS.items()}
        dim_of = {column: dim for dim, column in columns.dims}
        attribute_of = {column: attribute for attribute, column in columns.attributes}
        fields: list[dict[str, Any]] = []
        for column in columns.header:
            if column in attribute_of:
                fields.append(
                    {
                        "name": column,
                        "type": "string",
                        "description": f"Series attribute kept from the source: "
                        f"{attribute_of[column]}",
                    }
                )
                continue
            if column in dim_of:
                fields.append(
                    {
                        "name": column,
                        "type": "string",
                        "description": f"Disaggregation: {dim_of[column]} (empty: not broken down)",
                    }
                )
                continue
            role = role_of[column]
            kind, description = ROLE_FIELDS[role]
            entry: dict[str, Any] = {"name": column, "type": kind, "description": description}
            if role in REQUIRED:
                entry["constraints"] = {"required": True}
            fields.append(entry)
        schema: dict[str, Any] = {
            "fields": fields,
            # Blank cells are values here (no breakdown, no comment), not missing data.
            "missingValues": [],
        }
        if _has_unique_keys(series):
            name = {role: names[0] for role, names in DEFAULT_COLUMNS.items()}
            schema["primaryKey"] = [
                *(name[role] for role in KEY_ROLES),
                *dim_of,
                *attribute_of,
                name["period"],
            ]
        title, package_name = _title_and_name(series)
        descriptor: dict[str, Any] = {
            "profile": "tabular-data-package",
            "name": package_name,
            "title": title,
        }
        if licenses:
            descriptor["licenses"] = [dict(item) for item in licenses]
        sources = sorted({item.source for item in series if item.source})
        if sources:
            descriptor["sources"] = [{"title": source} for source in sources]
        descriptor["resources"] = [
            {
                "name": "observations",
                "path": DATA,
                "profile": "tabular-data-resource",
                "title": "Observations, one a row",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        ]
        descriptor_path = destination / DESCRIPTOR
        descriptor_path.write_text(
            json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        return [descriptor_path, data_path]
