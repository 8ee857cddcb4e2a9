"""The places API: each endpoint in JSON and CSV, its filters, and its schema."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
import yaml
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

API = "/api/v1"


def get(client: Client, path: str, **params: Any) -> Any:
    response = client.get(f"{API}{path}", params)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def csv_rows(client: Client, path: str, **params: Any) -> list[dict[str, str]]:
    response = client.get(f"{API}{path}", {**params, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def codes(data: dict[str, Any]) -> set[str]:
    return {row["code"] for row in data["results"]}


def test_places_list_and_filters(client: Client) -> None:
    assert get(client, "/places/")["count"] == 279
    assert get(client, "/places/", kind="country")["count"] == 249
    assert get(client, "/places/", kind="region")["count"] == 5
    africa = get(client, "/places/", kind="country", region="002", page_size=100)
    assert africa["count"] == 60 and "KEN" in codes(africa)
    assert codes(get(client, "/places/", parent="014", page_size=100)) >= {"KEN", "TZA"}
    assert get(client, "/places/", group="ldc")["count"] == 45
    for code in ("CHN", "chn", "CN", "156"):
        assert codes(get(client, "/places/", code=code)) == {"CHN"}


def test_place_detail_with_lang(client: Client) -> None:
    china = get(client, "/places/CHN/", lang="zh")
    assert china["name"] == "中国"
    assert china["names"] == {
        "ar": "الصين",
        "en": "China",
        "es": "China",
        "fr": "Chine",
        "ru": "Китай",
        "zh": "中国",
    }
    assert (china["uid"], china["m49"], china["iso2"], china["url"]) == (
        "place/CHN",
        "156",
        "CN",
        "/place/CHN",
    )
    assert (china["region"], china["sub_region"], china["intermediate_region"]) == (
        "142",
        "030",
        None,
    )
    kenya = get(client, "/places/KEN/", lang="fr")
    assert kenya["name"] == "Kenya"
    assert (
        kenya["parent"],
        kenya["region"],
        kenya["sub_region"],
        kenya["intermediate_region"],
    ) == ("014", "002", "202", "014")
    assert kenya["groups"] == ["un-african-group"]
    assert get(client, "/places/002/", lang="ar")["name"] == "أفريقيا"
    assert client.get(f"{API}/places/XXX/").status_code == 404


def test_places_csv(client: Client) -> None:
    rows = csv_rows(client, "/places/", kind="country", page_size=1000, lang="ru")
    assert len(rows) == 249
    china = next(row for row in rows if row["code"] == "CHN")
    assert china["name"] == "Китай"
    assert china["names.zh"] == "中国"
    assert china["groups"] == "un-asia-pacific-group"


def test_bad_parameters_are_refused(client: Client) -> None:
    assert client.get(f"{API}/places/", {"lang": "de"}).status_code == 400
    assert client.get(f"{API}/places/", {"kind": "planet"}).status_code == 400
    assert client.get(f"{API}/groups/", {"kind": "club"}).status_code == 400


def test_groups(client: Client) -> None:
    groups = get(client, "/groups/")
    assert {g["slug"]: g["member_count"] for g in groups["results"]} == {
        "un-african-group": 54,
        "un-asia-pacific-group": 55,
        "un-eastern-european-group": 23,
        "un-grulac": 33,
        "un-weog": 29,
        "ldc": 45,
        "lldc": 32,
        "sids": 53,
    }
    ldc = get(client, "/groups/ldc/", lang="fr")
    assert ldc["name"] == "Pays les moins avancés (PMA)"
    assert ldc["names"]["en"] == "Least developed countries (LDC)"
    assert len(ldc["members"]) == 45 and "AFG" in ldc["members"]
    assert ldc["uid"] == "group/ldc" and ldc["url"] == "/group/ldc"
    kenya = get(client, "/groups/", member="KEN")
    assert {g["slug"] for g in kenya["results"]} == {"un-african-group"}
    assert get(client, "/groups/", kind="development-status")["count"] == 3
    rows = csv_rows(client, "/groups/")
    sids = next(row for row in rows if row["slug"] == "sids")
    assert len(sids["members"].split("|")) == 53
    assert sids["names.zh"] == "小岛屿发展中国家"


def test_weight_sets_and_weights(client: Client) -> None:
    sets = get(client, "/weight-sets/")
    assert {s["slug"]: s["value_count"] for s in sets["results"]} == {
        "population": 237,
        "area": 229,
    }
    population = get(client, "/weight-sets/population/", lang="zh")
    assert population["name"] == "人口"
    assert (population["licence"], population["year"]) == ("MIT", "as published")
    assert population["values"]["CHN"] == 1367110000
    assert len(population["values"]) == 237
    rows = csv_rows(client, "/weight-sets/")
    assert {row["slug"] for row in rows} == {"population", "area"}
    assert rows[0]["source"].startswith("countryinfo 1.0.1")

    china = get(client, "/weights/", place="CN")
    assert {(w["weight_set"], w["value"], w["unit"]) for w in china["results"]} == {
        ("population", 1367110000, "people"),
        ("area", 9640011, "km²"),
    }
    rows = csv_rows(client, "/weights/", set="area", page_size=1000)
    assert len(rows) == 229
    assert next(r for r in rows if r["place"] == "VAT")["value"] == "0.49"


def test_schema_documents_the_filters(client: Client) -> None:
    schema = yaml.safe_load(client.get("/api/schema/").content)
    listing = schema["paths"][f"{API}/places/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"kind", "code", "region", "group", "parent", "lang", "page", "page_size"} <= names
    assert {"kind", "member", "defined_by", "lang"} <= {
        p["name"] for p in schema["paths"][f"{API}/groups/"]["get"]["parameters"]
    }
    assert f"{API}/places/{{code}}/" in schema["paths"]
    assert f"{API}/groups/{{slug}}/" in schema["paths"]
    assert f"{API}/weight-sets/{{slug}}/" in schema["paths"]
    assert f"{API}/weights/" in schema["paths"]
