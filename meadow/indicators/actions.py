"""Every write to indicator data: imports (all-or-nothing), undo, goals and assessments."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.utils import timezone

from meadow import audit
from meadow.core.actions import action, after_commit
from meadow.core.actors import Actor, SystemActor, label
from meadow.core.bulk import insert_rows
from meadow.indicators import periods
from meadow.indicators.formats import reader
from meadow.indicators.formats.base import (
    ERROR,
    WARNING,
    Location,
    Problem,
    ReadOptions,
    ReadResult,
    Record,
)
from meadow.indicators.models import (
    Goal,
    Import,
    ImportChange,
    IndicatorMetadata,
    Observation,
    Series,
    series_key,
)
from meadow.indicators.resolve import Codes

Progress = Callable[[str, int, int], None]

BATCH = 2000


class ImportRejected(Exception):
    """The input has blocking problems; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.level == ERROR]
        shown = "\n".join(f"  {p}" for p in errors[:20])
        more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(f"{len(errors)} problem(s); nothing was imported:\n{shown}{more}")


@dataclass
class ImportResult:
    """What an import did (or, when ``import_record`` is None, that it changed nothing)."""

    import_record: Import | None
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    warnings: list[Problem] = field(default_factory=list)
    series_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        head = f"import {self.import_record.pk}" if self.import_record else "nothing to change"
        return (
            f"{head}: {self.added} added, {self.changed} changed, {self.removed} removed, "
            f"{self.unchanged} unchanged; {len(self.warnings)} warning(s)"
        )


@dataclass
class _Resolved:
    record: Record
    key: str
    ordinal: int
    period: periods.Period


def _checksum(read: ReadResult) -> tuple[str, int]:
    if len(read.files) == 1:
        return read.files[0].sha256, read.files[0].size
    digest = hashlib.sha256()
    for item in sorted(read.files, key=lambda f: f.name):
        digest.update(f"{item.name}\0{item.sha256}\n".encode())
    return digest.hexdigest(), sum(f.size for f in read.files)


def validate(
    read: ReadResult, codes: Codes
) -> tuple[list[_Resolved], dict[str, Any], list[Problem]]:
    """Resolve every record's codes; returns the records, the series they form and problems."""
    problems = list(read.problems)
    reported: set[tuple[str, str]] = set()
    resolved: list[_Resolved] = []
    series: dict[str, dict[str, Any]] = {}
    seen: dict[tuple[str, str], int] = defaultdict(int)
    reader_dups = {(p.location.file, p.location.row) for p in problems if p.code == "duplicate-key"}
    for record in read.records:
        element = codes.indicator(record.indicator, read.framework)
        place = codes.place(record.place) if record.place else None
        if element is None:
            if ("indicator", record.indicator) not in reported:
                reported.add(("indicator", record.indicator))
                framework = read.framework or "any framework"
                problems.append(
                    Problem(
                        Location(
                            record.location.file,
                            record.location.row,
                            record.location.column or "indicator",
                            record.location.sheet,
                        ),
                        f"{record.indicator!r} is not an indicator of {framework}",
                        ERROR,
                        "unknown-indicator",
                    )
                )
            continue
        if place is None:
            if ("place", record.place) not in reported:
                reported.add(("place", record.place))
                problems.append(
                    Problem(
                        Location(
                            record.location.file,
                            record.location.row,
                            record.location.column or "place",
                            record.location.sheet,
                        ),
                        f"{record.place!r} is not a known country, area or M49 code"
                        if record.place
                        else "no place given",
                        ERROR,
                        "unknown-place",
                    )
                )
            continue
        try:
            period = periods.parse(record.period)
        except periods.PeriodError as exc:
            problems.append(
                Problem(
                    Location(
                        record.location.file,
                        record.location.row,
                        record.location.column or "period",
                        record.location.sheet,
                    ),
                    str(exc),
                    ERROR,
                    "bad-period",
                )
            )
            continue
        key = series_key(
            element.uid,
            place.code,
            record.unit,
            record.unit_multiplier,
            record.series_code,
            record.disaggregation,
            record.attributes,
        )
        ordinal = seen[(key, record.period)]
        seen[(key, record.period)] += 1
        if ordinal and (record.location.file, record.location.row) not in reader_dups:
            problems.append(
                Problem(
                    record.location,
                    f"repeats an earlier row's key ({record.period}); both kept",
                    WARNING,
                    "duplicate-key",
                )
            )
        if key not in series:
            series[key] = {
                "indicator": element,
                "place": place,
                "unit": record.unit,
                "unit_multiplier": record.unit_multiplier,
                "series_code": record.series_code,
                "disaggregation": dict(record.disaggregation),
                "attributes": dict(record.attributes),
                "source": record.source,
                "footnote": record.footnote,
            }
        resolved.append(_Resolved(record, key, ordinal, period))
    return resolved, series, problems


