"""Reads of frameworks, elements and relations."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F, Prefetch, Q, QuerySet

from meadow.frameworks.models import INDICATOR_RELATIONS, Element, Framework, Relation


def frameworks() -> QuerySet[Framework]:
    return Framework.objects.all()


def elements(
    *,
    framework: str | None = None,
    level: str | None = None,
    kind: str | None = None,
    code: str | None = None,
    parent: str | None = None,
) -> QuerySet[Element]:
    qs = Element.objects.select_related("framework", "parent")
    if framework:
        qs = qs.filter(framework__slug=framework)
    if level:
        qs = qs.filter(level=level)
    if kind:
        qs = qs.filter(kind=kind)
    if code:
        qs = qs.filter(code=code)
    if parent:
        qs = qs.filter(parent__uid=parent)
    return qs.order_by("framework__order", "order")


def element(uid: str) -> Element | None:
    return Element.objects.select_related("framework", "parent").filter(uid=uid).first()


def relations(
    *,
    element: str | None = None,
    framework: str | None = None,
    type: str | None = None,
    origin: str | None = None,
) -> QuerySet[Relation]:
    """Relations touching an element or a framework, on either side."""
    qs = Relation.objects.select_related("subject__framework", "object__framework")
    if element:
        qs = qs.filter(Q(subject__uid=element) | Q(object__uid=element))
    if framework:
        qs = qs.filter(Q(subject__framework__slug=framework) | Q(object__framework__slug=framework))
    if type:
        qs = qs.filter(type=type)
    if origin:
        qs = qs.filter(origin=origin)
    return qs.order_by("subject__framework__order", "subject__order", "type", "object__order")


def crosswalk_relations(left: str, right: str) -> QuerySet[Relation]:
    """Relations between elements of two frameworks, in either direction."""
    return Relation.objects.select_related("subject", "object").filter(
        Q(subject__framework__slug=left, object__framework__slug=right)
        | Q(subject__framework__slug=right, object__framework__slug=left)
    )


def linked(element: Element) -> dict[tuple[str, str], list[Element]]:
    """Elements linked to ``element``, keyed by (relation type, "out" or "in")."""
    groups: dict[tuple[str, str], list[Element]] = defaultdict(list)
    for rel in Relation.objects.filter(subject=element).select_related("object__framework"):
        groups[(rel.type, "out")].append(rel.object)
    for rel in Relation.objects.filter(object=element).select_related("subject__framework"):
        groups[(rel.type, "in")].append(rel.subject)
    for items in groups.values():
        items.sort(key=lambda e: (e.framework.order, e.order))
    return dict(groups)


def tree(framework: Framework) -> QuerySet[Element]:
    """Top-level elements with their children and grandchildren prefetched."""
    grandchildren = Prefetch("children", queryset=Element.objects.order_by("order"))
    children = Prefetch(
        "children", queryset=Element.objects.order_by("order").prefetch_related(grandchildren)
    )
    return (
        Element.objects.filter(framework=framework, parent__isnull=True)
        .order_by("order")
        .prefetch_related(children)
    )


def framework(slug: str) -> Framework | None:
    return Framework.objects.filter(slug=slug).first()


def framework_summaries() -> QuerySet[Framework]:
    """Frameworks annotated with their counts of goals, targets and indicators."""
    return Framework.objects.annotate(
        goal_count=Count("elements", filter=Q(elements__level="goal")),
        target_count=Count("elements", filter=Q(elements__level="target")),
        indicator_count=Count(
            "elements", filter=Q(elements__level__in=["indicator", "sub-indicator"])
        ),
    ).order_by("order", "slug")


def totals() -> dict[str, int]:
    """How many frameworks, elements and relations are stored."""
    return {
        "frameworks": Framework.objects.count(),
        "elements": Element.objects.count(),
        "relations": Relation.objects.count(),
    }


def element_relations(element: Element) -> QuerySet[Relation]:
    """Every relation of ``element``, on either side, with both ends and frameworks loaded."""
    return (
        Relation.objects.select_related("subject__framework", "object__framework")
        .filter(Q(subject=element) | Q(object=element))
        .order_by("type", "subject__framework__order", "subject__order", "object__order")
    )


def indicator_relations(framework: Framework) -> QuerySet[Relation]:
    """Indicator-role relations (headline-indicator-for...) pointing into ``framework``."""
    return (
        Relation.objects.select_related("subject")
        .filter(object__framework=framework, type__in=list(INDICATOR_RELATIONS))
        .order_by("subject__order")
    )


def crosswalk_pairs() -> list[tuple[str, str, int]]:
    """(subject framework, object framework, relation count) for relations across frameworks."""
    rows = (
        Relation.objects.exclude(subject__framework=F("object__framework"))
        .values("subject__framework__slug", "object__framework__slug")
        .annotate(n=Count("id"))
        .order_by("subject__framework__order", "object__framework__order")
    )
    return [(r["subject__framework__slug"], r["object__framework__slug"], r["n"]) for r in rows]
