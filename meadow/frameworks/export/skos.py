"""Frameworks and the crosswalk as SKOS concept schemes, and relations read back from them.

Every element is a ``skos:Concept`` at ``BASE`` + its identifier (e.g.
``https://w3id.org/meadow/gbf/target/3``) and every framework a ``skos:ConceptScheme``
at ``BASE`` + its slug. ``BASE`` is a constant, not a setting: w3id.org is the
community service for permanent identifiers, so every installation names a concept
the same way, wherever it is served. Until the ``meadow`` prefix is registered there
the URIs are stable names that do not resolve.

A relation is written three ways, so that plain SKOS tools, RDFS-aware tools and
Meadow itself each find what they need:

- the matching SKOS property between the two concepts (``RELATION_PROPERTIES``),
- a property of the Meadow vocabulary declared as a sub-property of it, which keeps
  the exact relation type (``meadow:contributesTo`` under ``skos:relatedMatch``),
- a ``meadow:Mapping`` resource with the subject, object, relation type, origin,
  source, confidence and note, from which ``read_relations`` recovers the relation.
"""

from __future__ import annotations

import json
from decimal import Decimal
from io import BytesIO
from typing import Any, NamedTuple, TextIO
from urllib.parse import quote, unquote

from django.utils import translation
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS
from rdflib.plugins.serializers.jsonld import from_rdf
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.term import Node

from meadow.frameworks.export.base import Writer
from meadow.frameworks.export.data import ConceptData, ExportData, RelationData, SchemeData
from meadow.frameworks.models import RelationType

BASE = "https://w3id.org/meadow/"
MEADOW = Namespace(BASE + "ns#")
VOCABULARY = URIRef(BASE + "ns")

# Relation type -> (property of the Meadow vocabulary, the SKOS property it refines).
RELATION_PROPERTIES: dict[str, tuple[str, URIRef]] = {
    RelationType.SAME_AS: ("sameAs", SKOS.exactMatch),
    # Meadow reads "A broader B" as "A is broader than B"; SKOS reads "A broadMatch B"
    # as "B is the broader one". Keeping the meaning means swapping the names.
    RelationType.BROADER: ("broaderThan", SKOS.narrowMatch),
    RelationType.NARROWER: ("narrowerThan", SKOS.broadMatch),
    # closeMatch would say the two concepts can stand in for each other; overlapping
    # targets cannot (GBF target 3 asks for 30 % where Aichi target 11 asked for 17 %),
    # and SKOS has no partial-overlap property, so the associative mapping is the
    # honest one. The sub-property keeps the overlap for those who look for it.
    RelationType.PARTIALLY_OVERLAPS: ("partiallyOverlaps", SKOS.relatedMatch),
    # Contributing is directed; SKOS has only the symmetric associative mapping.
    RelationType.CONTRIBUTES_TO: ("contributesTo", SKOS.relatedMatch),
    RelationType.RELATED: ("relatedTo", SKOS.relatedMatch),
    # An indicator and its goal or target are in one scheme, where SKOS links
    # associated concepts with skos:related rather than with a mapping property.
    RelationType.HEADLINE_FOR: ("headlineIndicatorFor", SKOS.related),
    RelationType.BINARY_FOR: ("binaryIndicatorFor", SKOS.related),
    RelationType.COMPONENT_FOR: ("componentIndicatorFor", SKOS.related),
    RelationType.COMPLEMENTARY_FOR: ("complementaryIndicatorFor", SKOS.related),
}

PREFIXES = {
    "dct": DCTERMS,
    "meadow": MEADOW,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "xsd": XSD,
}
JSONLD_CONTEXT = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}

# The rest of the Meadow vocabulary: (name, OWL kind, domain, range, English comment).
_PROPERTIES: list[tuple[str, URIRef, URIRef, URIRef, str]] = [
    ("subject", OWL.ObjectProperty, MEADOW.Mapping, SKOS.Concept, "The concept mapped from."),
    ("object", OWL.ObjectProperty, MEADOW.Mapping, SKOS.Concept, "The concept mapped to."),
    (
        "relationType",
        OWL.DatatypeProperty,
        MEADOW.Mapping,
        XSD.string,
        "Meadow's relation type, e.g. contributes-to or headline-indicator-for.",
    ),
    (
        "origin",
        OWL.DatatypeProperty,
        MEADOW.Mapping,
        XSD.string,
        "The loader or curator that owns the mapping, e.g. gbf-crosswalk.",
    ),
    (
        "confidence",
        OWL.DatatypeProperty,
        MEADOW.Mapping,
        XSD.decimal,
        "Stated confidence in the mapping, from 0 to 1.",
    ),
    ("note", OWL.DatatypeProperty, MEADOW.Mapping, XSD.string, "A curator's note on the mapping."),
    (
        "level",
        OWL.DatatypeProperty,
        SKOS.Concept,
        XSD.string,
        "Structural level of the element: goal, target, indicator or sub-indicator.",
    ),
    (
        "indicatorKind",
        OWL.DatatypeProperty,
        SKOS.Concept,
        XSD.string,
        "Role of a GBF indicator: headline, binary, component or complementary.",
    ),
    (
        "order",
        OWL.DatatypeProperty,
        SKOS.Concept,
        XSD.integer,
        "Position of the element in its framework's reading order.",
    ),
]