OBSERVATION_COLUMNS = (
    "series",
    "period",
    "ordinal",
    "kind",
    "start",
    "end",
    "year",
    "value",
    "status",
    "comment",
    "source_import",
    "row",
)
CHANGE_COLUMNS = ("source_import", "series", "period", "ordinal", "action", "before", "after")


def _user(actor: Actor) -> Any:
    return None if isinstance(actor, SystemActor) or not actor.is_authenticated else actor


def _values(obs: Observation) -> dict[str, Any]:
    return {
        "value": obs.value,
        "status": obs.status,
        "comment": obs.comment,
        "import": obs.source_import_id,
        "row": obs.row,
    }


@action("indicators.import")
def import_data(
    path: Path,
    *,
    actor: Actor,
    format: str,
    options: ReadOptions | None = None,
    name: str = "",
    progress: Progress | None = None,
    reassess: bool = True,
) -> ImportResult:
    """Read, validate and store a file or folder, all or nothing.

    Every problem of the whole input is collected first; with any blocking one,
    ``ImportRejected`` lists them all and nothing is written. Otherwise the
    observations of every (indicator, place) the input covers are made equal to the
    input: new rows are added, differing rows changed, rows the input no longer has
    removed, and each of these is kept as an ``ImportChange`` so that the import can
    be inspected and undone. An input identical to what is stored changes nothing.
    """
    options = options or ReadOptions()
    notify = progress or (lambda _stage, _done, _total: None)
    notify("reading", 0, 1)
    read = reader(format).read(path, options)
    notify("validating", 0, 1)
    resolved, series_specs, problems = validate(read, Codes())
    if any(p.level == ERROR for p in problems):
        raise ImportRejected(problems)
    warnings = [p for p in problems if p.level == WARNING]
    if not resolved:
        raise ImportRejected(
            [*problems, Problem(Location(path.name), "no observations found", ERROR, "empty")]
        )

    existing_series = {s.key: s for s in Series.objects.filter(key__in=list(series_specs))}
    new_specs = {k: v for k, v in series_specs.items() if k not in existing_series}
    scope = {(v["indicator"].pk, v["place"].pk) for v in series_specs.values()}
    scope_q = Q()
    for indicator_id, place_id in scope:
        scope_q |= Q(series__indicator_id=indicator_id, series__place_id=place_id)
    stored: dict[tuple[int, str, int], Observation] = {
        (o.series_id, o.period, o.ordinal): o
        for o in Observation.objects.filter(scope_q).only(
            "id",
            "series_id",
            "period",
            "ordinal",
            "value",
            "status",
            "comment",
            "source_import_id",
            "row",
        )
    }
    # Compare before writing anything, so an identical input writes nothing at all.
    incoming: dict[tuple[str, str, int], _Resolved] = {
        (r.key, r.record.period, r.ordinal): r for r in resolved
    }
    key_to_id = {k: s.pk for k, s in existing_series.items()}
    changes_plan: list[tuple[str, _Resolved | None, Observation | None]] = []
    unchanged = 0
    matched: set[int] = set()
    for (key, period, ordinal), entry in incoming.items():
        current = stored.get((key_to_id[key], period, ordinal)) if key in key_to_id else None
        if current is None:
            changes_plan.append(("added", entry, None))
            continue
        matched.add(current.pk)
        if (current.value, current.status, current.comment) == (
            entry.record.value,
            entry.record.status,
            entry.record.comment,
        ):
            unchanged += 1
        else:
            changes_plan.append(("changed", entry, current))
    for obs in stored.values():
        if obs.pk not in matched:
            changes_plan.append(("removed", None, obs))
    if not changes_plan:
        return ImportResult(
            None,
            unchanged=unchanged,
            warnings=warnings,
            series_ids=sorted(s.pk for s in existing_series.values()),
        )

    checksum, size = _checksum(read)
    record = Import.objects.create(
        user=_user(actor),
        actor=label(actor),
        format=format,
        name=name or path.name,
        checksum=checksum,
        size=size,
        files=[{"name": f.name, "sha256": f.sha256, "size": f.size} for f in read.files],
        options={
            "place": options.place,
            "framework": options.framework,
            "columns": dict(options.columns),
        },
        status=Import.Status.COMMITTED,
        problems=[p.as_dict() for p in warnings],
    )
    created = Series.objects.bulk_create(
        [Series(key=k, **{f: v for f, v in spec.items()}) for k, spec in new_specs.items()],
        batch_size=BATCH,
    )
    if any(s.pk is None for s in created):
        created = list(Series.objects.filter(key__in=list(new_specs)))
    for s in created:
        key_to_id[s.key] = s.pk

    new_rows: list[tuple[Any, ...]] = []
    added_changes: list[tuple[Any, ...]] = []
    updated: list[Observation] = []
    removed_ids: list[int] = []
    change_rows: list[ImportChange] = []
    total = len(changes_plan)
    for done, (kind, item, current) in enumerate(changes_plan, start=1):
        if done % 10000 == 0:
            notify("writing", done, total)
        if kind == "added" and item is not None:
            series_id = key_to_id[item.key]
            after = {
                "value": item.record.value,
                "status": item.record.status,
                "comment": item.record.comment,
                "import": record.pk,
                "row": item.record.location.row,
            }
            new_rows.append(
                (
                    series_id,
                    item.record.period,
                    item.ordinal,
                    item.period.kind,
                    item.period.start,
                    item.period.end,
                    item.period.year,
                    item.record.value,
                    item.record.status,
                    item.record.comment,
                    record.pk,
                    item.record.location.row,
                )
            )
            added_changes.append(
                (record.pk, series_id, item.record.period, item.ordinal, "added", None, after)
            )
        elif kind == "changed" and item is not None and current is not None:
            before = _values(current)
            current.value = item.record.value
            current.status = item.record.status
            current.comment = item.record.comment
            current.source_import = record
            current.row = item.record.location.row
            updated.append(current)
            change_rows.append(
                ImportChange(
                    source_import=record,
                    series_id=current.series_id,
                    period=current.period,
                    ordinal=current.ordinal,
                    action="changed",
                    before=before,
                    after=_values(current),
                )
            )
        elif kind == "removed" and current is not None:
            removed_ids.append(current.pk)
            change_rows.append(
                ImportChange(
                    source_import=record,
                    series_id=current.series_id,
                    period=current.period,
                    ordinal=current.ordinal,
                    action="removed",
                    before=_values(current),
                )
            )
    insert_rows(Observation, OBSERVATION_COLUMNS, new_rows)
    Observation.objects.bulk_update(
        updated, ["value", "status", "comment", "source_import", "row"], batch_size=BATCH
    )
    for start in range(0, len(removed_ids), BATCH):
        Observation.objects.filter(pk__in=removed_ids[start : start + BATCH]).delete()
    insert_rows(ImportChange, CHANGE_COLUMNS, added_changes)
    ImportChange.objects.bulk_create(change_rows, batch_size=BATCH)
    record.added = len(added_changes)
    record.changed = len(updated)
    record.removed = len(removed_ids)
    record.unchanged = unchanged
    record.save(update_fields=["added", "changed", "removed", "unchanged"])
    _store_metadata(read, format, series_specs, record)
    audit.record(
        actor=actor,
        action="indicators.import",
        object_type="import",
        object_uid=record.uid,
        after={
            "format": format,
            "name": record.name,
            "checksum": checksum,
            "added": record.added,
            "changed": record.changed,
            "removed": record.removed,
        },
        source=record.name,
    )
    notify("writing", total, total)
    affected = sorted({key_to_id[k] for k in series_specs} | {c.series_id for c in change_rows})
    if reassess:
        _reassess_after_commit(affected, actor)
    return ImportResult(
        record, record.added, record.changed, record.removed, unchanged, warnings, affected
    )


