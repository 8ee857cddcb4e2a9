"""The framework loaders on the real shipped data: counts, links, idempotence, bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from meadow.audit.models import AuditEntry
from meadow.core.actors import SystemActor
from meadow.frameworks import loaders
from meadow.frameworks.models import Element, Framework, Relation
from meadow.frameworks.sources import SourceError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

SYSTEM = SystemActor("tests")


def count(framework: str, level: str, **filters: str) -> int:
    return Element.objects.filter(framework__slug=framework, level=level, **filters).count()


def state() -> tuple[int, int, int, list[tuple[str, dict]]]:
    """Everything a failed load must leave as it was."""
    titles = list(Element.objects.order_by("uid").values_list("uid", "title"))
    return Element.objects.count(), Relation.objects.count(), AuditEntry.objects.count(), titles


def test_gbf_has_4_goals_23_targets_204_indicators() -> None:
    assert count("gbf", "goal") == 4
    assert count("gbf", "target") == 23
    assert count("gbf", "indicator") == 204
    assert Framework.objects.get(slug="gbf").version.startswith("1.0.1")


def test_gbf_indicator_kinds_follow_their_strongest_role() -> None:
    # Counted in indicators.ttl: 26 indicators are only headline and 1 (7.1) is headline for
    # target 7 and complementary for target 8; 15 binary; 39 only component and 13 component
    # and complementary; 110 only complementary.
    assert count("gbf", "indicator", kind="headline") == 27
    assert count("gbf", "indicator", kind="binary") == 15
    assert count("gbf", "indicator", kind="component") == 52
    assert count("gbf", "indicator", kind="complementary") == 110
    a1 = Element.objects.get(uid="gbf/indicator/A.1")
    assert a1.kind == "headline"
    assert a1.title["en"] == "Red List of Ecosystems"
    assert "IUCN" in " ".join(a1.extra["custodians"])


def test_gbf_indicator_roles_link_to_goals_and_targets() -> None:
    a1 = {
        (r.type, r.object.uid)
        for r in Relation.objects.filter(subject__uid="gbf/indicator/A.1").select_related("object")
    }
    assert a1 == {
        ("headline-indicator-for", "gbf/goal/A"),
        ("headline-indicator-for", "gbf/target/1"),
    }
    seven = {
        (r.type, r.object.uid)
        for r in Relation.objects.filter(subject__uid="gbf/indicator/7.1").select_related("object")
    }
    assert ("headline-indicator-for", "gbf/target/7") in seven
    assert ("complementary-indicator-for", "gbf/target/8") in seven
    # 37 + 16 + 59 + 162 role statements in the ontology.
    assert Relation.objects.filter(origin="gbf-ontology").count() == 274


def test_gbf_target_3_official_text() -> None:
    target = Element.objects.get(uid="gbf/target/3")
    assert target.text["en"].startswith("Ensure and enable that by 2030 at least 30 per cent")
    assert target.text["fr"].startswith("Faire en sorte que, d'ici à 2030, au moins 30 %")
    assert set(target.text) == {"en", "es", "fr"}


def test_sdg_17_goals_169_targets_and_the_source_indicator_list() -> None:
    assert count("sdg", "goal") == 17
    assert count("sdg", "target") == 169
    # global_indicators.yml lists 252 indicator entries (some indicators repeat under
    # several targets, e.g. 7.b.1 and 12.a.1).
    assert count("sdg", "indicator") == 252
    indicator = Element.objects.get(uid="sdg/indicator/15.1.1")
    assert indicator.parent is not None and indicator.parent.uid == "sdg/target/15.1"
    assert indicator.parent.parent is not None and indicator.parent.parent.uid == "sdg/goal/15"


def test_sdg_titles_in_six_languages_including_chinese() -> None:
    for element in Element.objects.filter(framework__slug="sdg"):
        assert set(element.title) == {"ar", "en", "es", "fr", "ru", "zh"}, element.uid
    assert (
        Element.objects.get(uid="sdg/indicator/15.1.1").title["zh"] == "森林面积占陆地总面积的比例"
    )
    assert Element.objects.get(uid="sdg/goal/15").short_title["en"] == "Life on land"


def test_aichi_5_goals_20_targets() -> None:
    assert count("aichi", "goal") == 5
    assert count("aichi", "target") == 20
    eleven = Element.objects.get(uid="aichi/target/11")
    assert eleven.parent is not None and eleven.parent.uid == "aichi/goal/C"
    assert eleven.title == {"en": "Protected areas increased and improved"}
    assert "17 per cent of terrestrial and inland water" in eleven.text["en"]
    examples = sum(
        len(e.extra.get("national_examples", []))
        for e in Element.objects.filter(framework__slug="aichi")
    )
    assert examples == 236


def test_gbf_target_3_is_linked_to_aichi_target_11() -> None:
    relation = Relation.objects.get(subject__uid="gbf/target/3", object__uid="aichi/target/11")
    assert relation.type == "partially-overlaps"
    assert relation.origin == "gbf-crosswalk"
    assert relation.source
    sdgs = set(
        Relation.objects.filter(subject__uid="gbf/target/3", type="contributes-to").values_list(
            "object__uid", flat=True
        )
    )
    assert sdgs == {"sdg/goal/6", "sdg/goal/11", "sdg/goal/14", "sdg/goal/15"}
    # 25 Aichi links and 53 SDG links; 61 CBD subject and thesaurus rows are skipped.
    assert Relation.objects.filter(origin="gbf-crosswalk").count() == 78


def test_rerunning_every_loader_changes_nothing() -> None:
    before = state()
    reports = [loader.run(actor=SYSTEM) for loader in loaders.LOADERS]
    assert [r.changed for r in reports] == [False] * len(reports)
    assert state() == before
    call_command("load_reference", verbosity=0)
    assert state() == before


@pytest.fixture
def kmgbf(tmp_path: Path) -> Path:
    copy = tmp_path / "kmgbf"
    shutil.copytree(loaders.DATA / "kmgbf", copy)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_changed_source_updates_and_records_what_changed(kmgbf: Path) -> None:
    edit(
        kmgbf / "targets.ttl",
        '"30% of areas are effectively conserved"@en ,',
        '"30 per cent of areas are effectively conserved"@en ,',
    )
    report = loaders.load_gbf(actor=SYSTEM, directory=kmgbf)
    assert report.updated == ["gbf/target/3"]
    assert report.created == report.removed == []
    entry = AuditEntry.objects.filter(object_uid="gbf/target/3").first()
    assert entry is not None and entry.action == "frameworks.element.update"
    assert entry.actor == "system:tests"
    assert entry.before == {
        "title": {
            "en": "30% of areas are effectively conserved",
            "es": Element.objects.get(uid="gbf/target/3").title["es"],
            "fr": Element.objects.get(uid="gbf/target/3").title["fr"],
        }
    }
    assert entry.after is not None
    assert entry.after["title"]["en"] == "30 per cent of areas are effectively conserved"
    # Loading the shipped source again puts it back.
    assert loaders.load_gbf(actor=SYSTEM).updated == ["gbf/target/3"]


def test_removed_role_is_removed_with_history(kmgbf: Path) -> None:
    edit(
        kmgbf / "indicators.ttl",
        ":isHeadlineFor kmgbf:goal_A, kmgbf:target_1 ;",
        ":isHeadlineFor kmgbf:target_1 ;",
    )
    report = loaders.load_gbf(actor=SYSTEM, directory=kmgbf)
    assert report.relations_removed == ["gbf/indicator/A.1 headline-indicator-for gbf/goal/A"]
    assert AuditEntry.objects.filter(action="frameworks.relation.delete").count() == 1


def test_bad_turtle_names_file_and_line_and_changes_nothing(kmgbf: Path) -> None:
    before = state()
    edit(kmgbf / "targets.ttl", ":targetCode 3 ;", ":targetCode 3 ;; ]] broken")
    with pytest.raises(SourceError) as error:
        loaders.load_gbf(actor=SYSTEM, directory=kmgbf)
    assert error.value.path.endswith("targets.ttl")
    assert error.value.line == 58
    assert "targets.ttl, line 58" in str(error.value)
    assert state() == before


def test_indicator_naming_unknown_target_is_refused(kmgbf: Path) -> None:
    before = state()
    edit(
        kmgbf / "indicators.ttl",
        ":isHeadlineFor kmgbf:goal_A, kmgbf:target_1 ;",
        ":isHeadlineFor kmgbf:goal_A, kmgbf:target_99 ;",
    )
    with pytest.raises(SourceError) as error:
        loaders.load_gbf(actor=SYSTEM, directory=kmgbf)
    assert error.value.element == "gbf/indicator/A.1"
    assert error.value.path.endswith("indicators.ttl")
    assert error.value.line == 35
    assert "target_99" in str(error.value)
    assert state() == before


def test_crosswalk_row_naming_unknown_target_is_refused(tmp_path: Path) -> None:
    before = state()
    path = tmp_path / "crosswalk.csv"
    shutil.copy(loaders.DATA / "crosswalk" / "gbf_target_related_terms.csv", path)
    edit(
        path,
        "GBF-TARGET-03,aichi_target,AICHI-TARGET-11",
        "GBF-TARGET-03,aichi_target,AICHI-TARGET-42",
    )
    with pytest.raises(SourceError) as error:
        loaders.load_crosswalk(actor=SYSTEM, path=path)
    assert error.value.element == "aichi/target/42"
    assert error.value.line == 15
    assert "crosswalk.csv, line 15 [aichi/target/42]" in str(error.value)
    assert state() == before


def test_crosswalk_with_unknown_kind_and_bad_id(tmp_path: Path) -> None:
    path = tmp_path / "crosswalk.csv"
    path.write_text(
        "gbf_target,kind,related_id\nGBF-TARGET-01,ramsar_target,R-1\n", encoding="utf-8"
    )
    with pytest.raises(SourceError, match=r"line 2.*unknown kind 'ramsar_target'"):
        loaders.load_crosswalk(actor=SYSTEM, path=path)
    path.write_text(
        "gbf_target,kind,related_id\nGBF-TARGET-X,aichi_target,AICHI-TARGET-1\n", encoding="utf-8"
    )
    with pytest.raises(SourceError, match=r"line 2 \[GBF-TARGET-X\]"):
        loaders.load_crosswalk(actor=SYSTEM, path=path)


def test_sdg_bad_yaml_and_bad_encoding(tmp_path: Path) -> None:
    copy = tmp_path / "sdg"
    shutil.copytree(loaders.DATA / "sdg", copy)
    before = state()
    goals = copy / "fr" / "global_goals.yml"
    goals.write_text(
        goals.read_text(encoding="utf-8") + "99-x-title: [unclosed\n", encoding="utf-8"
    )
    with pytest.raises(SourceError) as error:
        loaders.load_sdg(actor=SYSTEM, directory=copy)
    assert error.value.path.endswith("global_goals.yml") and error.value.line
    shutil.copy(loaders.DATA / "sdg" / "fr" / "global_goals.yml", goals)
    (copy / "zh-Hans" / "global_targets.yml").write_bytes("1-1-title: 消除\n".encode("gb18030"))
    with pytest.raises(SourceError, match="not UTF-8"):
        loaders.load_sdg(actor=SYSTEM, directory=copy)
    assert state() == before


def test_only_the_system_or_an_administrator_loads_reference_data(
    django_user_model,
    kmgbf: Path,  # type: ignore[no-untyped-def]
) -> None:
    user = django_user_model.objects.create_user("reporter", password="x" * 12)
    before = state()
    with pytest.raises(PermissionDenied):
        loaders.load_gbf(actor=user, directory=kmgbf)
    assert state()[:3] == (before[0], before[1], before[2])


def test_curated_relation_with_provenance_and_history(django_user_model) -> None:  # type: ignore[no-untyped-def]
    from meadow.frameworks import actions

    curator = django_user_model.objects.create_user("curator", password="x" * 12, is_staff=True)
    reader = django_user_model.objects.create_user("reader", password="x" * 12)
    subject = Element.objects.get(uid="gbf/target/3")
    obj = Element.objects.get(uid="sdg/target/15.1")
    with pytest.raises(PermissionDenied):
        actions.add_relation(
            actor=reader, subject=subject, object=obj, type="contributes-to", source="x"
        )
    with pytest.raises(ValueError, match="confidence"):
        actions.add_relation(
            actor=curator,
            subject=subject,
            object=obj,
            type="contributes-to",
            source="UNEP-WCMC mapping",
            confidence=1.5,
        )
    relation = actions.add_relation(
        actor=curator,
        subject=subject,
        object=obj,
        type="contributes-to",
        source="UNEP-WCMC mapping",
        confidence=0.8,
    )
    assert relation.origin == "curated"
    # A reload of the crosswalk leaves curated links alone.
    assert not loaders.load_crosswalk(actor=SYSTEM).changed
    actions.remove_relation(actor=curator, relation=relation, reason="superseded")
    entries = list(
        AuditEntry.objects.filter(object_uid="gbf/target/3 contributes-to sdg/target/15.1")
        .order_by("id")
        .values_list("action", "actor")
    )
    assert entries == [
        ("frameworks.relation.create", "curator"),
        ("frameworks.relation.delete", "curator"),
    ]


def test_load_reference_command_reports_and_refuses_unknown_sets() -> None:
    import io

    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("load_reference", "gbf", "crosswalk", stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    assert lines == [
        "gbf: elements 0 created, 0 updated, 0 removed, 231 unchanged; "
        "relations 0 created, 0 updated, 0 removed, 274 unchanged",
        "gbf-crosswalk: elements 0 created, 0 updated, 0 removed, 0 unchanged; "
        "relations 0 created, 0 updated, 0 removed, 78 unchanged; 61 source rows skipped",
    ]
    with pytest.raises(CommandError, match="unknown set 'ramsar'"):
        call_command("load_reference", "ramsar")
