"""Section III of the CBD's 7th national report: progress per national target and per
GBF target.

Kenya publishes two national targets, T1 (GBF target 3, fully) and T2 (GBF target 2,
partly), and keeps T3 (aligned with GBF target 4) a draft. The rows to report on are
T1 and T2, then the 21 GBF targets no published national target is aligned with; the
progress per GBF target gathers each GBF target's national targets and what was
reported on them, or on the GBF target directly.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import jsonschema
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from pypdf import PdfReader

from meadow.core.actors import SystemActor
from meadow.parties.models import Role
from meadow.reports import document, exports, facts, target_progress, values, workflow
from meadow.reports.exports import json as json_export
from meadow.reports.models import Concept, Report, Template
from meadow.targets import actions as targets
from tests.reports.helpers import fill, user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

CBD = "/place/KEN/report/cbd-nr7/2026"
SECTION = CBD + "/section/III"
CONCEPT = "national-targets.all"
SYSTEM = SystemActor("tests")
# The GBF targets none of Kenya's published targets is aligned with: all but 2 and 3.
DIRECT = [f"gbf/target/{n}" for n in range(1, 24) if n not in (2, 3)]


@pytest.fixture
def kenya() -> None:
    for code, title, alignments, publish in (
        (
            "T1",
            {"en": "Protect 30 % of land and inland waters", "fr": "Protéger 30 % des terres"},
            [("gbf/target/3", "full", ""), ("gbf/goal/A", "partial", "")],
            True,
        ),
        ("T2", "Restore degraded rangelands", [("gbf/target/2", "partial", "")], True),
        ("T3", "A draft on invasive species", [("gbf/target/4", "full", "")], False),
    ):
        targets.save_target(
            actor=SYSTEM, country="KEN", code=code, title=title, alignments=alignments
        )
        if publish:
            targets.publish_target(actor=SYSTEM, country="KEN", code=code)


@pytest.fixture
def team() -> dict[str, Any]:
    return {
        "contributor": user("co", "KEN", Role.CONTRIBUTOR),
        "focal": user("fp", "KEN", Role.FOCAL_POINT),
        "reviewer": user("rv", "KEN", Role.REVIEWER),
    }


def concept() -> Concept:
    return Concept.objects.get(uid=CONCEPT)


# An answer in the older shape (no actions, challenges, examples) and a direct row.
ANSWER = [
    {"target": "T2", "progress": "insufficient", "summary": "Half the rangelands assessed."},
    {"target": "gbf/target/7", "progress": "no-change", "examples": "https://example.org/p"},
]


def test_rows_for_lists_the_published_targets_then_the_gbf_targets_without_one(
    kenya: None,
) -> None:
    rows = target_progress.rows_for("KEN", ANSWER, "fr")
    assert [r.target for r in rows] == ["T1", "T2", *DIRECT]
    t1, t2 = rows[0], rows[1]
    assert (t1.kind, t1.title, t1.url) == (
        "national",
        "Protéger 30 % des terres",
        "/place/KEN/target/T1",
    )
    # Alignments with GBF targets only (not goal A), with their degree.
    assert [(link.uid, link.degree) for link in t1.links] == [("gbf/target/3", "full")]
    assert not t1.filled and t1.progress is None
    assert t2.title == "Restore degraded rangelands"
    assert t2.as_value() == {
        "target": "T2",
        "progress": "insufficient",
        "actions": "",
        "summary": "Half the rangelands assessed.",
        "challenges": "",
        "examples": "",
    }
    seven = rows[2 + DIRECT.index("gbf/target/7")]
    assert (seven.kind, seven.progress, seven.examples) == (
        "global",
        "no-change",
        "https://example.org/p",
    )
    assert seven.url == "/gbf/target/7" and seven.title and seven.known and not seven.aligned
    assert all(r.kind == "global" and not r.filled for r in rows[2:] if r is not seven)


def test_rows_for_keeps_answered_targets_that_are_no_longer_offered(kenya: None) -> None:
    answer = [
        {"target": "T9", "progress": "on-track"},
        {"target": "gbf/target/3", "summary": "Reported directly before T1 was aligned."},
    ]
    rows = target_progress.rows_for("KEN", answer, "en")
    codes = [r.target for r in rows]
    assert codes[:3] == ["T1", "T2", "T9"]
    assert not rows[2].known and rows[2].progress == "on-track"
    # GBF target 3 has a national target now, yet the direct row is kept, in its place.
    assert codes[3:] == sorted([*DIRECT, "gbf/target/3"], key=lambda uid: int(uid.split("/")[2]))
    three = rows[codes.index("gbf/target/3")]
    assert three.aligned and three.summary.startswith("Reported directly")


def test_by_gbf_target_groups_the_national_targets_and_direct_rows(
    kenya: None, django_assert_num_queries: Any
) -> None:
    answer = [
        {"target": "T1", "progress": "on-track", "actions": "Conservancies gazetted."},
        *ANSWER,
    ]
    with django_assert_num_queries(3):
        items = target_progress.by_gbf_target("KEN", answer)
    assert [i.uid for i in items] == [f"gbf/target/{n}" for n in range(1, 24)]
    found = {
        i.code: ([(a.code, a.degree, a.progress, a.reported) for a in i.national], i.direct)
        for i in items
    }
    assert found["3"] == ([("T1", "full", "on-track", True)], False)
    assert found["2"] == ([("T2", "partial", "insufficient", True)], False)
    # T3 is a draft: GBF target 4 has no national target.
    assert found["4"] == ([], False)
    assert found["7"] == ([], True)
    assert items[6].direct_progress == "no-change" and items[6].levels == ["no-change"]
    assert items[2].levels == ["on-track"]
    assert sum(1 for i in items if i.national or i.direct) == 3
    # Nothing reported: the national targets are there, without progress.
    empty = target_progress.by_gbf_target("KEN", None)
    assert [(a.code, a.progress, a.reported) for a in empty[2].national] == [("T1", None, False)]


def test_clean_accepts_new_and_old_rows_and_direct_gbf_targets(kenya: None) -> None:
    cleaned = values.clean(concept(), ANSWER)
    assert cleaned == [
        {
            "target": "T2",
            "progress": "insufficient",
            "actions": "",
            "summary": "Half the rangelands assessed.",
            "challenges": "",
            "examples": "",
        },
        {
            "target": "gbf/target/7",
            "progress": "no-change",
            "actions": "",
            "summary": "",
            "challenges": "",
            "examples": "https://example.org/p",
        },
    ]
    full = {
        "target": "T1",
        "progress": None,
        "actions": "a",
        "summary": "b",
        "challenges": "c",
        "examples": "d",
    }
    assert values.clean(concept(), [full]) == [full]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [{"target": "T1"}, {"target": "gbf/target/99", "progress": "on-track"}],
            "national-targets.all, row 2, target: gbf/target/99 is not a GBF target.",
        ),
        (
            [{"target": "gbf/goal/A", "summary": "x"}],
            "national-targets.all, row 1, target: 'gbf/goal/A' is neither the code of a "
            "national target nor a GBF target",
        ),
        (
            [{"target": "T1", "progress": "done"}],
            "national-targets.all, row 1, progress: 'done' is not one of on-track,",
        ),
        (
            [{"target": "T1", "notes": "x"}],
            "national-targets.all, row 1: unknown column notes.",
        ),
        (
            [{"target": "T1", "challenges": ["x"]}],
            "national-targets.all, row 1, challenges: expected text.",
        ),
        (
            [{"target": "T1"}, {"target": "T1"}],
            "national-targets.all, row 2, target: T1 is given twice.",
        ),
        (
            [{"progress": "on-track"}],
            "national-targets.all, row 1, target: the national target's code is missing.",
        ),
    ],
)
def test_clean_rejects_bad_rows_naming_row_and_field(rows: list[Any], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        values.clean(concept(), rows)
    assert " ".join(caught.value.messages).startswith(message)


def login(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def open_cbd(actor: Any) -> Report:
    template = Template.objects.get(code="cbd-nr7")
    return workflow.open_report(actor=actor, country="KEN", template=template)


def test_the_section_form_offers_each_target_and_saves_a_row(
    kenya: None, team: dict[str, Any]
) -> None:
    open_cbd(team["contributor"])
    client = login(team["contributor"])
    html = client.get(SECTION).content.decode()
    blocks = re.findall(r'<fieldset class="report-target" data-target="([^"]+)"', html)
    assert blocks == ["T1", "T2", *DIRECT]
    assert html.index("Global targets without a national target") > html.index('data-target="T2"')
    t1 = html[html.index('data-target="T1"') : html.index('data-target="T2"')]
    assert "Protect 30 % of land and inland waters" in t1 and "GBF targets: 3 (full)" in t1
    assert 'name="q-national-targets-0-progress"' in t1
    for field in target_progress.TEXTS:
        assert f'name="q-national-targets-0-{field}"' in t1
    assert 'value="gbf/target/7"' in html
    posted = {
        "v-national-targets": "0",
        "q-national-targets-rows": "3",
        "q-national-targets-0-target": "T1",
        "q-national-targets-0-progress": "on-track",
        "q-national-targets-0-actions": "Conservancies gazetted.\r\nRangers trained.",
        "q-national-targets-1-target": "T2",
        "q-national-targets-2-target": "gbf/target/7",
        "q-national-targets-2-examples": "https://example.org/pollution",
    }
    response = client.post(SECTION, posted)
    assert response.status_code == 302
    fact = facts.history("KEN", CONCEPT)[0]
    # T2, with nothing filled in, is left out.
    assert fact.value == [
        {
            "target": "T1",
            "progress": "on-track",
            "actions": "Conservancies gazetted.\nRangers trained.",
            "summary": "",
            "challenges": "",
            "examples": "",
        },
        {
            "target": "gbf/target/7",
            "progress": None,
            "actions": "",
            "summary": "",
            "challenges": "",
            "examples": "https://example.org/pollution",
        },
    ]
    # A target the form does not offer is refused at its field; nothing is saved.
    refused = client.post(
        SECTION,
        {
            "v-national-targets": str(fact.version),
            "q-national-targets-rows": "1",
            "q-national-targets-0-target": "T3",
            "q-national-targets-0-summary": "A draft target.",
        },
    )
    assert refused.status_code == 400
    assert "Row 1: T3 is not one of the country" in text(refused.content.decode())
    assert facts.history("KEN", CONCEPT)[0].version == fact.version
    # Read by someone who may not change it: the rows, then progress per GBF target.
    page = login(team["reviewer"]).get(SECTION).content.decode()
    assert 'class="report-target" data-target="T1" data-progress="on-track"' in page
    table = page[page.index("Progress per GBF target") :]
    row = re.search(r'<tr data-gbf="gbf/target/3">(.*?)</tr>', table, flags=re.S)
    assert row is not None
    assert "T1" in row.group(1) and "(full)" in row.group(1)
    assert "On track to achieve the target" in text(row.group(1))
    seven = re.search(r'<tr data-gbf="gbf/target/7">(.*?)</tr>', table, flags=re.S)
    assert seven is not None and "Reported directly" in text(seven.group(1))
    assert '<a href="https://example.org/pollution" rel="nofollow">' in page


def answered_report(team: dict[str, Any]) -> Report:
    report = open_cbd(team["contributor"])
    fill(report, team["contributor"], seed=3)
    facts.set_fact(
        actor=team["contributor"],
        country="KEN",
        concept=CONCEPT,
        value=[
            {"target": "T1", "progress": "on-track", "actions": "Conservancies gazetted."},
            {"target": "T2", "progress": "moving-away", "challenges": "Drought years."},
            {"target": "gbf/target/7", "progress": "unknown"},
        ],
    )
    return report


def test_the_pdf_and_docx_show_the_rows_and_the_table_per_gbf_target(
    kenya: None, team: dict[str, Any]
) -> None:
    report = answered_report(team)
    doc = document.assemble(report)
    question = doc.question("national-targets")
    assert [i.code for i in question.by_gbf if i.national or i.direct] == ["2", "3", "7"]
    reader = PdfReader(io.BytesIO(exports.render(doc, "pdf", "en").content))
    pdf = re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))
    assert "T1 Protect 30 % of land and inland waters" in pdf
    assert "Conservancies gazetted." in pdf and "Drought years." in pdf
    table = pdf[pdf.index("Progress per GBF target") :]
    for words in (
        "National targets aligned (degree)",
        "T2 (partial)",
        "T2: Moving away from the target",
        "T1 (full)",
        "T1: On track to achieve the target",
        "GBF target 7",
        "Reported directly: Unknown",
    ):
        assert words in table, words
    from docx import Document

    word = Document(io.BytesIO(exports.render(doc, "docx", "en").content))
    headings = [
        p.text for p in word.paragraphs if p.style is not None and p.style.name == "Heading 3"
    ]
    assert "T1 Protect 30 % of land and inland waters" in headings
    assert "Progress per GBF target" in headings
    cells = [[c.text for c in row.cells] for t in word.tables for row in t.rows]
    assert ["GBF target", "National targets aligned (degree)", "Progress"] in cells
    three = next(row for row in cells if row[0].startswith("GBF target 3 "))
    assert three[1:] == ["T1 (full)", "T1: On track to achieve the target"]


def test_the_json_export_carries_progress_per_gbf_target_and_a_snapshot_keeps_it(
    kenya: None, team: dict[str, Any]
) -> None:
    report = answered_report(team)
    validator = jsonschema.Draft202012Validator(json_export.schema())
    exported = json.loads(exports.render(document.assemble(report), "json", "en").content)
    assert sorted(e.message for e in validator.iter_errors(exported)) == []
    question = next(
        q for s in exported["sections"] for q in s["questions"] if q["key"] == "national-targets"
    )
    three = next(i for i in question["by_gbf"] if i["target"] == "gbf/target/3")
    assert three["national_targets"] == [{"code": "T1", "degree": "full", "progress": "on-track"}]
    assert three["reported_directly"] is False
    workflow.move(report, "submit-for-review", actor=team["contributor"], country="KEN")
    workflow.move(report, "approve", actor=team["focal"], country="KEN", reason="Complete")
    workflow.move(report, "submit", actor=team["focal"], country="KEN")
    # The fact changes afterwards (through another report, say): the submitted report
    # reads its snapshot's progress.
    facts.set_fact(
        actor=team["focal"],
        country="KEN",
        concept=CONCEPT,
        value=[{"target": "T1", "progress": "moving-away"}],
    )
    frozen = document.assemble(report).question("national-targets")
    assert frozen.by_gbf[2].national[0].progress == "on-track"
    assert frozen.by_gbf[6].direct_progress == "unknown"
