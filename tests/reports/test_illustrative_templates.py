"""The shared concepts file and the illustrative Ramsar, CITES and CMS templates.

These checks read the files only (no database): the shared concepts are exactly the
published list, in six languages; each illustrative template passes the template
checker, says it is illustrative and where it comes from, writes every text in six
languages, and binds the questions it shares with the CBD's report (protected and
wetland areas, legislation, species, invasive species, NBSAP) to the shared concepts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from meadow.reports import templates_io as io

LANGS = {"ar", "en", "es", "fr", "ru", "zh"}
CONVENTIONS = Path(io.__file__).resolve().parent.parent / "parties" / "data" / "conventions.json"

# uid: (type, unit, option values, column keys, indicator), as published.
SHARED: dict[str, tuple[str, str, list[str], list[str], str | None]] = {
    "nbsap.status": (
        "choice",
        "",
        ["not-started", "in-preparation", "adopted", "under-revision"],
        [],
        None,
    ),
    "nbsap.adoption-date": ("date", "", [], [], None),
    "legislation.biodiversity-framework": ("yes-no", "", [], [], None),
    "legislation.list": ("table", "", [], ["title", "year", "url"], None),
    "protected-areas.terrestrial-coverage": ("number", "percent", [], [], None),
    "protected-areas.marine-coverage": ("number", "percent", [], [], None),
    "wetlands.area": ("number", "km2", [], [], None),
    "wetlands.inventory": ("choice", "", ["none", "partial", "complete"], [], None),
    "species.red-list-assessment": ("choice", "", ["none", "partial", "comprehensive"], [], None),
    "species.threatened-count": ("number", "count", [], [], None),
    "invasive-species.strategy": (
        "choice",
        "",
        ["none", "under-development", "partially", "fully"],
        [],
        None,
    ),
    "invasive-species.priority-list": ("yes-no", "", [], [], None),
    "indicator.gbf-3.1": ("indicator-data", "", [], [], "gbf/indicator/3.1"),
    "national-targets.all": ("national-targets", "", [], [], None),
    "focal-point.contact": ("table", "", [], ["name", "institution", "email"], None),
}
SHARED_TOPICS = ("nbsap.", "legislation.", "protected-areas.", "wetlands.", "species.")
SHARED_TOPICS += ("invasive-species.", "indicator.", "national-targets.", "focal-point.")

# template file: (convention, the shared concepts its overlapping questions bind to)
ILLUSTRATIVE: dict[str, tuple[str, set[str]]] = {
    "ramsar-cop15.yaml": (
        "ramsar",
        {
            "focal-point.contact",
            "legislation.biodiversity-framework",
            "legislation.list",
            "nbsap.status",
            "invasive-species.priority-list",
            "invasive-species.strategy",
            "protected-areas.terrestrial-coverage",
            "protected-areas.marine-coverage",
            "wetlands.inventory",
            "wetlands.area",
            "national-targets.all",
        },
    ),
    "cites-2026.yaml": (
        "cites",
        {
            "legislation.biodiversity-framework",
            "legislation.list",
            "species.red-list-assessment",
            "species.threatened-count",
            "invasive-species.strategy",
        },
    ),
    "cms-cop15.yaml": (
        "cms",
        {
            "focal-point.contact",
            "species.red-list-assessment",
            "species.threatened-count",
            "nbsap.status",
            "invasive-species.strategy",
            "protected-areas.terrestrial-coverage",
            "protected-areas.marine-coverage",
        },
    ),
}


def _texts(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every six-language text in a document (a mapping keyed by language codes)."""
    if isinstance(node, dict):
        if node and "en" in node and set(node) <= LANGS:
            yield path, node
            return
        for key, value in node.items():
            yield from _texts(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for n, item in enumerate(node):
            yield from _texts(item, f"{path}[{n}]")


def _questions(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for section in data["sections"] for q in section["questions"]]


@pytest.fixture(scope="module")
def shared() -> dict[str, Any]:
    doc = io.read_document(io.SHARED_CONCEPTS)
    concepts = io.check_concepts_file(doc)
    assert doc.problems == []
    return concepts


def test_the_shared_concepts_are_exactly_the_published_list(shared: dict[str, Any]) -> None:
    data = yaml.safe_load(io.SHARED_CONCEPTS.read_text(encoding="utf-8"))
    assert data["format"] == "meadow-report-concepts/1"
    assert [c["id"] for c in data["concepts"]] == list(SHARED)
    for uid, (kind, unit, options, columns, indicator) in SHARED.items():
        concept = shared[uid]
        assert concept["type"] == kind, uid
        assert concept["unit"] == unit, uid
        assert [o["value"] for o in concept["options"]] == options, uid
        assert [c["key"] for c in concept["columns"]] == columns, uid
        assert concept["indicator"] == indicator, uid
        assert set(concept["title"]) == LANGS, uid
        assert set(concept["description"]) == LANGS, uid


@pytest.mark.parametrize("name", [io.SHARED_CONCEPTS.name, *ILLUSTRATIVE])
def test_every_text_is_written_in_the_six_languages(name: str) -> None:
    path = io.SHARED_CONCEPTS if name == io.SHARED_CONCEPTS.name else io.SHIPPED_TEMPLATES / name
    data = io.read_document(path).data
    texts = list(_texts(data))
    assert len(texts) > 20
    for where, text in texts:
        assert set(text) == LANGS, f"{name}: {where}"
        assert all(isinstance(v, str) and v.strip() for v in text.values()), f"{name}: {where}"


@pytest.mark.parametrize("name", list(ILLUSTRATIVE))
def test_the_illustrative_template_passes_the_checker(name: str, shared: dict[str, Any]) -> None:
    conventions = {c["code"] for c in json.loads(CONVENTIONS.read_text(encoding="utf-8"))}
    doc = io.read_document(io.SHIPPED_TEMPLATES / name)
    io.check_template(doc, concepts=shared, conventions=conventions)
    assert [str(p) for p in doc.problems] == []
    # Plain YAML reads it the same way.
    assert yaml.safe_load((io.SHIPPED_TEMPLATES / name).read_text(encoding="utf-8")) == doc.data


@pytest.mark.parametrize("name", list(ILLUSTRATIVE))
def test_the_template_says_it_is_illustrative_and_where_it_comes_from(name: str) -> None:
    data = io.read_document(io.SHIPPED_TEMPLATES / name).data
    convention, _ = ILLUSTRATIVE[name]
    assert data["illustrative"] is True
    assert data["convention"] == convention
    assert data["template"] == Path(name).stem
    assert "Modelled on the structure" in data["source"]
    assert "not the official template" in data["source"]


@pytest.mark.parametrize("name", list(ILLUSTRATIVE))
def test_overlapping_questions_bind_to_the_shared_concepts(name: str) -> None:
    data = io.read_document(io.SHIPPED_TEMPLATES / name).data
    _, expected = ILLUSTRATIVE[name]
    bound = {q["concept"] for q in _questions(data)}
    assert expected <= bound
    # A template's own concepts never shadow a shared topic under another name.
    own = {c["id"] for c in data.get("concepts", [])}
    assert own.isdisjoint(SHARED)
    assert not [uid for uid in own if uid.startswith(SHARED_TOPICS)]
    assert all(uid.startswith(f"{data['convention']}.") for uid in own)
    # Every concept a question uses is shared or declared here, and used once.
    assert bound <= set(SHARED) | own
    assert len(bound) == len(_questions(data))


def test_the_three_templates_share_facts_with_each_other() -> None:
    bound = {
        name: {q["concept"] for q in _questions(io.read_document(io.SHIPPED_TEMPLATES / name).data)}
        for name in ILLUSTRATIVE
    }
    assert set.intersection(*bound.values()) == {"invasive-species.strategy"}
    legislation = {"legislation.biodiversity-framework", "legislation.list"}
    assert legislation <= bound["ramsar-cop15.yaml"] & bound["cites-2026.yaml"]
    species = {"species.red-list-assessment", "species.threatened-count"}
    assert species <= bound["cites-2026.yaml"] & bound["cms-cop15.yaml"]
    assert {"protected-areas.terrestrial-coverage", "nbsap.status"} <= (
        bound["ramsar-cop15.yaml"] & bound["cms-cop15.yaml"]
    )


def test_the_ramsar_template_uses_conditions_and_every_rule_level() -> None:
    data = io.read_document(io.SHIPPED_TEMPLATES / "ramsar-cop15.yaml").data
    questions = {q["key"]: q for q in _questions(data)}
    assert questions["c_1_4"]["show_if"] == {
        "question": "c_1_3",
        "in": ["adopted", "under-revision"],
    }
    assert questions["c_16_2"]["show_if"] == {"question": "c_16_1", "equals": True}
    assert questions["c_8_2"]["required_if"] == {"question": "c_8_1", "equals": "complete"}
    rules = [r for q in questions.values() for r in q.get("rules", [])]
    assert {r["level"] for r in rules} == {"blocker", "error", "warning"}
    shares = [
        r for key in ("c_5_3", "c_5_4") for r in questions[key]["rules"] if r["kind"] == "range"
    ]
    assert [(r["min"], r["max"]) for r in shares] == [(0, 100), (0, 100)]
    compare = [r for r in questions["c_5_2"]["rules"] if r["kind"] == "compare"]
    assert compare == [compare[0]] and compare[0]["op"] == "<="
    assert compare[0]["question"] == "c_5_1"
