"""SDMX-ML and SDMX-JSON data messages: SDG-shaped reference files and round trips."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import pytest
import sdmx
from lxml import etree
from sdmx.message import DataMessage, Header
from sdmx.model import common, v21

from meadow.indicators.formats import reader, writer
from meadow.indicators.formats.base import ReadOptions

from .helpers import FILES, export_series, facts, only_problem

SDG_MAPPING = ReadOptions(
    columns={
        "series:ER_PTD_TERR": "15.1.2",
        "series:SL_TLF_UEM": "C080501",
        "series:EN_ATM_PM25": "11.6.2",
    }
)


def test_structure_specific_sdg_file() -> None:
    result = reader("sdmx-ml").read(FILES / "sdg-structure-specific.xml", SDG_MAPPING)
    assert result.errors == []
    assert result.framework == "sdg"
    # FREQ differs between the series (A and M), so it stays a breakdown; totals (_T)
    # and the constant REPORTING_TYPE do not.
    assert [facts(r) for r in result.records] == [
        ("15.1.2", "826", "2015", 72.5, (("FREQ", "A"),), "PT", 0, "", "", "ER_PTD_TERR",
         "Protected Planet", ""),
        ("15.1.2", "826", "2016", 73.25, (("FREQ", "A"),), "PT", 0, "", "Revised boundaries",
         "ER_PTD_TERR", "", ""),
        ("8.5.1", "826", "2019", 11.0,
         (("AGE", "Y15T24"), ("FREQ", "A"), ("SEX", "F"), ("URBANISATION", "U")), "PT", 0, "E",
         "", "SL_TLF_UEM", "", ""),
        ("11.6.2", "826", "2021-M03", 1.5, (("FREQ", "M"),), "UG_PER_M3", 3, "", "",
         "EN_ATM_PM25", "", ""),
    ]  # fmt: skip
    assert [r.location.row for r in result.records] == [18, 19, 22, 26]
    assert [(p.code, p.reason) for p in result.warnings] == [
        ("no-value", "1 observations have no value and were skipped"),
        ("attributes-not-kept", "attributes not kept: NATURE, TIME_DETAIL"),
    ]


def test_generic_file_with_an_indicator_attribute() -> None:
    result = reader("sdmx-ml").read(FILES / "sdg-generic.xml", ReadOptions())
    assert result.problems == []
    assert [facts(r) for r in result.records] == [
        ("15.1.1", "826", "2000", 12.3, (), "PT", 0, "", "", "AG_LND_FRST",
         "National forest inventory", ""),
        ("15.1.1", "826", "2020", 13.2, (), "PT", 0, "P", "Provisional & subject to revision",
         "AG_LND_FRST", "National forest inventory", ""),
    ]  # fmt: skip


def test_the_mapping_wins_and_may_name_several_indicators() -> None:
    options = ReadOptions(columns={"series:AG_LND_FRST": "15.1.1, 15.2.1"})
    result = reader("sdmx-ml").read(FILES / "sdg-generic.xml", options)
    assert [(r.indicator, r.period) for r in result.records] == [
        ("15.1.1", "2000"),
        ("15.2.1", "2000"),
        ("15.1.1", "2020"),
        ("15.2.1", "2020"),
    ]


def test_sdmx_json_2_file() -> None:
    result = reader("sdmx-json").read(FILES / "sdg-data-2.0.json", ReadOptions())
    assert result.errors == []
    source = "World Database on Protected Areas"
    assert [facts(r) for r in result.records] == [
        ("15.1.2", "826", "2015", 72.5, (("REPORTING_TYPE", "N"),), "PT", 0, "A", "",
         "ER_PTD_TERR", source, ""),
        ("15.1.2", "826", "2016", 73.25, (("REPORTING_TYPE", "N"),), "PT", 0, "E", "",
         "ER_PTD_TERR", source, ""),
        ("15.1.2", "826", "2016", 40.0, (("REPORTING_TYPE", "G"), ("SEX", "F")), "PT", 0, "",
         "", "ER_PTD_TERR", source, ""),
    ]  # fmt: skip
    assert result.records[2].location.column.startswith(
        "dataSets[0].series['0:0:1'].observations['1']"
    )


def test_sdmx_json_1_with_series_and_data_set_attributes(tmp_path: Path) -> None:
    # The layout sdmx1 reads (header, structure, dataSets at the top); sdmx1 2.x takes a
    # series' attributes from the data set's list, which this message tells apart.
    document = {
        "header": {"id": "X", "prepared": "2024-01-01T00:00:00Z", "sender": {"id": "T"}},
        "structure": {
            "dimensions": {
                "series": [
                    {"id": "SERIES", "keyPosition": 0, "values": [{"id": "A"}, {"id": "B"}]}
                ],
                "observation": [
                    {"id": "TIME_PERIOD", "keyPosition": 1, "values": [{"id": "2015"}]}
                ],
            },
            "attributes": {
                "dataSet": [{"id": "SOURCE_DETAIL", "values": [{"name": "Survey"}]}],
                "series": [{"id": "UNIT_MEASURE", "values": [{"id": "PT"}, {"id": "HA"}]}],
            },
        },
        "dataSets": [
            {
                "action": "Information",
                "attributes": [0],
                "series": {
                    "0": {"attributes": [1], "observations": {"0": [1.5]}},
                    "1": {"attributes": [0], "observations": {"0": ["2.5"]}},
                },
            }
        ],
    }
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    options = ReadOptions(place="GBR", columns={"series:A": "A.1", "series:B": "A.2"})
    result = reader("sdmx-json").read(path, options)
    assert result.problems == []
    assert [(r.indicator, r.place, r.value, r.unit, r.source) for r in result.records] == [
        ("A.1", "GBR", 1.5, "HA", "Survey"),
        ("A.2", "GBR", 2.5, "PT", "Survey"),
    ]


def test_structure_specific_data_written_by_sdmx1(tmp_path: Path) -> None:
    agency = common.Agency(id="TESTS")
    dsd = v21.DataStructureDefinition(id="DSD", maintainer=agency, version="1.0")
    for order, ident in enumerate(("SERIES", "REF_AREA", "SEX")):
        dsd.dimensions.getdefault(id=ident, order=order)
    time = v21.TimeDimension(id="TIME_PERIOD", order=3)
    dsd.dimensions.append(time)
    measure = dsd.measures.getdefault(id="OBS_VALUE")
    unit = dsd.attributes.getdefault(id="UNIT_MEASURE")
    status = dsd.attributes.getdefault(id="OBS_STATUS")
    dataset = v21.StructureSpecificDataSet(structured_by=dsd)
    key = dsd.make_key(common.SeriesKey, {"SERIES": "SH_STA_MORT", "REF_AREA": "4", "SEX": "F"})
    key.attrib["UNIT_MEASURE"] = common.AttributeValue(value="PER_100000", value_for=unit)
    obs = v21.Observation(
        dimension=dsd.make_key(common.Key, {"TIME_PERIOD": "2017"}),
        value=638.0,
        value_for=measure,
        series_key=key,
    )
    obs.attached_attribute["OBS_STATUS"] = common.AttributeValue(value="E", value_for=status)
    dataset.add_obs([obs], key)
    message = DataMessage(
        header=Header(id="SS", prepared=datetime(2024, 1, 1), sender=agency),
        data=[dataset],
        observation_dimension=time,
    )
    path = tmp_path / "ss.xml"
    path.write_bytes(sdmx.to_xml(message))
    options = ReadOptions(columns={"series:SH_STA_MORT": "3.1.1"})
    (record,) = reader("sdmx-ml").read(path, options).records
    assert facts(record) == (
        "3.1.1", "4", "2017", 638.0, (("SEX", "F"),), "PER_100000", 0, "E",
        "", "SH_STA_MORT", "", "",
    )  # fmt: skip


SERIES = [
    export_series(
        "A.3",
        title="Extent of natural ecosystems",
        unit="HA",
        multiplier=3,
        series_code="ER_NAT_EXT",
        source="Land cover map",
        footnote="Mapped from satellite data",
        dims=(("AGE", "Y15T24"), ("SEX", "F")),
        observations=[("2015", 1234.5, "E", "first <estimate> & more"), ("2014/15", 0.3, "", "")],
    ),
    export_series(
        "A.3",
        title="Extent of natural ecosystems",
        unit="HA",
        multiplier=3,
        series_code="ER_NAT_EXT",
        observations=[("2016", 1300.0, "", ""), ("2020 Q1", 1310.25, "P", "")],
    ),
    export_series("B.1", observations=[("2010-2012", -2.5, "", "")]),
]


def expected_records() -> list[tuple[object, ...]]:
    return [
        (s.indicator, s.place_m49, period, value, s.disaggregation, s.unit, s.unit_multiplier,
         status, comment, s.series_code, s.source, s.footnote)
        for s in SERIES
        for period, value, status, comment in s.observations
    ]  # fmt: skip


@pytest.mark.parametrize(("name", "suffix"), [("sdmx-ml", "xml"), ("sdmx-json", "json")])
def test_round_trip(name: str, suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"export.{suffix}"
    assert writer(name).write(SERIES, path) == [path]
    result = reader(name).read(path, ReadOptions())
    assert result.problems == []
    assert result.framework == "gbf"
    assert [facts(r) for r in result.records] == expected_records()


@pytest.mark.parametrize(("name", "suffix"), [("sdmx-ml", "xml"), ("sdmx-json", "json")])
def test_writer_output_is_deterministic(name: str, suffix: str, tmp_path: Path) -> None:
    first, second = tmp_path / f"a.{suffix}", tmp_path / f"b.{suffix}"
    writer(name).write(SERIES, first)
    writer(name).write(SERIES, second)
    assert first.read_bytes() == second.read_bytes()


def test_sdmx1_reads_the_written_generic_message(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    writer("sdmx-ml").write(SERIES, path)
    assert b"<mes:GenericData" in path.read_bytes()[:400]
    message = sdmx.read_sdmx(io.BytesIO(path.read_bytes()), format="XML")
    assert isinstance(message, DataMessage)
    # One data set per indicator, each structured by a definition of its own dimensions
    # (sdmx1 2.x binds every data set to the header's first structure, so this is read
    # from the XML itself).
    root = etree.fromstring(path.read_bytes())
    assert [ds.get("structureRef") for ds in root.iter("{*}DataSet")] == [
        "MEADOW_INDICATOR_DATA_GBF_A_3",
        "MEADOW_INDICATOR_DATA_GBF_B_1",
    ]
    keys = [
        [tuple((kv.id, str(kv.value)) for kv in obs.key.values.values()) for obs in ds.obs]
        for ds in message.data
    ]
    assert keys[0][0] == (
        ("SERIES", "ER_NAT_EXT"),
        ("REF_AREA", "826"),
        ("AGE", "Y15T24"),
        ("SEX", "F"),
        ("TIME_PERIOD", "2015"),
    )
    assert keys[1] == [(("REF_AREA", "826"), ("TIME_PERIOD", "2010-2012"))]
    assert [len(k) for k in keys] == [4, 1]


def test_json_writer_structure(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    writer("sdmx-json").write(SERIES, path)
    document = json.loads(path.read_text(encoding="utf-8"))
    structure = document["data"]["structure"]
    assert [d["id"] for d in structure["dimensions"]["series"]] == [
        "SERIES",
        "REF_AREA",
        "AGE",
        "SEX",
    ]
    assert structure["dimensions"]["series"][1]["values"] == [
        {"id": "826", "name": "United Kingdom"}
    ]
    assert [v["id"] for v in structure["dimensions"]["series"][0]["values"]] == ["ER_NAT_EXT", "_Z"]
    series = document["data"]["dataSets"][0]["series"]
    assert list(series) == ["0:0:0:0", "0:0:1:1", "1:0:1:1"]
    assert series["0:0:0:0"]["observations"]["0"] == [1234.5, 0, 0]


@pytest.mark.parametrize(("name", "suffix"), [("sdmx-ml", "xml"), ("sdmx-json", "json")])
def test_dimension_names_and_series_attributes_survive(
    name: str, suffix: str, tmp_path: Path
) -> None:
    # Open SDG data name dimensions freely and keep details such as "archived" as series
    # attributes; SDMX identifiers are stricter, so Meadow's own attributes carry both.
    item = export_series(
        dims=(("Local authority", "Leeds"), ("2nd level", "x")),
        attributes=(("Unit multiplier", "Thousands (approx)"), ("archived", "yes")),
    )
    path = tmp_path / f"export.{suffix}"
    writer(name).write([item], path)
    text = path.read_text(encoding="utf-8")
    assert "Local_authority" in text and "D_2nd_level" in text
    (record,) = reader(name).read(path, ReadOptions()).records
    assert record.disaggregation == (("2nd level", "x"), ("Local authority", "Leeds"))
    assert record.attributes == item.attributes


def test_series_that_differ_only_in_an_attribute_keep_apart(tmp_path: Path) -> None:
    # An SDMX key names one series, so the unit joins the key when only it tells two
    # series apart, and the indicator when two indicators share breakdowns.
    series = [
        export_series("A.1", unit="%", observations=[("2015", 1.0, "", "")]),
        export_series("A.1", unit="ha", observations=[("2015", 2.0, "", "")]),
        export_series("A.2", unit="%", observations=[("2015", 3.0, "", "")]),
    ]
    path = tmp_path / "units.json"
    writer("sdmx-json").write(series, path)
    structure = json.loads(path.read_text(encoding="utf-8"))["data"]["structure"]
    assert [d["id"] for d in structure["dimensions"]["series"]] == [
        "INDICATOR",
        "REF_AREA",
        "UNIT_MEASURE",
    ]
    records = reader("sdmx-json").read(path, ReadOptions()).records
    assert [(r.indicator, r.unit, r.value) for r in records] == [
        ("A.1", "%", 1.0),
        ("A.1", "ha", 2.0),
        ("A.2", "%", 3.0),
    ]


def test_a_repeated_period_is_kept(tmp_path: Path) -> None:
    twice = [export_series(observations=[("2015", 1.0, "", ""), ("2015", 1.5, "", "")])]
    for name in ("sdmx-ml", "sdmx-json"):
        path = tmp_path / f"twice.{name}"
        writer(name).write(twice, path)
        records = reader(name).read(path, ReadOptions()).records
        assert [(r.period, r.value) for r in records] == [("2015", 1.0), ("2015", 1.5)]


def test_meadow_attributes_must_be_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    text = (FILES / "sdg-generic.xml").read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            '<gen:Value id="UNIT_MEASURE" value="PT"/>',
            '<gen:Value id="UNIT_MEASURE" value="PT"/>'
            '<gen:Value id="MEADOW_ATTRIBUTES" value="x"/>',
        ),
        encoding="utf-8",
    )
    problem = only_problem(reader("sdmx-ml").read(path, ReadOptions()), "bad-attribute")
    assert (problem.location.row, problem.location.column) == (32, "MEADOW_ATTRIBUTES")
    assert problem.reason == "MEADOW_ATTRIBUTES is not a JSON object of texts: 'x'"


def test_missing_area_comes_from_the_options(tmp_path: Path) -> None:
    path = tmp_path / "no-area.json"
    document = json.loads((FILES / "sdg-data-2.0.json").read_text(encoding="utf-8"))
    dims = document["data"]["structures"][0]["dimensions"]
    dims["dataSet"] = [d for d in dims["dataSet"] if d["id"] != "REF_AREA"]
    path.write_text(json.dumps(document), encoding="utf-8")
    without = reader("sdmx-json").read(path, ReadOptions())
    assert only_problem(without, "no-place").location.column == "REF_AREA"
    with_place = reader("sdmx-json").read(path, ReadOptions(place="GBR"))
    assert {r.place for r in with_place.records} == {"GBR"}
