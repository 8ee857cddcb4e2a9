"""Loading the shared concepts file and report templates into the database.

Every file is checked as a whole first (``templates_io``); with any problem nothing
is written and ``TemplateRejected`` lists them all. A template's (code, version) is
loaded once: loading the identical file again changes nothing, and a different file
under the same version is refused (a loaded version is immutable; bump the version).

- ``load_report_templates(actor=...)``: the shipped data (``reference.load``): the
  shared concepts file, then every file in ``data/templates/``, all or nothing.
- ``load_template(path, actor=...)``: one template file, e.g. a secretariat's real
  form (``reports.templates.load``: administrators and that convention's secretariat).
- ``load_concepts(actor=...)``: the shared concepts file alone (``reference.load``).
- ``check_template_file(path)``: the problems a template file has, loading nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meadow import audit
from meadow.core.actions import action
from meadow.core.actors import Actor
from meadow.frameworks.models import Element, Level
from meadow.parties.models import Convention
from meadow.reports import templates_io as io
from meadow.reports.models import Concept, Question, Template

NAME = "report-templates"
DESCRIPTION = "Report concepts and templates (CBD 7th national report and others)"
SHARED = "shared"


@dataclass
class LoadReport:
    concepts_created: list[str] = field(default_factory=list)
    concepts_updated: list[str] = field(default_factory=list)
    templates_created: list[str] = field(default_factory=list)
    templates_unchanged: list[str] = field(default_factory=list)

    def merge(self, other: LoadReport) -> None:
        self.concepts_created += other.concepts_created
        self.concepts_updated += other.concepts_updated
        self.templates_created += other.templates_created
        self.templates_unchanged += other.templates_unchanged

    def summary(self) -> str:
        return (
            f"report templates: {len(self.templates_created)} loaded, "
            f"{len(self.templates_unchanged)} unchanged; concepts: "
            f"{len(self.concepts_created)} created, {len(self.concepts_updated)} updated"
        )


@dataclass
class CheckedTemplate:
    """A template file that passed every check, ready to be written."""

    doc: io.Document
    declared: dict[str, dict[str, Any]]
    digest: str

    @property
    def data(self) -> dict[str, Any]:
        value: dict[str, Any] = self.doc.data
        return value

    @property
    def code(self) -> str:
        return str(self.data["template"])

    @property
    def version(self) -> str:
        return str(self.data["version"])


# --- what the database knows ---------------------------------------------------------


def _stored(concept: Concept) -> dict[str, Any]:
    return {
        "type": concept.type,
        "title": concept.title,
        "description": concept.description,
        "unit": concept.unit,
        "options": concept.options,
        "columns": concept.columns,
        "indicator": concept.indicator.uid if concept.indicator is not None else None,
    }


def _db_concepts() -> dict[str, dict[str, Any]]:
    return {c.uid: _stored(c) for c in Concept.objects.select_related("indicator")}


def _indicators() -> set[str]:
    return set(
        Element.objects.filter(level__in=[Level.INDICATOR, Level.SUB_INDICATOR]).values_list(
            "uid", flat=True
        )
    )


def _conventions() -> set[str]:
    return set(Convention.objects.values_list("code", flat=True))


def _shared_file_concepts(path: Path = io.SHARED_CONCEPTS) -> dict[str, dict[str, Any]]:
    """The shared file's concepts as stored, when it is readable (else none)."""
    try:
        doc = io.read_document(path)
    except io.TemplateRejected:
        return {}
    items = doc.data.get("concepts") if isinstance(doc.data, dict) else None
    return {
        str(item["id"]): io.concept_definition(item)
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    }


def check_template(
    path: Path | str, *, extra_concepts: dict[str, dict[str, Any]] | None = None
) -> CheckedTemplate:
    """Read and check a template against the database; TemplateRejected with every problem."""
    doc = io.read_document(path)
    concepts = {**(extra_concepts or {}), **_db_concepts()}
    declared = io.check_template(
        doc, concepts=concepts, conventions=_conventions(), indicators=_indicators()
    )
    if not doc.problems:
        existing = Template.objects.filter(
            code=doc.data["template"], version=doc.data["version"]
        ).first()
        if existing is not None and existing.digest != io.digest(doc.data):
            doc.problem(
                ("version",),
                f"{existing} is already loaded with different content; a loaded version "
                "cannot change: give this file a new version",
            )
    if doc.problems:
        raise io.TemplateRejected(doc.path, doc.problems)
    return CheckedTemplate(doc=doc, declared=declared, digest=io.digest(doc.data))


def check_template_file(path: Path | str) -> list[io.Problem]:
    """Every problem of a template file (none: it would load); writes nothing.

    Concepts of the shared concepts file count as known even before it is loaded.
    """
    try:
        check_template(path, extra_concepts=_shared_file_concepts())
    except io.TemplateRejected as exc:
        return exc.problems
    return []


# --- writing -------------------------------------------------------------------------


def _indicator(uid: str | None) -> Element | None:
    return Element.objects.get(uid=uid) if uid else None


