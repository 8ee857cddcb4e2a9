"""Differences: between two versions of a fact, two snapshots, or two reporting cycles.

Answers are matched by concept, so a question renumbered in a new cycle's template is
still compared with its earlier self. ``previous`` finds the country's report on the
same convention for the cycle before, which is where a new report's answers were
prefilled from (facts carry over from cycle to cycle).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from meadow.reports import review
from meadow.reports.models import FactVersion, Report, Snapshot


@dataclass(frozen=True)
class Change:
    """One answer that differs: ``before`` and ``after`` (None: no answer)."""

    concept: str
    question: str
    before: Any
    after: Any

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed"


def _by_concept(answers: list[dict[str, Any]]) -> dict[str, tuple[str, Any]]:
    return {a["concept"]: (a["question"], a.get("value")) for a in answers}


def _live(report: Report) -> list[dict[str, Any]]:
    values = review.live_values(report)
    return [
        {"question": q.key, "concept": q.concept.uid, "value": values.get(q.key)}
        for q in report.template.questions.select_related("concept").order_by("order")
    ]


def answers_of(report: Report, snapshot: Snapshot | None = None) -> list[dict[str, Any]]:
    """The report's answers with their concepts: a snapshot's, else as the report stands."""
    if snapshot is None:
        from meadow.reports.workflow import state

        if state(report) in review.FROZEN:
            snapshot = review.latest_snapshot(report)
    if snapshot is not None:
        return list(snapshot.content.get("answers", []))
    return _live(report)


def diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[Change]:
    """The answers that differ, in the order of ``after`` then what only ``before`` had."""
    old, new = _by_concept(before), _by_concept(after)
    changes = []
    for concept, (question, value) in new.items():
        previous = old.get(concept, ("", None))[1]
        if previous != value and (previous is not None or value is not None):
            changes.append(Change(concept, question, previous, value))
    for concept, (question, value) in old.items():
        if concept not in new and value is not None:
            changes.append(Change(concept, question, value, None))
    return changes


def previous(report: Report) -> Report | None:
    """The country's report on the same convention for the latest earlier cycle."""
    return (
        Report.objects.filter(
            country=report.country,
            template__convention=report.template.convention,
            cycle__lt=report.cycle,
        )
        .select_related("template")
        .order_by("-cycle")
        .first()
    )


def between_cycles(report: Report, earlier: Report | None = None) -> list[Change]:
    """What changed since the earlier cycle's report (its latest snapshot if submitted)."""
    earlier = earlier or previous(report)
    if earlier is None:
        return []
    return diff(answers_of(earlier), answers_of(report))


def between_snapshots(first: Snapshot, second: Snapshot) -> list[Change]:
    return diff(list(first.content.get("answers", [])), list(second.content.get("answers", [])))


def between_versions(country: str, concept: str, first: int, second: int) -> Change | None:
    """The fact's value at two versions (0: before it existed); None when they agree."""
    found = dict(
        FactVersion.objects.filter(
            fact__country__code=country, fact__concept__uid=concept, version__in=[first, second]
        ).values_list("version", "value")
    )
    before, after = found.get(first), found.get(second)
    if before == after:
        return None
    return Change(concept, "", before, after)
