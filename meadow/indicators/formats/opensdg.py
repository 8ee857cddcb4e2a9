"""Open SDG data folders: ``data/indicator_15-1-1.csv`` files and ``meta/15-1-1.md`` pages.

A data file has a ``Year`` column, a ``Value`` column and any number of other
columns. Meadow reads these as:
- ``Observation status`` -> the observation's status;
- ``Units`` or ``Unit measure`` -> the series' unit;
- ``Unit multiplier`` (``Units``, ``Thousands``, ``Millions``...) -> a power of ten;
  another spelling is kept verbatim as a series attribute so it is written back;
- ``Series`` -> the series code;
- every other column (Sex, Age, Region, GeoCode...) -> a disaggregation dimension.
The data are national: the place comes from the import's options. Files of archived
indicators (``archived-1-a-1.csv``) are read too; their series carry the attribute
``archived`` so they stay apart from the current indicator's series.

Rows without a value are skipped and counted in one warning per file; files whose
``Year`` column holds a sentence ("There is no data for this indicator yet") are
placeholders and give one warning. Rows that repeat another row's key with another
value are kept (both are in the source) and each gives a warning.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from meadow.indicators import periods
from meadow.indicators.formats import register_reader, register_writer
from meadow.indicators.formats.base import (
    MAX_FILE_BYTES,
    ExportSeries,
    Location,
    Reader,
    ReadOptions,
    ReadResult,
    Record,
    Writer,
    disaggregation,
    fingerprint,
)

# libyaml's loader when PyYAML was built with it: ten times faster on 280 pages.
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FILE = re.compile(r"^(indicator_|archived-)(\d{1,2}(?:-[0-9a-z]{1,2}){2})\.csv$")
MULTIPLIERS = {"units": 0, "": 0, "thousands": 3, "millions": 6, "billions": 9}
MULTIPLIER_LABELS = {0: "Units", 3: "Thousands", 6: "Millions", 9: "Billions"}
UNIT_COLUMNS = ("Units", "Unit measure")
STATUS = "Observation status"
MULTIPLIER = "Unit multiplier"
SERIES = "Series"
ARCHIVED = "archived"


def _data_folder(path: Path) -> Path:
    return path / "data" if (path / "data").is_dir() else path


def _decode(raw: bytes, location: Location, result: ReadResult) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        result.error(
            Location(location.file, row),
            f"not UTF-8 text (byte {exc.start}); save the file as UTF-8",
            "encoding",
        )
        return None


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", "")) if text.strip() else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


@register_reader
class OpenSDGReader(Reader):
    name = "opensdg"
    label = "Open SDG data folder"
    directory = True

    def read(self, path: Path, options: ReadOptions) -> ReadResult:
        result = ReadResult(framework=options.framework or "sdg")
        if not path.is_dir():
            result.error(
                Location(path.name), "an Open SDG import is a folder of indicator CSV files"
            )
            return result
        if not options.place:
            result.error(Location(path.name), "say which country the data are for", "no-place")
        folder = _data_folder(path)
        names = sorted(p.name for p in folder.iterdir() if p.suffix == ".csv")
        data_files = [n for n in names if FILE.match(n)]
        if not data_files:
            result.error(Location(folder.name), "no indicator_*.csv files found", "empty")
        for name in names:
            if not FILE.match(name):
                result.warn(Location(name), "not an indicator file name; skipped", "skipped-file")
        meta_folder = path / "meta"
        for name in data_files:
            file_path = folder / name
            result.files.append(fingerprint(file_path))
            match = FILE.match(name)
            assert match is not None
            archived = match.group(1) == "archived-"
            code = match.group(2).replace("-", ".")
            meta = self._meta(meta_folder / f"{match.group(2)}.md", result) if not archived else {}
            self._read_file(file_path, code, archived, options, result, meta)
        return result

    def _meta(self, path: Path, result: ReadResult) -> dict[str, Any]:
        if not path.exists():
            return {}
        text = path.read_text(encoding="utf-8", errors="replace")
        parts = text.split("---", 2)
        if not text.startswith("---") or len(parts) < 3:
            return {"page": text}
        try:
            front = yaml.load(parts[1], Loader=_YAML_LOADER) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            result.warn(
                Location(f"meta/{path.name}", (mark.line + 2) if mark else None),
                "metadata page is not valid YAML; kept as text",
                "bad-metadata",
            )
            return {"page": text}
        return {"fields": front, "body": parts[2]} if isinstance(front, dict) else {"page": text}

    def _read_file(
        self,
        path: Path,
        code: str,
        archived: bool,
        options: ReadOptions,
        result: ReadResult,
        meta: dict[str, Any],
    ) -> None:
        name = path.name
        if path.stat().st_size > MAX_FILE_BYTES:
            result.error(Location(name), f"larger than {MAX_FILE_BYTES // 2**20} MB", "too-large")
            return
        text = _decode(path.read_bytes(), Location(name), result)
        if text is None:
            return
        if not text.strip():
            result.error(Location(name), "the file is empty", "empty")
            return
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header_row = 0
        try:
            header: list[str] = []
            while not any(header):
                header = [h.strip() for h in next(reader)]
                header_row += 1
        except (csv.Error, StopIteration) as exc:
            result.error(
                Location(name, header_row or 1), f"unreadable header ({exc})", "bad-header"
            )
            return
        if header_row > 1:
            result.warn(Location(name, header_row), "blank lines before the header", "blank-lines")
        for required in ("Year", "Value"):
            if required not in header:
                result.error(
                    Location(name, header_row, required), f"no {required} column", "missing-column"
                )
        if len(set(header)) != len(header):
            twice = sorted({h for h in header if header.count(h) > 1})
            result.error(Location(name, header_row, twice[0]), "column appears twice", "bad-header")
        if result.errors and any(p.location.file == name for p in result.errors):
            return
        unit_column = next((c for c in UNIT_COLUMNS if c in header), "")
        roles = {"Year", "Value", STATUS, MULTIPLIER, SERIES, unit_column}
        dims = [c for c in header if c not in roles]
        key_rows: dict[tuple[Any, ...], tuple[int, float]] = {}
        skipped = 0
        placeholder = False
        row_number = 1
        try:
            for row_number, row in enumerate(reader, start=header_row + 1):
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    result.error(
                        Location(name, row_number),
                        f"{len(row)} fields where the header has {len(header)}",
                        "ragged-row",
                    )
                    continue
                cells = dict(zip(header, (c.strip() for c in row), strict=True))
                value_text = cells["Value"]
                year = cells["Year"]
                if not value_text:
                    if year and not re.match(r"^\d", year):
                        placeholder = True
                    else:
                        skipped += 1
                    continue
                value = _number(value_text)
                if value is None:
                    result.error(
                        Location(name, row_number, "Value"),
                        f"{value_text!r} is not a number",
                        "not-a-number",
                    )
                    continue
                try:
                    periods.parse(year)
                except periods.PeriodError as exc:
                    result.error(Location(name, row_number, "Year"), str(exc), "bad-period")
                    continue
                multiplier_text = cells.get(MULTIPLIER, "")
                attributes: dict[str, str] = {}
                multiplier = MULTIPLIERS.get(multiplier_text.lower())
                if multiplier is None or MULTIPLIER_LABELS.get(multiplier, "") != multiplier_text:
                    if multiplier_text:
                        attributes[MULTIPLIER] = multiplier_text
                    multiplier = multiplier or 0
                if archived:
                    attributes[ARCHIVED] = "yes"
                record = Record(
                    indicator=code,
                    place=options.place,
                    period=year,
                    value=value,
                    location=Location(name, row_number),
                    disaggregation=disaggregation({d: cells[d] for d in dims}),
                    unit=cells.get(unit_column, "") if unit_column else "",
                    unit_multiplier=multiplier,
                    status=cells.get(STATUS, ""),
                    series_code=cells.get(SERIES, ""),
                    attributes=tuple(sorted(attributes.items())),
                )
                key = (
                    record.disaggregation,
                    record.unit,
                    record.unit_multiplier,
                    record.series_code,
                    record.attributes,
                    record.period,
                )
                if key in key_rows:
                    first_row, first_value = key_rows[key]
                    same = "the same value" if first_value == value else f"value {first_value:g}"
                    result.warn(
                        Location(name, row_number, "Year"),
                        f"repeats the key of row {first_row} ({same}); both rows are kept",
                        "duplicate-key",
                    )
                else:
                    key_rows[key] = (row_number, value)
                result.records.append(record)
        except csv.Error as exc:
            result.error(Location(name, row_number + 1), f"broken CSV ({exc})", "truncated")
        if placeholder:
            result.warn(Location(name), "placeholder: the file has no data yet", "placeholder")
        if skipped:
            result.warn(
                Location(name), f"{skipped} rows have no value and were skipped", "no-value"
            )
        layout: dict[str, Any] = {"file": name, "columns": header}
        if meta:
            layout["meta"] = meta
        result.metadata.setdefault("indicators", {})[("archived:" if archived else "") + code] = (
            layout
        )


def _file_code(code: str) -> str:
    return code.replace(".", "-")


@register_writer
class OpenSDGWriter(Writer):
    name = "opensdg"
    label = "Open SDG data folder"
    media_type = "application/zip"
    extension = ""
    directory = True

    def write(self, series: list[ExportSeries], destination: Path) -> list[Path]:
        data = destination / "data"
        data.mkdir(parents=True, exist_ok=True)
        groups: dict[tuple[bool, str], list[ExportSeries]] = defaultdict(list)
        for item in series:
            archived = dict(item.attributes).get(ARCHIVED) == "yes"
            groups[(archived, item.indicator)].append(item)
        written: list[Path] = []
        for (archived, code), members in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1])):
            layout = members[0].metadata
            columns = list(layout.get("columns") or [])
            if not columns:
                dim_names = sorted({d for m in members for d, _ in m.disaggregation})
                columns = ["Year", SERIES, *dim_names, STATUS, "Units", MULTIPLIER, "Value"]
            unit_column = next((c for c in UNIT_COLUMNS if c in columns), "Units")
            prefix = "archived-" if archived else "indicator_"
            path = data / f"{prefix}{_file_code(code)}.csv"
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(columns)
                for item in members:
                    dims = dict(item.disaggregation)
                    attrs = dict(item.attributes)
                    fixed = {
                        SERIES: item.series_code,
                        unit_column: item.unit,
                        MULTIPLIER: attrs.get(
                            MULTIPLIER, MULTIPLIER_LABELS.get(item.unit_multiplier, "")
                        ),
                    }
                    for period, value, status, _comment in item.observations:
                        cells = {
                            **dims,
                            **fixed,
                            "Year": period,
                            STATUS: status,
                            "Value": repr(value),
                        }
                        writer.writerow([cells.get(c, "") for c in columns])
            written.append(path)
            meta = layout.get("meta")
            if meta and not archived:
                meta_path = destination / "meta" / f"{_file_code(code)}.md"
                meta_path.parent.mkdir(parents=True, exist_ok=True)
                if "fields" in meta:
                    front = yaml.safe_dump(meta["fields"], allow_unicode=True, sort_keys=False)
                    meta_path.write_text(f"---\n{front}---{meta.get('body', '')}", encoding="utf-8")
                else:
                    meta_path.write_text(meta.get("page", ""), encoding="utf-8")
                written.append(meta_path)
        return written
