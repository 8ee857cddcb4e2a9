"""Every write to national targets and to the global quantitative elements.

A contributor, publishing authority or focal point of a country drafts and edits the
country's targets (policy ``national.draft``); changing a published target, publishing
and unpublishing need ``national.publish``. Every change raises the target's version:
a save that names the version it started from (``expected_version``) is refused with
``Conflict`` when someone else saved in between, so no change is ever lost. Every
change is in the audit log with the target's full JSON before and after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from meadow import audit
from meadow.core import policies
from meadow.core.actions import action
from meadow.core.actors import Actor, SystemActor
from meadow.frameworks.models import Element
from meadow.indicators.formats.base import ERROR, Location, Problem
from meadow.parties.visibility import Publication
from meadow.places.models import Place, PlaceKind, WeightSet
from meadow.targets import specs
from meadow.targets.models import (
    Alignment,
    GlobalElement,
    NationalTarget,
    QuantitativeElement,
    TargetIndicator,
)
from meadow.targets.specs import InvalidTarget, Resolved, TargetSpec

OBJECT_TYPE = "national-target"
Progress = Callable[[str, int, int], None]


class Conflict(Exception):
    """The target changed since the version the save started from; nothing was written."""

    def __init__(self, uid: str, expected: int, current: int | None) -> None:
        self.uid = uid
        self.expected = expected
        self.current = current
        if expected == 0 and current:
            message = f"{uid} already exists (version {current})"
        elif current is None:
            message = f"{uid} no longer exists (you started from version {expected})"
        else:
            message = (
                f"{uid} is at version {current}, not {expected}: someone else saved it "
                "in between; reload it and make your change again"
            )
        super().__init__(message)


class Refused(Exception):
    """The target is in a state that does not allow this (e.g. deleting a published one)."""


def _user(actor: Actor) -> Any:
    return None if isinstance(actor, SystemActor) or not actor.is_authenticated else actor


def _country(code: str) -> Place:
    place = Place.objects.filter(code=code, kind=PlaceKind.COUNTRY).first()
    if place is None:
        raise InvalidTarget(
            [Problem(Location("", None, "country"), f"{code!r} is not a country code", ERROR)]
        )
    return place


def _locked(country: str, code: str) -> NationalTarget | None:
    return (
        NationalTarget.objects.select_for_update()
        .select_related("country")
        .filter(country__code=country, code=code)
        .first()
    )


def _check_version(target: NationalTarget | None, uid: str, expected: int | None) -> None:
    if expected is None:
        return
    current = target.version if target is not None else None
    if expected == 0:
        if target is not None:
            raise Conflict(uid, 0, current)
        return
    if current != expected:
        raise Conflict(uid, expected, current)


def _record(
    actor: Actor,
    name: str,
    target_uid: str,
    country: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    source: str,
) -> None:
    audit.record(
        actor=actor,
        action=name,
        object_type=OBJECT_TYPE,
        object_uid=target_uid,
        before=before,
        after=after,
        source=source,
        country=country,
    )


def _write_parts(target: NationalTarget, resolved: Resolved) -> None:
    target.alignments.all().delete()
    target.indicators.all().delete()
    target.quantities.all().delete()
    Alignment.objects.bulk_create(
        Alignment(target=target, element=e, degree=a.degree, explanation=a.explanation)
        for e, a in resolved.alignments
    )
    TargetIndicator.objects.bulk_create(
        TargetIndicator(target=target, element=e, name={} if e else i.name, order=n)
        for n, (e, i) in enumerate(resolved.indicators)
    )
    QuantitativeElement.objects.bulk_create(
        QuantitativeElement(
            target=target,
            global_element=g,
            quantity=q.quantity,
            unit=q.unit,
            value=float(q.value or 0),
            year=int(q.year or 0),
            baseline_value=q.baseline_value,
            baseline_year=q.baseline_year,
            order=n,
        )
        for n, (g, q) in enumerate(resolved.quantities)
    )


def _clash(spec: TargetSpec, stored: NationalTarget) -> Problem:
    return Problem(
        spec.at("code"),
        f"the country has a target {stored.code!r}; write its code exactly so, or choose "
        "another code",
        ERROR,
        "code-case",
    )


@dataclass
class Saved:
    target: NationalTarget
    outcome: str  # created, updated, unchanged


def store(
    resolved: Resolved,
    *,
    actor: Actor,
    place: Place,
    expected_version: int | None = None,
    source: str = "",
    current: NationalTarget | None = None,
    lookup: bool = True,
) -> Saved:
    """Create or update one checked target (the policy ``national.draft`` is already met).

    ``current`` is the locked stored target when the caller has it (``lookup=False``
    says the caller knows there is none).
    """
    spec = resolved.spec
    uid = f"place/{place.code}/target/{spec.code}"
    if lookup and current is None:
        current = _locked(place.code, spec.code)
    _check_version(current, uid, expected_version)
    now = timezone.now()
    user = _user(actor)
    if current is None:
        clash = NationalTarget.objects.filter(country=place, code__iexact=spec.code).first()
        if clash is not None:
            raise InvalidTarget([_clash(spec, clash)])
        order = (
            NationalTarget.objects.filter(country=place).aggregate(m=Max("order"))["m"] or 0
        ) + 1
        try:
            with transaction.atomic():
                target = NationalTarget.objects.create(
                    country=place,
                    code=spec.code,
                    title=spec.title,
                    text=spec.text,
                    status=Publication.DRAFT,
                    version=1,
                    order=order,
                    created_at=now,
                    created_by=user,
                    updated_at=now,
                    updated_by=user,
                )
        except IntegrityError:
            # Created by someone else since we looked: the same as a stale version.
            existing = NationalTarget.objects.filter(country=place, code=spec.code).first()
            raise Conflict(
                uid, expected_version or 0, existing.version if existing else None
            ) from None
        _write_parts(target, resolved)
        _record(actor, "target.create", uid, place.code, None, specs.snapshot(target), source)
        return Saved(target, "created")
    if current.is_published:
        policies.check("national.publish", actor, country=place.code)
    before = specs.snapshot(current)
    if specs.content(before) == resolved.content():
        return Saved(current, "unchanged")
    current.title = spec.title
    current.text = spec.text
    current.version += 1
    current.updated_at = now
    current.updated_by = user
    current.save(update_fields=["title", "text", "version", "updated_at", "updated_by"])
    _write_parts(current, resolved)
    _record(actor, "target.update", uid, place.code, before, specs.snapshot(current), source)
    return Saved(current, "updated")


@action("national.draft")
def save_target(
    *,
    actor: Actor,
    country: str,
    code: str,
    title: Any,
    text: Any = None,
    alignments: Iterable[Any] = (),
    indicators: Iterable[Any] = (),
    quantities: Iterable[Any] = (),
    expected_version: int | None = None,
    source: str = "",
) -> NationalTarget:
    """Create a country's target, or update it: its content is made equal to what is given.

    ``alignments``: ``(element uid, degree, explanation)`` tuples or mappings with those
    keys, GBF goals and targets only; ``indicators``: GBF indicator uids or national
    indicator names (a string, or ``{"element": uid}`` / ``{"name": {...}}``);
    ``quantities``: mappings of ``specs.QUANTITY_FIELDS``. Texts are six-language
    mappings (a plain string is English). ``expected_version``: the version the change
    was made from (0: the target must not exist yet); a mismatch raises ``Conflict``.
    A published target stays published and may be changed only by a publisher.
    """
    spec, problems = specs.target_spec(
        code=code,
        title=title,
        text=text,
        alignments=alignments,
        indicators=indicators,
        quantities=quantities,
    )
    resolved, found = specs.validate([spec])
    problems.extend(found)
    if problems:
        raise InvalidTarget(problems)
    place = _country(country)
    return store(
        resolved[0], actor=actor, place=place, expected_version=expected_version, source=source
    ).target


def _existing(country: str, code: str, expected_version: int | None) -> NationalTarget:
    target = _locked(country, code)
    uid = f"place/{country}/target/{code}"
    if target is None:
        raise NationalTarget.DoesNotExist(uid)
    _check_version(target, uid, expected_version)
    return target


def _set_status(
    actor: Actor, country: str, code: str, status: str, expected_version: int | None, source: str
) -> NationalTarget:
    target = _existing(country, code, expected_version)
    if target.status == status:
        return target
    before = specs.snapshot(target)
    now = timezone.now()
    target.status = status
    target.version += 1
    target.updated_at = now
    target.updated_by = _user(actor)
    if status == Publication.PUBLISHED:
        target.published_at = now
        target.published_by = _user(actor)
    target.save()
    name = "target.publish" if status == Publication.PUBLISHED else "target.unpublish"
    _record(actor, name, target.uid, country, before, specs.snapshot(target), source)
    return target


@action("national.publish")
def publish_target(
    *,
    actor: Actor,
    country: str,
    code: str,
    expected_version: int | None = None,
    source: str = "",
) -> NationalTarget:
    """Make a draft public (nothing happens to one that is published already)."""
    return _set_status(actor, country, code, Publication.PUBLISHED, expected_version, source)


@action("national.publish")
def unpublish_target(
    *,
    actor: Actor,
    country: str,
    code: str,
    expected_version: int | None = None,
    source: str = "",
) -> NationalTarget:
    """Take a published target back to draft: the public no longer sees it."""
    return _set_status(actor, country, code, Publication.DRAFT, expected_version, source)


@action("national.draft")
def delete_target(
    *,
    actor: Actor,
    country: str,
    code: str,
    expected_version: int | None = None,
    source: str = "",
) -> None:
    """Delete a draft; a published target must be unpublished (by a publisher) first."""
    target = _existing(country, code, expected_version)
    if target.is_published:
        raise Refused(
            f"{target.uid} is published: a focal point or publishing authority must "
            "unpublish it before it can be deleted"
        )
    before = specs.snapshot(target)
    uid = target.uid
    target.delete()
    _record(actor, "target.delete", uid, country, before, None, source)


# Imports ----------------------------------------------------------------------------------


class ImportRejected(Exception):
    """The file has problems; nothing was written. ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s); nothing was imported:\n{shown}{more}")


