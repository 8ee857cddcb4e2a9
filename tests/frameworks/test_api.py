"""The frameworks API: lists, details, filters, languages, CSV and errors."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]


def get(client: Client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.json()


def test_frameworks_list_counts_elements(client: Client) -> None:
    data = get(client, "/api/v1/frameworks/")
    counts = {f["slug"]: f["elements"] for f in data["results"]}
    assert counts == {"gbf": 231, "aichi": 25, "sdg": 438}
    gbf = get(client, "/api/v1/frameworks/gbf/?lang=zh")
    assert gbf["name"] == "昆明-蒙特利尔全球生物多样性框架"
    assert gbf["licence"] == "CC BY 4.0 IGO"
    assert gbf["names"]["fr"] == "Cadre mondial de la biodiversité de Kunming-Montréal"


def test_elements_filter_by_framework_kind_and_level(client: Client) -> None:
    data = get(client, "/api/v1/elements/?framework=gbf&kind=headline&page_size=100")
    assert data["count"] == 27
    assert {e["kind"] for e in data["results"]} == {"headline"}
    assert get(client, "/api/v1/elements/?framework=sdg&level=target")["count"] == 169
    assert get(client, "/api/v1/elements/?framework=aichi&code=11")["results"][0]["uid"] == (
        "aichi/target/11"
    )
    children = get(client, "/api/v1/elements/?parent=sdg/goal/15&page_size=100")
    assert children["count"] == 12  # 15.1-15.9 and 15.a-15.c


def test_pagination(client: Client) -> None:
    first = get(client, "/api/v1/elements/?framework=sdg&page_size=100")
    assert len(first["results"]) == 100
    assert first["next"].endswith("page=2&page_size=100")
    last = get(client, "/api/v1/elements/?framework=sdg&page_size=100&page=5")
    assert len(last["results"]) == 38
    assert last["next"] is None


def test_language_with_fallback(client: Client) -> None:
    zh = get(client, "/api/v1/elements/sdg/indicator/15.1.1/?lang=zh-Hans")
    assert zh["title"] == "森林面积占陆地总面积的比例"
    assert zh["language"] == "zh"
    # The GBF ontology has no Chinese: the English title comes back, marked as English.
    gbf = get(client, "/api/v1/elements/gbf/target/3/?lang=zh")
    assert gbf["title"] == "30% of areas are effectively conserved"
    assert gbf["language"] == "en"
    french = get(client, "/api/v1/elements/gbf/target/3/?lang=fr")
    assert french["title"] == "Conserver 30 % des terres, des eaux et des mers"
    assert french["text"].startswith("Faire en sorte que, d'ici à 2030")
    assert set(french["texts"]) == {"en", "es", "fr"}
    error = get(client, "/api/v1/elements/?lang=de", status=400)
    assert "six UN languages" in error["lang"][0]


def test_element_detail_lists_links_both_ways(client: Client) -> None:
    target = get(client, "/api/v1/elements/gbf/target/3/")
    links = {(link["type"], link["direction"], link["element"]) for link in target["links"]}
    assert ("partially-overlaps", "out", "aichi/target/11") in links
    assert ("headline-indicator-for", "in", "gbf/indicator/3.1") in links
    aichi = get(client, "/api/v1/elements/aichi/target/11/")
    assert {
        "type": "partially-overlaps",
        "direction": "in",
        "element": "gbf/target/3",
        "framework": "gbf",
    } in aichi["links"]
    get(client, "/api/v1/elements/gbf/target/99/", status=404)


def test_relations_filters(client: Client) -> None:
    data = get(client, "/api/v1/relations/?element=aichi/target/11")
    assert [(r["subject"], r["type"]) for r in data["results"]] == [
        ("gbf/target/3", "partially-overlaps")
    ]
    overlaps = get(client, "/api/v1/relations/?type=partially-overlaps&page_size=100")
    assert overlaps["count"] == 25
    assert get(client, "/api/v1/relations/?origin=gbf-ontology")["count"] == 274
    error = get(client, "/api/v1/relations/?type=likes", status=400)
    assert "likes" in error["type"][0]


def test_csv(client: Client) -> None:
    response = client.get("/api/v1/elements/?framework=sdg&level=goal&format=csv&page_size=100")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert len(rows) == 17
    assert rows[14]["uid"] == "sdg/goal/15"
    # As in the source file, with ASCII commas.
    assert rows[14]["titles.zh"] == (
        "保护、恢复和促进可持续利用陆地生态系统,可持续管理森林,防治荒漠化,制止和扭转土地退化,遏制生物多样性的丧失"
    )
    relations = client.get("/api/v1/relations/?element=gbf/target/3&format=csv")
    lines = relations.content.decode("utf-8").splitlines()
    assert lines[0] == "id,subject,type,object,origin,source,confidence,note"
