"""Every write to places, groups, memberships and weights."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from meadow import audit
from meadow.core import i18n
from meadow.core.actions import action
from meadow.core.actors import Actor
from meadow.places.models import GroupKind, Membership, Place, PlaceGroup, Weight, WeightSet
from meadow.places.sources import GroupSpec, PlacesSpec, WeightSetSpec

ORIGIN = "m49"
PLACE_FIELDS = ("kind", "m49", "iso2", "iso3", "name", "formal_name", "order")
GROUP_FIELDS = ("kind", "defined_by", "name", "description", "source", "source_url", "order")
WEIGHT_SET_FIELDS = (
    "name",
    "description",
    "unit",
    "year",
    "source",
    "source_url",
    "licence",
    "order",
)


@dataclass
class Changes:
    """What a load did to one kind of row."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def __str__(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.removed)} removed, {self.unchanged} unchanged"
        )


@dataclass
class PlacesReport:
    """What a places load changed; all-empty changes mean nothing changed."""

    name: str = "places"
    places: Changes = field(default_factory=Changes)
    groups: Changes = field(default_factory=Changes)
    memberships: Changes = field(default_factory=Changes)
    weight_sets: Changes = field(default_factory=Changes)
    weights: Changes = field(default_factory=Changes)

    @property
    def changed(self) -> bool:
        return any(
            c.changed
            for c in (self.places, self.groups, self.memberships, self.weight_sets, self.weights)
        )

    def summary(self) -> str:
        return (
            f"{self.name}: places {self.places}; groups {self.groups}; "
            f"memberships {self.memberships}; weight sets {self.weight_sets}; "
            f"weights {self.weights}"
        )


def _snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


class _Writer:
    """Upserts and deletes that write one audit entry per change."""

    def __init__(self, actor: Actor, source: str) -> None:
        self.actor = actor
        self.source = source

    def log(
        self,
        name: str,
        object_type: str,
        uid: str,
        *,
        before: dict | None = None,
        after: dict | None = None,
    ) -> None:
        audit.record(
            actor=self.actor,
            action=f"places.{name}",
            object_type=object_type,
            object_uid=uid,
            before=before,
            after=after,
            source=self.source,
        )

    def upsert(
        self, obj: Any, values: dict[str, Any], object_type: str, uid: str, changes: Changes
    ) -> bool:
        before, after = _diff(_snapshot(obj, values), values)
        if not after:
            changes.unchanged += 1
            return False
        for name, value in after.items():
            setattr(obj, name, value)
        obj.save()
        self.log(f"{object_type}.update", object_type, uid, before=before, after=after)
        changes.updated.append(uid)
        return True


@action("reference.load")
def sync_places(spec: PlacesSpec, *, actor: Actor) -> PlacesReport:
    """Make places, reference groups and reference weight sets equal to ``spec``."""
    writer = _Writer(actor, ", ".join(p.name for p in spec.files)[:500])
    report = PlacesReport()
    places = _sync_places(spec, writer, report.places)
    _sync_groups(spec.groups, places, writer, report)
    _sync_weights(spec.weight_sets, places, writer, report)
    _remove_places({p.code for p in spec.places}, places, writer, report.places)
    return report


def _sync_places(spec: PlacesSpec, writer: _Writer, changes: Changes) -> dict[str, Place]:
    existing = {p.code: p for p in Place.objects.all()}
    by_code = {p.code: p for p in spec.places}
    for place_spec in spec.places:
        values = {name: getattr(place_spec, name) for name in PLACE_FIELDS}
        values["lineage"] = _lineage(place_spec.code, by_code)
        place = existing.get(place_spec.code)
        if place is None:
            existing[place_spec.code] = Place.objects.create(code=place_spec.code, **values)
            writer.log(
                "place.create",
                "place",
                place_spec.uid,
                after={**values, "parent": place_spec.parent_code},
            )
            changes.created.append(place_spec.uid)
        else:
            writer.upsert(place, values, "place", place_spec.uid, changes)
    # Parents once every place exists.
    for place_spec in spec.places:
        place = existing[place_spec.code]
        parent = existing[place_spec.parent_code] if place_spec.parent_code else None
        if place.parent_id != (parent.pk if parent else None):
            old = next((p.code for p in existing.values() if p.pk == place.parent_id), None)
            place.parent = parent
            place.save(update_fields=["parent"])
            if place_spec.uid not in changes.created:
                writer.log(
                    "place.update",
                    "place",
                    place_spec.uid,
                    before={"parent": old},
                    after={"parent": place_spec.parent_code},
                )
                if place_spec.uid not in changes.updated:
                    changes.updated.append(place_spec.uid)
                    changes.unchanged -= 1
    return existing


