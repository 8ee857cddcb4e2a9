"""The GBF's global quantitative elements shipped as reference data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from meadow.audit.models import AuditEntry
from meadow.core import i18n
from meadow.frameworks.sources import SourceError
from meadow.reference import REFERENCE_LOADERS
from meadow.targets import loaders
from meadow.targets.actions import sync_global_elements
from meadow.targets.models import GlobalElement
from tests.targets.conftest import SYSTEM

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

# code: (GBF element, measure, value, unit, year, basis)
EXPECTED = {
    "gbf-2-restoration": ("gbf/target/2", "share", 30, "percent", 2030, None),
    "gbf-3-land": ("gbf/target/3", "share", 30, "percent", 2030, "area"),
    "gbf-3-marine": ("gbf/target/3", "share", 30, "percent", 2030, None),
    "gbf-6-invasive": ("gbf/target/6", "share", 50, "percent", 2030, None),
    "gbf-7-nutrients": ("gbf/target/7", "share", 50, "percent", 2030, None),
    "gbf-7-pesticides": ("gbf/target/7", "share", 50, "percent", 2030, None),
    "gbf-16-food-waste": ("gbf/target/16", "share", 50, "percent", 2030, None),
    "gbf-18-incentives": ("gbf/target/18", "amount", 500e9, "USD per year", 2030, None),
    "gbf-19-total": ("gbf/target/19", "amount", 200e9, "USD per year", 2030, None),
    "gbf-19a-2025": ("gbf/target/19", "amount", 20e9, "USD per year", 2025, None),
    "gbf-19a-2030": ("gbf/target/19", "amount", 30e9, "USD per year", 2030, None),
}


def test_loaded_with_the_reference_data_after_the_goals() -> None:
    names = [name for name, *_ in REFERENCE_LOADERS]
    assert names.index("global-elements") == names.index("goals") + 1
    found = {
        g.code: (
            g.element.uid,
            g.measure,
            g.value,
            g.unit,
            g.year,
            g.basis.slug if g.basis else None,
        )
        for g in GlobalElement.objects.select_related("element", "basis")
    }
    assert found == EXPECTED
    assert list(GlobalElement.objects.values_list("code", flat=True))[:3] == [
        "gbf-2-restoration",
        "gbf-3-land",
        "gbf-3-marine",
    ]


def test_each_element_quotes_its_target_in_decision_15_4() -> None:
    """The clause given for each number is in the GBF target's official English text."""
    document = json.loads(loaders.SHIPPED.read_text(encoding="utf-8"))
    by_code = {g.code: g for g in GlobalElement.objects.select_related("element")}
    for item in document["elements"]:
        official = by_code[item["code"]].element.text["en"]
        assert item["clause"] in official, item["code"]
    land = by_code["gbf-3-land"].element.text["en"]
    assert "at least 30 per cent of terrestrial, inland water" in land
    finance = by_code["gbf-19a-2025"].element.text["en"]
    assert "US$ 20 billion per year by 2025" in finance
    assert "US$ 30 billion per year by 2030" in finance


def test_names_in_the_six_languages() -> None:
    for item in GlobalElement.objects.all():
        assert set(item.name) == set(i18n.CONTENT_LANGUAGES), item.code
        assert len(set(item.name.values())) == 6, item.code
    land = GlobalElement.objects.get(code="gbf-3-land")
    assert (
        land.label("fr")
        == "Zones terrestres et d'eaux intérieures conservées et gérées efficacement"
    )
    assert land.uid == "global-element/gbf-3-land"


def test_loading_again_changes_nothing() -> None:
    before = AuditEntry.objects.count()
    report = loaders.load_global_elements(actor=SYSTEM)
    assert not report.changed and report.unchanged == len(EXPECTED)
    assert AuditEntry.objects.count() == before


def test_a_changed_file_updates_with_an_audit_entry(tmp_path: Path) -> None:
    document = json.loads(loaders.SHIPPED.read_text(encoding="utf-8"))
    document["elements"][1]["value"] = 31
    path = tmp_path / "global-elements.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = loaders.load_global_elements(actor=SYSTEM, path=path)
    assert report.updated == ["gbf-3-land"] and report.unchanged == len(EXPECTED) - 1
    entry = AuditEntry.objects.get(action="global-element.update")
    assert entry.object_uid == "global-element/gbf-3-land"
    assert (entry.before["value"], entry.after["value"]) == (30.0, 31.0)
    assert entry.changed_fields == ["value"]
    assert GlobalElement.objects.get(code="gbf-3-land").value == 31


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"element": "gbf/target/99"}, "is not a GBF goal or target"),
        ({"element": "sdg/target/15.1"}, "is not a GBF goal or target"),
        ({"basis": "forest"}, "is not a weight set"),
        ({"measure": "ratio"}, "measure must be one of"),
        ({"value": "30"}, "is not a positive number"),
        ({"name": {"en": "Only English"}}, "name has no ar, es, fr, ru, zh"),
    ],
)
def test_a_malformed_file_is_refused_whole(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    document = json.loads(loaders.SHIPPED.read_text(encoding="utf-8"))
    document["elements"][0].update(change)
    path = tmp_path / "global-elements.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(SourceError, match=message):
        loaders.load_global_elements(actor=SYSTEM, path=path)


def test_only_the_system_and_administrators_load_reference_data(focal: User) -> None:
    with pytest.raises(PermissionDenied):
        sync_global_elements(loaders.read(), actor=focal)
