"""Plain CSV in long form, one observation a row, with a mapping from roles to columns.

``ReadOptions.columns`` maps a role to the column that holds it:

- ``indicator``, ``place``, ``period``, ``value`` (required; ``place`` may instead come
  from ``ReadOptions.place``), ``unit``, ``unit_multiplier``, ``status``, ``comment``,
  ``series``, ``footnote``, ``source`` and ``framework``;
- ``dim:<name>``: the column holds the disaggregation dimension ``<name>``;
- ``attr:<name>``: the column holds the series attribute ``<name>``, a detail of the
  source kept so that an export gives it back (an Open SDG ``archived`` flag);
- ``ignore:<column>``: the column is not read (the value of the entry is not used).

A role left out of the mapping is looked up under the usual names (``Indicator``,
``Year``, ``REF_AREA``...; see ``DEFAULT_COLUMNS``), without regard to case. Every other
column is a disaggregation dimension named after its header; a header ``dim:<name>``
gives the dimension ``<name>`` and a header ``attr:<name>`` the attribute ``<name>``.
The writer uses the first of the usual names, the ``dim:`` prefix for a dimension named
like one of them and ``attr:`` for attributes, so that a file it writes reads back with
no mapping at all.

The file must be UTF-8 (a byte-order mark is allowed) and comma, semicolon or tab
separated; the separator is read from the header line. In a file separated by
semicolons or tabs, a value may use a decimal comma (``12,5``).
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

# Role -> the column names looked for when the mapping does not name one; the writer
# uses the first.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "indicator": ("Indicator", "Indicator code", "INDICATOR"),
    "framework": ("Framework",),
    "series": ("Series", "SERIES", "Series code"),
    "place": ("Place", "REF_AREA", "GeoAreaCode", "Place code"),
    "period": ("Period", "Year", "TIME_PERIOD", "Time period"),
    "value": ("Value", "OBS_VALUE"),
    "unit": ("Unit", "Units", "UNIT_MEASURE"),
    "unit_multiplier": ("Unit multiplier", "UNIT_MULT"),
    "status": ("Observation status", "OBS_STATUS", "Status"),
    "comment": ("Comment", "COMMENT_OBS"),
    "footnote": ("Footnote", "Footnotes", "COMMENT_TS"),
    "source": ("Source", "SOURCE_DETAIL"),
}
ROLES = tuple(DEFAULT_COLUMNS)
REQUIRED = ("indicator", "period", "value")
DELIMITERS = (",", ";", "\t")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
FOREIGN_BOMS = {
    codecs.BOM_UTF32_LE: "UTF-32",
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}


def parse_number(text: str, decimal_comma: bool = False) -> float | None:
    """A finite number written in plain notation, or None."""
    text = text.strip()
    if decimal_comma and DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    if not NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def format_number(value: float) -> str:
    """Shortest text that reads back as the same float; whole numbers without a point."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def sniff_delimiter(line: str) -> str:
    """The separator used most often outside quotes in a header line (comma if none)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def decode(raw: bytes, file: str, result: ReadResult) -> str | None:
    """UTF-8 text without a byte-order mark, or None after reporting why not."""
    for bom, encoding in FOREIGN_BOMS.items():
        if raw.startswith(bom):
            result.error(
                Location(file, 1),
                f"the file is {encoding} (it starts with a {encoding} byte-order mark); "
                "save it as UTF-8",
                "encoding",
            )
            return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        start = raw.rfind(b"\n", 0, exc.start) + 1
        end = raw.find(b"\n", exc.start)
        # The line read as Windows-1252 usually shows which character was meant.
        shown = raw[start : end if end >= 0 else len(raw)][:80].decode("cp1252", "replace")
        guess = f" in {shown.strip()!r} (read as Windows-1252)"
        result.error(
            Location(file, line),
            f"not UTF-8: byte 0x{raw[exc.start]:02X} at offset {exc.start} "
            f"(line {line}, byte {exc.start - start + 1} of the line) cannot be decoded{guess}; "
            "save the file as UTF-8",
            "encoding",
        )
        return None


@dataclass(frozen=True, slots=True)
class Layout:
    """Which column index holds each role and each disaggregation dimension."""

    roles: dict[str, int]
    dims: dict[str, int]
    attributes: dict[str, int]


def _find(header: list[str], name: str) -> int | None:
    if name in header:
        return header.index(name)
    folded = [h.casefold() for h in header]
    return folded.index(name.casefold()) if name.casefold() in folded else None


def _layout(
    header: list[str], line: int, options: ReadOptions, file: str, result: ReadResult
) -> Layout | None:
    """Match the header against the mapping; report every mismatch."""
    header_location = Location(file, line)
    roles: dict[str, int] = {}
    dims: dict[str, int] = {}
    attributes: dict[str, int] = {}
    prefixed = {"dim:": dims, "attr:": attributes}
    ignored: set[int] = set()
    ok = True
    for key, column in options.columns.items():
        if key.startswith("ignore:"):
            index = _find(header, key.removeprefix("ignore:"))
            if index is not None:
                ignored.add(index)
            continue
        prefix = next((p for p in prefixed if key.startswith(p) and len(key) > len(p)), "")
        if key not in ROLES and not prefix:
            result.error(
                header_location,
                f"the column mapping names an unknown role {key!r}; roles are "
                f"{', '.join(ROLES)}, dim:<name>, attr:<name> and ignore:<column>",
                "bad-mapping",
            )
            ok = False
            continue
        index = _find(header, column)
        if index is None:
            result.error(
                Location(file, line, column),
                f"no column {column!r} (mapped to {key}); the header has "
                f"{', '.join(repr(h) for h in header)}",
                "missing-column",
            )
            ok = False
        elif prefix:
            prefixed[prefix][key.removeprefix(prefix)] = index
        else:
            roles[key] = index
    for role, names in DEFAULT_COLUMNS.items():
        if role in roles or role in options.columns:
            continue
        for name in names:
            index = _find(header, name)
            if index is not None and index not in ignored:
                roles[role] = index
                break
    required = [*REQUIRED, *([] if options.place else ["place"])]
    for role in required:
        if role not in roles and role not in options.columns:
            looked = ", ".join(DEFAULT_COLUMNS[role])
            result.error(
                header_location,
                f"no {role} column: looked for {looked} in "
                f"{', '.join(repr(h) for h in header)}; name it in the column mapping "
                f"({role}=<column>)",
                "missing-column",
            )
            ok = False
    used = set(roles.values()) | set(dims.values()) | set(attributes.values()) | ignored
    for index, name in enumerate(header):
        if index in used:
            continue
        prefix = next((p for p in prefixed if name.startswith(p) and len(name) > len(p)), "")
        if prefix:
            prefixed[prefix][name.removeprefix(prefix)] = index
            continue
        if not name:
            result.warn(
                Location(file, line, f"#{index + 1}"),
                f"column {index + 1} has no header; it is not read",
                "unnamed-column",
            )
            continue
        dims[name] = index
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if name and name in seen:
            result.error(
                Location(file, line, name),
                f"column {name!r} appears twice (columns {seen[name] + 1} and {index + 1})",
                "bad-header",
            )
            ok = False
        seen.setdefault(name, index)
    return Layout(roles, dims, attributes) if ok else None


@register_reader
class CSVReader(Reader):
    name = "csv"
    label = "CSV with a column mapping"

    def read(self, path: Path, options: ReadOptions) -> ReadResult:
        result = ReadResult(framework=options.framework)
        file = path.name
        if not path.is_file():
            result.error(Location(file), "not a file", "not-found")
            return result
        if path.stat().st_size > MAX_FILE_BYTES:
            result.error(Location(file), f"larger than {MAX_FILE_BYTES // 2**20} MB", "too-large")
            return result
        result.files.append(fingerprint(path))
        text = decode(path.read_bytes(), file, result)
        if text is None:
            return result
        if not text.strip():
            result.error(Location(file), "the file is empty", "empty")
            return result
        first_line = next(line for line in text.splitlines() if line.strip())
        delimiter = sniff_delimiter(first_line)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        header: list[str] = []
        try:
            while not any(header):
                header = [h.strip() for h in next(reader)]
        except csv.Error as exc:
            result.error(
                Location(file, reader.line_num), f"unreadable header ({exc})", "bad-header"
            )
            return result
        header_line = reader.line_num
        if len(header) == 1:
            result.error(
                Location(file, header_line),
                f"the header {first_line.strip()[:80]!r} is a single column: the file is not "
                "separated by commas, semicolons or tabs",
                "delimiter",
            )
            return result
        layout = _layout(header, header_line, options, file, result)
        if layout is None:
            return result
        self._rows(_records(reader), header, layout, delimiter, options, file, result)
        return result

    def _rows(
        self,
        records: Iterator[tuple[int, list[str] | None, bool, str]],
        header: list[str],
        layout: Layout,
        delimiter: str,
        options: ReadOptions,
        file: str,
        result: ReadResult,
    ) -> None:
        roles = layout.roles
        names = {role: header[index] for role, index in roles.items()}
        frameworks: dict[str, int] = {}
        skipped = 0
        for line, row, last, failure in records:
            if row is None:
                if failure == "unterminated":
                    result.error(
                        Location(file, line),
                        "unterminated quote: the quoted field opened on this line runs to "
                        "the end of the file",
                        "unterminated-quote",
                    )
                else:
                    result.error(Location(file, line), f"broken CSV line ({failure})", "bad-quote")
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                if len(row) < len(header) and last:
                    reason = (
                        f"the last line has {len(row)} of the header's {len(header)} fields: "
                        "the file looks truncated"
                    )
                    code = "truncated"
                else:
                    reason = f"{len(row)} fields where the header has {len(header)}"
                    code = "ragged-row"
                result.error(Location(file, line), reason, code)
                continue
            cells = {role: row[index].strip() for role, index in roles.items()}
            value_text = cells["value"]
            if not value_text:
                skipped += 1
                continue
            value = parse_number(value_text, decimal_comma=delimiter != ",")
            if value is None:
                result.error(
                    Location(file, line, names["value"]),
                    f"{value_text!r} is not a number",
                    "not-a-number",
                )
            period = cells["period"]
            if not period:
                result.error(Location(file, line, names["period"]), "empty period", "empty-period")
            else:
                try:
                    periods.parse(period)
                except periods.PeriodError as exc:
                    result.error(Location(file, line, names["period"]), str(exc), "bad-period")
                    period = ""
            indicator = cells["indicator"]
            if not indicator:
                result.error(
                    Location(file, line, names["indicator"]),
                    "empty indicator code",
                    "empty-indicator",
                )
            place = cells.get("place") or options.place
            if not place:
                result.error(
                    Location(file, line, names.get("place", "")), "empty place code", "no-place"
                )
            multiplier = 0
            if multiplier_text := cells.get("unit_multiplier", ""):
                try:
                    multiplier = int(multiplier_text)
                except ValueError:
                    result.error(
                        Location(file, line, names["unit_multiplier"]),
                        f"{multiplier_text!r} is not a whole power of ten (0, 3, 6...)",
                        "bad-multiplier",
                    )
            if framework := cells.get("framework", "").lower():
                frameworks.setdefault(framework, line)
            if value is None or not period or not indicator or not place:
                continue
            result.records.append(
                Record(
                    indicator=indicator,
                    place=place,
                    period=period,
                    value=value,
                    location=Location(file, line),
                    disaggregation=disaggregation(
                        {dim: row[index] for dim, index in layout.dims.items()}
                    ),
                    unit=cells.get("unit", ""),
                    unit_multiplier=multiplier,
                    status=cells.get("status", ""),
                    comment=cells.get("comment", ""),
                    series_code=cells.get("series", ""),
                    source=cells.get("source", ""),
                    footnote=cells.get("footnote", ""),
                    attributes=disaggregation(
                        {name: row[index] for name, index in layout.attributes.items()}
                    ),
                )
            )
        if len(frameworks) > 1:
            listed = ", ".join(f"{name} (line {line})" for name, line in frameworks.items())
            result.error(
                Location(file, sorted(frameworks.values())[1], names["framework"]),
                f"the rows name more than one framework: {listed}; import one framework per file",
                "mixed-frameworks",
            )
        elif frameworks:
            result.framework = next(iter(frameworks))
        if skipped:
            result.warn(
                Location(file), f"{skipped} rows have no value and were skipped", "no-value"
            )


def _records(reader: Any) -> Iterator[tuple[int, list[str] | None, bool, str]]:
    """(first line, fields or None, is the last record, why it is broken) for each record.

    The csv module reports an unterminated quote only at the end of the file, so the
    line a record starts on is tracked here to say where the quote was opened.
    """
    pending: tuple[int, list[str] | None, str] | None = None
    while True:
        start = reader.line_num + 1
        try:
            row: list[str] | None = next(reader)
            failure = ""
        except StopIteration:
            break
        except csv.Error as exc:
            row = None
            failure = "unterminated" if "end of data" in str(exc) else str(exc)
        if row == []:
            continue  # a blank line
        if pending is not None:
            yield pending[0], pending[1], False, pending[2]
        pending = (start, row, failure)
        if failure == "unterminated":
            break
    if pending is not None:
        yield pending[0], pending[1], True, pending[2]


@dataclass(frozen=True, slots=True)
class Columns:
    """The written header; the dimensions in its order, each with its column name."""

    header: list[str]
    dims: list[tuple[str, str]]  # (dimension, column name)
    attributes: list[tuple[str, str]]  # (attribute, column name)


def columns_for(series: list[ExportSeries]) -> Columns:
    name = {role: names[0] for role, names in DEFAULT_COLUMNS.items()}
    taken = {n.casefold() for n in name.values()}
    # A dimension named like a role column (Open SDG data have "Source" or "Comment"
    # breakdowns) gets a dim: prefix, which the reader takes off again.
    dims = [
        (dim, f"dim:{dim}" if dim.casefold() in taken else dim)
        for dim in sorted({dim for item in series for dim, _ in item.disaggregation})
    ]
    header = [
        name["indicator"],
        name["framework"],
        name["series"],
        name["place"],
        name["period"],
        *(column for _, column in dims),
        name["value"],
        name["unit"],
        name["unit_multiplier"],
        name["status"],
        name["comment"],
        name["footnote"],
        name["source"],
    ]
    attributes = [
        (attribute, f"attr:{attribute}")
        for attribute in sorted({a for item in series for a, _ in item.attributes})
    ]
    header += [column for _, column in attributes]
    return Columns(header, dims, attributes)


def rows_for(series: list[ExportSeries], columns: Columns) -> Iterator[list[str]]:
    """One row per observation, in the order of ``columns.header``."""
    for item in series:
        values = dict(item.disaggregation)
        attributes = dict(item.attributes)
        for period, value, status, comment in item.observations:
            yield [
                item.indicator,
                item.framework,
                item.series_code,
                item.place,
                period,
                *(values.get(dim, "") for dim, _ in columns.dims),
                format_number(value),
                item.unit,
                str(item.unit_multiplier),
                status,
                comment,
                item.footnote,
                item.source,
                *(attributes.get(name, "") for name, _ in columns.attributes),
            ]


def write_table(path: Path, header: list[str], rows: Iterable[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


@register_writer
class CSVWriter(Writer):
    name = "csv"
    label = "CSV, one observation a row"
    media_type = "text/csv"
    extension = "csv"

    def write(self, series: list[ExportSeries], destination: Path) -> list[Path]:
        columns = columns_for(series)
        write_table(destination, columns.header, rows_for(series, columns))
        return [destination]
