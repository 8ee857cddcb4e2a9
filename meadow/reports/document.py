"""A report assembled for reading: sections, questions, answers, provenance, rule results.

``assemble(report)`` is what every output reads (the pages, the API, the PDF, DOCX,
XLSX and JSON exports): the template's sections and questions in order, each with its
answer (live facts for a report being written, the latest snapshot's once submitted,
or a given snapshot), where the answer was entered, which other templates ask for the
same fact, whether the question is shown and required, and the rules that fail. An
indicator-data question carries the country's total series for the indicator; a
national-targets question carries the progress per GBF target (``by_gbf``), worked out
from its answer (the snapshot's, for a submitted report) and the country's published
national targets and their alignments as they are now.

``as_json`` writes the document in the ``meadow-report/1`` format, described by
``meadow/reports/schema/report.schema.json``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from meadow.core import i18n
from meadow.indicators.models import Observation
from meadow.reports import facts, review, rules, target_progress, workflow
from meadow.reports.models import ConceptType, Report, Snapshot

FORMAT = "meadow-report/1"


@dataclass
class Series:
    """One of the country's series for an indicator: a label and (year, value) points."""

    label: str
    unit: str
    points: list[tuple[int, float]]


@dataclass
class QuestionView:
    key: str
    number: str
    title: dict[str, str]
    help: dict[str, str]
    concept: str
    type: str
    unit: str = ""
    options: list[dict[str, Any]] = field(default_factory=list)
    columns: list[dict[str, Any]] = field(default_factory=list)
    value: Any = None
    shown: bool = True
    required: bool = False
    answered: bool = False
    issues: list[rules.Issue] = field(default_factory=list)
    fact_version: int = 0
    source: str = ""
    prefilled_from: str = ""
    also_in: list[str] = field(default_factory=list)
    updated_at: dt.datetime | None = None
    updated_by: str = ""
    series: list[Series] = field(default_factory=list)
    # National-targets questions: progress per GBF target (``target_progress``).
    by_gbf: list[target_progress.GlobalProgress] = field(default_factory=list)

    def label(self, lang: str | None = None) -> str:
        return i18n.text(self.title, lang) or self.key

    def option_label(self, value: Any, lang: str | None = None) -> str:
        for option in self.options:
            if str(option.get("value")) == str(value):
                return i18n.text(option.get("title") or {}, lang) or str(value)
        return str(value)


@dataclass
class SectionView:
    key: str
    number: str
    title: dict[str, str]
    help: dict[str, str]
    questions: list[QuestionView]
    progress: review.SectionProgress

    def label(self, lang: str | None = None) -> str:
        return i18n.text(self.title, lang) or self.key


@dataclass
class ReportDocument:
    report: Report
    state: str
    sections: list[SectionView]
    evaluation: rules.Evaluation
    snapshot: Snapshot | None
    generated_at: dt.datetime

    @property
    def template(self) -> Any:
        return self.report.template

    @property
    def country(self) -> str:
        return self.report.country.code

    def country_name(self, lang: str | None = None) -> str:
        return self.report.country.label(lang)

    def questions(self) -> list[QuestionView]:
        return [q for s in self.sections for q in s.questions]

    def question(self, key: str) -> QuestionView:
        return next(q for q in self.questions() if q.key == key)


def _series(country: str, indicators: list[int]) -> dict[int, list[Series]]:
    out: dict[int, list[Series]] = {}
    rows = (
        Observation.objects.filter(
            series__place__code=country,
            series__indicator_id__in=indicators,
            series__disaggregation={},
        )
        .order_by("series_id", "end", "ordinal")
        .values_list("series_id", "series__indicator_id", "series__unit", "year", "value")
    )
    by_series: dict[int, Series] = {}
    for series_id, indicator, unit, year, value in rows:
        item = by_series.get(series_id)
        if item is None:
            item = by_series[series_id] = Series(label="", unit=unit, points=[])
            out.setdefault(indicator, []).append(item)
        item.points.append((year, value))
    for items in out.values():
        for n, item in enumerate(items, start=1):
            item.label = item.unit or f"{n}"
    return out


