"""What an export holds, read from the database into plain values before any writer runs."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F

from meadow.frameworks import queries
from meadow.frameworks.models import Element, Framework, Relation

CROSSWALK = "crosswalk"


class UnknownTarget(ValueError):
    """The name is neither a framework in the database nor ``crosswalk``."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        super().__init__(f"unknown framework {name!r}: choose one of {', '.join(known)}")


@dataclass(frozen=True)
class SchemeData:
    slug: str
    name: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    version: str = ""
    source: str = ""
    source_url: str = ""
    licence: str = ""


@dataclass(frozen=True)
class ConceptData:
    uid: str
    framework: str
    level: str
    code: str
    order: int
    title: dict[str, str]
    short_title: dict[str, str] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    kind: str = ""
    parent: str | None = None
    source_uri: str = ""
    # A stub stands for an element of another export: label and scheme only.
    stub: bool = False


@dataclass(frozen=True)
class RelationData:
    subject: str
    type: str
    object: str
    origin: str
    source: str = ""
    confidence: float | None = None
    note: str = ""


@dataclass(frozen=True)
class ExportData:
    """One export: its concept schemes, concepts and relations, each sorted."""

    target: str
    schemes: list[SchemeData]
    concepts: list[ConceptData]
    relations: list[RelationData]

    @property
    def is_crosswalk(self) -> bool:
        return self.target == CROSSWALK


def targets() -> list[str]:
    """Every name ``collect`` accepts: each framework's slug and ``crosswalk``."""
    return sorted([*queries.frameworks().values_list("slug", flat=True), CROSSWALK])


def collect(target: str) -> ExportData:
    """Read a framework (its elements and every relation touching it) or the crosswalk."""
    if target == CROSSWALK:
        return _crosswalk()
    framework = queries.frameworks().filter(slug=target).first()
    if framework is None:
        raise UnknownTarget(target, targets())
    concepts = [_concept(e) for e in queries.elements(framework=target)]
    relations = [_relation(r) for r in queries.relations(framework=target)]
    return ExportData(
        target=target,
        schemes=[_scheme(framework)],
        concepts=concepts,
        relations=sorted(relations, key=_relation_key),
    )


def _crosswalk() -> ExportData:
    relations = list(
        Relation.objects.select_related("subject__framework", "object__framework").exclude(
            subject__framework=F("object__framework")
        )
    )
    ends = {r.subject for r in relations} | {r.object for r in relations}
    frameworks = {e.framework for e in ends}
    return ExportData(
        target=CROSSWALK,
        schemes=[_scheme(f) for f in sorted(frameworks, key=lambda f: (f.order, f.slug))],
        concepts=[
            _concept(e, stub=True)
            for e in sorted(ends, key=lambda e: (e.framework.order, e.framework.slug, e.order))
        ],
        relations=sorted((_relation(r) for r in relations), key=_relation_key),
    )


def _scheme(framework: Framework) -> SchemeData:
    return SchemeData(
        slug=framework.slug,
        name=dict(framework.name),
        description=dict(framework.description),
        version=framework.version,
        source=framework.source,
        source_url=framework.source_url,
        licence=framework.licence,
    )


def _concept(element: Element, *, stub: bool = False) -> ConceptData:
    # A stub carries no tree, and skipping it spares a query per stub.
    parent = None if stub or element.parent_id is None else element.parent
    return ConceptData(
        uid=element.uid,
        framework=element.framework.slug,
        level=element.level,
        code=element.code,
        order=element.order,
        title=dict(element.title),
        short_title=dict(element.short_title),
        text=dict(element.text),
        kind=element.kind,
        parent=parent.uid if parent else None,
        source_uri=element.source_uri,
        stub=stub,
    )


def _relation(relation: Relation) -> RelationData:
    return RelationData(
        subject=relation.subject.uid,
        type=relation.type,
        object=relation.object.uid,
        origin=relation.origin,
        source=relation.source,
        confidence=relation.confidence,
        note=relation.note,
    )


def _relation_key(relation: RelationData) -> tuple[str, str, str]:
    return (relation.subject, relation.type, relation.object)
