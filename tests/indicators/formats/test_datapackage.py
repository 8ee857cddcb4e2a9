"""The Frictionless data package export: its descriptor, and its CSV read back."""

from __future__ import annotations

import json
from pathlib import Path

from meadow.indicators.formats import reader, writer
from meadow.indicators.formats.base import ReadOptions
from meadow.indicators.formats.datapackage import DataPackageWriter

from .helpers import export_series, facts

SERIES = [
    export_series(
        "A.1",
        title="Red List Index",
        unit="index",
        source="IUCN Red List",
        dims=(("Taxonomic group", "Birds"),),
        observations=[("2015", 0.8, "", ""), ("2020", 0.78, "P", "provisional")],
    ),
    export_series("A.1", title="Red List Index", unit="index", source="IUCN Red List"),
]


def test_descriptor(tmp_path: Path) -> None:
    folder = tmp_path / "package"
    paths = writer("datapackage").write(SERIES, folder)
    assert paths == [folder / "datapackage.json", folder / "data.csv"]
    descriptor = json.loads(paths[0].read_text(encoding="utf-8"))
    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["name"] == "meadow-gbf-a.1-gbr"
    assert descriptor["title"] == "GBF A.1 Red List Index: United Kingdom"
    assert "licenses" not in descriptor
    assert descriptor["sources"] == [{"title": "IUCN Red List"}]
    (resource,) = descriptor["resources"]
    assert {k: resource[k] for k in ("name", "path", "profile", "format", "encoding")} == {
        "name": "observations",
        "path": "data.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "encoding": "utf-8",
    }
    schema = resource["schema"]
    fields = {f["name"]: f for f in schema["fields"]}
    header = paths[1].read_text(encoding="utf-8").splitlines()[0].split(",")
    assert list(fields) == header
    assert fields["Value"]["type"] == "number"
    assert fields["Unit multiplier"]["type"] == "integer"
    assert fields["Period"]["type"] == "string"
    assert fields["Value"]["constraints"] == {"required": True}
    assert fields["Taxonomic group"]["description"].startswith("Disaggregation: Taxonomic group")
    assert all(f["description"] for f in schema["fields"])
    assert schema["primaryKey"] == [
        "Indicator",
        "Framework",
        "Series",
        "Place",
        "Unit",
        "Unit multiplier",
        "Taxonomic group",
        "Period",
    ]
    assert schema["missingValues"] == []


def test_repeated_keys_give_no_primary_key(tmp_path: Path) -> None:
    twice = [export_series(observations=[("2015", 1.0, "", ""), ("2015", 1.5, "", "")])]
    (descriptor, _) = writer("datapackage").write(twice, tmp_path / "package")
    schema = json.loads(descriptor.read_text(encoding="utf-8"))["resources"][0]["schema"]
    assert "primaryKey" not in schema


def test_licenses_when_known(tmp_path: Path) -> None:
    licence = {
        "name": "OGL-UK-3.0",
        "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        "title": "Open Government Licence v3.0",
    }
    (descriptor, _) = DataPackageWriter().write(SERIES, tmp_path / "p", licenses=[licence])
    assert json.loads(descriptor.read_text(encoding="utf-8"))["licenses"] == [licence]


def test_several_indicators_get_a_general_name(tmp_path: Path) -> None:
    series = [*SERIES, export_series("B.1", place="FRA", m49="250", place_name="France")]
    (descriptor, _) = writer("datapackage").write(series, tmp_path / "p")
    document = json.loads(descriptor.read_text(encoding="utf-8"))
    assert (document["name"], document["title"]) == (
        "meadow-indicator-data",
        "Indicator data: 2 indicators, 2 places",
    )


def test_the_data_reads_back_as_csv(tmp_path: Path) -> None:
    _, data = writer("datapackage").write(SERIES, tmp_path / "package")
    result = reader("csv").read(data, ReadOptions())
    assert result.problems == []
    assert [facts(r) for r in result.records] == [
        (s.indicator, s.place, period, value, s.disaggregation, s.unit, s.unit_multiplier,
         status, comment, s.series_code, s.source, s.footnote)
        for s in SERIES
        for period, value, status, comment in s.observations
    ]  # fmt: skip


def test_output_is_deterministic(tmp_path: Path) -> None:
    first = writer("datapackage").write(SERIES, tmp_path / "a")
    second = writer("datapackage").write(SERIES, tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_series_attributes_are_fields_of_the_key(tmp_path: Path) -> None:
    series = [export_series(attributes=(("archived", "yes"),)), export_series("A.2")]
    (descriptor, data) = writer("datapackage").write(series, tmp_path / "p")
    schema = json.loads(descriptor.read_text(encoding="utf-8"))["resources"][0]["schema"]
    field = schema["fields"][-1]
    assert field == {
        "name": "attr:archived",
        "type": "string",
        "description": "Series attribute kept from the source: archived",
    }
    assert schema["primaryKey"][-2:] == ["attr:archived", "Period"]
    records = reader("csv").read(data, ReadOptions()).records
    assert [r.attributes for r in records] == [(("archived", "yes"),), ()]
