"""Report templates: the schema, the shipped CBD 7th national report, malformed files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from jsonschema import Draft202012Validator

from meadow.audit.models import AuditEntry
from meadow.core.actors import SystemActor
from meadow.reports import loaders
from meadow.reports import templates_io as io
from meadow.reports.models import Concept, Question, Template

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")
CBD = io.SHIPPED_TEMPLATES / "cbd-nr7.yaml"
LANGS = {"ar", "en", "es", "fr", "ru", "zh"}


def _minimal() -> dict[str, Any]:
    return {
        "format": "meadow-report-template/1",
        "template": "test-form",
        "version": "1",
        "convention": "ramsar",
        "cycle": "2027",
        "title": {"en": "A test form"},
        "concepts": [
            {
                "id": "test.kind",
                "type": "choice",
                "title": {"en": "Kind"},
                "options": [
                    {"value": "a", "title": {"en": "A"}},
                    {"value": "b", "title": {"en": "B"}},
                ],
            },
            {"id": "test.area", "type": "number", "unit": "km2", "title": {"en": "Area"}},
        ],
        "sections": [
            {
                "key": "one",
                "title": {"en": "One"},
                "questions": [
                    {"key": "kind", "concept": "test.kind", "title": {"en": "Kind?"}},
                    {
                        "key": "area",
                        "concept": "test.area",
                        "title": {"en": "Area?"},
                        "show_if": {"question": "kind", "equals": "b"},
                        "rules": [{"level": "error", "kind": "range", "min": 0}],
                    },
                    {"key": "nbsap", "concept": "nbsap.status", "title": {"en": "NBSAP?"}},
                ],
            }
        ],
    }


def _write(tmp_path: Path, document: dict[str, Any], name: str = "form.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def _rejected(path: Path) -> list[io.Problem]:
    before = (Template.objects.count(), Concept.objects.count(), Question.objects.count())
    with pytest.raises(io.TemplateRejected) as caught:
        loaders.load_template(path, actor=SYSTEM)
    after = (Template.objects.count(), Concept.objects.count(), Question.objects.count())
    assert after == before, "nothing is loaded from a rejected file"
    assert path.name in str(caught.value)
    return caught.value.problems


def test_the_schemas_are_valid_json_schemas() -> None:
    for name in ("template", "concepts"):
        Draft202012Validator.check_schema(io.schema(name))


def test_the_shipped_cbd_report_is_loaded_in_six_languages(reference_db: None) -> None:
    template = Template.objects.get(code="cbd-nr7", version="2026.1")
    assert template.convention.code == "cbd"
    assert (template.cycle, str(template.deadline), template.illustrative) == (
        "2026",
        "2026-02-28",
        False,
    )
    sections = template.document["sections"]
    assert [s["key"] for s in sections][:4] == ["I", "II", "III", "IV"]
    assert sections[-1]["key"] == "V"
    assert all(set(s["title"]) == LANGS for s in sections)
    assert sections[0]["title"]["zh"] == "报告编写过程简述"

    binary_sections = [s for s in sections if s["key"].startswith("IV.")]
    assert len(binary_sections) == 16
    binary = [q for s in binary_sections for q in s["questions"]]
    # The source's 93 question nodes are 90 questions and 3 headings (1.1, 22.1, 22.3),
    # whose text is the help of their sub-questions.
    assert len(binary) == 90
    assert all(set(q["title"]) == LANGS for q in binary)
    stored = template.questions.filter(concept__uid__startswith="gbf.binary.")
    assert stored.count() == 90
    # Goal C asks target 13's seven questions again, bound to the same concepts.
    assert Concept.objects.filter(uid__startswith="gbf.binary.").count() == 83
    assert template.questions.get(key="goal-c.13_1").concept.uid == "gbf.binary.13_1"
    first = Concept.objects.get(uid="gbf.binary.b_1")
    assert first.type == "choice"
    assert [o["value"] for o in first.options] == ["no", "underDevelopment", "partially", "fully"]
    assert first.options[1]["title"]["fr"] == "En cours de développement"
    assert Concept.objects.get(uid="gbf.binary.5_1").type == "multiple-choice"
    assert Concept.objects.get(uid="gbf.binary.8_7_1").type == "text"
    sub = next(q for q in binary if q["key"] == "8_7_1")
    assert sub["show_if"] == {"question": "8_7", "equals": "other"}
    landlocked = next(q for q in binary if q["key"] == "1_1_c")
    assert landlocked["show_if"] == {"question": "1", "equals": "no"}
    assert landlocked["number"] == "1.1(c)"

    by_key = {q.key: q.concept.uid for q in template.questions.all()}
    for uid in (
        "focal-point.contact",
        "nbsap.status",
        "nbsap.adoption-date",
        "legislation.biodiversity-framework",
        "legislation.list",
        "national-targets.all",
        "indicator.gbf-3.1",
        "protected-areas.terrestrial-coverage",
        "protected-areas.marine-coverage",
        "species.red-list-assessment",
        "invasive-species.strategy",
    ):
        assert uid in by_key.values(), uid
    headline = Concept.objects.get(uid="indicator.gbf-a.1")
    assert (headline.type, headline.indicator.uid) == ("indicator-data", "gbf/indicator/A.1")
    assert template.questions.filter(concept__type="indicator-data").count() == 27
    assert template.questions.count() == 131
    assert AuditEntry.objects.filter(action="template.create", object_uid=template.uid).exists()


def test_loading_again_changes_nothing(reference_db: None) -> None:
    counts = (Template.objects.count(), Concept.objects.count(), Question.objects.count())
    audits = AuditEntry.objects.count()
    report = loaders.load_report_templates(actor=SYSTEM)
    assert report.templates_created == []
    assert "cbd-nr7@2026.1" in report.templates_unchanged
    assert report.concepts_created == [] and report.concepts_updated == []
    assert (Template.objects.count(), Concept.objects.count(), Question.objects.count()) == counts
    assert AuditEntry.objects.count() == audits


def test_a_template_loads_and_records_what_it_created(reference_db: None, tmp_path: Path) -> None:
    path = _write(tmp_path, _minimal())
    report = loaders.load_template(path, actor=SYSTEM)
    assert report.templates_created == ["test-form@1"]
    assert sorted(report.concepts_created) == ["test.area", "test.kind"]
    template = Template.objects.get(code="test-form")
    assert [q.key for q in template.questions.all()] == ["kind", "area", "nbsap"]
    assert template.questions.get(key="nbsap").concept.uid == "nbsap.status"
    assert AuditEntry.objects.filter(action="concept.create", object_uid="test.kind").exists()
    # The same document as JSON has the same digest: loading it changes nothing.
    as_json = tmp_path / "form.json"
    as_json.write_text(json.dumps(_minimal()), encoding="utf-8")
    again = loaders.load_template(as_json, actor=SYSTEM)
    assert again.templates_unchanged == ["test-form@1"]


def _problems_for(tmp_path: Path, change: Any) -> list[io.Problem]:
    document = _minimal()
    change(document)
    return _rejected(_write(tmp_path, document))


def _questions(document: dict[str, Any]) -> list[dict[str, Any]]:
    questions: list[dict[str, Any]] = document["sections"][0]["questions"]
    return questions


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda d: d.pop("cycle"), "", "'cycle' is a required property"),
        (
            lambda d: d["concepts"][1].update(type="percentage"),
            "concepts[1].type",
            "is not one of",
        ),
        (
            lambda d: _questions(d)[2].update(key="kind"),
            "sections[0].questions[2].key",
            "the question key 'kind' is used twice",
        ),
        (
            lambda d: _questions(d)[0].update(show_if={"question": "area", "equals": 1}),
            "sections[0].questions[0].show_if.question",
            "does not come before this one",
        ),
        (
            lambda d: d["concepts"][0].pop("options"),
            "concepts[0]",
            "'options' is a required property",
        ),
        (
            lambda d: _questions(d)[0].update(concept="test.missing"),
            "sections[0].questions[0].concept",
            "the concept 'test.missing' is neither declared",
        ),
        (
            lambda d: _questions(d)[0].update(
                rules=[{"level": "warning", "kind": "range", "max": 3}]
            ),
            "sections[0].questions[0].rules[0].kind",
            "a range rule does not apply to a choice question",
        ),
        (
            lambda d: _questions(d)[1].update(show_if={"question": "kind", "equals": "c"}),
            "sections[0].questions[1].show_if.equals",
            "'c' is not one of that question's options (a, b)",
        ),
        (lambda d: d.update(convention="nowhere"), "convention", "not a known convention"),
        (
            lambda d: _questions(d)[1]["rules"].append({"level": "fatal", "kind": "required"}),
            "sections[0].questions[1].rules[1].level",
            "is not one of",
        ),
    ],
    ids=[
        "missing-key",
        "unknown-type",
        "duplicate-question",
        "show-if-later",
        "choice-without-options",
        "unknown-concept",
        "rule-for-type",
        "condition-value",
        "unknown-convention",
        "rule-level",
    ],
)
def test_a_malformed_template_is_refused_with_file_line_and_path(
    reference_db: None, tmp_path: Path, change: Any, path: str, words: str
) -> None:
    problems = _problems_for(tmp_path, change)
    match = [p for p in problems if p.path == path and words in p.message]
    assert match, [str(p) for p in problems]
    assert match[0].file == "form.yaml"
    assert match[0].line is not None and match[0].line > 0
    assert "form.yaml, line " in str(match[0])


def test_every_problem_is_listed_with_its_line(reference_db: None, tmp_path: Path) -> None:
    text = yaml.safe_dump(_minimal(), sort_keys=False)
    text = text.replace("concept: test.kind", "concept: test.nothing").replace(
        "equals: b", "equals: z"
    )
    path = tmp_path / "form.yaml"
    path.write_text(text, encoding="utf-8")
    problems = _rejected(path)
    lines = text.splitlines()
    unknown = next(p for p in problems if p.path.endswith("questions[0].concept"))
    assert unknown.line is not None and "test.nothing" in lines[unknown.line - 1]
    # the condition's question is bound to an unknown concept: no value check then
    assert len(problems) == 1


def test_the_same_version_with_other_content_is_refused(reference_db: None, tmp_path: Path) -> None:
    loaders.load_template(_write(tmp_path, _minimal(), "first.yaml"), actor=SYSTEM)
    changed = _minimal()
    changed["title"] = {"en": "A changed form"}
    problems = _rejected(_write(tmp_path, changed, "second.yaml"))
    assert problems[0].path == "version"
    assert "give this file a new version" in problems[0].message
    changed["version"] = "2"
    assert loaders.load_template(
        _write(tmp_path, changed, "third.yaml"), actor=SYSTEM
    ).templates_created == ["test-form@2"]


def test_a_declared_concept_cannot_redefine_one_in_use(reference_db: None, tmp_path: Path) -> None:
    document = _minimal()
    document["concepts"].append({"id": "nbsap.status", "type": "text", "title": {"en": "x"}})
    problems = _rejected(_write(tmp_path, document))
    assert any(p.path == "concepts[2].id" and "different definition" in p.message for p in problems)


def test_yaml_and_json_errors_name_the_line(reference_db: None, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: meadow-report-template/1\nsections: [\n  - key: x\n", "utf-8")
    problems = _rejected(broken)
    assert problems[0].line is not None and "not valid YAML" in problems[0].message
    bad_json = tmp_path / "broken.json"
    bad_json.write_text('{"format": "meadow-report-template/1",\n "template": }', "utf-8")
    problems = _rejected(bad_json)
    assert problems[0].line == 2 and "not valid JSON" in problems[0].message


def test_yes_and_no_stay_text_and_repeated_keys_are_reported(
    reference_db: None, tmp_path: Path
) -> None:
    document = _minimal()
    document["concepts"][0]["options"] = [
        {"value": "yes", "title": {"en": "Yes"}},
        {"value": "no", "title": {"en": "No"}},
    ]
    _questions(document)[1]["show_if"] = {"question": "kind", "equals": "no"}
    text = yaml.safe_dump(document, sort_keys=False).replace("'no'", "no").replace("'yes'", "yes")
    path = tmp_path / "form.yaml"
    path.write_text(text, encoding="utf-8")
    doc = io.read_document(path)
    assert doc.data["concepts"][0]["options"][1]["value"] == "no"
    path.write_text(text.replace("cycle: '2027'", "cycle: '2027'\ncycle: '2028'"), "utf-8")
    problems = _rejected(path)
    assert any(p.path == "cycle" and "given twice" in p.message for p in problems)


def test_a_secretariat_loads_its_own_conventions_template(
    reference_db: None, tmp_path: Path, django_user_model: Any
) -> None:
    from meadow.parties.models import Convention, SecretariatRole

    clerk = django_user_model.objects.create_user("ramsar-clerk", password="x")
    other = django_user_model.objects.create_user("cms-clerk", password="x")
    SecretariatRole.objects.create(user=clerk, convention=Convention.objects.get(code="ramsar"))
    SecretariatRole.objects.create(user=other, convention=Convention.objects.get(code="cms"))
    path = _write(tmp_path, _minimal())
    with pytest.raises(PermissionDenied):
        loaders.load_template(path, actor=other)
    assert not Template.objects.filter(code="test-form").exists()
    loaders.load_template(path, actor=clerk)
    assert Template.objects.filter(code="test-form").exists()
    entry = AuditEntry.objects.get(action="template.create", object_uid="template/test-form/1")
    assert entry.user == clerk


def test_check_template_command(reference_db: None, tmp_path: Path, capsys: Any) -> None:
    call_command("reports", "check-template", str(CBD))
    assert "no problems" in capsys.readouterr().out
    document = _minimal()
    document["concepts"][0].pop("options")
    _questions(document)[1]["concept"] = "test.nowhere"
    path = _write(tmp_path, document)
    with pytest.raises(CommandError, match=r"form\.yaml: 2 problem"):
        call_command("reports", "check-template", str(path))
    err = capsys.readouterr().err
    assert "form.yaml, line" in err
    assert "concepts[0]: 'options' is a required property" in err
    assert "sections[0].questions[1].concept" in err
    with pytest.raises(CommandError, match="nothing loaded"):
        call_command("reports", "load-template", str(path))
    assert not Template.objects.filter(code="test-form").exists()
    call_command("reports", "load-template", str(_write(tmp_path, _minimal())))
    assert Template.objects.filter(code="test-form").exists()