def _store_metadata(
    read: ReadResult, format: str, series_specs: dict[str, dict[str, Any]], record: Import
) -> None:
    layouts: dict[str, Any] = read.metadata.get("indicators", {})
    if not layouts:
        return
    by_code = {}
    for spec in series_specs.values():
        by_code[spec["indicator"].code] = (spec["indicator"], spec["place"])
    for code, layout in layouts.items():
        target = by_code.get(code.removeprefix("archived:"))
        if target is None:
            continue
        indicator, place = target
        fmt = f"{format}:archived" if code.startswith("archived:") else format
        IndicatorMetadata.objects.update_or_create(
            indicator=indicator,
            place=place,
            format=fmt,
            defaults={"fields": layout, "source_import": record},
        )


def _reassess_after_commit(series_ids: list[int], actor: Actor) -> None:
    """Once the import is stored, assess the series it touched in a background job."""
    from meadow.jobs.runner import enqueue

    def start() -> None:
        enqueue(
            "assess",
            "meadow.indicators.assess.run_job",
            created_by=None if isinstance(actor, SystemActor) else actor,
            series_ids=series_ids,
        )

    after_commit(start)


class UndoRefused(Exception):
    """An import cannot be undone (already undone, or later imports changed its rows)."""


@action("indicators.import")
def undo_import(record: Import, *, actor: Actor) -> Import:
    """Put back every observation as it was before ``record``; refuse if later work built on it."""
    if record.status != Import.Status.COMMITTED:
        raise UndoRefused(f"import {record.pk} is {record.get_status_display().lower()}")
    changes = list(record.changes.all())
    later = ImportChange.objects.filter(
        source_import__status=Import.Status.COMMITTED,
        source_import__created_at__gte=record.created_at,
    ).exclude(source_import=record)
    touched = {(c.series_id, c.period, c.ordinal) for c in changes}
    clashes = [
        c
        for c in later.filter(series_id__in={t[0] for t in touched})
        if (c.series_id, c.period, c.ordinal) in touched
    ]
    if clashes:
        raise UndoRefused(
            f"import {clashes[0].source_import_id} changed the same observations later; "
            "undo it first"
        )
    by_key = {
        (o.series_id, o.period, o.ordinal): o
        for o in Observation.objects.filter(source_import=record)
    }
    restore: list[Observation] = []
    for change in changes:
        key = (change.series_id, change.period, change.ordinal)
        if change.action == "added":
            obs = by_key.get(key)
            if obs is not None:
                obs.delete()
        elif change.action in ("changed", "removed") and change.before:
            before = change.before
            period = periods.parse(change.period)
            if change.action == "changed":
                obs = by_key[key]
                obs.value, obs.status, obs.comment = (
                    before["value"],
                    before["status"],
                    before["comment"],
                )
                obs.source_import_id = before["import"]
                obs.row = before["row"]
                obs.save()
            else:
                restore.append(
                    Observation(
                        series_id=change.series_id,
                        period=change.period,
                        ordinal=change.ordinal,
                        kind=period.kind,
                        start=period.start,
                        end=period.end,
                        year=period.year,
                        value=before["value"],
                        status=before["status"],
                        comment=before["comment"],
                        source_import_id=before["import"],
                        row=before["row"],
                    )
                )
    Observation.objects.bulk_create(restore, batch_size=BATCH)
    record.status = Import.Status.UNDONE
    record.undone_at = timezone.now()
    record.undone_by = label(actor)
    record.save(update_fields=["status", "undone_at", "undone_by"])
    _reassess_after_commit(sorted({c.series_id for c in changes}), actor)
    audit.record(
        actor=actor,
        action="indicators.import.undo",
        object_type="import",
        object_uid=record.uid,
        before={"status": "committed"},
        after={"status": "undone"},
    )
    return record