def _lineage(code: str, by_code: dict[str, Any]) -> str:
    chain: list[str] = []
    parent = by_code[code].parent_code
    while parent:
        chain.append(parent)
        parent = by_code[parent].parent_code
    return "/" + "".join(f"{c}/" for c in reversed(chain)) if chain else ""


def _remove_places(
    wanted: set[str], places: dict[str, Place], writer: _Writer, changes: Changes
) -> None:
    gone = [p for code, p in places.items() if code not in wanted]
    # Deepest first: a parent is protected while it has children.
    for place in sorted(gone, key=lambda p: -len(p.ancestor_codes)):
        for membership in Membership.objects.filter(place=place).select_related("group"):
            writer.log(
                "membership.delete", "group", membership.group.uid, before={"member": place.uid}
            )
            membership.delete()
        for weight in Weight.objects.filter(place=place).select_related("weight_set"):
            writer.log("weight.delete", "weight", weight.uid, before={"value": weight.value})
            weight.delete()
        writer.log(
            "place.delete", "place", place.uid, before=_snapshot(place, (*PLACE_FIELDS, "lineage"))
        )
        place.delete()
        changes.removed.append(place.uid)


def _sync_groups(
    specs: list[GroupSpec], places: dict[str, Place], writer: _Writer, report: PlacesReport
) -> None:
    existing = {g.slug: g for g in PlaceGroup.objects.all()}
    wanted = {g.slug for g in specs}
    for slug in sorted(s for s, g in existing.items() if g.origin == ORIGIN and s not in wanted):
        group = existing.pop(slug)
        for membership in group.memberships.select_related("place"):
            writer.log(
                "membership.delete", "group", group.uid, before={"member": membership.place.uid}
            )
            report.memberships.removed.append(f"{group.uid} {membership.place.uid}")
        writer.log("group.delete", "group", group.uid, before=_snapshot(group, GROUP_FIELDS))
        group.delete()
        report.groups.removed.append(group.uid)
    for spec in specs:
        values = {name: getattr(spec, name) for name in GROUP_FIELDS}
        found = existing.get(spec.slug)
        if found is None:
            group = PlaceGroup.objects.create(slug=spec.slug, origin=ORIGIN, **values)
            writer.log("group.create", "group", spec.uid, after=values)
            report.groups.created.append(spec.uid)
        elif found.origin != ORIGIN:
            raise ValidationError(
                f"{spec.uid} is a curated group; the reference data cannot take its slug"
            )
        else:
            group = found
            writer.upsert(group, values, "group", spec.uid, report.groups)
        _sync_members(group, [places[c] for c in spec.members], writer, report.memberships)


def _sync_members(
    group: PlaceGroup, members: list[Place], writer: _Writer, changes: Changes
) -> None:
    current = {m.place.code: m for m in group.memberships.select_related("place")}
    wanted = {p.code: p for p in members}
    for code in sorted(set(current) - set(wanted)):
        writer.log("membership.delete", "group", group.uid, before={"member": f"place/{code}"})
        current[code].delete()
        changes.removed.append(f"{group.uid} place/{code}")
    added = [p for code, p in sorted(wanted.items()) if code not in current]
    Membership.objects.bulk_create([Membership(group=group, place=p) for p in added])
    for place in added:
        writer.log("membership.create", "group", group.uid, after={"member": place.uid})
        changes.created.append(f"{group.uid} {place.uid}")
    changes.unchanged += len(wanted) - len(added)


