"""The CBD reporting tool's indicator template: a reference workbook, and round trips."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from meadow.indicators.formats import reader, writer
from meadow.indicators.formats.base import Location, ReadOptions
from meadow.indicators.formats.ort import COLUMNS

from .helpers import export_series, facts

HEADER = [
    "Indicator code",
    "Indicator",
    "Does this data row represent a disaggregation?",
    "Disaggregation type",
    "Disaggregation",
    "Year",
    "Unit",
    "Value",
    "Footnote",
]


def reference_workbook(path: Path) -> Path:
    """A filled template as a country would send it: title rows, then the header row."""
    book = Workbook()
    guide = book.active
    assert isinstance(guide, Worksheet)
    guide.title = "Instructions"
    guide.append(["Fill one row per value on the Data sheet."])
    data = book.create_sheet("Data")
    data.append(["7th national report: indicator data"])
    data.merge_cells("A1:I1")  # a title banner above the header is allowed
    data.append([])
    data.append(HEADER)
    data.append(["A.1", "Red List Index", "No", None, None, 2015, "index", 0.8, None])
    data.append(["A.1", "Red List Index", "No", None, None, 2020, "index", 0.78, "Provisional"])
    data.append(["A.1", "Red List Index", "Yes", "Taxonomic group", "Birds", 2020, "index", 0.81])
    data.append(["3.CT.1", "Coverage of protected areas", "yes", "Realm", "Marine", "2019/20",
                 "%", "12.5", None])  # fmt: skip
    data.append([None] * 9)  # a blank row in the middle is skipped
    data.append(["1.1", "Spatial planning", "No", None, None, 2022, "%", 31, None])
    book.save(path)
    return path


def test_reference_workbook(tmp_path: Path) -> None:
    path = reference_workbook(tmp_path / "ort.xlsx")
    result = reader("ort-xlsx").read(path, ReadOptions(place="GBR"))
    assert result.errors == []
    assert result.framework == "gbf"
    assert [facts(r) for r in result.records] == [
        ("A.1", "GBR", "2015", 0.8, (), "index", 0, "", "", "", "", ""),
        ("A.1", "GBR", "2020", 0.78, (), "index", 0, "", "", "", "", "Provisional"),
        ("A.1", "GBR", "2020", 0.81, (("Taxonomic group", "Birds"),), "index", 0, "", "", "", "",
         ""),
        ("3.CT.1", "GBR", "2019/20", 12.5, (("Realm", "Marine"),), "%", 0, "", "", "", "", ""),
        ("1.1", "GBR", "2022", 31.0, (), "%", 0, "", "", "", "", ""),
    ]  # fmt: skip
    assert [r.location for r in result.records][::4] == [
        Location("ort.xlsx", 4, sheet="Data"),
        Location("ort.xlsx", 9, sheet="Data"),
    ]
    assert result.metadata["titles"]["3.CT.1"] == "Coverage of protected areas"
    assert [f.name for f in result.files] == ["ort.xlsx"]


def test_framework_option_wins(tmp_path: Path) -> None:
    path = reference_workbook(tmp_path / "ort.xlsx")
    result = reader("ort-xlsx").read(path, ReadOptions(place="GBR", framework="sdg"))
    assert result.framework == "sdg"


def test_a_blank_flag_follows_the_disaggregation_cells(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(list(COLUMNS))
    sheet.append(["A.1", "", None, "Sex", "Female", 2020, "", 1, None])
    sheet.append(["A.1", "", None, None, None, 2020, "", 2, None])
    sheet.append(["A.1", "", "No", "Sex", "Male", 2021, "", 3, None])
    path = tmp_path / "flags.xlsx"
    book.save(path)
    result = reader("ort-xlsx").read(path, ReadOptions(place="GBR"))
    assert [r.disaggregation for r in result.records] == [(("Sex", "Female"),), (), ()]
    assert [(p.code, p.location.row) for p in result.problems] == [("ignored-disaggregation", 4)]


SERIES = [
    export_series(
        "A.1",
        title="Red List Index",
        unit="index",
        observations=[("2015", 0.8, "", ""), ("2020", 0.78, "", "")],
    ),
    export_series(
        "A.3",
        title="Extent of natural ecosystems",
        unit="hectares",
        multiplier=3,
        dims=(("Age", "15-24"), ("Sex", "Female")),
        footnote="From the land cover map",
        observations=[("2014/15", 1234.5, "", ""), ("2016", 1300.0, "", "")],
    ),
    export_series(
        "A.4",
        title="Aid flows",
        dims=(("Flow", "Grants; loans"),),
        observations=[("2020", 5.0, "", "")],
    ),
]


def test_writer_lays_out_the_template(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    assert writer("ort-xlsx").write(SERIES, path) == [path]
    sheet = load_workbook(path).active
    assert isinstance(sheet, Worksheet)
    assert sheet.title == "Indicator data"
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == list(COLUMNS)
    assert rows[1] == ["A.1", "Red List Index", "No", None, None, 2015, "index", 0.8, None]
    assert rows[3] == [
        "A.3",
        "Extent of natural ecosystems",
        "Yes",
        "Age\nSex",
        "15-24\nFemale",
        "2014/15",
        "hectares (x 10^3)",
        1234.5,
        "From the land cover map",
    ]
    # Numbers stay numbers: a plain year and every value.
    assert isinstance(rows[4][5], int)
    assert all(isinstance(row[7], int | float) for row in rows[1:])
    assert len(rows) == 6


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    writer("ort-xlsx").write(SERIES, path)
    result = reader("ort-xlsx").read(path, ReadOptions(place="GBR"))
    assert result.problems == []
    assert [facts(r) for r in result.records] == [
        ("A.1", "GBR", "2015", 0.8, (), "index", 0, "", "", "", "", ""),
        ("A.1", "GBR", "2020", 0.78, (), "index", 0, "", "", "", "", ""),
        ("A.3", "GBR", "2014/15", 1234.5, (("Age", "15-24"), ("Sex", "Female")), "hectares", 3,
         "", "", "", "", "From the land cover map"),
        ("A.3", "GBR", "2016", 1300.0, (("Age", "15-24"), ("Sex", "Female")), "hectares", 3,
         "", "", "", "", "From the land cover map"),
        ("A.4", "GBR", "2020", 5.0, (("Flow", "Grants; loans"),), "", 0, "", "", "", "", ""),
    ]  # fmt: skip


def test_writer_output_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    writer("ort-xlsx").write(SERIES, first)
    writer("ort-xlsx").write(SERIES, second)
    assert first.read_bytes() == second.read_bytes()


def test_observation_comments_join_the_footnote(tmp_path: Path) -> None:
    series = [export_series(footnote="Series note", observations=[("2020", 1.0, "E", "Estimate")])]
    path = tmp_path / "comments.xlsx"
    writer("ort-xlsx").write(series, path)
    (record,) = reader("ort-xlsx").read(path, ReadOptions(place="GBR")).records
    assert record.footnote == "Series note\nEstimate"


def test_rows_left_unfilled_are_skipped_with_one_warning(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(list(COLUMNS))
    sheet.append(["A.1", "Red List Index", "No", None, None, 2020, "index", 0.7, None])
    for code in ("A.2", "A.3", "A.4"):
        sheet.append([code, "Listed by the template", None, None, None, None, None, None, None])
    path = tmp_path / "prefilled.xlsx"
    book.save(path)
    result = reader("ort-xlsx").read(path, ReadOptions(place="GBR"))
    assert [r.indicator for r in result.records] == ["A.1"]
    assert [(p.level, p.code, p.reason) for p in result.problems] == [
        ("warning", "no-value", "3 rows have no value and were skipped")
    ]