class RelationRow(NamedTuple):
    """A relation as read back from an exported graph."""

    subject: str
    type: str
    object: str
    source: str
    origin: str
    confidence: float | None
    note: str


def concept_uri(uid: str) -> URIRef:
    return URIRef(BASE + quote(uid))


def scheme_uri(slug: str) -> URIRef:
    return URIRef(BASE + quote(slug))


def mapping_uri(relation: RelationData) -> URIRef:
    return URIRef(
        f"{BASE}relation/{quote(relation.subject)}/{quote(relation.type)}/{quote(relation.object)}"
    )


def uid_of(uri: Node) -> str:
    """The element identifier of a concept URI minted by ``concept_uri``."""
    text = str(uri)
    if not isinstance(uri, URIRef) or not text.startswith(BASE):
        raise ValueError(f"{text} is not a Meadow concept (expected a URI under {BASE})")
    return unquote(text[len(BASE) :])


def build_graph(data: ExportData) -> Graph:
    """The SKOS graph of one export, with the Meadow vocabulary it uses declared in it."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    _vocabulary(graph)
    for scheme in data.schemes:
        _scheme(graph, scheme, full=not data.is_crosswalk)
    for concept in data.concepts:
        _concept(graph, concept)
    for relation in data.relations:
        _relation(graph, relation)
    return graph


def read_relations(graph: Graph) -> list[RelationRow]:
    """Every ``meadow:Mapping`` in ``graph`` as a relation, sorted by subject, type and object."""
    rows = []
    for mapping in set(graph.subjects(RDF.type, MEADOW.Mapping)):
        confidence = _optional(graph, mapping, MEADOW.confidence)
        rows.append(
            RelationRow(
                subject=uid_of(_one(graph, mapping, MEADOW.subject)),
                type=str(_one(graph, mapping, MEADOW.relationType)),
                object=uid_of(_one(graph, mapping, MEADOW.object)),
                source=str(_optional(graph, mapping, DCTERMS.source) or ""),
                origin=str(_one(graph, mapping, MEADOW.origin)),
                confidence=None if confidence is None else float(_literal(confidence)),
                note=str(_optional(graph, mapping, MEADOW.note) or ""),
            )
        )
    return sorted(rows, key=lambda row: (row.subject, row.type, row.object))


class TurtleWriter(Writer):
    name = "turtle"
    family = "skos"
    media_type = "text/turtle"
    extension = "ttl"

    def write(self, data: ExportData, out: TextIO) -> None:
        buffer = BytesIO()
        _OrderedTurtle(build_graph(data)).serialize(buffer, encoding="utf-8")
        out.write(buffer.getvalue().decode("utf-8"))


class JsonLdWriter(Writer):
    name = "json-ld"
    family = "skos"
    media_type = "application/ld+json"
    extension = "jsonld"

    def write(self, data: ExportData, out: TextIO) -> None:
        document = from_rdf(build_graph(data), context_data=JSONLD_CONTEXT)
        out.write(json.dumps(_sorted(document), ensure_ascii=False, indent=2, sort_keys=True))
        out.write("\n")


class _OrderedTurtle(TurtleSerializer):
    """Turtle with the vocabulary first, then schemes, concepts and mappings, each by URI."""

    topClasses = [
        OWL.Ontology,
        RDFS.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        SKOS.ConceptScheme,
        SKOS.Concept,
        MEADOW.Mapping,
    ]


def _sorted(value: Any) -> Any:
    """JSON with every array in a fixed order, so that equal graphs give equal bytes."""
    if isinstance(value, dict):
        return {key: _sorted(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [_sorted(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, ensure_ascii=False, sort_keys=True))
    return value


def _vocabulary(graph: Graph) -> None:
    about = "Typed relations between framework elements, refining the SKOS mapping properties."
    graph.add((VOCABULARY, RDF.type, OWL.Ontology))
    graph.add((VOCABULARY, RDFS.label, Literal("Meadow vocabulary", lang="en")))
    graph.add((VOCABULARY, RDFS.comment, Literal(about, lang="en")))
    mapping = "A typed relation between two concepts, with its origin, source and confidence."
    graph.add((MEADOW.Mapping, RDF.type, RDFS.Class))
    graph.add((MEADOW.Mapping, RDFS.label, Literal("Mapping", lang="en")))
    graph.add((MEADOW.Mapping, RDFS.comment, Literal(mapping, lang="en")))
    graph.add((MEADOW.Mapping, RDFS.isDefinedBy, VOCABULARY))
    for name, kind, domain, range_, comment in _PROPERTIES:
        prop = MEADOW[name]
        graph.add((prop, RDF.type, kind))
        graph.add((prop, RDFS.domain, domain))
        graph.add((prop, RDFS.range, range_))
        graph.add((prop, RDFS.comment, Literal(comment, lang="en")))
        graph.add((prop, RDFS.isDefinedBy, VOCABULARY))
    with translation.override("en"):
        for type_, (name, skos_property) in RELATION_PROPERTIES.items():
            prop = MEADOW[name]
            graph.add((prop, RDF.type, OWL.ObjectProperty))
            graph.add((prop, RDFS.subPropertyOf, skos_property))
            graph.add((prop, RDFS.label, Literal(str(RelationType(type_).label), lang="en")))
            graph.add((prop, MEADOW.relationType, Literal(str(type_))))
            graph.add((prop, RDFS.isDefinedBy, VOCABULARY))


def _scheme(graph: Graph, scheme: SchemeData, *, full: bool) -> None:
    node = scheme_uri(scheme.slug)
    graph.add((node, RDF.type, SKOS.ConceptScheme))
    graph.add((node, SKOS.notation, Literal(scheme.slug)))
    _texts(graph, node, SKOS.prefLabel, scheme.name)
    if not full:
        return
    _texts(graph, node, DCTERMS.description, scheme.description)
    if scheme.version:
        graph.add((node, OWL.versionInfo, Literal(scheme.version)))
    if scheme.source:
        graph.add((node, DCTERMS.bibliographicCitation, Literal(scheme.source)))
    if scheme.source_url:
        graph.add((node, DCTERMS.source, URIRef(scheme.source_url)))
    if scheme.licence:
        graph.add((node, DCTERMS.license, Literal(scheme.licence)))


def _concept(graph: Graph, concept: ConceptData) -> None:
    node = concept_uri(concept.uid)
    scheme = scheme_uri(concept.framework)
    graph.add((node, RDF.type, SKOS.Concept))
    graph.add((node, SKOS.inScheme, scheme))
    graph.add((node, SKOS.notation, Literal(concept.code)))
    _texts(graph, node, SKOS.prefLabel, concept.title)
    if concept.stub:
        return
    # SKOS forbids one label being both preferred and alternative in a language.
    alternative = {
        lang: text for lang, text in concept.short_title.items() if concept.title.get(lang) != text
    }
    _texts(graph, node, SKOS.altLabel, alternative)
    _texts(graph, node, SKOS.definition, concept.text)
    graph.add((node, MEADOW.level, Literal(concept.level)))
    graph.add((node, MEADOW.order, Literal(concept.order)))
    if concept.kind:
        graph.add((node, MEADOW.indicatorKind, Literal(concept.kind)))
    if concept.parent:
        parent = concept_uri(concept.parent)
        graph.add((node, SKOS.broader, parent))
        graph.add((parent, SKOS.narrower, node))
    else:
        graph.add((node, SKOS.topConceptOf, scheme))
        graph.add((scheme, SKOS.hasTopConcept, node))
    if concept.source_uri:
        graph.add((node, SKOS.exactMatch, URIRef(concept.source_uri)))


def _relation(graph: Graph, relation: RelationData) -> None:
    if relation.type not in RELATION_PROPERTIES:
        raise ValueError(f"relation type {relation.type!r} has no SKOS property")
    name, skos_property = RELATION_PROPERTIES[relation.type]
    subject, object_ = concept_uri(relation.subject), concept_uri(relation.object)
    graph.add((subject, skos_property, object_))
    graph.add((subject, MEADOW[name], object_))
    node = mapping_uri(relation)
    graph.add((node, RDF.type, MEADOW.Mapping))
    graph.add((node, MEADOW.subject, subject))
    graph.add((node, MEADOW.object, object_))
    graph.add((node, MEADOW.relationType, Literal(relation.type)))
    graph.add((node, MEADOW.origin, Literal(relation.origin)))
    if relation.source:
        graph.add((node, DCTERMS.source, Literal(relation.source)))
    if relation.confidence is not None:
        # The shortest decimal that reads back as the same float, without an exponent,
        # which xsd:decimal does not allow.
        lexical = format(Decimal(repr(relation.confidence)), "f")
        graph.add((node, MEADOW.confidence, Literal(lexical, datatype=XSD.decimal)))
    if relation.note:
        graph.add((node, MEADOW.note, Literal(relation.note)))


def _texts(graph: Graph, node: URIRef, prop: URIRef, values: dict[str, str]) -> None:
    for lang, text in sorted(values.items()):
        if text:
            graph.add((node, prop, Literal(text, lang=lang)))


def _one(graph: Graph, node: Node, prop: URIRef) -> Node:
    values = list(graph.objects(node, prop))
    if len(values) != 1:
        raise ValueError(f"{node} has {len(values)} values of {prop}, expected one")
    return values[0]


def _optional(graph: Graph, node: Node, prop: URIRef) -> Node | None:
    values = list(graph.objects(node, prop))
    if len(values) > 1:
        raise ValueError(f"{node} has {len(values)} values of {prop}, expected at most one")
    return values[0] if values else None


def _literal(node: Node) -> Any:
    if not isinstance(node, Literal):
        raise ValueError(f"{node} is not a literal")
    return node.toPython()