@dataclass
class ImportReport:
    country: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        return (
            f"national targets of {self.country}: {len(self.created)} created, "
            f"{len(self.updated)} updated, {len(self.unchanged)} unchanged"
        )


def _quiet(_stage: str, _done: int, _total: int) -> None:
    return None


def apply_specs(
    targets: Sequence[TargetSpec],
    problems: list[Problem],
    *,
    actor: Actor,
    country: str,
    source: str,
    progress: Progress | None = None,
) -> ImportReport:
    """Check every target, then write them all, or raise ``ImportRejected`` with every problem.

    New targets become drafts; existing drafts are updated; a published target is
    changed only when the actor may publish (and stays published).
    """
    notify = progress or _quiet
    problems = list(problems)
    place = Place.objects.filter(code=country, kind=PlaceKind.COUNTRY).first()
    if place is None:
        problems.append(Problem(Location(source), f"{country!r} is not a country code", ERROR))
    notify("checking", 0, len(targets))
    resolved, found = specs.validate(targets)
    problems.extend(found)
    if not targets and not problems:
        problems.append(Problem(Location(source), "the file holds no targets", ERROR, "empty"))
    stored: dict[str, NationalTarget] = {}
    if place is not None:
        folded = {
            t.code.casefold(): t
            for t in NationalTarget.objects.select_for_update()
            .select_related("country")
            .filter(country=place)
        }
        for spec in targets:
            found_target = folded.get(spec.code.casefold())
            if found_target is None:
                continue
            if found_target.code != spec.code:
                problems.append(_clash(spec, found_target))
            else:
                stored[spec.code] = found_target
    may_publish = policies.require("national.publish")(actor, country=country)
    if not may_publish:
        for spec in targets:
            current = stored.get(spec.code)
            if current is not None and current.is_published:
                problems.append(
                    Problem(
                        spec.at("code"),
                        f"{spec.code} is published; only a focal point or publishing "
                        "authority may change it",
                        ERROR,
                        "published",
                    )
                )
    if problems:
        raise ImportRejected(problems)
    assert place is not None
    report = ImportReport(country)
    for done, item in enumerate(resolved, start=1):
        current = stored.get(item.spec.code)
        saved = store(
            item,
            actor=actor,
            place=place,
            source=source,
            current=current,
            lookup=False,
        )
        getattr(report, saved.outcome).append(item.spec.code)
        notify("writing", done, len(resolved))
    return report