@action("indicators.edit")
def set_goal(
    *,
    actor: Actor,
    indicator: Any,
    direction: int,
    place: Any = None,
    series: Series | None = None,
    baseline_year: int | None = None,
    baseline_value: float | None = None,
    target_year: int | None = None,
    target_value: float | None = None,
    natural_limit: float | None = None,
    source: str = "",
    note: str = "",
) -> Goal:
    """Set the baseline and target of a series, or of an indicator (in a place)."""
    if direction not in (1, -1):
        raise ValueError("direction: 1 (increase) or -1 (decrease)")
    if (target_value is None) != (target_year is None):
        raise ValueError("target: give both a value and a year, or neither")
    if (baseline_value is None) != (baseline_year is None) and baseline_value is not None:
        raise ValueError("baseline: a value needs its year")
    if target_year and baseline_year and target_year <= baseline_year:
        raise ValueError("target_year must come after baseline_year")
    values = {
        "direction": direction,
        "baseline_year": baseline_year,
        "baseline_value": baseline_value,
        "target_year": target_year,
        "target_value": target_value,
        "natural_limit": natural_limit,
        "source": source,
        "note": note,
    }
    if series is not None:
        goal, created = Goal.objects.get_or_create(
            series=series, defaults={"indicator": series.indicator, "place": series.place, **values}
        )
    else:
        goal, created = Goal.objects.get_or_create(
            indicator=indicator, place=place, series=None, defaults=values
        )
    before = None if created else goal.as_dict()
    if not created:
        for name, value in values.items():
            setattr(goal, name, value)
        goal.save()
    scope = f"series/{series.pk}" if series else f"{indicator.uid}@{getattr(place, 'code', '*')}"
    audit.record(
        actor=actor,
        action="indicators.goal.set",
        object_type="goal",
        object_uid=scope,
        before=before,
        after=goal.as_dict(),
    )
    return goal


