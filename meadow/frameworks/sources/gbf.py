"""The Kunming-Montreal GBF from the CBD Secretariat's KMGBF ontology (Turtle).

Goals and targets come with their official decision 15/4 text; the 204 indicators of
decision 16/31 come with their role for each goal or target (``isHeadlineFor``,
``isBinaryFor``, ``isComponentFor``, ``isComplementaryFor``). An indicator's own kind
is its strongest role, in the order of the decision's annexes: headline, binary,
component, complementary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS
from rdflib.term import Node

from meadow.frameworks.sources import (
    ElementSpec,
    FrameworkSpec,
    RelationSpec,
    SourceError,
    line_of,
    read_text,
)

KMGBF = Namespace("http://metadata.cbd.int/kmgbf/")
ONT = Namespace("http://metadata.cbd.int/kmgbf/ontology#")

FILES = (
    "kmgbf-ontology.ttl",
    "goals.ttl",
    "targets.ttl",
    "indicators.ttl",
    "indicators-guidance.ttl",
)
ROLES = (
    ("isHeadlineFor", "headline", "headline-indicator-for"),
    ("isBinaryFor", "binary", "binary-indicator-for"),
    ("isComponentFor", "component", "component-indicator-for"),
    ("isComplementaryFor", "complementary", "complementary-indicator-for"),
)
LANGS = {"en", "fr", "es", "ar", "ru", "zh"}
DECISION_16_31 = "CBD decision 16/31, annexes I-III (KMGBF ontology)"


def _parse(path: Path, graph: Graph) -> None:
    data = read_text(path)
    try:
        graph.parse(data=data, format="turtle", publicID=str(KMGBF))
    except Exception as exc:  # rdflib raises several types for bad Turtle
        # rdflib's own line count is off for multi-line literals; its character offset
        # (_i) into the text it was given is exact.
        offset = getattr(exc, "_i", None)
        line = data[:offset].count("\n") + 1 if isinstance(offset, int) else None
        reason = getattr(exc, "_why", None) or str(exc).strip().splitlines()[0]
        raise SourceError(path, f"not valid Turtle: {reason}", line=line) from None


def _langs(
    graph: Graph, subject: URIRef, predicate: URIRef, *, exclude: dict[str, str] | None = None
) -> dict[str, str]:
    """Literal values by language.

    Where a language has several values (the ontology repeats the title as an
    ``altLabel``), values equal to ``exclude`` are dropped and the shortest is kept, so
    the choice does not depend on the order the parser returns triples in.
    """
    found: dict[str, list[str]] = {}
    for value in graph.objects(subject, predicate):
        if isinstance(value, Literal) and value.language:
            lang = value.language.split("-")[0].lower()
            if lang in LANGS:
                found.setdefault(lang, []).append(" ".join(str(value).split()))
    out: dict[str, str] = {}
    for lang, values in found.items():
        kept = [v for v in values if not exclude or v != exclude.get(lang)] or values
        out[lang] = min(kept, key=lambda v: (len(v), v))
    return dict(sorted(out.items()))


def _uris(nodes: Iterable[Node]) -> list[URIRef]:
    return [node for node in nodes if isinstance(node, URIRef)]


def _indicator_sort_key(code: str) -> tuple:
    parts = re.split(r"[.]", code)
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def read(directory: Path) -> FrameworkSpec:
    graph = Graph()
    owner: dict[URIRef, Path] = {}
    for name in FILES:
        path = directory / name
        before = set(graph.subjects())
        _parse(path, graph)
        for subject in set(graph.subjects()) - before:
            if isinstance(subject, URIRef):
                owner.setdefault(subject, path)

    def where(subject: URIRef) -> tuple[Path, int | None]:
        path = owner.get(subject, directory / FILES[0])
        local = str(subject).removeprefix(str(KMGBF))
        return path, line_of(path, f"kmgbf:{local} ") or line_of(path, local)

    elements: list[ElementSpec] = []
    relations: list[RelationSpec] = []
    uids: dict[URIRef, str] = {}

    goals = sorted(_uris(graph.subjects(RDF.type, ONT.Goal)), key=str)
    for order, goal in enumerate(goals, start=1):
        code = str(graph.value(goal, ONT.goalCode) or "")
        if not re.fullmatch(r"[A-D]", code):
            path, line = where(goal)
            raise SourceError(path, f"goal code {code!r} is not A-D", line=line, element=str(goal))
        uids[goal] = f"gbf/goal/{code}"
        elements.append(
            ElementSpec(
                uid=uids[goal],
                level="goal",
                code=code,
                order=order,
                title=(title := _langs(graph, goal, DCTERMS.title)),
                short_title=_langs(graph, goal, SKOS.altLabel, exclude=title),
                text=_langs(graph, goal, SKOS.definition),
                source_uri=str(goal),
            )
        )

    targets = _uris(graph.subjects(RDF.type, ONT.Target))
    seen_codes: set[int] = set()
    target_specs = []
    for target in targets:
        raw = graph.value(target, ONT.targetCode)
        try:
            code_int = int(str(raw))
        except (TypeError, ValueError):
            path, line = where(target)
            raise SourceError(
                path, f"target code {raw!r} is not a number", line=line, element=str(target)
            ) from None
        if code_int in seen_codes:
            path, line = where(target)
            raise SourceError(
                path, f"target {code_int} is defined twice", line=line, element=str(target)
            )
        seen_codes.add(code_int)
        uids[target] = f"gbf/target/{code_int}"
        title = _langs(graph, target, DCTERMS.title)
        target_specs.append(
            ElementSpec(
                uid=uids[target],
                level="target",
                code=str(code_int),
                order=100 + code_int,
                title=title,
                short_title=_langs(graph, target, SKOS.altLabel, exclude=title),
                text=_langs(graph, target, SKOS.definition),
                source_uri=str(target),
            )
        )
    elements.extend(sorted(target_specs, key=lambda e: e.order))

    indicators = _uris(graph.subjects(RDF.type, ONT.Indicator))
    indicator_specs = []
    for indicator in indicators:
        code = str(graph.value(indicator, ONT.indicatorCode) or "").strip()
        path, line = where(indicator)
        if not code:
            raise SourceError(
                path, "indicator without indicatorCode", line=line, element=str(indicator)
            )
        uid = f"gbf/indicator/{code}"
        uids[indicator] = uid
        kind = ""
        for predicate, role, relation_type in ROLES:
            linked = sorted(graph.objects(indicator, ONT[predicate]), key=str)
            if linked and not kind:
                kind = role
            for obj in linked:
                if (obj, RDF.type, ONT.Goal) not in graph and (
                    obj,
                    RDF.type,
                    ONT.Target,
                ) not in graph:
                    local = str(obj).removeprefix(str(KMGBF))
                    raise SourceError(
                        path,
                        f"{predicate} names {obj}, which is neither a GBF goal nor a target",
                        line=line_of(path, local, after=line or 0) or line,
                        element=uid,
                    )
                relations.append(
                    RelationSpec(
                        subject_uid=uid,
                        object_uid=str(obj),  # resolved to a uid below
                        type=relation_type,
                        source=DECISION_16_31,
                        line=line,
                    )
                )
        if not kind:
            raise SourceError(
                path, "indicator is linked to no goal or target", line=line, element=uid
            )
        custodians = sorted(str(v) for v in graph.objects(indicator, ONT.custodianAgency))
        extra: dict[str, object] = {}
        if custodians:
            extra["custodians"] = custodians
        indicator_specs.append(
            ElementSpec(
                uid=uid,
                level="indicator",
                kind=kind,
                code=code,
                order=0,
                title=_langs(graph, indicator, SKOS.prefLabel),
                text=_langs(graph, indicator, SKOS.definition),
                source_uri=str(indicator),
                extra=extra,
            )
        )
    indicator_specs.sort(key=lambda e: _indicator_sort_key(e.code))
    for position, spec in enumerate(indicator_specs, start=1):
        spec.order = 1000 + position
    elements.extend(indicator_specs)

    resolved = [
        RelationSpec(
            subject_uid=r.subject_uid,
            object_uid=uids[URIRef(r.object_uid)],
            type=r.type,
            source=r.source,
            line=r.line,
        )
        for r in relations
    ]

    ontology = URIRef("http://metadata.cbd.int/kmgbf/ontology")
    version = str(graph.value(ontology, OWL.versionInfo) or "")
    modified = graph.value(ontology, DCTERMS.modified)
    if modified is not None:
        version = f"{version} ({modified})"
    return FrameworkSpec(
        slug="gbf",
        name={
            "en": "Kunming-Montreal Global Biodiversity Framework",
            "fr": "Cadre mondial de la biodiversité de Kunming-Montréal",
            "es": "Marco Mundial de Biodiversidad de Kunming-Montreal",
            "zh": "昆明-蒙特利尔全球生物多样性框架",
            "ru": "Куньминско-Монреальская глобальная рамочная программа в области биоразнообразия",
            "ar": "إطار كونمينغ - مونتريال العالمي للتنوع البيولوجي",
        },
        version=version,
        source="CBD decision 15/4 (framework) and decision 16/31 (monitoring framework)",
        source_url="https://www.cbd.int/gbf",
        licence="CC BY 4.0 IGO",
        order=1,
        elements=elements,
        relations=resolved,
        files=[directory / name for name in FILES],
    )
