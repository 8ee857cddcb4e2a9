"""National targets counted per GBF target, and commitments added up per global element.

Only published national targets count; drafts are never counted nor shown.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from meadow.frameworks.models import Element
from meadow.places.models import Weight
from meadow.stocktake import queries
from meadow.targets.models import GlobalElement, Measure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

T3 = "gbf/target/3"


@pytest.fixture
def aligned(national_target) -> None:  # type: ignore[no-untyped-def]
    """FRA full (two targets: full and minimal), KEN partial, BRA minimal; drafts from
    IND (full) and from BRA (full, stronger than its published minimal)."""
    national_target("FRA", "T3", align={T3: "full"})
    national_target("FRA", "T3b", align={T3: "minimal", "gbf/target/2": "partial"})
    national_target("KEN", "NBT-3", align={T3: "partial"})
    national_target("BRA", "M3", align={T3: "minimal"})
    national_target("IND", "T3", status="draft", align={T3: "full"})
    national_target("BRA", "M3-new", status="draft", align={T3: "full"})


def test_counts_by_strongest_degree(aligned: None) -> None:
    st = queries.target_stocktake(Element.objects.get(uid=T3))
    assert (st.counts.full, st.counts.partial, st.counts.minimal) == (1, 1, 1)
    assert st.counts.aligned == 3
    assert st.counts.parties == 195
    assert st.counts.none == 192
    assert st.national_targets == 4  # FRA's two, KEN's and BRA's published one
    degrees = {c.place.code: c.degree for c in st.countries}
    assert degrees == {"FRA": "full", "KEN": "partial", "BRA": "minimal"}
    fra = next(c for c in st.countries if c.place.code == "FRA")
    assert [(t.code, d) for t, d in fra.targets] == [("T3", "full"), ("T3b", "minimal")]


def test_counts_by_region_and_group(aligned: None) -> None:
    st = queries.target_stocktake(Element.objects.get(uid=T3))
    regions = {a.uid: a.counts for a in st.by_region}
    assert set(regions) == {"place/002", "place/019", "place/142", "place/150", "place/009"}
    assert (regions["place/150"].full, regions["place/150"].aligned) == (1, 1)
    assert (regions["place/002"].partial, regions["place/002"].aligned) == (1, 1)
    assert (regions["place/019"].minimal, regions["place/019"].aligned) == (1, 1)
    assert regions["place/142"].aligned == 0  # India's target is a draft
    groups = {a.uid: a.counts for a in st.by_group}
    assert groups["group/un-weog"].full == 1
    assert groups["group/un-african-group"].partial == 1
    assert groups["group/un-grulac"].minimal == 1
    assert groups["group/ldc"].aligned == 0
    assert {"group/ldc", "group/lldc", "group/sids"} <= set(groups)
    assert sum(a.counts.parties for a in st.by_region) == 195


def test_overview_counts_every_gbf_target(aligned: None) -> None:
    overview = {s.element.uid: s for s in queries.target_overview()}
    assert len(overview) == 23
    assert overview[T3].counts.as_dict() == {
        "full": 1,
        "partial": 1,
        "minimal": 1,
        "none": 192,
        "aligned": 3,
        "parties": 195,
    }
    assert overview["gbf/target/2"].counts.partial == 1
    assert overview["gbf/target/1"].counts.aligned == 0


def test_map_has_a_path_per_country_with_its_degree(aligned: None, client: Client) -> None:
    html = client.get("/stocktake/target/3").content.decode()
    svg = html[html.index('<svg class="world-map"') : html.index("</svg>", html.index("world-map"))]
    links = dict(
        re.findall(
            r'<a href="/place/([A-Z]{3})" class="map__link"><path class="map__country ([^"]+)"', svg
        )
    )
    assert links["FRA"] == "map--full"
    assert links["KEN"] == "map--partial"
    assert links["BRA"] == "map--minimal"
    assert links["IND"] == "map--none"  # a draft does not count
    assert links["USA"] == "map--none map--not-party"
    assert len(links) > 160  # every country with an outline
    assert svg.count('class="map__country ') == len(links)
    titles = re.findall(r'data-code="FRA"><title>([^<]+)</title>', svg)
    assert titles == ["France: Full"]


# Global elements -------------------------------------------------------------------------------


@pytest.fixture
def elements(weight_set) -> dict[str, GlobalElement]:  # type: ignore[no-untyped-def]
    target = Element.objects.get(uid=T3)
    basis = weight_set("test-area", {"FRA": 1000.0, "KEN": 500.0, "DEU": 2500.0}, unit="km2")
    common = {"element": target, "year": 2030}
    return {
        "land": GlobalElement.objects.create(
            code="test-land",
            name={"en": "Land"},
            measure=Measure.SHARE,
            unit="percent",
            value=30,
            basis=basis,
            **common,
        ),
        "money": GlobalElement.objects.create(
            code="test-money",
            name={"en": "Money"},
            measure=Measure.AMOUNT,
            unit="USD",
            value=1000,
            **common,
        ),
        "sea": GlobalElement.objects.create(
            code="test-sea",
            name={"en": "Sea"},
            measure=Measure.SHARE,
            unit="percent",
            value=30,
            **common,
        ),
    }


def test_committed_area_against_the_global_share(elements, national_target) -> None:  # type: ignore[no-untyped-def]
    """FRA commits 30 % of 1000 = 300, KEN 10 % of 500 = 50: 350 against 30 % of the
    world's 4000 = 1200; the gap is 850."""
    land = elements["land"]
    national_target("FRA", "T3", quantities=[(land, 30, "percent")])
    national_target("KEN", "T3", quantities=[(land, 10, "%")])
    national_target("DEU", "T3", status="draft", quantities=[(land, 50, "percent")])
    st = queries.element_stocktake(land)
    assert st.kind == queries.SHARE_WITH_BASIS
    assert st.basis_total == 4000.0
    assert st.global_value == pytest.approx(1200.0)
    assert st.committed == pytest.approx(350.0)
    assert st.gap == pytest.approx(850.0)
    assert st.committed_share == pytest.approx(350 / 1200)
    assert st.committed_percent_of_basis == pytest.approx(8.75)
    rows = {c.place.code: c for c in st.contributions}
    assert set(rows) == {"FRA", "KEN"}  # the draft is neither counted nor listed
    assert (rows["FRA"].basis, rows["FRA"].amount) == (1000.0, pytest.approx(300.0))
    assert (rows["KEN"].basis, rows["KEN"].amount) == (500.0, pytest.approx(50.0))


