"""The corpus of bad input: each file gives one exact, located error and no records.

Text files are under files/bad/; workbooks are built here with openpyxl, so that each
shows the one defect it is about.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from meadow.indicators.formats import reader
from meadow.indicators.formats.base import ReadOptions
from meadow.indicators.formats.ort import COLUMNS

from .helpers import BAD, only_problem

GBR = ReadOptions(place="GBR")


def _template(rows: list[list[object]], title_rows: int = 0) -> Workbook:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "Indicators"
    for _ in range(title_rows):
        sheet.append(["National indicator data"])
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    return book


def _row(year: object = 2020, value: object = 0.72, flag: str = "No") -> list[object]:
    return ["A.1", "Red List Index", flag, None, None, year, "index", value, None]


def _save(book: Workbook, path: Path) -> Path:
    book.save(path)
    return path


def formula(path: Path) -> Path:
    book = _template([_row(), _row(2021, "=H2*1.01")])
    return _save(book, path)


def merged(path: Path) -> Path:
    book = _template([_row(2020), _row(2021), _row(2022)])
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.merge_cells("A3:A4")
    return _save(book, path)


def missing_column(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append([c for c in COLUMNS if c != "Unit"])
    sheet.append(["A.1", "Red List Index", "No", None, None, 2020, 0.72, None])
    return _save(book, path)


def header_not_found(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["Code", "Year", "Number"])
    sheet.append(["A.1", 2020, 0.72])
    return _save(book, path)


def text_value(path: Path) -> Path:
    return _save(_template([_row(), _row(2021, "0,75 (est.)")], title_rows=2), path)


def empty_year(path: Path) -> Path:
    return _save(_template([_row(), _row(None)]), path)


def year_out_of_range(path: Path) -> Path:
    return _save(_template([_row(), _row(1850)]), path)


def empty_sheet(path: Path) -> Path:
    return _save(Workbook(), path)


def corrupt(path: Path) -> Path:
    _save(_template([_row()]), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def password_protected(path: Path) -> Path:
    # Excel wraps an encrypted workbook in an OLE2 compound file holding an
    # "EncryptedPackage" stream: the signature and that stream name are what count.
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    path.write_bytes(header + "EncryptedPackage".encode("utf-16-le") + bytes(64))
    return path


def csv_named_xlsx(path: Path) -> Path:
    path.write_bytes((BAD / "not-a-number.csv").read_bytes())
    return path


@dataclass(frozen=True)
class Case:
    kind: str
    format: str
    build: str | Callable[[Path], Path]  # a file under files/bad, or a builder
    code: str
    sheet: str
    row: int | None
    column: str
    reason: str
    options: ReadOptions = GBR


CASES = [
    Case("formula cell", "ort-xlsx", formula, "formula", "Indicators", 3, "Value", "=H2*1.01"),
    Case("merged cells", "ort-xlsx", merged, "merged-cells", "Indicators", 3, "Indicator code",
         "merged cells A3:A4"),
    Case("missing column", "ort-xlsx", missing_column, "missing-column", "Sheet", 1, "Unit",
         "no 'Unit' column"),
    Case("header not found", "ort-xlsx", header_not_found, "header-not-found", "Sheet", None, "",
         "no header row found"),
    Case("non-numeric value", "ort-xlsx", text_value, "not-a-number", "Indicators", 5, "Value",
         "'0,75 (est.)' is not a number"),
    Case("empty year", "ort-xlsx", empty_year, "empty-period", "Indicators", 3, "Year",
         "empty year"),
    Case("year out of range", "ort-xlsx", year_out_of_range, "bad-period", "Indicators", 3,
         "Year", "year 1850 is outside 1900-2100"),
    Case("empty sheet", "ort-xlsx", empty_sheet, "empty", "Sheet", None, "", "the sheet is empty"),
    Case("corrupt workbook", "ort-xlsx", corrupt, "corrupt", "", None, "",
         "the workbook cannot be opened"),
    Case("password-protected workbook", "ort-xlsx", password_protected, "protected", "", None, "",
         "password-protected"),
    Case("not a workbook", "ort-xlsx", csv_named_xlsx, "wrong-type", "", None, "",
         "not an Excel .xlsx workbook"),
    Case("not UTF-8", "csv", "latin1.csv", "encoding", "", 3, "",
         "not UTF-8: byte 0xCE at offset 72 (line 3, byte 14 of the line)"),
    Case("UTF-16", "csv", "utf16.csv", "encoding", "", 1, "", "the file is UTF-16"),
    Case("empty file", "csv", "empty.csv", "empty", "", None, "", "the file is empty"),
    Case("truncated CSV", "csv", "truncated.csv", "truncated", "", 3, "",
         "the last line has 4 of the header's 5 fields"),
    Case("unterminated quote", "csv", "unterminated-quote.csv", "unterminated-quote", "", 2,
         "", "unterminated quote"),
    Case("wrong delimiter", "csv", "pipes.csv", "delimiter", "", 1, "",
         "'Indicator|Place|Year|Value' is a single column"),
    Case("non-numeric CSV value", "csv", "not-a-number.csv", "not-a-number", "", 3, "Value",
         "'about 0.8' is not a number"),
    Case("CSV year out of range", "csv", "year-out-of-range.csv", "bad-period", "", 3,
         "Year", "year 2150 is outside 1900-2100"),
    Case("column mapped to a missing column", "csv", "unknown-columns.csv",
         "missing-column", "", 1, "Year", "no column 'Year' (mapped to period)",
         ReadOptions(place="GBR", columns={"indicator": "Code", "period": "Year",
                                           "value": "Amount"})),
    Case("malformed XML", "sdmx-ml", "malformed.xml", "malformed-xml", "", 5, "14",
         "Opening and ending tag mismatch"),
    Case("XML that is not SDMX", "sdmx-ml", "not-sdmx.xml", "not-sdmx", "", 2, "",
         "the document is <html>"),
    Case("SDMX structure, not data", "sdmx-ml", "structure-message.xml", "not-data", "",
         None, "", "an SDMX StructureMessage, not a data message"),
    Case("non-numeric SDMX value", "sdmx-ml", "not-a-number.xml", "not-a-number", "", 15,
         "OBS_VALUE", "TIME_PERIOD=2016: 'n.a.' is not a number"),
    Case("malformed JSON", "sdmx-json", "malformed.json", "malformed-json", "", 4, "50",
         "Expecting value"),
    Case("JSON that is not SDMX", "sdmx-json", "not-sdmx.json", "not-sdmx", "", None, "$",
         "no data.structure"),
    Case("SDMX-JSON key out of range", "sdmx-json", "bad-index.json", "not-sdmx", "", None,
         "dataSets[0].series['0'].observations['3']", "TIME_PERIOD has no value number 3"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.kind for c in CASES])
def test_bad_file_gives_its_located_error(case: Case, tmp_path: Path) -> None:
    if isinstance(case.build, str):
        path = Path(shutil.copyfile(BAD / case.build, tmp_path / case.build))
    else:
        path = case.build(tmp_path / "input.xlsx")
    result = reader(case.format).read(path, case.options)
    problem = only_problem(result, case.code)
    assert problem.level == "error"
    assert problem.location.file == path.name
    assert problem.location.sheet == case.sheet
    assert problem.location.row == case.row
    assert problem.location.column == case.column
    assert case.reason in problem.reason
    # Nothing is read from where the problem is.
    assert all(r.location.row != case.row for r in result.records)
    if case.row is None:
        assert result.records == []


def test_the_corpus_covers_at_least_fifteen_kinds() -> None:
    assert len({c.kind for c in CASES}) >= 15
    assert len({c.code for c in CASES}) >= 15


def test_every_bad_file_on_disk_is_in_the_corpus() -> None:
    assert {p.name for p in BAD.iterdir()} == {c.build for c in CASES if isinstance(c.build, str)}


def test_a_bad_row_keeps_the_good_rows_and_every_problem(tmp_path: Path) -> None:
    book = _template([_row(), _row(None, "n/a"), _row(1850), _row(2023, "=1+1")])
    path = _save(book, tmp_path / "many.xlsx")
    result = reader("ort-xlsx").read(path, GBR)
    assert [(p.code, p.location.row) for p in result.errors] == [
        ("formula", 5),
        ("empty-period", 3),
        ("not-a-number", 3),
        ("bad-period", 4),
    ]
    assert [r.period for r in result.records] == ["2020"]


def test_the_template_needs_a_country(tmp_path: Path) -> None:
    path = _save(_template([_row()]), tmp_path / "no-place.xlsx")
    result = reader("ort-xlsx").read(path, ReadOptions())
    problem = only_problem(result, "no-place")
    assert problem.location.file == "no-place.xlsx"
    assert "say which country" in problem.reason


def test_sdmx_series_without_an_indicator_is_refused() -> None:
    path = BAD.parent / "sdg-structure-specific.xml"
    result = reader("sdmx-ml").read(path, ReadOptions())
    codes = [p for p in result.errors if p.code == "no-indicator"]
    assert [(p.location.row, p.location.column) for p in codes] == [
        (18, "SERIES"),
        (22, "SERIES"),
        (26, "SERIES"),
    ]
    assert "map the series to an indicator (series:ER_PTD_TERR=15.1.1)" in codes[0].reason


def test_csv_rows_that_name_two_frameworks_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        "Indicator,Framework,Place,Year,Value\nA.1,gbf,GBR,2020,1\n15.1.1,sdg,GBR,2020,2\n",
        encoding="utf-8",
    )
    problem = only_problem(reader("csv").read(path, ReadOptions()), "mixed-frameworks")
    assert (problem.location.row, problem.location.column) == (3, "Framework")
    assert "gbf (line 2), sdg (line 3)" in problem.reason
