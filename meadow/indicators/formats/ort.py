"""The CBD Online Reporting Tool's indicator data template (Excel .xlsx).

One workbook holds one country's data for GBF indicators, one observation a row, under
a header row with the columns ``Indicator code``, ``Indicator``, ``Does this data row
represent a disaggregation``, ``Disaggregation type``, ``Disaggregation``, ``Year``,
``Unit``, ``Value`` and ``Footnote``. The header may sit below title rows, on any sheet.

The reader refuses what a spreadsheet can hide: formulas (their cached results may be
stale or absent), merged cells in the data area, a missing column, text where a number
belongs. The place comes from ``ReadOptions.place``; indicator codes belong to the GBF
unless ``ReadOptions.framework`` says otherwise.

Two extensions carry more of a Meadow series: a row with several disaggregations lists
them one a line in both cells (``Age`` and ``Sex`` on two lines, ``15-24`` and
``Female`` on two lines), and a unit multiplier follows the unit as ``(x 10^3)``. The
template has no place for an observation's status, a series code or other series
attributes, which the writer leaves out; an observation's comment goes on a line of its
own after the series footnote.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

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
from meadow.indicators.formats.csvmap import parse_number

CODE = "Indicator code"
TITLE = "Indicator"
IS_DISAGGREGATION = "Does this data row represent a disaggregation"
TYPE = "Disaggregation type"
DISAGGREGATION = "Disaggregation"
YEAR = "Year"
UNIT = "Unit"
VALUE = "Value"
FOOTNOTE = "Footnote"
COLUMNS = (CODE, TITLE, IS_DISAGGREGATION, TYPE, DISAGGREGATION, YEAR, UNIT, VALUE, FOOTNOTE)
SHEET = "Indicator data"

# How far down a sheet the header row is looked for.
HEADER_SEARCH_ROWS = 50
YES = {"yes", "y", "true", "1", "oui", "sí", "si"}
NO = {"no", "n", "false", "0", "non"}
MULTIPLIER = re.compile(r"^(.*?)\s*\(x\s*10\^(-?\d+)\)$")
SEPARATOR = "\n"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Fixed package timestamps so that the same data always gives the same bytes.
FIXED_TIME = datetime(2000, 1, 1)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _fold(text: Any) -> str:
    """A header cell compared loosely: case, spacing and a trailing ? or * ignored."""
    if not isinstance(text, str):
        return ""
    return " ".join(text.split()).rstrip("?*: ").casefold()


FOLDED = {_fold(c): c for c in COLUMNS}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _refuse_non_workbook(raw: bytes, file: str, result: ReadResult) -> bool:
    """Report a file that is not an .xlsx package; True when one was reported."""
    if raw.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in raw:
            reason = "the workbook is password-protected; remove the password and save it again"
            code = "protected"
        else:
            reason = "an old Excel .xls workbook; save it as .xlsx"
            code = "wrong-type"
        result.error(Location(file), reason, code)
        return True
    if not raw.strip():
        result.error(Location(file), "the file is empty", "empty")
        return True
    if not raw.startswith(ZIP_MAGIC):
        result.error(
            Location(file),
            "not an Excel .xlsx workbook: expected the ORT template as .xlsx",
            "wrong-type",
        )
        return True
    return False


@register_reader
class ORTReader(Reader):
    name = "ort-xlsx"
    label = "CBD Online Reporting Tool indicator template (.xlsx)"

    def read(self, path: Path, options: ReadOptions) -> ReadResult:
        result = ReadResult(framework=options.framework or "gbf")
        file = path.name
        if not path.is_file():
            result.error(Location(file), "not a file", "not-found")
            return result
        if path.stat().st_size > MAX_FILE_BYTES:
            result.error(Location(file), f"larger than {MAX_FILE_BYTES // 2**20} MB", "too-large")
            return result
        result.files.append(fingerprint(path))
        raw = path.read_bytes()
        if _refuse_non_workbook(raw, file, result):
            return result
        try:
            # data_only=False keeps formulas as formulas, so that they can be refused.
            book = load_workbook(io.BytesIO(raw), data_only=False)
        except Exception as exc:  # openpyxl raises many kinds for a damaged package
            result.error(
                Location(file),
                f"the workbook cannot be opened ({type(exc).__name__}: {exc}); "
                "it may be damaged or not an .xlsx file",
                "corrupt",
            )
            return result
        if not options.place:
            result.error(
                Location(file),
                "the template holds one country's data: say which country (place) it is for",
                "no-place",
            )
        found = False
        for sheet in book.worksheets:
            header_row = _header_row(sheet)
            if header_row is None:
                continue
            found = True
            self._read_sheet(sheet, header_row, file, options, result)
        if not found:
            if all(_is_empty(sheet) for sheet in book.worksheets):
                sheet_name = book.worksheets[0].title if book.worksheets else ""
                result.error(Location(file, sheet=sheet_name), "the sheet is empty", "empty")
            else:
                result.error(
                    Location(file, sheet=book.worksheets[0].title),
                    f"no header row found in the first {HEADER_SEARCH_ROWS} rows of any sheet: "
                    f"expected the columns {', '.join(COLUMNS)}",
                    "header-not-found",
                )
        book.close()
        return result

    def _read_sheet(
        self,
        sheet: Worksheet,
        header_row: int,
        file: str,
        options: ReadOptions,
        result: ReadResult,
    ) -> None:
        title = sheet.title
        columns: dict[str, int] = {}
        for cell in sheet[header_row]:
            name = FOLDED.get(_fold(cell.value))
            if name is not None and name in columns:
                result.error(
                    Location(file, header_row, name, title),
                    f"column {name!r} appears twice ({get_column_letter(columns[name])} and "
                    f"{cell.column_letter})",
                    "bad-header",
                )
            elif name is not None:
                columns[name] = cell.column
            elif cell.value not in (None, ""):
                result.warn(
                    Location(file, header_row, str(cell.value), title),
                    f"column {cell.value!r} ({cell.column_letter}) is not part of the template; "
                    "it is not read",
                    "unknown-column",
                )
        missing = [c for c in COLUMNS if c not in columns]
        for name in missing:
            result.error(
                Location(file, header_row, name, title),
                f"no {name!r} column in the header row",
                "missing-column",
            )
        names_by_index = {index: name for name, index in columns.items()}
        last_column = max(columns.values())

        def column_name(index: int) -> str:
            return names_by_index.get(index, get_column_letter(index))

        refused: set[int] = set()  # rows already reported, not read again
        for merged in sorted(sheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
            if merged.max_row >= header_row and merged.min_col <= last_column:
                refused.update(range(merged.min_row, merged.max_row + 1))
                result.error(
                    Location(file, merged.min_row, column_name(merged.min_col), title),
                    f"merged cells {merged.coord} in the data area; unmerge them and repeat "
                    "the value in each row",
                    "merged-cells",
                )
        for row in sheet.iter_rows(min_row=header_row):
            for cell in row:
                if cell.data_type == "f":
                    refused.add(cell.row)
                    formula = getattr(cell.value, "text", cell.value)
                    result.error(
                        Location(file, cell.row, column_name(cell.column), title),
                        f"cell {cell.coordinate} holds the formula {formula}; "
                        "paste values instead of formulas",
                        "formula",
                    )
        if missing or header_row in refused:
            return
        rows = skipped = 0
        for row in sheet.iter_rows(min_row=header_row + 1):
            cells = {name: row[index - 1] for name, index in columns.items() if index <= len(row)}
            if all(c.value in (None, "") for c in cells.values()):
                continue
            rows += 1
            if row[0].row in refused:
                continue
            if cells[VALUE].value in (None, ""):
                # A template lists indicators with rows left for the values; unfilled ones
                # are not data.
                skipped += 1
                continue
            record = self._record(cells, row[0].row, file, title, options, result)
            if record is not None:
                result.records.append(record)
        if not rows:
            result.error(
                Location(file, header_row, sheet=title), "no data rows under the header", "empty"
            )
        if skipped:
            result.warn(
                Location(file, sheet=title),
                f"{skipped} rows have no value and were skipped",
                "no-value",
            )

    def _record(
        self,
        cells: dict[str, Cell],
        row: int,
        file: str,
        sheet: str,
        options: ReadOptions,
        result: ReadResult,
    ) -> Record | None:
        def at(column: str) -> Location:
            return Location(file, row, column, sheet)

        ok = True
        code = _text(cells[CODE].value)
        if not code:
            result.error(at(CODE), "empty indicator code", "empty-indicator")
            ok = False
        year = cells[YEAR].value
        if isinstance(year, datetime | date):
            result.error(at(YEAR), f"a date ({year:%Y-%m-%d}), not a year", "bad-period")
            ok = False
            period = ""
        else:
            period = _text(year)
            if not period:
                result.error(at(YEAR), "empty year", "empty-period")
                ok = False
            else:
                try:
                    periods.parse(period)
                except periods.PeriodError as exc:
                    result.error(at(YEAR), str(exc), "bad-period")
                    ok = False
        value = _number(cells[VALUE].value)
        if value is None:
            text = _text(cells[VALUE].value)
            result.error(at(VALUE), f"{text!r} is not a number", "not-a-number")
            ok = False
        dims = self._disaggregation(cells, at, result)
        if dims is None:
            ok = False
        unit, multiplier = _unit(_text(cells[UNIT].value))
        if not ok or value is None or dims is None:
            return None
        title = _text(cells[TITLE].value)
        if title:
            result.metadata.setdefault("titles", {}).setdefault(code, title)
        return Record(
            indicator=code,
            place=options.place,
            period=period,
            value=value,
            location=Location(file, row, sheet=sheet),
            disaggregation=dims,
            unit=unit,
            unit_multiplier=multiplier,
            footnote=_text(cells[FOOTNOTE].value),
        )

    def _disaggregation(
        self, cells: dict[str, Cell], at: Callable[[str], Location], result: ReadResult
    ) -> tuple[tuple[str, str], ...] | None:
        flag = _text(cells[IS_DISAGGREGATION].value).casefold()
        if isinstance(cells[IS_DISAGGREGATION].value, bool):
            flag = "yes" if cells[IS_DISAGGREGATION].value else "no"
        kinds = [k.strip() for k in _text(cells[TYPE].value).splitlines() if k.strip()]
        values = [v.strip() for v in _text(cells[DISAGGREGATION].value).splitlines()]
        values = [v for v in values if v]
        if not flag:
            # Left blank: the row is a disaggregation when it names one.
            flag = "yes" if kinds or values else "no"
        if flag in NO:
            if kinds or values:
                result.warn(
                    at(IS_DISAGGREGATION),
                    "the row is not marked as a disaggregation; its Disaggregation type and "
                    "Disaggregation are not read",
                    "ignored-disaggregation",
                )
            return ()
        if flag not in YES:
            result.error(
                at(IS_DISAGGREGATION),
                f"{_text(cells[IS_DISAGGREGATION].value)!r}: answer Yes or No",
                "bad-flag",
            )
            return None
        if not kinds or not values:
            missing = TYPE if not kinds else DISAGGREGATION
            result.error(at(missing), f"a disaggregation row needs its {missing}", "empty-cell")
            return None
        if len(kinds) != len(values):
            result.error(
                at(DISAGGREGATION),
                f"{len(kinds)} disaggregation types but {len(values)} values",
                "bad-disaggregation",
            )
            return None
        return disaggregation(zip(kinds, values, strict=True))


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value == value and abs(value) != float("inf") else None
    if isinstance(value, str):
        return parse_number(value)
    return None


def _unit(text: str) -> tuple[str, int]:
    match = MULTIPLIER.match(text)
    if match:
        return match.group(1), int(match.group(2))
    return text, 0


def _is_empty(sheet: Worksheet) -> bool:
    return all(cell.value in (None, "") for row in sheet.iter_rows() for cell in row)


def _header_row(sheet: Worksheet) -> int | None:
    """The first row with at least three of the template's column names."""
    for row in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS):
        if sum(1 for cell in row if _fold(cell.value) in FOLDED) >= 3:
            return row[0].row
    return None


