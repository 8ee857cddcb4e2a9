"""Writes to conventions and Parties (team, invitation and token actions: team.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meadow import audit
from meadow.core.actions import action
from meadow.core.actors import Actor
from meadow.parties import sources
from meadow.parties.models import Convention, Party
from meadow.places.models import Place, PlaceKind

CONVENTION_FIELDS = ("acronym", "name", "adopted", "entered_into_force", "url", "order")


@dataclass
class ConventionsReport:
    conventions_created: list[str] = field(default_factory=list)
    conventions_updated: list[str] = field(default_factory=list)
    parties_added: list[str] = field(default_factory=list)
    parties_changed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.conventions_created
            or self.conventions_updated
            or self.parties_added
            or self.parties_changed
        )

    def summary(self) -> str:
        return (
            f"conventions: {len(self.conventions_created)} created, "
            f"{len(self.conventions_updated)} updated; parties: {len(self.parties_added)} "
            f"added, {len(self.parties_changed)} changed"
        )


def _snapshot(obj: Convention) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in CONVENTION_FIELDS:
        value = getattr(obj, name)
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    out["parent"] = obj.parent.code if obj.parent else ""
    return out


def read_shipped(party_lists: list[Path] | None = None) -> sources.ConventionsSpec:
    conventions = sources.read_conventions()
    codes = {c.code for c in conventions}
    countries = set(Place.objects.filter(kind=PlaceKind.COUNTRY).values_list("code", flat=True))
    spec = sources.ConventionsSpec(conventions=conventions)
    for path in sources.PARTY_LISTS if party_lists is None else party_lists:
        spec.parties.extend(sources.read_parties(path, codes, countries))
    return spec


@action("reference.load")
def sync_conventions(spec: sources.ConventionsSpec, *, actor: Actor) -> ConventionsReport:
    """Create or update the conventions and add the Parties listed; nothing is removed."""
    report = ConventionsReport()
    by_code = {c.code: c for c in Convention.objects.select_related("parent")}
    for item in spec.conventions:
        obj = by_code.get(item.code)
        before = _snapshot(obj) if obj else None
        obj = obj or Convention(code=item.code)
        for name in CONVENTION_FIELDS:
            setattr(obj, name, getattr(item, name))
        obj.parent = by_code[item.parent] if item.parent else None
        after = _snapshot(obj)
        if before == after:
            continue
        obj.save()
        by_code[item.code] = obj
        (report.conventions_updated if before else report.conventions_created).append(obj.code)
        audit.record(
            actor=actor,
            action="convention.create" if before is None else "convention.update",
            object_type="convention",
            object_uid=obj.uid,
            before=before,
            after=after,
            source=sources.CONVENTIONS.name,
        )
    report_parties(spec.parties, by_code, report, actor)
    return report


def report_parties(
    parties: list[sources.PartySpec],
    conventions: dict[str, Convention],
    report: ConventionsReport,
    actor: Actor,
) -> None:
    places = {p.code: p for p in Place.objects.filter(code__in={p.country for p in parties})}
    existing = {
        (p.convention.code, p.place.code): p
        for p in Party.objects.select_related("convention", "place")
    }
    for item in parties:
        key = (item.convention, item.country)
        party = existing.get(key)
        since = item.since.isoformat() if item.since else None
        if party is not None:
            old = party.since.isoformat() if party.since else None
            if item.since is None or old == since:
                continue
            party.since = item.since
            party.source = item.source
            party.save(update_fields=["since", "source"])
            report.parties_changed.append(f"{item.convention}:{item.country}")
            before: dict[str, Any] | None = {"since": old}
        else:
            Party.objects.create(
                convention=conventions[item.convention],
                place=places[item.country],
                since=item.since,
                source=item.source,
            )
            report.parties_added.append(f"{item.convention}:{item.country}")
            before = None
        audit.record(
            actor=actor,
            action="party.add" if before is None else "party.update",
            object_type="party",
            object_uid=f"convention/{item.convention}/party/{item.country}",
            before=before,
            after={"since": since},
            source=f"{item.source}, line {item.line}",
            country=item.country,
        )


@action("parties.edit")
def import_parties(path: Path, *, actor: Actor, convention: str | None = None) -> ConventionsReport:
    """Add or date Parties from a CSV (``convention,country,since``); all or nothing.

    ``convention`` restricts the file to one convention (the policy checks the actor
    may edit that convention's Parties).
    """
    conventions = {c.code: c for c in Convention.objects.all()}
    allowed = {convention} if convention else set(conventions)
    countries = set(Place.objects.filter(kind=PlaceKind.COUNTRY).values_list("code", flat=True))
    rows = sources.read_parties(path, allowed, countries)
    report = ConventionsReport()
    report_parties(rows, conventions, report, actor)
    return report