def test_a_country_counts_once_and_other_units_are_listed_not_counted(
    elements, national_target
) -> None:  # type: ignore[no-untyped-def]
    land = elements["land"]
    national_target("FRA", "T3", quantities=[(land, 30, "percent")])
    national_target("FRA", "T3-more", quantities=[(land, 20, "percent")])
    national_target("KEN", "T3", quantities=[(land, 200, "km2")])
    national_target("BRA", "T3", quantities=[(land, 30, "percent")])  # not in the basis
    st = queries.element_stocktake(land)
    assert st.committed == pytest.approx(300.0)
    counted = {(c.place.code, c.target.code): c.counted for c in st.contributions}
    assert counted == {
        ("FRA", "T3"): True,
        ("FRA", "T3-more"): False,
        ("KEN", "T3"): False,
        ("BRA", "T3"): False,
    }
    notes = {c.place.code + c.target.code: c.note for c in st.contributions}
    assert "larger commitment" in notes["FRAT3-more"]
    assert "km2" in notes["KENT3"]
    assert "No " in notes["BRAT3"]
    assert st.countries == 3
    assert st.counted_countries == 1


def test_amounts_add_up_as_they_are(elements, national_target) -> None:  # type: ignore[no-untyped-def]
    money = elements["money"]
    national_target("FRA", "T19", quantities=[(money, 100, "USD")])
    national_target("DEU", "T19", quantities=[(money, 250, "usd")])
    national_target("KEN", "T19", status="draft", quantities=[(money, 999, "USD")])
    st = queries.element_stocktake(money)
    assert st.kind == queries.AMOUNT
    assert (st.committed, st.global_value, st.gap) == (350.0, 1000.0, 650.0)


def test_shares_without_a_basis_are_not_added_up(elements, national_target) -> None:  # type: ignore[no-untyped-def]
    sea = elements["sea"]
    national_target("FRA", "T3", quantities=[(sea, 30, "percent")])
    national_target("KEN", "T3", quantities=[(sea, 10, "percent")])
    st = queries.element_stocktake(sea)
    assert st.kind == queries.SHARE
    assert st.committed is None
    assert st.gap is None
    assert st.mean_share == pytest.approx(20.0)
    assert st.counted_countries == 2


def test_the_real_area_basis_of_gbf_3_land(national_target) -> None:  # type: ignore[no-untyped-def]
    """With the shipped element (30 % of the world's area), two countries' commitments
    add up to their shares of their real areas."""
    land = GlobalElement.objects.filter(code="gbf-3-land").first()
    if land is None:
        pytest.skip("the GBF global elements are not loaded")
    national_target("FRA", "T3", quantities=[(land, 30, "percent")])
    national_target("KEN", "T3", quantities=[(land, 10, "percent")])
    area = dict(
        Weight.objects.filter(weight_set=land.basis, place__code__in=["FRA", "KEN"]).values_list(
            "place__code", "value"
        )
    )
    world = sum(
        Weight.objects.filter(weight_set=land.basis, place__kind="country").values_list(
            "value", flat=True
        )
    )
    st = queries.element_stocktake(land)
    assert st.committed == pytest.approx(0.3 * area["FRA"] + 0.1 * area["KEN"])
    assert st.global_value == pytest.approx(0.3 * world)
