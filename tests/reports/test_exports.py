"""Exports of a national report: PDF, DOCX, XLSX and JSON, in the report's language.

The CBD's 7th national report for Kenya, filled with valid sample answers, is written
in English, Chinese and Arabic and read back: the PDF with pypdf (every question and
answer text drawn, no glyph missing from the fonts), the DOCX with python-docx, the
XLSX with openpyxl; the JSON validates against its published schema and, once the
report is submitted, hashes to the snapshot's SHA-256.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from docx import Document
from docx.enum.table import WD_TABLE_DIRECTION
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont
from openpyxl import load_workbook
from pypdf import PdfReader

from meadow.core import i18n
from meadow.frameworks.models import Element
from meadow.indicators.models import Observation, Series
from meadow.parties.models import Role
from meadow.places.models import Place
from meadow.reports import document, exports, facts, workflow
from meadow.reports.exports import common
from meadow.reports.exports import json as json_export
from meadow.reports.exports import pdf as pdf_export
from meadow.reports.models import Report, Template
from tests.reports.helpers import fill, user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]
FONTS = Path(pdf_export.FONTS)


@pytest.fixture
def team() -> dict[str, Any]:
    return {
        "contributor": user("co", "KEN", Role.CONTRIBUTOR),
        "focal": user("fp", "KEN", Role.FOCAL_POINT),
    }


def _series(country: str, indicator: str, points: list[tuple[int, float]]) -> None:
    series = Series.objects.create(
        key=f"test-{country}-{indicator}"[:32],
        indicator=Element.objects.get(uid=indicator),
        place=Place.objects.get(code=country),
        unit="km2",
    )
    for year, value in points:
        Observation.objects.create(
            series=series,
            period=str(year),
            kind="year",
            start=dt.date(year, 1, 1),
            end=dt.date(year, 12, 31),
            year=year,
            value=value,
        )


@pytest.fixture
def report(team: dict[str, Any]) -> Report:
    template = Template.objects.get(code="cbd-nr7")
    made = workflow.open_report(actor=team["contributor"], country="KEN", template=template)
    fill(made, team["contributor"], seed=3)
    _series("KEN", "gbf/indicator/A.2", [(2015, 120.5), (2018, 131.0), (2021, 142.25)])
    return made


def submit(report: Report, team: dict[str, Any]) -> None:
    workflow.move(report, "submit-for-review", actor=team["contributor"], country="KEN")
    workflow.move(report, "approve", actor=team["focal"], country="KEN", reason="Complete")
    workflow.move(report, "submit", actor=team["focal"], country="KEN")


def pdf_text(content: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def in_order(words: str, text: str) -> bool:
    """Whether the words of ``words`` appear in ``text`` in that order."""
    pattern = ".*?".join(re.escape(w) for w in words.split())
    return re.search(pattern, text, flags=re.S) is not None


@cache
def covered() -> frozenset[int]:
    points: set[int] = set()
    for path in FONTS.glob("*.ttf"):
        points.update(TTFont(str(path)).getBestCmap())
    return frozenset(points)


def no_missing_glyphs(caplog: pytest.LogCaptureFixture, text: str) -> None:
    missing = [
        r.getMessage() for r in caplog.records if "missing the following glyphs" in r.getMessage()
    ]
    assert missing == []
    drawn = {ch for ch in text if not ch.isspace()}
    assert drawn, "no text was read back"
    assert sorted(ch for ch in drawn if ord(ch) not in covered()) == []


def test_the_pdf_in_english_has_the_cover_answers_charts_and_page_numbers(
    report: Report, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    doc = document.assemble(report)
    made = exports.render(doc, "pdf", "en")
    assert made.content_type == "application/pdf"
    assert made.filename == "KEN-cbd-nr7-2026-en.pdf"
    assert made.content.startswith(b"%PDF-")
    text, pages = pdf_text(made.content)
    assert "Kenya" in text
    assert "7th National Report" in text
    assert "State: Draft" in text
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    status = doc.question("nbsap-status")
    assert in_order(status.label("en"), text)
    assert in_order(status.option_label(status.value, "en"), text)
    # A table answer: the focal point's columns and the names typed in.
    contact = doc.question("authorities")
    assert contact.type == "table"
    assert "Institution" in text
    # A yes/no answer reads Yes or No.
    engagement = doc.question("stakeholder-engagement")
    assert engagement.value in (True, False)
    # Indicator data drawn as a chart: its axis years and its unit, for A.2 only.
    assert "2015" in text and "2021" in text and "km2" in text
    assert (
        text.count("No indicator data for this country.")
        == sum(1 for q in doc.questions() if q.shown and q.type == "indicator-data") - 1
    )
    # Questions hidden by their condition are not printed.
    hidden = [q for q in doc.questions() if not q.shown]
    assert hidden and all(
        not in_order(q.label("en"), text) for q in hidden[:3] if len(q.label("en")) > 30
    )
    no_missing_glyphs(caplog, text)


@pytest.mark.parametrize("lang", ["zh", "ar"])
def test_the_pdf_in_chinese_and_arabic_is_written_in_that_language(
    report: Report, lang: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    doc = document.assemble(report)
    made = exports.render(doc, "pdf", lang)
    assert made.filename == f"KEN-cbd-nr7-2026-{lang}.pdf"
    text, _pages = pdf_text(made.content)
    template = report.template
    binary = doc.question("b_1")
    title = binary.label(lang)
    assert title != binary.label("en")
    assert template.label(lang) in text or squeeze(template.label(lang)) in squeeze(text)
    if lang == "zh":
        assert squeeze(title) in squeeze(text)
        assert squeeze(binary.option_label(binary.value, "zh")) in squeeze(text)
        assert "肯尼亚" in text
    else:
        # pypdf reads a line of mixed directions in runs: each run of the title in order.
        assert all(in_order(part, text) for part in title.split("/"))
        assert in_order(binary.option_label(binary.value, "ar"), text)
        assert "كينيا" in text
    for section in doc.sections[:3]:
        label = section.label(lang)
        assert squeeze(label) in squeeze(text) or all(in_order(p, text) for p in label.split("–"))
    no_missing_glyphs(caplog, text)


def test_text_in_another_script_falls_back_to_its_font(
    report: Report, team: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    mixed = "Validated with 国家联络点 and السلطات الوطنية, Ελλάδα, Россия."
    facts.set_fact(
        actor=team["contributor"],
        country="KEN",
        concept="cbd.nr7.preparation-process",
        value=mixed,
    )
    made = exports.render(document.assemble(report), "pdf", "en")
    text, _pages = pdf_text(made.content)
    for word in ("Validated", "国家联络点", "السلطات", "الوطنية", "Ελλάδα", "Россия"):
        assert word in text
    no_missing_glyphs(caplog, text)
    assert pdf_export.families("en", ["Kenya"]) == ["sans"]
    assert pdf_export.families("en", [mixed]) == ["sans", "arabic", "cjk"]
    assert pdf_export.families("zh", ["肯尼亚 2026"]) == ["cjk", "sans"]
    assert pdf_export.families("ar", ["كينيا"]) == ["arabic", "sans"]


def test_every_character_of_the_templates_is_in_the_shipped_fonts() -> None:
    """The fonts cover every text of every template in every language (no .notdef)."""
    texts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            texts.append(node)

    for template in Template.objects.all():
        walk(template.document)
    assert len(texts) > 1000
    missing = {ch for text in texts for ch in text if not ch.isspace() and ord(ch) not in covered()}
    assert sorted(missing) == []


def test_the_chinese_font_covers_gb2312_and_the_shipped_chinese_texts() -> None:
    from meadow.reports.fonts import subset

    cmap = pdf_export.coverage("cjk")
    hanzi = {p for p in subset.gb2312() if 0x4E00 <= p <= 0x9FFF}
    assert len(hanzi) == 6763
    assert sorted(p for p in subset.gb2312() if p not in cmap) == []
    assert sorted(p for p in subset.shipped_texts() if p not in cmap) == []
    assert (FONTS / "NotoSansCJKsc-Regular-subset.ttf").stat().st_size < 5_000_000
    assert "SIL Open Font License" in (FONTS / "OFL.txt").read_text(encoding="utf-8")


def test_a_submitted_report_shows_its_snapshot_and_hash(
    report: Report, team: dict[str, Any]
) -> None:
    submit(report, team)
    snapshot = report.snapshots.get()
    doc = document.assemble(report)
    assert doc.snapshot == snapshot
    for lang in ("en", "ar"):
        text, _pages = pdf_text(exports.render(doc, "pdf", lang).content)
        assert snapshot.digest in squeeze(text)
    text, _pages = pdf_text(exports.render(doc, "pdf", "en").content)
    assert f"Submitted snapshot 1, SHA-256:\n{snapshot.digest}" in text
    assert "SHA-256ofthesnapshot'scanonicalJSON" in squeeze(text)
    assert "State: Submitted" in text


def test_an_illustrative_template_is_marked_as_such(team: dict[str, Any]) -> None:
    template = Template.objects.filter(code="ramsar-cop15").order_by("-loaded_at").first()
    assert template is not None and template.illustrative
    made = workflow.open_report(actor=team["contributor"], country="KEN", template=template)
    fill(made, team["contributor"], seed=5)
    doc = document.assemble(made)
    text, pages = pdf_text(exports.render(doc, "pdf", "en").content)
    assert "Illustrative template" in text
    # The cover says so, and so does the running header of every other page.
    assert text.count("Illustrative") >= pages
    docx = Document(io.BytesIO(exports.render(doc, "docx", "en").content))
    assert any("Illustrative template" in p.text for p in docx.paragraphs)


@pytest.mark.parametrize("lang", ["en", "zh", "ar"])
def test_the_docx_has_headings_and_answers_in_the_language(report: Report, lang: str) -> None:
    doc = document.assemble(report)
    made = exports.render(doc, "docx", lang)
    assert made.filename == f"KEN-cbd-nr7-2026-{lang}.docx"
    word = Document(io.BytesIO(made.content))
    headings = [
        p.text
        for p in word.paragraphs
        if p.style is not None and p.style.name.startswith("Heading")
    ]
    paragraphs = [p.text for p in word.paragraphs]
    assert word.paragraphs[0].text == report.template.label(lang)
    for section in doc.sections:
        if any(q.shown for q in section.questions):
            assert common.heading(section.number, section.label(lang)) in headings
    binary = doc.question("b_1")
    assert common.heading(binary.number, binary.label(lang)) in headings
    assert binary.option_label(binary.value, lang) in paragraphs
    engagement = doc.question("stakeholder-engagement")
    yes_no = {"en": ("Yes", "No"), "zh": ("是", "否"), "ar": ("نعم", "لا")}[lang]
    assert yes_no[0 if engagement.value else 1] in paragraphs
    # The focal point table: a Word table with the column titles in the language.
    contact = doc.question("authorities")
    titles = [i18n.text(c["title"], lang) for c in contact.columns]
    tables = [[c.text for c in t.rows[0].cells] for t in word.tables]
    wanted = list(reversed(titles)) if lang == "ar" else titles
    assert titles in tables or wanted in tables
    normal = word.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "Noto Sans CJK SC"
    assert normal.get(qn("w:cs")) == "Noto Sans Arabic"
    bidi = [
        p
        for p in word.paragraphs
        if p._p.pPr is not None and p._p.pPr.find(qn("w:bidi")) is not None
    ]
    if lang == "ar":
        assert len(bidi) >= len(headings)
        assert all(t.table_direction == WD_TABLE_DIRECTION.RTL for t in word.tables)
    else:
        assert bidi == []
        assert all(t.table_direction is None for t in word.tables)
    # Indicator data: the chart as a picture, with its values.
    assert len(word.inline_shapes) == 1
    assert any("142.25" in c.text for t in word.tables for r in t.rows for c in r.cells)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_xlsx_is_the_offline_form_in_the_language(report: Report, lang: str) -> None:
    doc = document.assemble(report)
    made = exports.render(doc, "xlsx", lang)
    assert made.filename == f"KEN-cbd-nr7-2026-{lang}.xlsx"
    book = load_workbook(io.BytesIO(made.content))
    sheets = book.sheetnames
    for section in doc.sections:
        assert section.number in sheets
    ws = book["II"]
    status = doc.question("nbsap-status")
    rows = {row[1].value: row for row in ws.iter_rows(min_row=2)}
    row = rows[status.number]
    assert row[2].value == status.label(lang)
    assert row[4].value == status.option_label(status.value, lang)
    assert book["meadow"].sheet_state == "veryHidden"


def test_the_json_export_validates_against_its_schema(report: Report, team: dict[str, Any]) -> None:
    schema = json_export.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    made = exports.render(document.assemble(report), "json", "fr")
    assert made.filename == "KEN-cbd-nr7-2026.json"
    assert made.content_type == "application/json"
    exported = json.loads(made.content)
    assert sorted(e.message for e in validator.iter_errors(exported)) == []
    assert exported["snapshot"] is None
    with pytest.raises(ValueError):
        json_export.snapshot_content(exported)
    broken = dict(exported, format="meadow-report/2")
    assert list(validator.iter_errors(broken))
    submit(report, team)
    snapshot = report.snapshots.get()
    exported = json.loads(exports.render(document.assemble(report), "json", "en").content)
    assert sorted(e.message for e in validator.iter_errors(exported)) == []
    assert exported["snapshot"]["digest"] == snapshot.digest
    assert json_export.snapshot_content(exported) == snapshot.content
    assert json_export.digest(json_export.snapshot_content(exported)) == snapshot.digest
    assert json_export.verify(exported)
    exported["sections"][1]["questions"][0]["value"] = "something else"
    assert not json_export.verify(exported)


def test_an_unknown_format_or_language_is_refused(report: Report) -> None:
    doc = document.assemble(report)
    with pytest.raises(ValueError, match="odt"):
        exports.render(doc, "odt", "en")
    with pytest.raises(ValueError, match="de"):
        exports.render(doc, "pdf", "de")
