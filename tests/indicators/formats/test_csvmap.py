"""Plain CSV with a column mapping: reading, separators and encodings, writing back."""

from __future__ import annotations

from pathlib import Path

from meadow.indicators.formats import reader, writer
from meadow.indicators.formats.base import ReadOptions
from meadow.indicators.formats.csvmap import parse_number

from .helpers import export_series, facts, only_problem


def write(tmp_path: Path, text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_usual_column_names_need_no_mapping(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Indicator,Place,Year,Sex,Value,Units,Observation status,Series\n"
        "15.1.1,GBR,2015,Female,13.1,%,E,AG_LND_FRST\n"
        "15.1.1,GBR,2016,,13.2,%,,AG_LND_FRST\n",
    )
    result = reader("csv").read(path, ReadOptions())
    assert result.problems == []
    assert [facts(r) for r in result.records] == [
        ("15.1.1", "GBR", "2015", 13.1, (("Sex", "Female"),), "%", 0, "E", "", "AG_LND_FRST",
         "", ""),
        ("15.1.1", "GBR", "2016", 13.2, (), "%", 0, "", "", "AG_LND_FRST", "", ""),
    ]  # fmt: skip
    assert [r.location.row for r in result.records] == [2, 3]


def test_a_mapping_names_roles_dimensions_and_ignored_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Code,Area,When,Amount,Mult,Gender,Notes,Region\nA.1,826,2020,1.5,3,F,checked,North\n",
    )
    options = ReadOptions(
        columns={
            "indicator": "Code",
            "place": "area",  # case does not matter
            "period": "When",
            "value": "Amount",
            "unit_multiplier": "Mult",
            "dim:Sex": "Gender",
            "ignore:Notes": "",
        },
        framework="gbf",
    )
    result = reader("csv").read(path, options)
    assert result.problems == []
    assert result.framework == "gbf"
    (record,) = result.records
    assert facts(record) == (
        "A.1", "826", "2020", 1.5, (("Region", "North"), ("Sex", "F")), "", 3, "", "", "", "", ""
    )  # fmt: skip


def test_place_from_the_options(tmp_path: Path) -> None:
    path = write(tmp_path, "Indicator,Year,Value\nA.1,2020,1\n")
    (record,) = reader("csv").read(path, ReadOptions(place="GBR")).records
    assert record.place == "GBR"


def test_semicolons_decimal_commas_and_a_byte_order_mark(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeffIndicator;Place;Year;Value\nA.1;GBR;2020;0,75\n")
    result = reader("csv").read(path, ReadOptions())
    assert result.problems == []
    assert [(r.indicator, r.value) for r in result.records] == [("A.1", 0.75)]


def test_tabs(tmp_path: Path) -> None:
    path = write(tmp_path, "Indicator\tPlace\tYear\tValue\nA.1\tGBR\t2020 Q1\t2\n")
    assert [r.period for r in reader("csv").read(path, ReadOptions()).records] == ["2020 Q1"]


def test_quoted_fields_with_separators_and_line_breaks(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'Indicator,Place,Year,Value,Comment\nA.1,GBR,2020,1,"first, then\nrevised"\n'
        "A.1,GBR,2021,2,\n",
    )
    result = reader("csv").read(path, ReadOptions())
    assert [(r.comment, r.location.row) for r in result.records] == [
        ("first, then\nrevised", 2),
        ("", 4),
    ]


def test_rows_without_a_value_are_skipped_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "Indicator,Place,Year,Value\nA.1,GBR,2020,\nA.1,GBR,2021,1\n")
    result = reader("csv").read(path, ReadOptions())
    assert len(result.records) == 1
    assert only_problem(result, "no-value").level == "warning"


def test_a_middle_row_with_missing_fields(tmp_path: Path) -> None:
    path = write(tmp_path, "Indicator,Place,Year,Value\nA.1,GBR,2020\nA.1,GBR,2021,1\n")
    problem = only_problem(reader("csv").read(path, ReadOptions()), "ragged-row")
    assert (problem.location.row, problem.reason) == (2, "3 fields where the header has 4")


def test_an_unknown_role_in_the_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "Indicator,Place,Year,Value\nA.1,GBR,2020,1\n")
    result = reader("csv").read(path, ReadOptions(columns={"country": "Place"}))
    assert "unknown role 'country'" in only_problem(result, "bad-mapping").reason


def test_a_column_twice(tmp_path: Path) -> None:
    path = write(tmp_path, "Indicator,Place,Year,Value,Sex,Sex\nA.1,GBR,2020,1,F,M\n")
    problem = only_problem(reader("csv").read(path, ReadOptions()), "bad-header")
    assert (problem.location.column, problem.reason) == (
        "Sex",
        "column 'Sex' appears twice (columns 5 and 6)",
    )


def test_numbers() -> None:
    assert parse_number(" 12 ") == 12.0
    assert parse_number("-1.5e3") == -1500.0
    assert parse_number("1,5") is None
    assert parse_number("1,5", decimal_comma=True) == 1.5
    assert [parse_number(t) for t in ("nan", "inf", "1_000", "", "12%")] == [None] * 5


SERIES = [
    export_series(
        "15.1.1",
        framework="sdg",
        unit="%",
        series_code="AG_LND_FRST",
        source="Forest Research",
        dims=(("Country", "England"), ("Source", "Survey")),
        observations=[("2015", 13.1, "E", "first estimate"), ("2014/15", 0.1 + 0.2, "", "")],
    ),
    export_series("15.1.1", framework="sdg", unit="%", observations=[("2016", 13.0, "", "")]),
]


def test_writer_layout(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    assert writer("csv").write(SERIES, path) == [path]
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    assert lines[0] == (
        "Indicator,Framework,Series,Place,Period,Country,dim:Source,Value,Unit,"
        "Unit multiplier,Observation status,Comment,Footnote,Source"
    )
    assert lines[1] == (
        "15.1.1,sdg,AG_LND_FRST,GBR,2015,England,Survey,13.1,%,0,E,first estimate,,Forest Research"
    )
    assert lines[2].split(",")[7] == "0.30000000000000004"
    assert lines[3] == "15.1.1,sdg,,GBR,2016,,,13,%,0,,,,"


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    writer("csv").write(SERIES, path)
    result = reader("csv").read(path, ReadOptions())
    assert result.problems == []
    assert result.framework == "sdg"
    expected = [
        (s.indicator, s.place, period, value, s.disaggregation, s.unit, s.unit_multiplier, status,
         comment, s.series_code, s.source, s.footnote)
        for s in SERIES
        for period, value, status, comment in s.observations
    ]  # fmt: skip
    assert [facts(r) for r in result.records] == expected


def test_series_attributes_round_trip(tmp_path: Path) -> None:
    item = export_series(attributes=(("archived", "yes"),))
    path = tmp_path / "out.csv"
    writer("csv").write([item, export_series()], path)
    assert path.read_text(encoding="utf-8").splitlines()[0].endswith(",Source,attr:archived")
    records = reader("csv").read(path, ReadOptions()).records
    assert [r.attributes for r in records] == [(("archived", "yes"),), ()]


def test_writer_output_is_deterministic(tmp_path: Path) -> None:
    writer("csv").write(SERIES, tmp_path / "a.csv")
    writer("csv").write(SERIES, tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
