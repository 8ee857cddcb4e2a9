"""The stocktake pages and the country page: public, published national targets only."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from meadow.core.actors import SystemActor
from meadow.frameworks.models import Element
from meadow.stocktake import actions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

T3 = "gbf/target/3"


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


@pytest.fixture
def targets(national_target) -> None:  # type: ignore[no-untyped-def]
    national_target("FRA", "T3", align={T3: "full"}, title="Protect a third of France")
    national_target("KEN", "NBT-3", align={T3: "partial"}, title="Kenya's protected areas")
    national_target("IND", "T3", status="draft", align={T3: "full"}, title="India draft text")


def test_nav_links_to_the_stocktake(client: Client) -> None:
    html = page(client, "/stocktake/")
    assert '<a href="/stocktake/" aria-current="page">Stocktake</a>' in html


def test_index(client: Client, targets: None) -> None:
    html = page(client, "/stocktake/")
    assert html.count('data-target="') == 23
    row = html[html.index('data-target="3"') :]
    row = row[: row.index("</tr>")]
    numbers = re.findall(r'<td class="number">(\d+)', row)
    assert numbers[:4] == ["1", "1", "0", "2"]  # full, partial, minimal, aligned
    assert html.count('data-indicator="gbf/indicator/') == 27
    assert "/stocktake/indicator/sdg/indicator/15.5.1" in html  # the UK data, listed
    assert "India draft text" not in html


@pytest.mark.parametrize("who", ["public", "team", "admin"])
def test_target_page_never_shows_drafts(
    client: Client, targets: None, user_factory, who: str
) -> None:  # type: ignore[no-untyped-def]
    if who == "team":
        client.force_login(user_factory("india", roles={"IND": "focal-point"}))
    elif who == "admin":
        client.force_login(user_factory("root", superuser=True))
    html = page(client, "/stocktake/target/3")
    assert '<strong data-count="aligned">2</strong> / 195' in html
    assert 'data-country="FRA" data-degree="full"' in html
    assert 'data-country="KEN" data-degree="partial"' in html
    assert 'data-country="IND"' not in html
    assert "India draft text" not in html
    assert 'data-code="IND"><title>India: No aligned national target</title>' in html
    # The bars come with their numbers in the table.
    assert 'data-area="/place/150"' in html and 'data-area="/group/sids"' in html
    assert html.count('<svg class="bar"') == 1 + 5 + 8  # overall, regions, groups


def test_target_page_unknown_is_404(client: Client) -> None:
    page(client, "/stocktake/target/99", status=404)
    page(client, "/stocktake/target/A", status=404)


def test_element_page(client: Client, national_target) -> None:  # type: ignore[no-untyped-def]
    land = "gbf-3-land"
    from meadow.targets.models import GlobalElement

    element = GlobalElement.objects.filter(code=land).first()
    if element is None:
        pytest.skip("the GBF global elements are not loaded")
    national_target("FRA", "T3", quantities=[(element, 30, "percent")], title="France 30")
    national_target("DEU", "T3", status="draft", quantities=[(element, 30, "percent")])
    html = page(client, f"/stocktake/element/{land}")
    assert 'data-kind="share-with-basis"' in html
    assert 'data-country="FRA" data-counted="yes"' in html
    assert 'data-country="DEU"' not in html
    assert 'data-figure="committed"' in html and 'data-figure="gap"' in html
    page(client, "/stocktake/element/no-such-element", status=404)


def test_indicator_page_with_the_uk_data(client: Client, custom_group) -> None:  # type: ignore[no-untyped-def]
    custom_group("uk-only", ["GBR"])
    html = page(client, "/stocktake/indicator/sdg/indicator/15.5.1")
    assert 'data-rule="mean"' in html and "(default rule)" in html
    assert 'data-group="place/001"' in html
    # One country is far from half the world: nothing published, coverage shown.
    world = html[html.index('<tr data-group="place/001"') :]
    world = world[: world.index("</tr>")]
    assert "Not published: coverage below the threshold" in world
    assert 'data-published="no"' in world
    # The one-country group is published, with its chart and progress badges.
    html = page(client, "/stocktake/indicator/sdg/indicator/15.5.1?group=group/uk-only")
    assert 'data-group="group/uk-only"' in html
    assert '<svg class="chart"' in html
    assert 'data-published="yes"' in html
    assert 'class="progress-badges"' in html


def test_indicator_page_with_a_rule(client: Client) -> None:
    actions.set_rule(
        actor=SystemActor("tests"),
        indicator="sdg/indicator/15.5.1",
        rule="weighted-mean",
        weight="area",
        threshold=0.0,
    )
    html = page(client, "/stocktake/indicator/sdg/indicator/15.5.1")
    assert 'data-rule="weighted-mean"' in html and "weighted by Area" in html
    assert 'data-threshold="0.0"' in html
    world = html[html.index('<tr data-group="place/001"') :]
    assert 'data-published="yes"' in world[: world.index("</tr>")]


def test_indicator_page_without_data_and_bad_uids(client: Client) -> None:
    html = page(client, "/stocktake/indicator/gbf/indicator/A.1")
    assert "No national data for this indicator yet" in html
    page(client, "/stocktake/indicator/gbf/target/3", status=404)
    page(client, "/stocktake/indicator/nothing", status=404)


# The country page ------------------------------------------------------------------------------


def test_country_page_public(client: Client, targets: None) -> None:
    html = page(client, "/place/FRA")
    section = html[html.index('data-section="national-targets"') :]
    assert 'data-target="T3" data-status="published"' in section
    assert "Protect a third of France" in section
    assert '<a href="/stocktake/target/3">Target 3</a> <span class="meta">Full</span>' in section
    html = page(client, "/place/IND")
    assert "India draft text" not in html
    assert "No national target has been published for this country yet." in html
    assert 'data-section="team"' not in html


def test_country_page_shows_drafts_to_the_team_only(
    client: Client, targets: None, user_factory
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user_factory("kenya", roles={"KEN": "contributor"}))
    assert "India draft text" not in page(client, "/place/IND")
    client.force_login(user_factory("india", roles={"IND": "contributor"}))
    html = page(client, "/place/IND")
    assert 'data-target="T3" data-status="draft"' in html
    assert "India draft text" in html and "Draft: not public" in html
    assert 'data-section="team"' in html
    assert 'href="/place/IND/team"' in html


def test_country_page_indicators_and_progress(client: Client) -> None:
    html = page(client, "/place/GBR")
    section = html[
        html.index('data-section="indicators"') : html.index('data-section="commitments"')
    ]
    for uid in ("sdg/indicator/15.1.1", "sdg/indicator/15.5.1", "sdg/indicator/15.a.1"):
        assert f'data-indicator="{uid}"' in section
    assert 'data-method="un_chart"' in section
    html = page(client, "/place/GBR?method=eurostat")
    assert 'data-method="eurostat"' in html
    assert '<option value="eurostat" selected>' in html
    html = page(client, "/place/GBR?method=nonsense")
    assert '<option value="un_chart" selected>' in html


def test_country_page_counts_commitments(client: Client) -> None:
    html = page(client, "/place/GBR")
    section = html[html.index('data-section="commitments"') :]
    assert 'data-count="commitments">0 commitments' in section or "will be counted here" in section


def test_area_pages_have_no_country_sections(client: Client) -> None:
    html = page(client, "/place/150")
    assert 'data-section="national-targets"' not in html


def test_pages_in_french(client: Client, targets: None) -> None:
    client.cookies["django_language"] = "fr"
    html = page(client, "/stocktake/target/3")
    assert '<html lang="fr"' in html
    assert Element.objects.get(uid=T3).label("fr") in html
