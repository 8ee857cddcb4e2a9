"""The stocktake API: every endpoint answers as its schema says, and drafts never appear."""

from __future__ import annotations

import csv
import io
from typing import Any

import jsonschema
import pytest
import yaml
from django.test import Client

from meadow.targets.models import GlobalElement

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

T3 = "gbf/target/3"
RLI = "sdg/indicator/15.5.1"


@pytest.fixture
def targets(national_target) -> None:  # type: ignore[no-untyped-def]
    land = GlobalElement.objects.filter(code="gbf-3-land").first()
    quantities = [(land, 30, "percent")] if land else []
    national_target("FRA", "T3", align={T3: "full"}, quantities=quantities)
    national_target("KEN", "NBT-3", align={T3: "partial"})
    national_target("IND", "T3", status="draft", align={T3: "full"}, quantities=quantities)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    from django.test import Client as PlainClient

    response = PlainClient().get("/api/schema/")
    assert response.status_code == 200
    loaded: dict[str, Any] = yaml.safe_load(response.content)
    return loaded


def _inline(node: Any, components: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(components[node["$ref"].rsplit("/", 1)[-1]], components)
        out = {k: _inline(v, components) for k, v in node.items() if k != "nullable"}
        if node.get("nullable"):
            if "type" in out:
                out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
            if "allOf" in out or "oneOf" in out:
                out = {"anyOf": [out, {"type": "null"}]}
        return out
    if isinstance(node, list):
        return [_inline(item, components) for item in node]
    return node


def check(client: Client, schema: dict[str, Any], path: str, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    body = response.json()
    operation = schema["paths"][path]["get"]
    expected = operation["responses"]["200"]["content"]["application/json"]["schema"]
    jsonschema.validate(body, _inline(expected, schema["components"]["schemas"]))
    as_csv = client.get(url, {"format": "csv"})
    assert as_csv.status_code == 200
    assert len(list(csv.reader(io.StringIO(as_csv.content.decode())))) >= 2
    return body


def test_schema_lists_the_stocktake_endpoints(schema: dict[str, Any]) -> None:
    paths = {p for p in schema["paths"] if p.startswith("/api/v1/stocktake/")}
    assert paths == {
        "/api/v1/stocktake/targets/",
        "/api/v1/stocktake/targets/{code}/",
        "/api/v1/stocktake/elements/",
        "/api/v1/stocktake/elements/{code}/",
        "/api/v1/stocktake/indicators/",
        "/api/v1/stocktake/indicators/{uid}/",
        "/api/v1/stocktake/indicators/{uid}/aggregates/",
    }


def test_targets(client: Client, schema: dict[str, Any], targets: None) -> None:
    body = check(client, schema, "/api/v1/stocktake/targets/", "/api/v1/stocktake/targets/")
    assert body["count"] == 23
    three = next(r for r in body["results"] if r["code"] == "3")
    assert three["counts"] == {
        "full": 1,
        "partial": 1,
        "minimal": 0,
        "none": 193,
        "aligned": 2,
        "parties": 195,
    }
    assert three["national_targets"] == 2
    body = check(
        client, schema, "/api/v1/stocktake/targets/{code}/", "/api/v1/stocktake/targets/3/"
    )
    assert [c["code"] for c in body["countries"]] == ["FRA", "KEN"]
    assert body["countries"][0]["targets"] == [
        {"uid": "place/FRA/target/T3", "code": "T3", "degree": "full"}
    ]
    regions = {r["uid"]: r["counts"]["aligned"] for r in body["by_region"]}
    assert regions["place/150"] == 1 and regions["place/002"] == 1
    groups = {g["uid"] for g in body["by_group"]}
    assert {"group/un-weog", "group/ldc", "group/sids"} <= groups
    assert client.get("/api/v1/stocktake/targets/99/").status_code == 404


@pytest.mark.parametrize("who", ["public", "team", "admin"])
def test_drafts_never_in_the_api(client: Client, targets: None, user_factory, who: str) -> None:  # type: ignore[no-untyped-def]
    if who == "team":
        client.force_login(user_factory("india", roles={"IND": "focal-point"}))
    elif who == "admin":
        client.force_login(user_factory("root", superuser=True))
    body = client.get("/api/v1/stocktake/targets/3/").json()
    assert "IND" not in {c["code"] for c in body["countries"]}
    assert body["counts"]["aligned"] == 2
    land = client.get("/api/v1/stocktake/elements/gbf-3-land/")
    if land.status_code == 200:
        assert [c["country"] for c in land.json()["contributions"]] == ["FRA"]


def test_elements(client: Client, schema: dict[str, Any], targets: None) -> None:
    if not GlobalElement.objects.filter(code="gbf-3-land").exists():
        pytest.skip("the GBF global elements are not loaded")
    body = check(client, schema, "/api/v1/stocktake/elements/", "/api/v1/stocktake/elements/")
    land = next(r for r in body["results"] if r["code"] == "gbf-3-land")
    assert land["summation"] == "share-with-basis"
    assert land["basis"] == "area"
    assert land["gap"] == pytest.approx(land["global_value"] - land["committed"])
    body = check(
        client,
        schema,
        "/api/v1/stocktake/elements/{code}/",
        "/api/v1/stocktake/elements/gbf-3-land/",
    )
    (fra,) = body["contributions"]
    assert fra["country"] == "FRA" and fra["counted"] is True
    assert fra["amount"] == pytest.approx(0.3 * fra["basis"])
    assert body["committed"] == pytest.approx(fra["amount"])
    assert client.get("/api/v1/stocktake/elements/nothing/").status_code == 404


def test_indicators(client: Client, schema: dict[str, Any], custom_group) -> None:  # type: ignore[no-untyped-def]
    custom_group("uk-only", ["GBR"])
    body = check(client, schema, "/api/v1/stocktake/indicators/", "/api/v1/stocktake/indicators/")
    uids = [r["uid"] for r in body["results"]]
    assert RLI in uids
    rli = next(r for r in body["results"] if r["uid"] == RLI)
    assert (rli["rule"], rli["weight"], rli["default_rule"]) == ("mean", "population", True)
    assert rli["countries"] == 1 and rli["has_goal"] is True
    headline = client.get("/api/v1/stocktake/indicators/", {"kind": "headline"}).json()
    assert headline["count"] == 0  # the UK sample has SDG indicators only
    body = check(
        client,
        schema,
        "/api/v1/stocktake/indicators/{uid}/",
        f"/api/v1/stocktake/indicators/{RLI}/",
    )
    progress = {p["group"]: p["progress"] for p in body["progress"]}
    assert {p["method"] for p in progress["group/uk-only"]} == {
        "un_chart",
        "eurostat",
        "open_sdg",
        "escap",
    }


def test_aggregates(client: Client, schema: dict[str, Any], custom_group) -> None:  # type: ignore[no-untyped-def]
    custom_group("uk-only", ["GBR"])
    url = f"/api/v1/stocktake/indicators/{RLI}/aggregates/"
    body = check(client, schema, "/api/v1/stocktake/indicators/{uid}/aggregates/", url)
    assert body["count"] > 0
    rows = client.get(url, {"group": "group/uk-only", "page_size": 1000}).json()["results"]
    assert rows and all(r["published"] and r["coverage"] == 1.0 for r in rows)
    assert all(r["n_countries"] == 1 and r["n_imputed"] == 0 for r in rows)
    world = client.get(url, {"group": "place/001", "year": 2020}).json()["results"]
    assert len(world) == 1
    assert world[0]["value"] is None and world[0]["published"] is False
    assert 0 < world[0]["coverage"] < 0.5
    unpublished = client.get(url, {"published": "false", "page_size": 1000}).json()["results"]
    assert unpublished and all(r["value"] is None for r in unpublished)
    assert client.get(url, {"year": "soon"}).status_code == 400
    assert client.get(url, {"published": "maybe"}).status_code == 400
    missing = "/api/v1/stocktake/indicators/gbf/target/3/aggregates/"
    assert client.get(missing).status_code == 404
