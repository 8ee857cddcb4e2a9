"""How fast national reports are filled in and exported (``meadow bench reports``).

Everything runs inside a transaction that is rolled back: nothing is kept.

- One country's report on the CBD's 7th national report template is opened and
  prefilled with sample answers (``meadow.reports.sample``), each written as a fact
  the way an editor's answer is (``facts.set_fact``: checked, versioned, audited);
  then the report is rendered as a PDF in English.
- 200 countries (``quick``: 20), real country places, get the same template's report
  filled with sample answers (facts created in bulk: setup, not timed); then every
  report is exported to JSON the way the API does (``document.assemble``,
  ``document.as_json``, ``json.dumps``).
- The baseline: the same answers read in one query and written with a bare
  ``json.dumps`` per country. The ratio says how much the full export (template
  order, rules, provenance, indicator data) costs over that floor.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from tqdm import tqdm

from meadow.core.actors import SystemActor
from meadow.places.models import Place, PlaceKind
from meadow.reports import document, facts, sample, workflow
from meadow.reports.models import Concept, Fact, Report, Template

TEMPLATE = "cbd-nr7"
COUNTRIES = 200
QUICK_COUNTRIES = 20
PREFERRED = "KEN"


class _Rollback(Exception):
    pass


def _definitions() -> dict[str, dict[str, Any]]:
    return {
        c.uid: {"type": c.type, "options": c.options, "columns": c.columns, "unit": c.unit}
        for c in Concept.objects.all()
    }


def _template() -> Template:
    template = Template.objects.filter(code=TEMPLATE).order_by("-loaded_at", "-id").first()
    if template is None:
        raise LookupError(
            f"the report template {TEMPLATE} is not loaded: run meadow load-reference first"
        )
    return template


def _one_country(template: Template, echo: Callable[[str], None]) -> dict[str, Any]:
    """Prefill one country's report through set_fact, then render it as a PDF."""
    from meadow.reports import exports

    actor = SystemActor("bench")
    taken = set(Report.objects.filter(template=template).values_list("country__code", flat=True))
    countries = Place.objects.filter(kind=PlaceKind.COUNTRY).order_by("code")
    place = countries.filter(code=PREFERRED).exclude(code__in=taken).first() or (
        countries.exclude(code__in=taken).first()
    )
    if place is None:
        raise LookupError("every country has a report on the template already")
    country = place.code
    report = workflow.open_report(actor=actor, country=country, template=template)
    concepts = dict(template.questions.values_list("key", "concept__uid"))
    answers = sample.answers(template.document, _definitions(), seed=7)
    source = facts.source_of(template, country)
    start = time.perf_counter()
    for key, value in answers.items():
        facts.set_fact(
            actor=actor, country=country, concept=concepts[key], value=value, source=source
        )
    prefill = time.perf_counter() - start
    echo(
        f"{country}: prefilled {len(answers)} answers of {template.code}@{template.version} "
        f"as facts in {prefill:.2f} s ({prefill / max(len(answers), 1) * 1000:.1f} ms each)"
    )
    start = time.perf_counter()
    made = exports.render(document.assemble(report), "pdf", "en")
    pdf = time.perf_counter() - start
    echo(f"{country}: PDF rendered in {pdf:.2f} s, {len(made.content):,} bytes")
    return {
        "country": country,
        "answers": len(answers),
        "prefill_s": round(prefill, 4),
        "pdf_s": round(pdf, 4),
        "pdf_bytes": len(made.content),
    }


def _many_countries(template: Template, count: int, echo: Callable[[str], None]) -> dict[str, Any]:
    """Fill ``count`` countries' reports in bulk, then time their JSON export."""
    places = list(Place.objects.filter(kind=PlaceKind.COUNTRY).order_by("code")[:count])
    if len(places) < count:
        raise LookupError(f"only {len(places)} countries are loaded, {count} are needed")
    questions = dict(template.questions.values_list("key", "concept_id"))
    definitions = _definitions()
    Report.objects.bulk_create(
        [Report(country=p, template=template, cycle=template.cycle) for p in places],
        ignore_conflicts=True,
    )
    rows = []
    for n, place in enumerate(tqdm(places, desc="filling reports", unit="report", disable=None)):
        source = facts.source_of(template, place.code)
        for key, value in sample.answers(template.document, definitions, seed=n).items():
            rows.append(
                Fact(
                    country=place,
                    concept_id=questions[key],
                    value=value,
                    version=1,
                    source=source,
                )
            )
    Fact.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    reports = list(
        Report.objects.filter(template=template, cycle=template.cycle, country__in=places)
        .select_related("country", "template", "template__convention")
        .order_by("country__code")
    )
    echo(f"{len(reports)} countries' reports filled with {len(rows):,} facts (not timed)")

    start = time.perf_counter()
    size = 0
    for report in tqdm(reports, desc="exporting to JSON", unit="report", disable=None):
        size += len(json.dumps(document.as_json(document.assemble(report)), ensure_ascii=False))
    seconds = time.perf_counter() - start
    echo(
        f"JSON export: {len(reports)} reports in {seconds:.2f} s "
        f"({len(reports) / seconds:.1f} reports/s, {size / len(reports) / 1000:.0f} kB each)"
    )

    start = time.perf_counter()
    by_country: dict[str, dict[str, Any]] = {}
    for code, uid, value, version in Fact.objects.filter(
        country__in=places, concept_id__in=set(questions.values())
    ).values_list("country__code", "concept__uid", "value", "version"):
        by_country.setdefault(code, {})[uid] = {"value": value, "version": version}
    floor_size = sum(
        len(json.dumps(answers, ensure_ascii=False)) for answers in by_country.values()
    )
    baseline = time.perf_counter() - start
    ratio = seconds / baseline if baseline > 0 else 0.0
    echo(
        f"Baseline (the same answers in one query, bare json.dumps per country): "
        f"{baseline:.3f} s, {floor_size / max(len(by_country), 1) / 1000:.0f} kB each; "
        f"the full export takes {ratio:.1f}x as long"
    )
    return {
        "json_reports": len(reports),
        "json_s": round(seconds, 4),
        "json_reports_per_s": round(len(reports) / seconds, 2),
        "json_bytes": size,
        "baseline_s": round(baseline, 4),
        "baseline_ratio": round(ratio, 2),
    }


def run(quick: bool = False, echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Run the reports benchmark (rolled back), reporting lines through ``echo``."""
    template = _template()
    count = QUICK_COUNTRIES if quick else COUNTRIES
    summary: dict[str, Any] = {"benchmark": "reports", "template": str(template)}
    try:
        with transaction.atomic():
            summary.update(_one_country(template, echo))
            summary.update(_many_countries(template, count, echo))
            raise _Rollback
    except _Rollback:
        pass
    summary["baseline"] = "one query of the same facts, json.dumps per country"
    echo("Rolled back: nothing was kept.")
    return summary