@action("national.draft")
def import_targets(
    path: Path,
    *,
    actor: Actor,
    country: str,
    format: str | None = None,
    name: str = "",
    progress: Progress | None = None,
) -> ImportReport:
    """Import a country's targets from a JSON, CSV or XLSX file, all or nothing."""
    from meadow.targets import formats

    notify = progress or _quiet
    notify("reading", 0, 1)
    read = formats.read(path, format=format, name=name or path.name)
    problems = list(read.problems)
    if read.country and read.country != country:
        problems.append(
            Problem(
                Location(read.file, None, "country"),
                f"the file is for {read.country}, not {country}",
                ERROR,
                "wrong-country",
            )
        )
    return apply_specs(
        read.targets, problems, actor=actor, country=country, source=read.file, progress=progress
    )


# Global quantitative elements ---------------------------------------------------------


@dataclass
class GlobalElementsReport:
    name: str = "global-elements"
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        return (
            f"global elements: {len(self.created)} created, {len(self.updated)} updated, "
            f"{self.unchanged} unchanged"
        )


GLOBAL_FIELDS = ("element", "name", "measure", "unit", "value", "year", "basis", "order")


def global_snapshot(item: GlobalElement) -> dict[str, Any]:
    return {
        "element": item.element.uid,
        "name": dict(item.name),
        "measure": item.measure,
        "unit": item.unit,
        "value": float(item.value),
        "year": item.year,
        "basis": item.basis.slug if item.basis else None,
        "order": item.order,
    }