def _rows(series: list[ExportSeries]) -> Iterator[list[Any]]:
    for item in series:
        dims = list(item.disaggregation)
        unit = item.unit
        if item.unit_multiplier:
            unit = f"{unit} (x 10^{item.unit_multiplier})".strip()
        for period, value, _status, comment in item.observations:
            year: int | str = int(period) if re.fullmatch(r"\d{4}", period) else period
            yield [
                item.indicator,
                item.indicator_title,
                "Yes" if dims else "No",
                SEPARATOR.join(d for d, _ in dims),
                SEPARATOR.join(v for _, v in dims),
                year,
                unit,
                value,
                "\n".join(t for t in (item.footnote, comment) if t),
            ]


def _normalise(package: bytes) -> bytes:
    """The same workbook with fixed timestamps in the zip entries and document properties."""
    source = zipfile.ZipFile(io.BytesIO(package))
    target = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    data,
                )
            entry = zipfile.ZipInfo(info.filename, ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            out.writestr(entry, data)
    return target.getvalue()


@register_writer
class ORTWriter(Writer):
    name = "ort-xlsx"
    label = "CBD Online Reporting Tool indicator template (.xlsx)"
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extension = "xlsx"

    def write(self, series: list[ExportSeries], destination: Path) -> list[Path]:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = SHEET
        sheet.append(list(COLUMNS))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in _rows(series):
            sheet.append(row)
        sheet.freeze_panes = "A2"
        for index, width in enumerate((14, 50, 22, 22, 22, 10, 20, 14, 40), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        book.properties.creator = "Meadow"
        book.properties.created = FIXED_TIME
        buffer = io.BytesIO()
        book.save(buffer)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(_normalise(buffer.getvalue()))
        return [destination]
