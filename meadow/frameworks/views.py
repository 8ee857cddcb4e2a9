"""Web pages for frameworks: the browser, element pages and crosswalk matrices."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from meadow.core import i18n
from meadow.frameworks import queries
from meadow.frameworks.models import (
    INDICATOR_RELATIONS,
    INVERSE_LABELS,
    Element,
    Framework,
    Level,
    Relation,
    RelationType,
)

LEVEL_PLURALS: dict[str, Any] = {
    Level.GOAL: _("Goals"),
    Level.TARGET: _("Targets"),
    Level.INDICATOR: _("Indicators"),
    Level.SUB_INDICATOR: _("Sub-indicators"),
}

# One character per relation type keeps a 23 x 20 matrix readable; the legend spells them out.
SYMBOLS: dict[str, str] = {
    RelationType.SAME_AS: "=",
    RelationType.BROADER: ">",
    RelationType.NARROWER: "<",
    RelationType.CONTRIBUTES_TO: "→",
    RelationType.PARTIALLY_OVERLAPS: "≈",
    RelationType.RELATED: "~",
}

# Read from the other end, a directed relation points the other way.
INVERSE_SYMBOLS: dict[str, str] = {
    RelationType.BROADER: "<",
    RelationType.NARROWER: ">",
    RelationType.CONTRIBUTES_TO: "←",
}

_ROLE_KINDS: dict[str, str] = {str(t): str(kind) for t, kind in INDICATOR_RELATIONS.items()}
_TYPE_ORDER = {value: i for i, value in enumerate(RelationType.values)}
_LEVEL_ORDER = {value: i for i, value in enumerate(Level.values)}


def relation_label(type: str, direction: str) -> Any:
    """How a relation reads from one end: its own label outgoing, the inverse incoming."""
    return RelationType(type).label if direction == "out" else INVERSE_LABELS[type]


@dataclass
class RoleGroup:
    """Indicators of one role (headline, binary...) attached to a goal or target."""

    type: str
    kind: str
    label: Any
    elements: list[Element]


@dataclass
class Node:
    element: Element
    children: list[Node] = field(default_factory=list)
    roles: list[RoleGroup] = field(default_factory=list)


@dataclass
class Link:
    element: Element
    relation: Relation


@dataclass
class LinkGroup:
    """Elements linked by one relation type, read from the page's element."""

    type: str
    direction: str
    label: Any
    links: list[Link]


@dataclass
class Cell:
    column: Element
    type: str = ""
    label: Any = ""
    symbol: str = ""
    extra: int = 0


def _role_groups(by_type: dict[str, list[Element]]) -> list[RoleGroup]:
    return [
        RoleGroup(type=t, kind=_ROLE_KINDS[t], label=INVERSE_LABELS[t], elements=items)
        for t, items in sorted(by_type.items(), key=lambda kv: _TYPE_ORDER[kv[0]])
    ]


def framework_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "frameworks/framework_list.html",
        {"frameworks": queries.framework_summaries(), "pairs": queries.crosswalk_pairs()},
    )


def framework_detail(request: HttpRequest, slug: str) -> HttpResponse:
    framework = queries.framework(slug)
    if framework is None:
        raise Http404(f"No framework {slug!r}")
    # GBF indicators hang off goals and targets through role relations, not the parent tree.
    roles: dict[int, dict[str, list[Element]]] = defaultdict(lambda: defaultdict(list))
    attached: set[int] = set()
    for rel in queries.indicator_relations(framework):
        roles[rel.object_id][rel.type].append(rel.subject)
        attached.add(rel.subject_id)

    items = list(queries.elements(framework=slug))
    nodes = {el.pk: Node(el, roles=_role_groups(roles.get(el.pk, {}))) for el in items}
    roots: list[Node] = []
    for el in items:
        if el.parent_id in nodes:
            nodes[el.parent_id].children.append(nodes[el.pk])
        elif el.pk not in attached:
            roots.append(nodes[el.pk])
    sections: dict[str, list[Node]] = defaultdict(list)
    for node in roots:
        sections[node.element.level].append(node)
    ordered = sorted(sections.items(), key=lambda kv: _LEVEL_ORDER.get(kv[0], 99))
    return render(
        request,
        "frameworks/framework_detail.html",
        {
            "framework": framework,
            "sections": [
                (level, LEVEL_PLURALS.get(level, level), nodes) for level, nodes in ordered
            ],
            "pairs": [p for p in queries.crosswalk_pairs() if slug in p[:2]],
            "element_count": len(items),
            "untranslated": sum(1 for el in items if not el.title.get(i18n.current())),
        },
    )