@dataclass
class GoalsReport:
    name: str = "goals"
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        return (
            f"goals: {len(self.created)} created, {len(self.updated)} updated, "
            f"{self.unchanged} unchanged"
        )


@action("indicators.edit")
def import_goals(path: Path, *, actor: Actor) -> GoalsReport:
    """Set every goal of a goals file, all or nothing; unchanged goals are left alone."""
    from meadow.frameworks.models import Element
    from meadow.indicators import goals

    rows, problems = goals.read(path)
    codes = Codes()
    elements = {
        e.uid: e
        for e in Element.objects.filter(uid__in={r.indicator for r in rows}, level="indicator")
    }
    resolved = []
    for row in rows:
        element = elements.get(row.indicator)
        if element is None:
            problems.append(
                Problem(
                    Location(row.location.file, row.location.row, "indicator"),
                    f"{row.indicator!r} is not an indicator",
                )
            )
            continue
        place = None
        if row.place:
            place = codes.place(row.place)
            if place is None:
                problems.append(
                    Problem(
                        Location(row.location.file, row.location.row, "place"),
                        f"{row.place!r} is not a known place",
                    )
                )
                continue
        resolved.append((row, element, place))
    if problems:
        raise ImportRejected(problems)
    report = GoalsReport()
    for row, element, place in resolved:
        values = {
            "direction": row.direction,
            "baseline_year": row.baseline_year,
            "baseline_value": row.baseline_value,
            "target_year": row.target_year,
            "target_value": row.target_value,
            "natural_limit": row.natural_limit,
            "source": row.source,
        }
        current = Goal.objects.filter(indicator=element, place=place, series=None).first()
        name = f"{element.uid}@{place.code if place else '*'}"
        if current is not None and all(getattr(current, k) == v for k, v in values.items()):
            report.unchanged += 1
            continue
        set_goal(
            actor=actor,
            indicator=element,
            place=place,
            direction=row.direction,
            baseline_year=row.baseline_year,
            baseline_value=row.baseline_value,
            target_year=row.target_year,
            target_value=row.target_value,
            natural_limit=row.natural_limit,
            source=row.source,
        )
        (report.updated if current else report.created).append(name)
    return report
