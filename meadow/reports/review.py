"""Reading a report: its answers with the template's rules applied, section by section.

``values`` gives a report's answers by question key: the country's facts for a report
still being written, the frozen answers of its latest snapshot once it is submitted.
``evaluate`` applies the template's conditions and rules (``meadow.reports.rules``),
``completeness`` counts, per section, what is answered, what is missing and which
rules fail, and ``describe`` words an issue in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meadow.core import i18n
from meadow.indicators.models import Series
from meadow.reports import facts, rules
from meadow.reports.models import ConceptType, Report, Snapshot

# States in which the answers are those of the latest snapshot, not the live facts.
FROZEN = ("submitted", "published")


def indicator_values(country: str, indicators: list[int]) -> dict[int, dict[str, int]]:
    """For each indicator (element id) with data for the country: its series and points."""
    out: dict[int, dict[str, int]] = {}
    rows = (
        Series.objects.filter(place__code=country, indicator_id__in=indicators)
        .values("indicator_id")
        .annotate(n_series=Count("id", distinct=True), n_points=Count("observations"))
    )
    for row in rows:
        if row["n_points"]:
            out[row["indicator_id"]] = {"series": row["n_series"], "observations": row["n_points"]}
    return out


def live_values(report: Report, answers: list[facts.Answer] | None = None) -> dict[str, Any]:
    """The report's answers from the country's facts (and series), by question key
    (``answers``: the report's ``facts.answers`` when the caller has them already)."""
    country = report.country.code
    out: dict[str, Any] = {}
    pending: dict[int, list[str]] = {}
    if answers is None:
        answers = facts.answers(report.template, country, report.uid)
    for answer in answers:
        if answer.concept.type == ConceptType.INDICATOR_DATA and answer.concept.indicator_id:
            pending.setdefault(answer.concept.indicator_id, []).append(answer.question.key)
            out[answer.question.key] = None
        else:
            out[answer.question.key] = answer.fact.value if answer.fact else None
    for indicator, value in indicator_values(country, list(pending)).items():
        for key in pending[indicator]:
            out[key] = value
    return out


def latest_snapshot(report: Report) -> Snapshot | None:
    return report.snapshots.order_by("-number").first()


def snapshot_values(snapshot: Snapshot) -> dict[str, Any]:
    return {a["question"]: a["value"] for a in snapshot.content.get("answers", [])}


def values(report: Report, state: str | None = None) -> dict[str, Any]:
    """The answers as the report now stands: frozen once submitted, live before."""
    from meadow.reports.workflow import state as state_of

    if (state or state_of(report)) in FROZEN:
        snapshot = latest_snapshot(report)
        if snapshot is not None:
            return snapshot_values(snapshot)
    return live_values(report)


def evaluate(report: Report, answers: dict[str, Any] | None = None) -> rules.Evaluation:
    return rules.evaluate(
        report.template.document, live_values(report) if answers is None else answers
    )


def describe(issue: rules.Issue, lang: str | None = None) -> str:
    """The issue in words: the template's own message, or Meadow's for its kind."""
    own = i18n.text(dict(issue.message), lang) if issue.message else ""
    if own:
        return own
    p = dict(issue.params)
    if issue.kind == "required":
        return _("An answer is required.")
    if issue.kind == "range":
        if p.get("min") is not None and p.get("max") is not None:
            return _("%(value)s is outside %(min)s to %(max)s.") % p
        if p.get("min") is not None:
            return _("%(value)s is below the minimum, %(min)s.") % p
        return _("%(value)s is above the maximum, %(max)s.") % p
    if issue.kind == "length":
        return _("%(length)s characters: at most %(max)s are allowed.") % p
    if issue.kind == "pattern":
        return _("The answer does not have the expected form.")
    if issue.kind == "compare":
        return _("%(value)s must be %(op)s the answer to question %(question)s (%(other)s).") % p
    return issue.kind


LEVEL_LABELS = {
    rules.BLOCKER: gettext_lazy("Blocker"),
    rules.ERROR: gettext_lazy("Error"),
    rules.WARNING: gettext_lazy("Warning"),
}


@dataclass
class SectionProgress:
    """How far one section of a report has come."""

    key: str
    number: str
    title: dict[str, str]
    shown: int = 0
    answered: int = 0
    missing: list[str] = field(default_factory=list)  # required questions without answer
    blockers: int = 0
    errors: int = 0
    warnings: int = 0
    assignees: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.blockers and not self.errors

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.shown) if self.shown else 100


def completeness(
    report: Report, evaluation: rules.Evaluation | None = None
) -> list[SectionProgress]:
    """Per section: questions shown and answered, required ones missing, failing rules."""
    evaluation = evaluation or evaluate(report, values(report))
    assignees: dict[str, list[str]] = {}
    for section, name in report.assignments.values_list("section", "user__username"):
        assignees.setdefault(section, []).append(name)
    out: dict[str, SectionProgress] = {}
    for section in report.template.document.get("sections") or []:
        out[section["key"]] = SectionProgress(
            key=section["key"],
            number=str(section.get("number") or section["key"]),
            title=section.get("title") or {},
            assignees=sorted(assignees.get(section["key"], [])),
        )
    for state in evaluation.questions.values():
        progress = out[state.section]
        if not state.shown:
            continue
        progress.shown += 1
        progress.answered += int(state.answered)
        if state.required and not state.answered:
            progress.missing.append(state.key)
        for issue in state.issues:
            if issue.level == rules.BLOCKER:
                progress.blockers += 1
            elif issue.level == rules.ERROR:
                progress.errors += 1
            else:
                progress.warnings += 1
    return list(out.values())


def section_of(report: Report, question: str) -> str:
    for section, item in rules.questions(report.template.document):
        if item["key"] == question:
            return section
    raise KeyError(question)


def question_document(report: Report, key: str) -> dict[str, Any]:
    for _section, item in rules.questions(report.template.document):
        if item["key"] == key:
            return dict(item)
    raise KeyError(key)