def _create_concept(
    uid: str, definition: dict[str, Any], *, defined_by: str, actor: Actor, source: str
) -> Concept:
    concept = Concept.objects.create(
        uid=uid,
        type=definition["type"],
        title=definition["title"],
        description=definition["description"],
        unit=definition["unit"],
        options=definition["options"],
        columns=definition["columns"],
        indicator=_indicator(definition["indicator"]),
        defined_by=defined_by,
    )
    audit.record(
        actor=actor,
        action="concept.create",
        object_type="concept",
        object_uid=uid,
        after={**definition, "defined_by": defined_by},
        source=source,
    )
    return concept


def _install(checked: CheckedTemplate, *, actor: Actor) -> LoadReport:
    report = LoadReport()
    data = checked.data
    label = f"{checked.code}@{checked.version}"
    existing = Template.objects.filter(code=checked.code, version=checked.version).first()
    if existing is not None:  # same digest: checked before
        report.templates_unchanged.append(label)
        return report
    source = checked.doc.name
    concepts = {c.uid: c for c in Concept.objects.all()}
    for uid, definition in checked.declared.items():
        if uid not in concepts:
            concepts[uid] = _create_concept(
                uid, definition, defined_by=label, actor=actor, source=source
            )
            report.concepts_created.append(uid)
    deadline = data.get("deadline")
    template = Template.objects.create(
        code=checked.code,
        version=checked.version,
        convention=Convention.objects.get(code=data["convention"]),
        title=data["title"],
        cycle=data["cycle"],
        deadline=dt.date.fromisoformat(deadline) if deadline else None,
        illustrative=bool(data.get("illustrative", False)),
        document=data,
        digest=checked.digest,
        source=str(data.get("source", ""))[:300],
    )
    rows: list[Question] = []
    for section in data["sections"]:
        for question in section["questions"]:
            rows.append(
                Question(
                    template=template,
                    key=question["key"],
                    number=question.get("number", ""),
                    section=section["key"],
                    concept=concepts[question["concept"]],
                    order=len(rows),
                )
            )
    Question.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action="template.create",
        object_type="template",
        object_uid=template.uid,
        after={
            "code": template.code,
            "version": template.version,
            "convention": data["convention"],
            "cycle": template.cycle,
            "digest": template.digest,
            "questions": len(rows),
        },
        source=source,
    )
    report.templates_created.append(label)
    return report


def _sync_concepts(path: Path, *, actor: Actor) -> LoadReport:
    doc = io.read_document(path)
    declared = io.check_concepts_file(doc, indicators=_indicators())
    existing = {c.uid: c for c in Concept.objects.select_related("indicator")}
    items = doc.data.get("concepts") if isinstance(doc.data, dict) else None
    for n, item in enumerate(items if isinstance(items, list) else []):
        uid = item.get("id") if isinstance(item, dict) else None
        concept = existing.get(str(uid))
        if concept is None or uid not in declared:
            continue
        in_use = concept.questions.exists() or concept.facts.exists()
        if concept.type != declared[uid]["type"] and in_use:
            doc.problem(
                ("concepts", n, "type"),
                f"the concept {uid!r} is a {concept.type} already used by templates or facts; "
                "its type cannot change",
            )
    if doc.problems:
        raise io.TemplateRejected(doc.path, doc.problems)
    report = LoadReport()
    for uid, definition in declared.items():
        concept = existing.get(uid)
        if concept is None:
            _create_concept(uid, definition, defined_by=SHARED, actor=actor, source=path.name)
            report.concepts_created.append(uid)
            continue
        before = _stored(concept)
        if before == definition:
            continue
        for name in ("type", "title", "description", "unit", "options", "columns"):
            setattr(concept, name, definition[name])
        concept.indicator = _indicator(definition["indicator"])
        concept.save()
        audit.record(
            actor=actor,
            action="concept.update",
            object_type="concept",
            object_uid=uid,
            before=before,
            after=definition,
            source=path.name,
        )
        report.concepts_updated.append(uid)
    return report


# --- actions -------------------------------------------------------------------------


@action("reference.load")
def load_concepts(*, actor: Actor, path: Path = io.SHARED_CONCEPTS) -> LoadReport:
    """Create or update the shared concepts (a concept in use keeps its type)."""
    return _sync_concepts(path, actor=actor)


@action("reference.load")
def load_report_templates(
    *,
    actor: Actor,
    concepts: Path = io.SHARED_CONCEPTS,
    folder: Path = io.SHIPPED_TEMPLATES,
) -> LoadReport:
    """The shared concepts file, then every template file in ``folder``, all or nothing."""
    report = _sync_concepts(concepts, actor=actor)
    for path in io.template_files(folder):
        report.merge(_install(check_template(path), actor=actor))
    return report


@action("reports.templates.load")
def install_template(checked: CheckedTemplate, *, actor: Actor, convention: str) -> LoadReport:
    """Write a checked template (the policy sees its ``convention``)."""
    return _install(checked, actor=actor)


def load_template(path: Path | str, *, actor: Actor) -> LoadReport:
    """Check one template file and load it: TemplateRejected (nothing loaded) on any
    problem, PermissionDenied unless the actor is an administrator or a member of the
    template's convention's secretariat."""
    checked = check_template(path)
    return install_template(checked, actor=actor, convention=str(checked.data["convention"]))