@action("reference.load")
def sync_global_elements(
    rows: list[dict[str, Any]], *, actor: Actor, source: str = ""
) -> GlobalElementsReport:
    """Create or update the global elements; rows not in the file are left alone.

    Each row holds ``code`` and the values of ``GLOBAL_FIELDS`` with ``element`` a uid
    and ``basis`` a weight-set slug or None (checked by the loader).
    """
    report = GlobalElementsReport()
    stored = {g.code: g for g in GlobalElement.objects.select_related("element", "basis")}
    elements = {e.uid: e for e in Element.objects.filter(uid__in={r["element"] for r in rows})}
    bases = {w.slug: w for w in WeightSet.objects.all()}
    for row in rows:
        item = stored.get(row["code"])
        before = global_snapshot(item) if item else None
        after = {name: row[name] for name in GLOBAL_FIELDS}
        after["value"] = float(after["value"])
        if before == after:
            report.unchanged += 1
            continue
        item = item or GlobalElement(code=row["code"])
        item.element = elements[row["element"]]
        item.basis = bases[row["basis"]] if row["basis"] else None
        for name in ("name", "measure", "unit", "value", "year", "order"):
            setattr(item, name, after[name])
        item.save()
        (report.updated if before else report.created).append(item.code)
        audit.record(
            actor=actor,
            action="global-element.create" if before is None else "global-element.update",
            object_type="global-element",
            object_uid=item.uid,
            before=before,
            after=after,
            source=source,
        )
    return report