def element_detail(request: HttpRequest, framework: str, level: str, code: str) -> HttpResponse:
    element = queries.element(f"{framework}/{level}/{code}")
    if element is None:
        raise Http404(f"No element {framework}/{level}/{code}")

    indicators: dict[str, list[Element]] = defaultdict(list)
    indicator_for: dict[str, list[Element]] = defaultdict(list)
    grouped: dict[tuple[str, str], list[Link]] = defaultdict(list)
    for rel in queries.element_relations(element):
        outgoing = rel.subject_id == element.pk
        other = rel.object if outgoing else rel.subject
        if rel.type in INDICATOR_RELATIONS:
            (indicator_for if outgoing else indicators)[rel.type].append(other)
        else:
            grouped[(rel.type, "out" if outgoing else "in")].append(Link(other, rel))
    links = [
        LinkGroup(
            type=t,
            direction=d,
            label=relation_label(t, d),
            links=sorted(items, key=lambda lk: (lk.element.framework.order, lk.element.order)),
        )
        for (t, d), items in sorted(
            grouped.items(), key=lambda kv: (_TYPE_ORDER[kv[0][0]], kv[0][1])
        )
    ]

    # The heading is the shortest title there is; the body is the fullest text not shown above.
    if element.short_title:
        heading, subtitle, body = element.short_title, element.title, element.text or element.title
        if not element.text:
            subtitle = {}
    elif element.text:
        heading, subtitle, body = element.title, {}, element.text
    else:
        heading, subtitle, body = {}, {}, element.title

    children = list(queries.elements(parent=element.uid))
    examples = element.extra.get("national_examples") or []
    return render(
        request,
        "frameworks/element_detail.html",
        {
            "element": element,
            "framework": element.framework,
            "heading": heading,
            "subtitle": subtitle,
            "body": body,
            "children": children,
            "children_label": _children_label(children),
            "indicators": _role_groups(indicators),
            "indicator_for": [
                RoleGroup(t, _ROLE_KINDS[t], RelationType(t).label, items)
                for t, items in sorted(indicator_for.items(), key=lambda kv: _TYPE_ORDER[kv[0]])
            ],
            "links": links,
            "custodians": element.extra.get("custodians") or [],
            "examples_first": examples[:3],
            "examples_rest": examples[3:],
            "examples_count": len(examples),
        },
    )


def _children_label(children: list[Element]) -> Any:
    levels = {child.level for child in children}
    return LEVEL_PLURALS.get(levels.pop(), _("Parts")) if len(levels) == 1 else _("Parts")


def element_slash(request: HttpRequest, uid: str) -> HttpResponse:
    """Element addresses have no trailing slash; send the other spelling there."""
    return redirect(f"/{uid}", permanent=True)


def crosswalk_index(request: HttpRequest) -> HttpResponse:
    frameworks = {fw.slug: fw for fw in queries.frameworks()}
    pairs = [(frameworks[a], frameworks[b], n) for a, b, n in queries.crosswalk_pairs()]
    return render(request, "frameworks/crosswalk_index.html", {"pairs": pairs})


def crosswalk(request: HttpRequest, left: str, right: str) -> HttpResponse:
    left_fw, right_fw = queries.framework(left), queries.framework(right)
    if left_fw is None or right_fw is None or left == right:
        raise Http404(f"No crosswalk {left}/{right}")
    rows, columns, matrix = _matrix(left_fw, right_fw)
    return render(
        request,
        "frameworks/crosswalk.html",
        {
            "left": left_fw,
            "right": right_fw,
            "rows": matrix,
            "columns": columns,
            "row_count": len(rows),
            "pair_count": sum(1 for _, cells in matrix for cell in cells if cell.type),
            "legend": _legend(matrix),
        },
    )


def _legend(matrix: list[tuple[Element, list[Cell]]]) -> list[tuple[str, Any]]:
    """The marks the matrix uses, each with how it reads from the row."""
    seen: dict[str, tuple[str, Any, int]] = {}
    for _row, cells in matrix:
        for cell in cells:
            if cell.type and cell.symbol not in seen:
                seen[cell.symbol] = (cell.symbol, cell.label, _TYPE_ORDER.get(cell.type, 99))
    return [(symbol, label) for symbol, label, _ in sorted(seen.values(), key=lambda s: s[2])]


def _matrix(
    left: Framework, right: Framework
) -> tuple[list[Element], list[Element], list[tuple[Element, list[Cell]]]]:
    """Rows of ``left`` x columns of ``right`` at the levels the relations between them use."""
    found: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    row_levels: Counter[str] = Counter()
    column_levels: Counter[str] = Counter()
    for rel in queries.crosswalk_relations(left.slug, right.slug):
        if rel.subject.framework_id == left.pk:
            row, column, direction = rel.subject, rel.object, "out"
        else:
            row, column, direction = rel.object, rel.subject, "in"
        found[(row.pk, column.pk)].append((rel.type, direction))
        row_levels[row.level] += 1
        column_levels[column.level] += 1
    if not found:
        return [], [], []
    rows = list(queries.elements(framework=left.slug, level=row_levels.most_common(1)[0][0]))
    columns = list(queries.elements(framework=right.slug, level=column_levels.most_common(1)[0][0]))
    matrix = []
    for row in rows:
        cells = []
        for column in columns:
            hits = found.get((row.pk, column.pk))
            if not hits:
                cells.append(Cell(column))
                continue
            type, direction = hits[0]
            symbol = INVERSE_SYMBOLS.get(type) if direction == "in" else None
            cells.append(
                Cell(
                    column,
                    type=type,
                    label=relation_label(type, direction),
                    symbol=symbol or SYMBOLS.get(type, "•"),
                    extra=len(hits) - 1,
                )
            )
        matrix.append((row, cells))
    return rows, columns, matrix
