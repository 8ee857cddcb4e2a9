"""The places loader on the real shipped data: counts, names, groups, weights, idempotence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from meadow.audit.models import AuditEntry
from meadow.core.actors import SystemActor
from meadow.frameworks.sources import SourceError
from meadow.places import actions, loaders, queries, sources
from meadow.places.models import Membership, Place, PlaceGroup, Weight, WeightSet
from meadow.reference import REFERENCE_LOADERS

from .conftest import Edit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

SYSTEM = SystemActor("tests")


def members(slug: str) -> set[str]:
    return set(PlaceGroup.objects.get(slug=slug).members.values_list("code", flat=True))


def state() -> dict[str, Any]:
    """Everything a failed load must leave as it was."""
    return {
        "places": list(Place.objects.order_by("code").values_list("code", "name", "parent__code")),
        "memberships": sorted(Membership.objects.values_list("group__slug", "place__code")),
        "weights": sorted(Weight.objects.values_list("weight_set__slug", "place__code", "value")),
        "audit": AuditEntry.objects.count(),
    }


def test_places_load_before_frameworks() -> None:
    assert REFERENCE_LOADERS[0][0] == "places"


def test_counts_of_countries_and_areas() -> None:
    # 249 rows in country-codes.csv (and in each UNSD-*.csv); the region columns of the
    # UNSD overview name 5 regions, 17 sub-regions and 7 intermediate regions.
    assert Place.objects.filter(kind="country").count() == 249
    assert Place.objects.filter(kind="region").count() == 5
    assert Place.objects.filter(kind="sub-region").count() == 17
    assert Place.objects.filter(kind="intermediate-region").count() == 7
    assert list(Place.objects.filter(kind="world").values_list("code", flat=True)) == ["001"]
    assert set(Place.objects.filter(kind="region").values_list("code", flat=True)) == {
        "002",
        "009",
        "019",
        "142",
        "150",
    }


def test_china_in_six_languages() -> None:
    china = Place.objects.get(code="CHN")
    assert china.name == {
        "ar": "الصين",
        "en": "China",
        "es": "China",
        "fr": "Chine",
        "ru": "Китай",
        "zh": "中国",
    }
    assert china.formal_name["zh"] == "中华人民共和国"
    assert china.formal_name["en"] == "the People's Republic of China"
    assert china.label("zh") == "中国"
    assert (china.uid, china.get_absolute_url()) == ("place/CHN", "/place/CHN")


@pytest.mark.parametrize(
    ("code", "m49", "iso2"),
    [
        ("CHN", "156", "CN"),
        ("KEN", "404", "KE"),
        ("BRA", "076", "BR"),
        ("FRA", "250", "FR"),
        ("USA", "840", "US"),
        ("NAM", "516", "NA"),
    ],
)
def test_m49_and_iso_codes(code: str, m49: str, iso2: str) -> None:
    place = Place.objects.get(code=code)
    assert (place.m49, place.iso2, place.iso3) == (m49, iso2, code)


def test_region_chain_of_kenya() -> None:
    kenya = Place.objects.get(code="KEN")
    chain = [(p.code, p.label("en")) for p in queries.ancestors(kenya)]
    assert chain == [
        ("014", "Eastern Africa"),
        ("202", "Sub-Saharan Africa"),
        ("002", "Africa"),
        ("001", "World"),
    ]
    assert [p.label("zh") for p in queries.ancestors(kenya)] == [
        "东非",
        "撒哈拉以南非洲",
        "非洲",
        "世界",
    ]
    assert kenya.parent is not None and kenya.parent.code == "014"
    assert kenya.lineage == "/001/002/202/014/"


def test_countries_in_a_region() -> None:
    # UNSD-en.csv: 60 rows with Region Code 002, 22 of them in Eastern Africa (014).
    assert queries.countries_in("place/002").count() == 60
    assert queries.countries_in("place/014").count() == 22
    assert queries.countries_in("place/001").count() == 249
    assert queries.countries_in("group/ldc").count() == 45


def test_un_regional_groups() -> None:
    # countrygroups_0.13.0.csv, UN_REGIONAL_GROUPS rows per subgroup: 193 Member States,
    # Türkiye counted in both Asia-Pacific and WEOG, the United States in WEOG.
    groups = PlaceGroup.objects.filter(kind="un-regional-group")
    counts = {group.slug: group.members.count() for group in groups}
    assert counts == {
        "un-african-group": 54,
        "un-asia-pacific-group": 55,
        "un-eastern-european-group": 23,
        "un-grulac": 33,
        "un-weog": 29,
    }
    assert "KEN" in members("un-african-group")
    assert "TUR" in members("un-asia-pacific-group") & members("un-weog")
    assert "USA" in members("un-weog")
    african = PlaceGroup.objects.get(slug="un-african-group")
    assert african.name["fr"] == "Groupe des États d'Afrique"
    assert (african.uid, african.get_absolute_url()) == (
        "group/un-african-group",
        "/group/un-african-group",
    )


def test_ldc_lldc_sids_follow_the_m49_flags() -> None:
    # The M49 flags (UNSD, current) win over the 2021 countrygroups snapshot: 45 LDCs
    # (Bhutan graduated in December 2023 and is still an LDC in countrygroups), 32 LLDCs
    # (both sources agree) and 53 SIDS (M49 includes 16 non-UN members and associate
    # members, such as Aruba and Puerto Rico, that countrygroups keeps out of its list of 37).
    assert len(members("ldc")) == 45
    assert len(members("lldc")) == 32
    assert len(members("sids")) == 53
    assert "BTN" not in members("ldc")
    assert {"AFG", "TUV", "HTI"} <= members("ldc")
    assert {"ABW", "PRI", "FJI", "CUB"} <= members("sids")
    assert {"AFG", "BOL", "MNG"} <= members("lldc")

    snapshot = sources._memberships(loaders.DATA / sources.COUNTRY_GROUPS)
    older = {code for code, _ in snapshot["LDC"]}
    assert older - members("ldc") == {"BTN"}
    assert members("lldc") == {code for code, _ in snapshot["LLDC"]}
    assert {code for code, _ in snapshot["SIDS"]} < members("sids")


def test_population_and_area_with_provenance() -> None:
    population = WeightSet.objects.get(slug="population")
    assert population.source.startswith("countryinfo 1.0.1")
    assert (population.licence, population.year, population.unit) == (
        "MIT",
        "as published",
        "people",
    )
    assert population.uid == "weights/population"
    area = WeightSet.objects.get(slug="area")
    assert area.unit == "km²"
    assert "total area" in area.description["en"]
    # weights.csv: 237 countries and areas with a population, 229 with an area.
    assert population.weights.count() == 237
    assert area.weights.count() == 229
    china = {
        w.weight_set.slug: w.value for w in queries.place_weights(Place.objects.get(code="CHN"))
    }
    assert china == {"population": 1367110000, "area": 9640011}


def test_loading_again_changes_nothing() -> None:
    before = state()
    report = loaders.load_places(actor=SYSTEM)
    assert not report.changed
    assert report.places.unchanged == 279
    assert report.memberships.unchanged == 54 + 55 + 23 + 33 + 29 + 45 + 32 + 53
    assert report.weights.unchanged == 237 + 229
    assert state() == before
    assert report.summary().startswith(
        "places: places 0 created, 0 updated, 0 removed, 279 unchanged"
    )


def test_changed_source_updates_and_is_audited(data_copy: Path, edit: Edit) -> None:
    m49 = data_copy / "m49"
    edit(m49 / "country-codes.csv", "肯尼亚,Kenya,KENYA", "肯尼亚,Kenya (test),KENYA")
    unsd = m49 / "UNSD-en.csv"
    text = unsd.read_text(encoding="utf-8")
    assert text.count(",014,Eastern Africa,") == 22
    unsd.write_text(text.replace(",014,Eastern Africa,", ",014,East Africa,"), encoding="utf-8")
    edit(m49 / "country-codes.csv", "Afghanistan,AFGHANISTAN,x,", "Afghanistan,AFGHANISTAN,,")
    edit(data_copy / "countryinfo" / "weights.csv", "CHN,1367110000,", "CHN,1411750000,")

    report = loaders.load_places(actor=SYSTEM, directory=data_copy)

    assert set(report.places.updated) == {"place/KEN", "place/014"}
    assert report.memberships.removed == ["group/ldc place/AFG"]
    assert report.weights.updated == ["weights/population#CHN"]
    assert not report.places.created and not report.places.removed

    kenya = Place.objects.get(code="KEN")
    assert kenya.name["en"] == "Kenya (test)"
    assert Place.objects.get(code="014").name["en"] == "East Africa"
    entry = AuditEntry.objects.get(object_uid="place/KEN", action="places.place.update")
    assert entry.actor == "system:tests"
    assert entry.before == {"name": {**kenya.name, "en": "Kenya"}}
    assert entry.after == {"name": kenya.name}
    assert "country-codes.csv" in entry.source
    membership = AuditEntry.objects.get(object_uid="group/ldc", action="places.membership.delete")
    assert membership.before == {"member": "place/AFG"}
    weight = AuditEntry.objects.get(
        object_uid="weights/population#CHN", action="places.weight.update"
    )
    assert (weight.before, weight.after) == ({"value": 1367110000}, {"value": 1411750000})

    again = loaders.load_places(actor=SYSTEM, directory=data_copy)
    assert not again.changed


def test_removed_place_is_deleted_and_audited(data_copy: Path) -> None:
    for path in (data_copy / "m49").glob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if "BVT" not in line]
        assert len(kept) == len(lines) - 1
        path.write_text("".join(kept), encoding="utf-8")

    report = loaders.load_places(actor=SYSTEM, directory=data_copy)

    assert report.places.removed == ["place/BVT"]
    assert not Place.objects.filter(code="BVT").exists()
    assert AuditEntry.objects.filter(object_uid="place/BVT", action="places.place.delete").exists()


def test_malformed_source_leaves_the_database_as_it_was(data_copy: Path, edit: Edit) -> None:
    edit(data_copy / "m49" / "country-codes.csv", "肯尼亚,Kenya,KENYA", "肯尼亚,Kenia,KENYA")
    edit(data_copy / "countryinfo" / "weights.csv", "KEN,41800000,", "KEN,many,")
    before = state()
    with pytest.raises(SourceError, match=r"weights.csv, line \d+ \[KEN\]"):
        loaders.load_places(actor=SYSTEM, directory=data_copy)
    assert state() == before


def test_error_while_writing_rolls_everything_back(
    data_copy: Path, edit: Edit, system: SystemActor
) -> None:
    actions.save_group(
        "cbd-test",
        actor=system,
        kind="convention-group",
        names={"en": "A curated group"},
        members=["KEN"],
    )
    # A renamed country and a reference group that takes the curated group's slug: the
    # rename is written first, then the clash stops the load.
    edit(data_copy / "m49" / "country-codes.csv", "肯尼亚,Kenya,KENYA", "肯尼亚,Kenia,KENYA")
    edit(data_copy / "groups.json", '"slug": "sids"', '"slug": "cbd-test"')
    before = state()
    with pytest.raises(ValidationError, match="curated group"):
        loaders.load_places(actor=SYSTEM, directory=data_copy)
    assert state() == before
    assert Place.objects.get(code="KEN").name["en"] == "Kenya"


def test_curated_group_is_saved_through_the_audit_log(system: SystemActor) -> None:
    group = actions.save_group(
        "cbd-africa",
        actor=system,
        kind="convention-group",
        defined_by="CBD",
        names={"en": "CBD African Group", "fr": "Groupe africain de la CDB"},
        members=["KEN", "TZA"],
    )
    assert (group.uid, group.origin) == ("group/cbd-africa", "")
    assert members("cbd-africa") == {"KEN", "TZA"}
    actions.save_group(
        "cbd-africa",
        actor=system,
        kind="convention-group",
        defined_by="CBD",
        names={"en": "CBD African Group"},
        members=["KEN", "UGA"],
    )
    assert members("cbd-africa") == {"KEN", "UGA"}
    logged = list(
        AuditEntry.objects.filter(object_uid="group/cbd-africa")
        .order_by("id")
        .values_list("action", "after")
    )
    assert logged[0] == (
        "places.group.create",
        {
            "kind": "convention-group",
            "defined_by": "CBD",
            "name": {"en": "CBD African Group", "fr": "Groupe africain de la CDB"},
            "description": {},
            "source": "",
            "source_url": "",
        },
    )
    assert ("places.membership.create", {"member": "place/UGA"}) in logged
    actions.delete_group("cbd-africa", actor=system)
    assert not PlaceGroup.objects.filter(slug="cbd-africa").exists()
    assert AuditEntry.objects.filter(
        object_uid="group/cbd-africa", action="places.group.delete"
    ).exists()
    # A curated group survives a reload of the reference data.
    actions.save_group(
        "cbd-asia", actor=system, kind="convention-group", names={"en": "Asia"}, members=["CHN"]
    )
    loaders.load_places(actor=SYSTEM)
    assert members("cbd-asia") == {"CHN"}


def test_curated_group_checks(system: SystemActor) -> None:
    with pytest.raises(PermissionDenied):
        actions.save_group("x", actor=AnonymousUser(), kind="custom", names={"en": "X"}, members=[])
    with pytest.raises(ValidationError, match="reference data"):
        actions.save_group("ldc", actor=system, kind="custom", names={"en": "X"}, members=[])
    with pytest.raises(ValidationError, match="unknown places: XXX"):
        actions.save_group("x", actor=system, kind="custom", names={"en": "X"}, members=["XXX"])
    with pytest.raises(ValidationError, match="kind"):
        actions.save_group("x", actor=system, kind="club", names={"en": "X"}, members=[])
    with pytest.raises(ValidationError, match="reference data"):
        actions.delete_group("ldc", actor=system)


def test_sync_needs_the_reference_policy() -> None:
    with pytest.raises(PermissionDenied):
        actions.sync_places(sources.read(loaders.DATA), actor=AnonymousUser())
