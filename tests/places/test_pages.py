"""The places and groups pages, in English and in the language a visitor chose."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]


def page(client: Client, url: str, language: str = "") -> str:
    headers = {"Accept-Language": language} if language else {}
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.content.decode("utf-8")


def test_url_names() -> None:
    assert reverse("place-list") == "/places/"
    assert reverse("place-detail", args=["KEN"]) == "/place/KEN"
    assert reverse("group-list") == "/groups/"
    assert reverse("group-detail", args=["ldc"]) == "/group/ldc"


def test_place_list_groups_countries_by_region(client: Client) -> None:
    html = page(client, "/places/")
    for text in ("Africa", "Sub-Saharan Africa", "Eastern Africa", "Kenya", "China", "Antarctica"):
        assert text in html
    assert html.index("Sub-Saharan Africa") < html.index("Eastern Africa") < html.index("Kenya")
    assert '<a href="/place/KEN">Kenya</a>' in html
    assert "<code>404</code>" in html and "<code>KEN</code>" in html


def test_place_list_in_chinese_by_cookie(client: Client) -> None:
    client.cookies["django_language"] = "zh-hans"
    html = page(client, "/places/")
    assert "肯尼亚" in html and "东非" in html and "撒哈拉以南非洲" in html
    assert '<html lang="zh-hans"' in html


def test_place_detail(client: Client) -> None:
    html = page(client, "/place/CHN")
    for name in ("الصين", "China", "Chine", "Китай", "中国", "中华人民共和国"):
        assert name in html
    assert '<td lang="ar" dir="rtl">الصين</td>' in html
    assert "Eastern Asia" in html and "Asia-Pacific Group" in html
    assert "/weights/population" in html


def test_place_detail_shows_the_region_chain(client: Client) -> None:
    html = page(client, "/place/KEN", language="fr")
    chain = ["Afrique orientale", "Afrique subsaharienne", "Afrique", "Monde"]
    positions = [html.index(f">{name}</a> <span") for name in chain]
    assert positions == sorted(positions)
    assert "Groupe des États d'Afrique" in html.replace("&#x27;", "'")


def test_area_page_lists_its_countries(client: Client) -> None:
    html = page(client, "/place/014")
    assert "Eastern Africa" in html and "Kenya" in html and "United Republic of Tanzania" in html


def test_unknown_place_is_404(client: Client) -> None:
    assert client.get("/place/XYZ").status_code == 404
    assert client.get("/group/nope").status_code == 404


def test_group_list(client: Client) -> None:
    html = page(client, "/groups/")
    for text in (
        "African Group",
        "Western European and Others Group (WEOG)",
        "Least developed countries (LDC)",
        "Small island developing States (SIDS)",
    ):
        assert text in html
    assert '<td class="number">54</td>' in html and '<td class="number">53</td>' in html
    assert html.index("UN regional group") < html.index("Development status")


def test_group_detail(client: Client) -> None:
    html = page(client, "/group/ldc")
    assert "Least developed countries (LDC)" in html
    assert '<a href="/place/AFG">Afghanistan</a>' in html
    assert "Bhutan" not in html
    zh = page(client, "/group/un-african-group", language="zh-hans")
    assert "非洲国家组" in zh and "肯尼亚" in zh


def test_weight_set_page(client: Client) -> None:
    html = page(client, "/weights/population")
    assert "countryinfo 1.0.1" in html and "China" in html and "MIT" in html
