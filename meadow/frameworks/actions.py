"""Every write to frameworks, elements and relations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from meadow import audit
from meadow.core.actions import action
from meadow.core.actors import Actor
from meadow.frameworks.models import Element, Framework, Relation
from meadow.frameworks.sources import FrameworkSpec, RelationSpec, SourceError

ELEMENT_FIELDS = (
    "level",
    "kind",
    "code",
    "order",
    "title",
    "short_title",
    "text",
    "source_uri",
    "extra",
)
FRAMEWORK_FIELDS = ("name", "description", "version", "source", "source_url", "licence", "order")


@dataclass
class SyncReport:
    """What a load changed; empty lists and zero counts mean nothing changed."""

    name: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    relations_created: list[str] = field(default_factory=list)
    relations_updated: list[str] = field(default_factory=list)
    relations_removed: list[str] = field(default_factory=list)
    relations_unchanged: int = 0
    skipped: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.updated
            or self.removed
            or self.relations_created
            or self.relations_updated
            or self.relations_removed
        )

    def summary(self) -> str:
        parts = [
            f"{len(self.created)} created",
            f"{len(self.updated)} updated",
            f"{len(self.removed)} removed",
            f"{self.unchanged} unchanged",
        ]
        rel = [
            f"{len(self.relations_created)} created",
            f"{len(self.relations_updated)} updated",
            f"{len(self.relations_removed)} removed",
            f"{self.relations_unchanged} unchanged",
        ]
        text = f"{self.name}: elements {', '.join(parts)}; relations {', '.join(rel)}"
        if self.skipped:
            text += f"; {self.skipped} source rows skipped"
        return text


def _snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


@action("reference.load")
def sync_framework(spec: FrameworkSpec, *, actor: Actor, origin: str) -> SyncReport:
    """Make the framework in the database equal to ``spec``, recording each change."""
    source = ", ".join(p.name for p in spec.files)[:500]
    report = SyncReport(name=spec.slug)
    uids = [e.uid for e in spec.elements]
    duplicates = {u for u in uids if uids.count(u) > 1} if len(set(uids)) != len(uids) else set()
    if duplicates:
        raise SourceError(source, f"element defined twice: {sorted(duplicates)[0]}")

    framework_values = {name: getattr(spec, name) for name in FRAMEWORK_FIELDS}
    framework = Framework.objects.filter(slug=spec.slug).first()
    if framework is None:
        framework = Framework.objects.create(slug=spec.slug, **framework_values)
        audit.record(
            actor=actor,
            action="frameworks.framework.create",
            object_type="framework",
            object_uid=spec.slug,
            after=framework_values,
            source=source,
        )
    else:
        before, after = _diff(_snapshot(framework, FRAMEWORK_FIELDS), framework_values)
        if after:
            for name, value in after.items():
                setattr(framework, name, value)
            framework.save()
            audit.record(
                actor=actor,
                action="frameworks.framework.update",
                object_type="framework",
                object_uid=spec.slug,
                before=before,
                after=after,
                source=source,
            )

    existing = {e.uid: e for e in Element.objects.filter(framework=framework)}
    wanted = {e.uid: e for e in spec.elements}
    for uid in sorted(set(existing) - set(wanted)):
        gone = existing.pop(uid)
        audit.record(
            actor=actor,
            action="frameworks.element.delete",
            object_type="element",
            object_uid=uid,
            before=_snapshot(gone, ELEMENT_FIELDS),
            source=source,
        )
        gone.delete()
        report.removed.append(uid)

    for element_spec in spec.elements:
        values = {name: getattr(element_spec, name) for name in ELEMENT_FIELDS}
        element = existing.get(element_spec.uid)
        if element is None:
            existing[element_spec.uid] = Element.objects.create(
                framework=framework, uid=element_spec.uid, **values
            )
            audit.record(
                actor=actor,
                action="frameworks.element.create",
                object_type="element",
                object_uid=element_spec.uid,
                after=values,
                source=source,
            )
            report.created.append(element_spec.uid)
            continue
        before, after = _diff(_snapshot(element, ELEMENT_FIELDS), values)
        if after:
            for name, value in after.items():
                setattr(element, name, value)
            element.save()
            audit.record(
                actor=actor,
                action="frameworks.element.update",
                object_type="element",
                object_uid=element_spec.uid,
                before=before,
                after=after,
                source=source,
            )
            report.updated.append(element_spec.uid)
        else:
            report.unchanged += 1

    # Parents once every element exists.
    for element_spec in spec.elements:
        element = existing[element_spec.uid]
        parent = existing.get(element_spec.parent_uid) if element_spec.parent_uid else None
        if element_spec.parent_uid and parent is None:
            raise SourceError(
                source,
                f"parent {element_spec.parent_uid} is not in the framework",
                element=element_spec.uid,
            )
        if element.parent_id != (parent.pk if parent else None):
            old = element.parent.uid if element.parent else None
            element.parent = parent
            element.save(update_fields=["parent"])
            if element_spec.uid not in report.created:
                audit.record(
                    actor=actor,
                    action="frameworks.element.update",
                    object_type="element",
                    object_uid=element_spec.uid,
                    before={"parent": old},
                    after={"parent": element_spec.parent_uid},
                    source=source,
                )
                if element_spec.uid not in report.updated:
                    report.updated.append(element_spec.uid)
                    report.unchanged -= 1

    _sync_relations(spec.relations, actor=actor, origin=origin, source=source, report=report)
    return report


@action("reference.load")
def sync_relations(
    relations: list[RelationSpec], *, actor: Actor, origin: str, source: str, skipped: int = 0
) -> SyncReport:
    """Make the relations owned by ``origin`` equal to ``relations``."""
    report = SyncReport(name=origin, skipped=skipped)
    _sync_relations(relations, actor=actor, origin=origin, source=source, report=report)
    return report


def _sync_relations(
    relations: list[RelationSpec], *, actor: Actor, origin: str, source: str, report: SyncReport
) -> None:
    uids = {r.subject_uid for r in relations} | {r.object_uid for r in relations}
    elements = {e.uid: e for e in Element.objects.filter(uid__in=uids)}
    for spec in relations:
        for uid in (spec.subject_uid, spec.object_uid):
            if uid not in elements:
                raise SourceError(
                    source, f"{uid} is not a known element", line=spec.line, element=uid
                )
    existing = {
        (r.subject.uid, r.type, r.object.uid): r
        for r in Relation.objects.filter(origin=origin).select_related("subject", "object")
    }
    wanted = {(r.subject_uid, r.type, r.object_uid): r for r in relations}
    for key in sorted(set(existing) - set(wanted)):
        stale = existing[key]
        audit.record(
            actor=actor,
            action="frameworks.relation.delete",
            object_type="relation",
            object_uid=" ".join(key),
            before=_relation_values(stale),
            source=source,
        )
        stale.delete()
        report.relations_removed.append(" ".join(key))
    for key, spec in wanted.items():
        values = {"source": spec.source, "confidence": spec.confidence, "note": spec.note}
        relation = existing.get(key)
        if relation is None:
            clash = Relation.objects.filter(
                subject=elements[spec.subject_uid],
                object=elements[spec.object_uid],
                type=spec.type,
            ).first()
            if clash is not None:
                raise SourceError(
                    source,
                    f"relation is already held by {clash.origin}",
                    line=spec.line,
                    element=" ".join(key),
                )
            Relation.objects.create(
                subject=elements[spec.subject_uid],
                type=spec.type,
                object=elements[spec.object_uid],
                origin=origin,
                **values,
            )
            audit.record(
                actor=actor,
                action="frameworks.relation.create",
                object_type="relation",
                object_uid=" ".join(key),
                after={"type": spec.type, **values},
                source=source,
            )
            report.relations_created.append(" ".join(key))
            continue
        before, after = _diff(_relation_values(relation), values)
        if after:
            for name, value in after.items():
                setattr(relation, name, value)
            relation.save()
            audit.record(
                actor=actor,
                action="frameworks.relation.update",
                object_type="relation",
                object_uid=" ".join(key),
                before=before,
                after=after,
                source=source,
            )
            report.relations_updated.append(" ".join(key))
        else:
            report.relations_unchanged += 1


def _relation_values(relation: Relation) -> dict[str, Any]:
    return {"source": relation.source, "confidence": relation.confidence, "note": relation.note}


@action("frameworks.edit")
def add_relation(
    *,
    actor: Actor,
    subject: Element,
    object: Element,
    type: str,
    source: str,
    confidence: float | None = None,
    note: str = "",
) -> Relation:
    """A curator's typed link between two elements, with its provenance."""
    from meadow.frameworks.models import RelationType

    if type not in RelationType.values:
        raise ValueError(f"type: {type!r} is not a relation type")
    if subject.pk == object.pk:
        raise ValueError("a relation needs two different elements")
    if confidence is not None and not 0 <= confidence <= 1:
        raise ValueError(f"confidence: {confidence} is not between 0 and 1")
    if not source.strip():
        raise ValueError("source: say which document the relation comes from")
    if Relation.objects.filter(subject=subject, object=object, type=type).exists():
        raise ValueError(f"{subject.uid} {type} {object.uid} exists already")
    relation = Relation.objects.create(
        subject=subject,
        object=object,
        type=type,
        origin="curated",
        source=source.strip(),
        confidence=confidence,
        note=note,
    )
    audit.record(
        actor=actor,
        action="frameworks.relation.create",
        object_type="relation",
        object_uid=relation.key,
        after={"type": type, **_relation_values(relation), "origin": "curated"},
    )
    return relation


@action("frameworks.edit")
def remove_relation(*, actor: Actor, relation: Relation, reason: str) -> None:
    """Remove a relation; the audit entry keeps what it was and why it went."""
    if not reason.strip():
        raise ValueError("reason: say why the relation is removed")
    audit.record(
        actor=actor,
        action="frameworks.relation.delete",
        object_type="relation",
        object_uid=relation.key,
        before={"type": relation.type, **_relation_values(relation), "origin": relation.origin},
        after={"reason": reason.strip()},
    )
    relation.delete()