def assemble(report: Report, *, snapshot: Snapshot | None = None) -> ReportDocument:
    """The report as it now stands (or as the given snapshot froze it)."""
    current = workflow.state(report)
    if snapshot is None and current in review.FROZEN:
        snapshot = review.latest_snapshot(report)
    country = report.country.code
    given = facts.answers(report.template, country, report.uid)
    live = {a.question.key: a for a in given}
    frozen: dict[str, dict[str, Any]] = {}
    if snapshot is not None:
        frozen = {a["question"]: a for a in snapshot.content.get("answers", [])}
        values = {key: item.get("value") for key, item in frozen.items()}
    else:
        values = review.live_values(report, given)
    evaluation = review.evaluate(report, values)
    progress = {p.key: p for p in review.completeness(report, evaluation)}
    indicators = [
        a.concept.indicator_id
        for a in live.values()
        if a.concept.type == ConceptType.INDICATOR_DATA and a.concept.indicator_id
    ]
    series = _series(country, indicators) if indicators else {}
    sections = []
    for section in report.template.document.get("sections") or []:
        views = []
        for question in section.get("questions") or []:
            key = question["key"]
            answer = live[key]
            concept = answer.concept
            state = evaluation.questions[key]
            fact = answer.fact
            view = QuestionView(
                key=key,
                number=str(question.get("number") or ""),
                title=question.get("title") or concept.title,
                help=question.get("help") or {},
                concept=concept.uid,
                type=concept.type,
                unit=concept.unit,
                options=list(concept.options or []),
                columns=list(concept.columns or []),
                value=values.get(key),
                shown=state.shown,
                required=state.required,
                answered=state.answered,
                issues=list(state.issues),
                also_in=answer.also_in,
            )
            if snapshot is not None:
                view.fact_version = int(frozen.get(key, {}).get("fact_version") or 0)
            elif fact is not None:
                view.fact_version = fact.version
                view.source = fact.source
                view.prefilled_from = answer.prefilled_from
                view.updated_at = fact.updated_at
                view.updated_by = fact.updated_by.get_username() if fact.updated_by else ""
            if concept.type == ConceptType.INDICATOR_DATA and concept.indicator_id:
                view.series = series.get(concept.indicator_id, [])
            if concept.type == ConceptType.NATIONAL_TARGETS:
                view.by_gbf = target_progress.by_gbf_target(country, view.value)
            views.append(view)
        sections.append(
            SectionView(
                key=section["key"],
                number=str(section.get("number") or section["key"]),
                title=section.get("title") or {},
                help=section.get("help") or {},
                questions=views,
                progress=progress[section["key"]],
            )
        )
    return ReportDocument(
        report=report,
        state=current,
        sections=sections,
        evaluation=evaluation,
        snapshot=snapshot,
        generated_at=timezone.now(),
    )


def as_json(document: ReportDocument) -> dict[str, Any]:
    """The whole report in the ``meadow-report/1`` format (every language kept)."""
    report = document.report
    template = report.template
    snapshot = document.snapshot
    return {
        "format": FORMAT,
        "report": report.uid,
        "country": {"code": report.country.code, "name": dict(report.country.name or {})},
        "template": {
            "code": template.code,
            "version": template.version,
            "convention": template.convention.code,
            "title": dict(template.title),
            "digest": template.digest,
            "illustrative": template.illustrative,
        },
        "cycle": report.cycle,
        "state": document.state,
        "snapshot": (
            {"number": snapshot.number, "digest": snapshot.digest, "at": snapshot.at.isoformat()}
            if snapshot is not None
            else None
        ),
        "generated_at": document.generated_at.isoformat(),
        "sections": [
            {
                "key": section.key,
                "number": section.number,
                "title": section.title,
                "questions": [
                    {
                        "key": q.key,
                        "number": q.number,
                        "concept": q.concept,
                        "type": q.type,
                        "title": q.title,
                        "shown": q.shown,
                        "required": q.required,
                        "value": q.value,
                        "fact_version": q.fact_version,
                        "source": q.source,
                        "also_in": q.also_in,
                        "issues": [
                            {"level": i.level, "kind": i.kind, "params": dict(i.params)}
                            for i in q.issues
                        ],
                        **(
                            {"by_gbf": [item.as_json() for item in q.by_gbf]}
                            if q.type == ConceptType.NATIONAL_TARGETS
                            else {}
                        ),
                    }
                    for q in section.questions
                ],
            }
            for section in document.sections
        ],
    }
