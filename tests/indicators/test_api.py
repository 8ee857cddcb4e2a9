"""The indicator-data API on the real UK sample (GBR): each endpoint, filter and format."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from meadow.core.actors import SystemActor
from meadow.indicators.actions import set_goal
from meadow.indicators.formats import WRITERS, _load
from meadow.indicators.models import Assessment, Import, Series
from meadow.jobs.models import Job
from meadow.jobs.runner import enqueue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

API = "/api/v1"
SYSTEM = SystemActor("tests")
# The sample's totals for GBR, as the import of its five files stores them.
GBR_SERIES = {"15.1.1": 15, "15.5.1": 1, "15.a.1": 21, "3.3.5": 27}
GBR_OBSERVATIONS = {"15.1.1": 249, "15.5.1": 24, "15.a.1": 154, "3.3.5": 246}
# indicator_15-1-1.csv, the rows with no Country and no certification status.
FOREST_TOTAL = {
    "2013": 12.8944087630956,
    "2015": 12.9768011513582,
    "2022": 13.3475668985398,
}


def get(client: Client, path: str, **params: Any) -> Any:
    response = client.get(f"{API}{path}", params)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def csv_rows(client: Client, path: str, **params: Any) -> list[dict[str, str]]:
    response = client.get(f"{API}{path}", {**params, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def error(client: Client, path: str, code: int, **params: Any) -> Any:
    response = client.get(f"{API}{path}", params)
    assert response.status_code == code, response.content[:300]
    return response.json()


def forest_total() -> Series:
    return Series.objects.get(
        indicator__uid="sdg/indicator/15.1.1", place__code="GBR", disaggregation={}
    )


def red_list() -> Series:
    return Series.objects.get(indicator__uid="sdg/indicator/15.5.1", place__code="GBR")


# Series ---------------------------------------------------------------------------------


def test_series_by_indicator_code_or_uid_and_any_place_code(client: Client) -> None:
    for indicator in ("15.1.1", "sdg/indicator/15.1.1"):
        for place in ("GBR", "GB", "826", "gbr"):
            data = get(client, "/series/", indicator=indicator, place=place)
            assert data["count"] == GBR_SERIES["15.1.1"], (indicator, place)
    everything = get(client, "/series/", place="GBR", framework="sdg", page_size=100)
    assert everything["count"] == sum(GBR_SERIES.values())
    assert get(client, "/series/", place="GBR", framework="gbf")["count"] == 0


def test_series_fields(client: Client) -> None:
    (item,) = get(client, "/series/", indicator="15.1.1", place="GBR", total="true")["results"]
    assert item == {
        "id": forest_total().pk,
        "uid": f"series/{forest_total().pk}",
        "indicator": "sdg/indicator/15.1.1",
        "indicator_code": "15.1.1",
        "framework": "sdg",
        "place": "GBR",
        "place_name": "United Kingdom of Great Britain and Northern Ireland",
        "unit": "percentage (%)",
        "unit_multiplier": 0,
        "series_code": "",
        "disaggregation": {},
        "attributes": {},
        "is_total": True,
        "source": "",
        "footnote": "",
        "observations": 10,
        "first_year": 2013,
        "last_year": 2022,
        "url": f"/series/{forest_total().pk}",
    }
    chinese = get(client, "/series/", indicator="15.1.1", place="GBR", total="true", lang="zh")
    assert chinese["results"][0]["place_name"] == "大不列颠及北爱尔兰联合王国"


def test_series_filtered_by_disaggregation(client: Client) -> None:
    wales = get(client, "/series/", indicator="15.1.1", place="GBR", **{"dim.Country": "Wales"})
    assert wales["count"] == 3
    assert {r["disaggregation"].get("Sustainably managed status") for r in wales["results"]} == {
        None,
        "Certified",
        "Non-certified",
    }
    # An empty value keeps the series without that dimension: Wales as a whole.
    whole = get(
        client,
        "/series/",
        indicator="15.1.1",
        **{"dim.Country": "Wales", "dim.Sustainably managed status": ""},
    )
    assert [r["disaggregation"] for r in whole["results"]] == [
        {"Country": "Wales", "GeoCode": "W92000004"}
    ]
    # Dimension names are free text, never lookups.
    spaced = get(
        client,
        "/series/",
        place="GBR",
        **{"dim.Type of Neglected Tropical Disease (NTD)": "Chikungunya"},
    )
    assert spaced["count"] > 1
    assert get(client, "/series/", **{"dim.Country__contains": "Wal"})["count"] == 0
    assert get(client, "/series/", **{"dim.Country": "Atlantis"})["count"] == 0


def test_series_detail_has_goal_and_assessments(client: Client) -> None:
    series = red_list()
    data = get(client, f"/series/{series.pk}/")
    assert data["indicator"] == "sdg/indicator/15.5.1"
    assert data["observations"] == 24
    assert (data["first_year"], data["last_year"]) == (2000, 2023)
    # The goal shipped with the reference data: the Red List Index should rise, at most to 1.
    assert data["goal"]["scope"] == "indicator"
    assert data["goal"]["direction"] == 1
    assert data["goal"]["natural_limit"] == 1
    assert {a["method"] for a in data["assessments"]} == set(
        series.assessments.values_list("method", flat=True)
    )
    assert data["assessments"], "the sample is assessed"
    set_goal(
        actor=SYSTEM,
        indicator=series.indicator,
        series=series,
        direction=1,
        baseline_year=2015,
        baseline_value=0.96225,
        target_year=2030,
        target_value=0.97,
    )
    goal = get(client, f"/series/{series.pk}/")["goal"]
    assert goal["scope"] == "series"
    assert (goal["baseline_year"], goal["target_value"]) == (2015, 0.97)
    assert error(client, "/series/999999/", 404)


def test_series_as_csv_flattens_the_disaggregation(client: Client) -> None:
    rows = csv_rows(client, "/series/", indicator="15.1.1", place="GBR", page_size=100)
    assert len(rows) == 15
    wales = [r for r in rows if r["disaggregation.Country"] == "Wales"]
    assert len(wales) == 3
    assert {r["disaggregation.GeoCode"] for r in wales} == {"W92000004"}


def test_bad_series_filters_are_refused_with_the_reason(client: Client) -> None:
    assert "not true or false" in error(client, "/series/", 400, total="perhaps")["total"][0]
    assert "six UN languages" in error(client, "/series/", 400, lang="de")["lang"][0]


# Observations ---------------------------------------------------------------------------


def test_observations_of_one_series_are_the_files_numbers(client: Client) -> None:
    series = forest_total()
    data = get(client, "/observations/", series=str(series.pk))
    assert data["count"] == 10
    values = {r["period"]: r["value"] for r in data["results"]}
    for period, value in FOREST_TOTAL.items():
        assert values[period] == value
    first = data["results"][0]
    assert first["period"] == "2013"
    assert (first["start"], first["end"], first["year"], first["kind"]) == (
        "2013-01-01",
        "2013-12-31",
        2013,
        "year",
    )
    assert first["status"] == "Normal value"
    assert first["unit"] == "percentage (%)"
    record = Import.objects.get(name="opensdg-uk-sample")
    assert first["source_import"] == record.pk
    assert first["row"] > 1


def test_observation_filters(client: Client) -> None:
    for indicator in ("15.1.1", "sdg/indicator/15.1.1"):
        data = get(client, "/observations/", indicator=indicator, place="GBR")
        assert data["count"] == GBR_OBSERVATIONS["15.1.1"]
    total_2015 = get(
        client, "/observations/", indicator="15.1.1", place="GBR", period="2015", total="true"
    )
    assert [r["value"] for r in total_2015["results"]] == [FOREST_TOTAL["2015"]]
    window = get(
        client, "/observations/", indicator="15.5.1", place="GBR", year_from=2010, year_to=2014
    )
    assert [r["period"] for r in window["results"]] == ["2010", "2011", "2012", "2013", "2014"]
    wales = get(
        client,
        "/observations/",
        indicator="15.1.1",
        place="GBR",
        page_size=100,
        **{"dim.Country": "Wales", "dim.Sustainably managed status": "Certified"},
    )
    assert wales["count"] == 19
    assert {r["disaggregation"]["Country"] for r in wales["results"]} == {"Wales"}
    several = get(client, "/observations/", series=f"{forest_total().pk},{red_list().pk}")
    assert several["count"] == 10 + 24


def test_one_observation(client: Client) -> None:
    first = get(client, "/observations/", series=str(red_list().pk))["results"][0]
    assert get(client, f"/observations/{first['id']}/") == first


def test_observations_as_csv(client: Client) -> None:
    rows = csv_rows(client, "/observations/", series=str(forest_total().pk))
    assert [r["period"] for r in rows][:3] == ["2013", "2014", "2015"]
    assert float(rows[-1]["value"]) == FOREST_TOTAL["2022"]
    assert rows[0]["indicator"] == "sdg/indicator/15.1.1"


def test_bad_observation_filters_are_refused_with_the_reason(client: Client) -> None:
    assert "whole number" in error(client, "/observations/", 400, year_from="2015a")["year_from"][0]
    assert "whole number" in error(client, "/observations/", 400, year_to="x")["year_to"][0]
    assert "list of ids" in error(client, "/observations/", 400, series="1,two")["series"][0]


# SDMX-JSON --------------------------------------------------------------------------------


def sdmx(client: Client, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"{API}{path}", {**params, "format": "sdmx-json"})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.sdmx.data+json")
    return json.loads(response.content)


def message_values(message: dict[str, Any]) -> list[float]:
    values = []
    for data_set in message["data"]["dataSets"]:
        for series in data_set["series"].values():
            values += [entry[0] for entry in series["observations"].values()]
    return values


def test_series_as_an_sdmx_json_data_message(client: Client) -> None:
    message = sdmx(client, "/series/", indicator="15.1.1", place="GBR", total="true")
    assert message["meta"]["sender"]["id"]
    (data_set,) = message["data"]["dataSets"]
    assert len(data_set["series"]) == 1
    assert sorted(message_values(message)) == sorted(
        forest_total().observations.values_list("value", flat=True)
    )
    dimensions = message["data"]["structure"]["dimensions"]
    times = [v["id"] for v in dimensions["observation"][0]["values"]]
    assert times[0] == "2013" and times[-1] == "2022"
    one = sdmx(client, f"/series/{red_list().pk}/")
    assert len(message_values(one)) == 24


def test_observations_page_as_an_sdmx_json_data_message(client: Client) -> None:
    response = client.get(
        f"{API}/observations/",
        {"indicator": "15.5.1", "place": "GBR", "page_size": "5", "format": "sdmx-json"},
    )
    assert response.status_code == 200
    message = json.loads(response.content)
    assert message_values(message) == [0.96508, 0.96464, 0.964, 0.96362, 0.96343]
    assert response["X-Total-Count"] == "24"
    assert 'rel="next"' in response["Link"]


def test_sdmx_json_needs_its_writer(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    _load()
    monkeypatch.delitem(WRITERS, "sdmx-json")
    response = client.get(f"{API}/series/", {"format": "sdmx-json"})
    assert response.status_code == 406
    assert "not available" in response.json()["detail"]


# Imports --------------------------------------------------------------------------------


def test_imports_list_and_detail(client: Client) -> None:
    record = Import.objects.get(name="opensdg-uk-sample")
    listed = get(client, "/imports/", checksum=record.checksum)["results"]
    assert [r["id"] for r in listed] == [record.pk]
    item = listed[0]
    assert (item["format"], item["status"], item["added"], item["warnings"]) == (
        "opensdg",
        "committed",
        673,
        len(record.problems),
    )
    assert item["actor"] == "system:jobs"
    assert get(client, "/imports/", status="undone")["count"] == 0
    detail = get(client, f"/imports/{record.pk}/")
    assert sorted(f["name"] for f in detail["files"]) == [
        "archived-15-a-1.csv",
        "indicator_15-1-1.csv",
        "indicator_15-3-1.csv",
        "indicator_15-5-1.csv",
        "indicator_3-3-5.csv",
    ]
    assert all(len(f["sha256"]) == 64 for f in detail["files"])
    assert {w["file"] for w in detail["warnings"]} >= {"indicator_15-3-1.csv"}
    assert detail["options"]["place"] == "GBR"
    assert detail["changes"] == f"/api/v1/imports/{record.pk}/changes/"
    assert "is not one of" in error(client, "/imports/", 400, status="lost")["status"][0]
    assert error(client, "/imports/999999/", 404)


def test_import_changes(client: Client) -> None:
    record = Import.objects.get(name="opensdg-uk-sample")
    changes = get(client, f"/imports/{record.pk}/changes/", page_size=1000)
    assert changes["count"] == 673
    assert {c["action"] for c in changes["results"]} == {"added"}
    first = changes["results"][0]
    assert first["before"] is None and first["after"]["import"] == record.pk
    assert get(client, f"/imports/{record.pk}/changes/", action="removed")["count"] == 0
    rows = csv_rows(client, f"/imports/{record.pk}/changes/", page_size=5)
    assert len(rows) == 5 and "after.value" in rows[0]
    assert error(client, "/imports/999999/changes/", 404)


# Assessments ----------------------------------------------------------------------------


def test_assessments_and_their_filters(client: Client) -> None:
    series = red_list()
    stored = Assessment.objects.filter(series=series)
    assert stored.exists()
    by_series = get(client, "/assessments/", series=str(series.pk))
    assert by_series["count"] == stored.count()
    by_indicator = get(client, "/assessments/", indicator="15.5.1", place="GBR")
    assert {r["id"] for r in by_indicator["results"]} == set(stored.values_list("id", flat=True))
    method = stored.first().method  # type: ignore[union-attr]
    by_method = get(client, "/assessments/", method=method, series=str(series.pk))
    assert [r["method"] for r in by_method["results"]] == [method]
    one = get(client, f"/assessments/{by_method['results'][0]['id']}/")
    assert one["indicator"] == "sdg/indicator/15.5.1" and one["place"] == "GBR"
    assert isinstance(one["inputs"], dict)
    assert get(client, "/assessments/", place="FRA")["count"] == 0
    rows = csv_rows(client, "/assessments/", series=str(series.pk))
    assert {r["method"] for r in rows} == set(stored.values_list("method", flat=True))


# Jobs -----------------------------------------------------------------------------------


def test_jobs_are_seen_by_their_owner_and_staff(
    client: Client, staff_client: Client, visitor_client: Client, visitor: User
) -> None:
    mine = enqueue("test", "tests.indicators.test_jobs.counting_job", created_by=visitor, steps=2)
    system = Job.objects.filter(created_by__isnull=True).first()
    assert system is not None, "the sample was imported by a system job"

    def ids(c: Client) -> set[int]:
        return {r["id"] for r in get(c, "/jobs/", page_size=1000)["results"]}

    assert mine.pk not in ids(client) and system.pk in ids(client)
    assert mine.pk in ids(visitor_client) and mine.pk in ids(staff_client)
    assert error(client, f"/jobs/{mine.pk}/", 404)
    job = get(visitor_client, f"/jobs/{mine.pk}/")
    assert (job["status"], job["finished"], job["result"], job["created_by"]) == (
        "done",
        True,
        {"steps": 2},
        "bo",
    )
    assert (job["done"], job["total"], job["percent"]) == (2, 2, 100)
    assert get(visitor_client, "/jobs/", kind="test")["count"] == 1
    assert get(visitor_client, "/jobs/", status="failed", kind="test")["count"] == 0
    assert "is not one of" in error(client, "/jobs/", 400, status="lost")["status"][0]
