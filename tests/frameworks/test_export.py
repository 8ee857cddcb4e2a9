"""SKOS and CSV exports of the real frameworks and crosswalk, read back and compared."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS

from meadow import cli
from meadow.core.actors import SystemActor
from meadow.core.i18n import CONTENT_LANGUAGES
from meadow.frameworks import actions, export
from meadow.frameworks.export.skos import (
    BASE,
    MEADOW,
    RELATION_PROPERTIES,
    RelationRow,
    concept_uri,
    read_relations,
    scheme_uri,
)
from meadow.frameworks.models import Element, Relation, RelationType

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

SYSTEM = SystemActor("tests")
RDF_SYNTAX = {"turtle": "turtle", "json-ld": "json-ld"}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out)
    return out.getvalue()


def skos(target: str, fmt: str = "turtle") -> Graph:
    return Graph().parse(data=run("skos", target, "--format", fmt), format=RDF_SYNTAX[fmt])


def rows(relations: Iterable[Relation]) -> list[RelationRow]:
    """Relations from the database in the shape ``read_relations`` gives."""
    found = [
        RelationRow(r.subject.uid, r.type, r.object.uid, r.source, r.origin, r.confidence, r.note)
        for r in relations
    ]
    return sorted(found, key=lambda row: (row.subject, row.type, row.object))


def crosswalk_in_database() -> list[RelationRow]:
    return rows(
        Relation.objects.select_related("subject", "object").exclude(
            subject__framework=F("object__framework")
        )
    )


def language(node: object) -> str | None:
    return node.language if isinstance(node, Literal) else None


def uri(uid: str) -> URIRef:
    return URIRef(BASE + uid)


def test_every_relation_type_has_a_skos_property_and_its_own_meadow_property() -> None:
    assert set(RELATION_PROPERTIES) == set(RelationType.values)
    names = [name for name, _ in RELATION_PROPERTIES.values()]
    assert len(set(names)) == len(names)
    mapping_properties = {SKOS.exactMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch}
    for type_, (_, prop) in RELATION_PROPERTIES.items():
        expected = {SKOS.related} if type_.endswith("-indicator-for") else mapping_properties
        assert prop in expected, type_


@pytest.mark.parametrize("fmt", ["turtle", "json-ld"])
def test_crosswalk_round_trips_every_relation_exactly(fmt: str) -> None:
    # A curated relation with a confidence and a note, and a loader relation given a
    # confidence whose shortest decimal has 17 digits: both must come back unchanged.
    actions.add_relation(
        actor=SYSTEM,
        subject=Element.objects.get(uid="sdg/target/14.5"),
        object=Element.objects.get(uid="aichi/target/11"),
        type="narrower",
        source="CBD/SBSTTA/REC/XX (test)",
        confidence=0.85,
        note="Marine share only; Aichi target 11 covers land as well.",
    )
    Relation.objects.filter(
        subject__uid="gbf/target/3", object__uid="aichi/target/11", type="partially-overlaps"
    ).update(confidence=0.1 + 0.2)

    graph = skos("crosswalk", fmt)
    recovered = read_relations(graph)
    expected = crosswalk_in_database()
    assert recovered == expected
    assert len(expected) == 79  # 78 from the CBD crosswalk and the curated one
    assert {r.confidence for r in recovered} == {None, 0.85, 0.30000000000000004}

    for row in recovered:
        name, skos_property = RELATION_PROPERTIES[row.type]
        assert (uri(row.subject), skos_property, uri(row.object)) in graph
        assert (uri(row.subject), MEADOW[name], uri(row.object)) in graph
    # Meadow's "narrower" (narrower than) is SKOS's broadMatch: aichi/target/11 is broader.
    assert (uri("sdg/target/14.5"), SKOS.broadMatch, uri("aichi/target/11")) in graph


def test_gbf_target_3_maps_to_aichi_target_11_in_the_crosswalk() -> None:
    graph = skos("crosswalk")
    gbf3, aichi11 = uri("gbf/target/3"), uri("aichi/target/11")
    assert (gbf3, SKOS.relatedMatch, aichi11) in graph
    assert (gbf3, MEADOW.partiallyOverlaps, aichi11) in graph
    assert (MEADOW.partiallyOverlaps, RDFS.subPropertyOf, SKOS.relatedMatch) in graph
    # Both ends are described enough to be read on their own: label and scheme.
    assert (aichi11, SKOS.inScheme, scheme_uri("aichi")) in graph
    assert graph.value(aichi11, SKOS.prefLabel) is not None
    assert (gbf3, SKOS.inScheme, scheme_uri("gbf")) in graph
    # Stubs carry no definitions; those are in each framework's own export.
    assert graph.value(aichi11, SKOS.definition) is None
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    ends = {uri(r.subject) for r in crosswalk_in_database()}
    ends |= {uri(r.object) for r in crosswalk_in_database()}
    assert concepts == ends


def test_meadow_properties_are_declared_under_their_skos_properties() -> None:
    graph = skos("aichi")
    for name, skos_property in RELATION_PROPERTIES.values():
        assert (MEADOW[name], RDFS.subPropertyOf, skos_property) in graph
    assert (MEADOW.Mapping, RDF.type, None) in graph


@pytest.mark.parametrize(
    ("framework", "levels"),
    [
        ("gbf", {"goal": 4, "target": 23, "indicator": 204}),
        ("aichi", {"goal": 5, "target": 20}),
        ("sdg", {"goal": 17, "target": 169, "indicator": 252}),
    ],
)
def test_each_framework_exports_every_element_as_a_concept(
    framework: str, levels: dict[str, int]
) -> None:
    graph = skos(framework)
    scheme = scheme_uri(framework)
    concepts = set(graph.subjects(SKOS.inScheme, scheme))
    assert len(concepts) == sum(levels.values())
    assert concepts == set(graph.subjects(RDF.type, SKOS.Concept))
    counted: dict[str, int] = {}
    for concept in concepts:
        level = str(graph.value(concept, MEADOW.level))
        counted[level] = counted.get(level, 0) + 1
    assert counted == levels
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    tops = set(graph.objects(scheme, SKOS.hasTopConcept))
    assert tops == set(graph.subjects(SKOS.topConceptOf, scheme))
    assert tops == {c for c in concepts if graph.value(c, SKOS.broader) is None}


def test_sdg_tree_is_broader_and_narrower() -> None:
    graph = skos("sdg")
    target, goal = uri("sdg/target/15.1"), uri("sdg/goal/15")
    assert list(graph.objects(target, SKOS.broader)) == [goal]
    assert (goal, SKOS.narrower, target) in graph
    assert (goal, SKOS.topConceptOf, scheme_uri("sdg")) in graph
    assert (target, SKOS.topConceptOf, None) not in graph
    assert (uri("sdg/indicator/15.1.1"), SKOS.broader, target) in graph
    assert graph.value(target, SKOS.notation) == Literal("15.1")


def test_sdg_export_has_chinese_labels_for_every_element() -> None:
    text = run("skos", "sdg", "--format", "json-ld")
    assert '"@language": "zh"' in text
    graph = Graph().parse(data=text, format="json-ld")
    chinese = {(s, o) for s, o in graph.subject_objects(SKOS.prefLabel) if language(o) == "zh"}
    assert len(chinese) == 438 + 1  # every element and the scheme itself
    title = Element.objects.get(uid="sdg/target/15.1").title["zh"]
    assert (uri("sdg/target/15.1"), Literal(title, lang="zh")) in chinese
    languages = {language(o) for o in graph.objects(uri("sdg/goal/15"), SKOS.prefLabel)}
    assert languages == set(CONTENT_LANGUAGES)


def test_gbf_concepts_carry_labels_definitions_kinds_and_source_uris() -> None:
    graph = skos("gbf")
    target = Element.objects.get(uid="gbf/target/3")
    node = uri("gbf/target/3")
    assert (node, SKOS.prefLabel, Literal(target.title["en"], lang="en")) in graph
    assert (node, SKOS.altLabel, Literal(target.short_title["en"], lang="en")) in graph
    assert (node, SKOS.definition, Literal(target.text["fr"], lang="fr")) in graph
    assert (node, SKOS.exactMatch, URIRef("http://metadata.cbd.int/kmgbf/target_3")) in graph
    # The Spanish short title equals the title; SKOS forbids it as both kinds of label.
    assert target.short_title["es"] == target.title["es"]
    assert (node, SKOS.altLabel, Literal(target.short_title["es"], lang="es")) not in graph

    a1 = uri("gbf/indicator/A.1")
    assert graph.value(a1, MEADOW.indicatorKind) == Literal("headline")
    assert set(graph.objects(a1, MEADOW.headlineIndicatorFor)) == {
        uri("gbf/goal/A"),
        uri("gbf/target/1"),
    }
    assert (a1, SKOS.related, uri("gbf/target/1")) in graph


def test_skos_label_rules_hold_in_every_framework() -> None:
    for framework in ("gbf", "aichi", "sdg"):
        graph = skos(framework)
        for concept in graph.subjects(RDF.type, SKOS.Concept):
            preferred = list(graph.objects(concept, SKOS.prefLabel))
            languages = [language(label) for label in preferred]
            assert len(languages) == len(set(languages)), concept
            assert not set(preferred) & set(graph.objects(concept, SKOS.altLabel)), concept


def test_framework_export_holds_every_relation_touching_it() -> None:
    graph = skos("gbf", "json-ld")
    touching = Relation.objects.select_related("subject", "object").filter(
        subject__framework__slug="gbf"
    ) | Relation.objects.select_related("subject", "object").filter(object__framework__slug="gbf")
    expected = rows(touching)
    assert read_relations(graph) == expected
    assert {r.type for r in expected} >= {"headline-indicator-for", "contributes-to"}


def test_turtle_and_json_ld_hold_the_same_graph() -> None:
    assert isomorphic(skos("gbf", "turtle"), skos("gbf", "json-ld"))


@pytest.mark.parametrize(
    "args",
    [
        ("skos", "crosswalk", "--format", "turtle"),
        ("skos", "sdg", "--format", "json-ld"),
        ("csv", "gbf"),
        ("csv", "crosswalk"),
    ],
)
def test_two_runs_give_identical_bytes(args: tuple[str, ...]) -> None:
    first = run(*args)
    assert first
    assert run(*args) == first


def test_framework_csv_has_one_row_per_element() -> None:
    table = list(csv.DictReader(io.StringIO(run("csv", "sdg"))))
    assert len(table) == 438
    by_uid = {row["uid"]: row for row in table}
    row = by_uid["sdg/target/15.1"]
    element = Element.objects.get(uid="sdg/target/15.1")
    assert row["framework"] == "sdg"
    assert row["level"] == "target"
    assert row["code"] == "15.1"
    assert row["parent"] == "sdg/goal/15"
    assert row["order"] == str(element.order)
    for lang in CONTENT_LANGUAGES:
        assert row[f"title.{lang}"] == element.title[lang]
    assert by_uid["sdg/goal/15"]["parent"] == ""
    assert by_uid["sdg/goal/15"]["short_title.zh"]

    gbf = {row["uid"]: row for row in csv.DictReader(io.StringIO(run("csv", "gbf")))}
    assert len(gbf) == 231
    assert gbf["gbf/indicator/A.1"]["kind"] == "headline"
    assert gbf["gbf/target/3"]["text.en"].startswith("Ensure and enable that by 2030")
    assert gbf["gbf/target/3"]["source_uri"] == "http://metadata.cbd.int/kmgbf/target_3"


def test_crosswalk_csv_has_one_row_per_relation() -> None:
    Relation.objects.filter(subject__uid="gbf/target/3", object__uid="aichi/target/11").update(
        confidence=2 / 3
    )
    table = list(csv.DictReader(io.StringIO(run("csv", "crosswalk"))))
    recovered = [
        RelationRow(
            row["subject_uid"],
            row["type"],
            row["object_uid"],
            row["source"],
            row["origin"],
            float(row["confidence"]) if row["confidence"] else None,
            row["note"],
        )
        for row in table
    ]
    assert recovered == crosswalk_in_database()
    assert 2 / 3 in {row.confidence for row in recovered}


def test_unknown_framework_or_format_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="unknown framework 'cites': choose one of aichi, "):
        run("skos", "cites")
    with pytest.raises(CommandError, match="unknown framework 'nope'"):
        run("csv", "nope")
    with pytest.raises(CommandError, match="invalid choice: 'rdf-xml'"):
        run("skos", "gbf", "--format", "rdf-xml")


def test_registry_names_each_format_with_its_media_type() -> None:
    assert export.formats("skos") == ["json-ld", "turtle"]
    assert export.formats() == ["csv", "json-ld", "turtle"]
    assert {(w.media_type, w.extension) for w in export.WRITERS.values()} == {
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("text/csv", "csv"),
    }
    with pytest.raises(export.UnknownFormat, match="choose one of csv"):
        export.writer("turtle", "csv")


def test_read_relations_refuses_concepts_from_elsewhere() -> None:
    graph = Graph()
    mapping = URIRef(BASE + "relation/x")
    graph.add((mapping, RDF.type, MEADOW.Mapping))
    graph.add((mapping, MEADOW.subject, URIRef("http://example.org/a")))
    graph.add((mapping, MEADOW.object, concept_uri("gbf/target/3")))
    graph.add((mapping, MEADOW.relationType, Literal("related")))
    graph.add((mapping, MEADOW.origin, Literal("curated")))
    with pytest.raises(ValueError, match="is not a Meadow concept"):
        read_relations(graph)


def test_meadow_command_line_writes_to_standard_output(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The command line closes database connections when it ends, which would end the
    # test's transaction under PostgreSQL.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    cli.main(["export", "skos", "aichi", "--format", "turtle"])
    graph = Graph().parse(data=capsys.readouterr().out, format="turtle")
    assert len(set(graph.subjects(RDF.type, SKOS.Concept))) == 25

    with pytest.raises(SystemExit) as exit_:
        cli.main(["export", "skos", "cites"])
    assert exit_.value.code == 1
    assert "unknown framework 'cites'" in capsys.readouterr().err
