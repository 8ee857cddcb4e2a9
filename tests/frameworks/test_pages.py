"""Framework pages: browser tree, element pages, crosswalk matrices, languages and errors."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]


def page(client: Client, url: str, status: int = 200, lang: str | None = None) -> str:
    if lang:
        client.cookies["django_language"] = lang
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def block(html: str, marker: str, end: str = "</div>") -> str:
    """The markup from ``marker`` to the first ``end`` after it."""
    start = html.index(marker)
    return html[start : html.index(end, start)]


def test_framework_list_shows_each_framework_with_counts(client: Client) -> None:
    html = page(client, "/frameworks/")
    for slug in ("gbf", "aichi", "sdg"):
        assert f'href="/{slug}/"' in html
    assert "Kunming-Montreal Global Biodiversity Framework" in html
    assert 'href="/crosswalk/gbf/aichi/"' in html


def test_gbf_browser_lists_goals_and_targets_with_indicators_by_role(client: Client) -> None:
    html = page(client, "/gbf/")
    assert html.count('class="tree__item tree__item--goal"') == 4
    assert html.count('class="tree__item tree__item--target"') == 23
    target3 = block(html, 'id="target-3"', "</details>")
    assert 'href="/gbf/target/3"' in target3
    headline = block(target3, "role-group--headline")
    assert 'href="/gbf/indicator/3.1"' in headline
    assert 'href="/gbf/indicator/3.CT.1"' in block(target3, "role-group--component")
    # Every indicator hangs under a goal or target, none is left at the top.
    assert 'id="section-indicator"' not in html


def test_sdg_browser_nests_targets_and_indicators_under_goals(client: Client) -> None:
    html = page(client, "/sdg/")
    assert html.count('class="tree__item tree__item--goal"') == 17
    goal15 = block(html, 'id="goal-15"', "</details>")
    assert 'href="/sdg/target/15.1"' in goal15
    assert 'href="/sdg/indicator/15.1.1"' in goal15
    assert 'href="/sdg/target/14.1"' not in goal15


def test_aichi_browser_has_goals_with_targets(client: Client) -> None:
    html = page(client, "/aichi/")
    goal_c = block(html, 'id="goal-C"', "</details>")
    assert 'href="/aichi/target/11"' in goal_c


def test_gbf_target_3_page(client: Client) -> None:
    html = page(client, "/gbf/target/3")
    assert "Conserve 30% of Land, Waters and Seas" in html
    assert "Ensure and enable that by 2030 at least 30 per cent" in html
    overlaps = block(html, 'data-relation="partially-overlaps"')
    assert "Partially overlaps" in overlaps
    assert 'href="/aichi/target/11"' in overlaps
    assert "GBF target related terms" in overlaps  # provenance
    assert "Confidence not stated" in overlaps
    contributes = block(html, 'data-relation="contributes-to"')
    assert 'href="/sdg/goal/15"' in contributes
    assert 'href="/gbf/indicator/3.1"' in block(html, "role-group--headline")
    assert 'href="/api/v1/elements/?uid=gbf/target/3"' in html
    assert 'class="fallback"' not in html  # all English, nothing falls back


def test_aichi_target_11_links_back_with_examples(client: Client) -> None:
    html = page(client, "/aichi/target/11")
    assert "By 2020, at least 17 per cent of terrestrial and inland water" in html
    overlaps = block(html, 'data-relation="partially-overlaps"')
    assert 'data-direction="in"' in overlaps
    assert 'href="/gbf/target/3"' in overlaps
    assert 'href="/aichi/goal/C"' in html  # parent
    examples = block(html, 'id="examples-heading"', "</section>")
    assert "Costa Rica" in examples
    assert "Show all 12 examples" in examples


def test_incoming_relation_reads_with_its_inverse_label(client: Client) -> None:
    html = page(client, "/sdg/goal/15")
    group = block(html, 'data-relation="contributes-to"')
    assert "Receives contributions from" in group
    assert 'href="/gbf/target/3"' in group
    assert 'href="/sdg/target/15.1"' in block(html, 'id="children-heading"', "</section>")


def test_indicator_page_shows_kind_custodians_and_what_it_monitors(client: Client) -> None:
    html = page(client, "/gbf/indicator/A.1")
    assert "badge--headline" in html
    assert "International Union for Conservation of Nature (IUCN)" in html
    monitors = block(html, 'id="indicator-for-heading"', "</section>")
    assert "Headline indicator for" in monitors
    assert 'href="/gbf/goal/A"' in monitors


def test_codes_with_dots(client: Client) -> None:
    html = page(client, "/sdg/indicator/15.1.1")
    assert "Forest area as a proportion of total land area" in html
    assert 'href="/sdg/target/15.1"' in html
    page(client, "/sdg/target/15.a")


def test_sdg_goal_in_chinese(client: Client) -> None:
    html = page(client, "/sdg/goal/15", lang="zh-hans")
    assert '<html lang="zh-hans" dir="ltr">' in html
    assert "保护、恢复和促进可持续利用陆地生态系统" in html
    assert "陆地生物" in html
    assert 'class="fallback"' not in html


def test_fallback_to_english_is_marked(client: Client) -> None:
    html = page(client, "/gbf/target/3", lang="zh-hans")
    heading = block(html, "<h1>", "</h1>")
    assert '<span lang="en" dir="ltr">Conserve 30% of Land, Waters and Seas</span>' in heading
    assert 'class="fallback" lang="en"' in heading
    assert ">English</span>" in heading
    french = page(client, "/gbf/target/3", lang="fr")
    assert "Faire en sorte que, d&#x27;ici à 2030, au moins 30 %" in french
    assert 'class="fallback"' not in block(french, "<h1>", "</h1>")


def test_arabic_page_is_right_to_left(client: Client) -> None:
    html = page(client, "/sdg/goal/15", lang="ar")
    assert '<html lang="ar" dir="rtl">' in html
    assert "الحياة على الأرض" in html


@pytest.mark.parametrize(
    "url",
    [
        "/gbf/target/99",
        "/gbf/planet/3",
        "/nowhere/target/3",
        "/nowhere/",
        "/crosswalk/gbf/nowhere/",
        "/crosswalk/gbf/gbf/",
    ],
)
def test_unknown_pages_are_404(client: Client, url: str) -> None:
    html = page(client, url, status=404)
    assert "/gbf/target/3" in html  # the page explains what addresses look like


def test_trailing_slash_redirects_to_the_element(client: Client) -> None:
    response = client.get("/sdg/indicator/15.1.1/")
    assert response.status_code == 301
    assert response["Location"] == "/sdg/indicator/15.1.1"


def test_crosswalk_gbf_aichi_matrix(client: Client) -> None:
    html = page(client, "/crosswalk/gbf/aichi/")
    rows = re.findall(r'<tr data-row="([^"]+)">', html)
    assert len(rows) == 23
    assert rows[2] == "gbf/target/3"
    header = block(html, "<thead>", "</thead>")
    assert len(re.findall(r'<th scope="col">', header)) == 20
    assert 'href="/aichi/target/11"' in header
    row3 = block(html, '<tr data-row="gbf/target/3">', "</tr>")
    assert 'href="/gbf/target/3"' in row3
    cell = block(row3, 'data-column="aichi/target/11"', "</td>")
    assert 'data-relation="partially-overlaps"' in cell
    assert 'title="partially overlaps"' in cell
    assert 'href="/aichi/target/11"' in cell
    assert html.count('class="hit hit--') == 25


def test_crosswalk_gbf_sdg_has_goal_columns_and_reads_both_ways(client: Client) -> None:
    html = page(client, "/crosswalk/gbf/sdg/")
    header = block(html, "<thead>", "</thead>")
    assert len(re.findall(r'<th scope="col">', header)) == 17
    reverse = page(client, "/crosswalk/sdg/gbf/")
    row15 = block(reverse, '<tr data-row="sdg/goal/15">', "</tr>")
    cell = block(row15, 'data-column="gbf/target/3"', "</td>")
    assert 'title="receives contributions from"' in cell


def test_crosswalk_without_relations_says_so(client: Client) -> None:
    html = page(client, "/crosswalk/aichi/sdg/")
    assert "No relations between these two frameworks" in html


def test_crosswalk_index_lists_pairs(client: Client) -> None:
    html = page(client, "/crosswalks/")
    assert 'href="/crosswalk/gbf/aichi/"' in html
    assert 'href="/crosswalk/gbf/sdg/"' in html
    assert "25 relations" in html