def _sync_weights(
    specs: list[WeightSetSpec], places: dict[str, Place], writer: _Writer, report: PlacesReport
) -> None:
    existing = {w.slug: w for w in WeightSet.objects.all()}
    wanted = {w.slug for w in specs}
    for slug in sorted(s for s, w in existing.items() if w.origin == ORIGIN and s not in wanted):
        weight_set = existing.pop(slug)
        for weight in weight_set.weights.select_related("place"):
            writer.log("weight.delete", "weight", weight.uid, before={"value": weight.value})
            report.weights.removed.append(weight.uid)
        writer.log(
            "weightset.delete",
            "weightset",
            weight_set.uid,
            before=_snapshot(weight_set, WEIGHT_SET_FIELDS),
        )
        weight_set.delete()
        report.weight_sets.removed.append(weight_set.uid)
    for spec in specs:
        values = {name: getattr(spec, name) for name in WEIGHT_SET_FIELDS}
        found = existing.get(spec.slug)
        if found is None:
            weight_set = WeightSet.objects.create(slug=spec.slug, origin=ORIGIN, **values)
            writer.log("weightset.create", "weightset", spec.uid, after=values)
            report.weight_sets.created.append(spec.uid)
        elif found.origin != ORIGIN:
            raise ValidationError(
                f"{spec.uid} is a curated weight set; the reference data cannot take its slug"
            )
        else:
            weight_set = found
            writer.upsert(weight_set, values, "weightset", spec.uid, report.weight_sets)
        _sync_values(weight_set, spec.values, places, writer, report.weights)


def _sync_values(
    weight_set: WeightSet,
    values: dict[str, float],
    places: dict[str, Place],
    writer: _Writer,
    changes: Changes,
) -> None:
    current = {w.place.code: w for w in weight_set.weights.select_related("place")}
    for code in sorted(set(current) - set(values)):
        weight = current.pop(code)
        writer.log("weight.delete", "weight", weight.uid, before={"value": weight.value})
        weight.delete()
        changes.removed.append(weight.uid)
    new: list[Weight] = []
    for code, value in sorted(values.items()):
        found = current.get(code)
        if found is None:
            new.append(Weight(weight_set=weight_set, place=places[code], value=value))
        elif found.value != value:
            writer.log(
                "weight.update",
                "weight",
                found.uid,
                before={"value": found.value},
                after={"value": value},
            )
            found.value = value
            found.save(update_fields=["value"])
            changes.updated.append(found.uid)
        else:
            changes.unchanged += 1
    for created in Weight.objects.bulk_create(new):
        writer.log("weight.create", "weight", created.uid, after={"value": created.value})
        changes.created.append(created.uid)


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@action("places.edit")
def save_group(
    slug: str,
    *,
    actor: Actor,
    kind: str,
    names: dict[str, str],
    members: list[str],
    defined_by: str = "",
    description: dict[str, str] | None = None,
    source: str = "",
    source_url: str = "",
) -> PlaceGroup:
    """Create or change a curated group (e.g. a convention's regional groups).

    ``names`` maps UN languages to the group's name (English needed); ``members`` are
    place codes (``KEN``, ``002``). Groups loaded from the reference
    data are changed through their source files, not here.
    """
    if not _SLUG.fullmatch(slug) or len(slug) > 60:
        raise ValidationError(f"{slug!r} is not lower-case words joined by -")
    if kind not in GroupKind.values:
        raise ValidationError(f"kind {kind!r} is not one of {', '.join(GroupKind.values)}")
    try:
        names = i18n.clean(names, field="names")
        descriptions = i18n.clean(description, field="description")
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if "en" not in names:
        raise ValidationError("names: an English name is needed")
    places = {p.code: p for p in Place.objects.filter(code__in=members)}
    unknown = sorted(set(members) - set(places))
    if unknown:
        raise ValidationError(f"unknown places: {', '.join(unknown)}")
    writer = _Writer(actor, "")
    values = {
        "kind": kind,
        "defined_by": defined_by,
        "name": names,
        "description": descriptions,
        "source": source,
        "source_url": source_url,
    }
    group = PlaceGroup.objects.filter(slug=slug).first()
    changes = Changes()
    if group is None:
        group = PlaceGroup.objects.create(slug=slug, **values)
        writer.log("group.create", "group", group.uid, after=values)
    elif group.origin:
        raise ValidationError(f"{group.uid} is reference data; change its source instead")
    else:
        writer.upsert(group, values, "group", group.uid, changes)
    _sync_members(group, list(places.values()), writer, changes)
    return group


@action("places.edit")
def delete_group(slug: str, *, actor: Actor) -> None:
    """Delete a curated group and its memberships."""
    group = PlaceGroup.objects.filter(slug=slug).first()
    if group is None:
        raise ValidationError(f"there is no group {slug!r}")
    if group.origin:
        raise ValidationError(f"{group.uid} is reference data; change its source instead")
    writer = _Writer(actor, "")
    writer.log(
        "group.delete",
        "group",
        group.uid,
        before={
            **_snapshot(group, GROUP_FIELDS),
            "members": sorted(group.members.values_list("code", flat=True)),
        },
    )
    group.delete()
