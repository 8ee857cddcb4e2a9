"""A report as a Word document (DOCX), written with python-docx in the report's language.

A heading per section and per question, answers as paragraphs, lists and tables,
progress towards national targets as a heading per target with its texts and a table
of progress per GBF target, attachments as links and indicator data as a chart picture
with its values. An Arabic report is written right to left (``w:bidi`` paragraphs,
``w:rtl`` runs, tables laid out from the right); the fonts are named for each script
(Noto Sans, Noto Sans Arabic for complex scripts, Noto Sans CJK SC for East Asian
text), so Word picks the right one for Chinese and Arabic text.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_DIRECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from meadow.reports.document import QuestionView, ReportDocument
from meadow.reports.exports import chart, common
from meadow.reports.exports.pdf import FONTS, clean

LATIN = "Noto Sans"
ARABIC = "Noto Sans Arabic"
CJK = "Noto Sans CJK SC"
LANG_TAGS = {
    "ar": "ar-SA",
    "zh": "zh-CN",
    "en": "en-GB",
    "fr": "fr-FR",
    "es": "es-ES",
    "ru": "ru-RU",
}
GREY = RGBColor(0x6E, 0x6E, 0x6E)


# The elements that come after each one we add, in the order WordprocessingML fixes.
AFTER = {
    "w:rFonts": (
        "w:b",
        "w:bCs",
        "w:i",
        "w:iCs",
        "w:caps",
        "w:smallCaps",
        "w:strike",
        "w:dstrike",
        "w:outline",
        "w:shadow",
        "w:emboss",
        "w:imprint",
        "w:noProof",
        "w:snapToGrid",
        "w:vanish",
        "w:webHidden",
        "w:color",
        "w:spacing",
        "w:w",
        "w:kern",
        "w:position",
        "w:sz",
        "w:szCs",
        "w:highlight",
        "w:u",
        "w:effect",
        "w:bdr",
        "w:shd",
        "w:fitText",
        "w:vertAlign",
        "w:rtl",
        "w:cs",
        "w:em",
        "w:lang",
        "w:eastAsianLayout",
        "w:specVanish",
        "w:oMath",
    ),
    "w:rtl": ("w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath"),
    "w:lang": ("w:eastAsianLayout", "w:specVanish", "w:oMath"),
    # in a paragraph's properties
    "w:bidi": (
        "w:adjustRightInd",
        "w:snapToGrid",
        "w:spacing",
        "w:ind",
        "w:contextualSpacing",
        "w:mirrorIndents",
        "w:suppressOverlap",
        "w:jc",
        "w:textDirection",
        "w:textAlignment",
        "w:textboxTightWrap",
        "w:outlineLvl",
        "w:divId",
        "w:cnfStyle",
        "w:rPr",
        "w:sectPr",
        "w:pPrChange",
    ),
    # in a section's properties
    "section-bidi": ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange"),
}


def child(parent: Any, tag: str, order: str = "") -> Any:
    """The parent's ``tag`` child, added where the schema puts it if missing."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.insert_element_before(found, *AFTER[order or tag])
    return found


class Writer:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.rtl = common.is_rtl(lang)
        self.doc: Any = Document()
        self._styles()

    def _styles(self) -> None:
        for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Table Grid"):
            try:
                style = self.doc.styles[name]
            except KeyError:
                continue
            rpr = style.element.get_or_add_rPr()
            fonts = child(rpr, "w:rFonts")
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(attr), None)
            fonts.set(qn("w:ascii"), LATIN)
            fonts.set(qn("w:hAnsi"), LATIN)
            fonts.set(qn("w:eastAsia"), CJK)
            fonts.set(qn("w:cs"), ARABIC)
            language = child(rpr, "w:lang")
            language.set(qn("w:val"), LANG_TAGS.get(self.lang, "en-GB"))
            language.set(qn("w:eastAsia"), "zh-CN")
            language.set(qn("w:bidi"), "ar-SA")
        self.doc.styles["Normal"].font.size = Pt(10.5)
        self.doc.core_properties.language = LANG_TAGS.get(self.lang, "en-GB")
        if self.rtl:
            for section in self.doc.sections:
                child(section._sectPr, "w:bidi", "section-bidi")

    def directed(self, paragraph: Paragraph) -> Paragraph:
        """Mark a paragraph and its runs right to left in an Arabic report."""
        if self.rtl:
            child(paragraph._p.get_or_add_pPr(), "w:bidi")
            for run in paragraph.runs:
                child(run._r.get_or_add_rPr(), "w:rtl")
        return paragraph

    def heading(self, text: str, level: int) -> Paragraph:
        return self.directed(self.doc.add_heading(clean(text), level=level))

    def para(
        self,
        text: str,
        *,
        bold: bool = False,
        grey: bool = False,
        size: float | None = None,
        style: str | None = None,
        container: Any = None,
    ) -> Paragraph:
        where = container if container is not None else self.doc
        paragraph = where.add_paragraph(style=style)
        run = paragraph.add_run(clean(text))
        run.bold = bold or None
        if grey:
            run.font.color.rgb = GREY
        if size:
            run.font.size = Pt(size)
        return self.directed(paragraph)

    def link(self, paragraph: Paragraph, text: str, url: str) -> None:
        """Append a hyperlink run to the paragraph."""
        rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), rel)
        run = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), "Hyperlink")
        rpr.append(style)
        color = OxmlElement("w:color")
        color.set(qn("w:val"), "1F5E4A")
        rpr.append(color)
        underline = OxmlElement("w:u")
        underline.set(qn("w:val"), "single")
        rpr.append(underline)
        if self.rtl:
            rpr.append(OxmlElement("w:rtl"))
        run.append(rpr)
        node = OxmlElement("w:t")
        node.text = clean(text)
        node.set(qn("xml:space"), "preserve")
        run.append(node)
        hyperlink.append(run)
        paragraph._p.append(hyperlink)

    def table(self, headings: list[str], rows: list[list[str]], links: list[str | None]) -> Table:
        table = self.doc.add_table(rows=1, cols=max(len(headings), 1))
        table.style = self.doc.styles["Table Grid"]
        if self.rtl:
            table.table_direction = WD_TABLE_DIRECTION.RTL
        for cell, heading in zip(table.rows[0].cells, headings, strict=False):
            cell.paragraphs[0].add_run(clean(heading)).bold = True
            self.directed(cell.paragraphs[0])
        for row, link in zip(rows, links, strict=True):
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=False):
                paragraph = cell.paragraphs[0]
                if link and text == link:
                    self.link(paragraph, text, link)
                else:
                    paragraph.add_run(clean(text))
                self.directed(paragraph)
        return table

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _cover(writer: Writer, document: ReportDocument, lang: str) -> None:
    template = document.report.template
    writer.directed(writer.doc.add_heading(clean(template.label(lang)), level=0))
    writer.para(document.country_name(lang), bold=True, size=16)
    for label, text in common.cover_facts(document, lang):
        writer.para(f"{label}: {text}")
    if template.illustrative:
        writer.para(common.illustrative_note(), bold=True)
    snapshot = document.snapshot
    if snapshot is not None:
        writer.para(
            _("Submitted snapshot %(number)s, SHA-256:") % {"number": snapshot.number}, bold=True
        )
        digest = writer.doc.add_paragraph()
        digest.add_run(snapshot.digest).font.size = Pt(9)
        digest.alignment = WD_ALIGN_PARAGRAPH.LEFT
        writer.para(common.verify_note(), grey=True, size=9)


def _indicator(writer: Writer, question: QuestionView) -> None:
    picture = chart.png(question.series, FONTS / "NotoSans-Regular.ttf")
    if picture is not None:
        writer.doc.add_picture(io.BytesIO(picture), width=Cm(15))
        writer.directed(writer.doc.paragraphs[-1])
    drawn = [s for s in question.series if s.points]
    years = sorted({int(p[0]) for s in drawn for p in s.points})
    by_series = [{int(y): v for y, v in s.points} for s in drawn]
    rows = [
        [str(year)] + [common.scalar("number", points.get(year), [], "") for points in by_series]
        for year in years
    ]
    headings = [_("Year")] + [s.label or str(n + 1) for n, s in enumerate(drawn)]
    writer.table(headings, rows, [None] * len(rows))


def _targets(writer: Writer, question: QuestionView, lang: str, targets: dict[str, str]) -> None:
    """Progress towards each target (a heading and its texts), then per GBF target."""
    for block in common.target_blocks(question, lang, targets):
        writer.heading(block.heading, level=3)
        for label, text in block.fields:
            writer.para(label, bold=True, grey=True, size=9)
            for line in text.split("\n"):
                if line.strip():
                    writer.para(line.strip())
    if question.by_gbf:
        writer.heading(common.gbf_title(), level=3)
        grid = common.gbf_grid(question, lang)
        writer.table(grid.headings, grid.rows, grid.links)


def _question(writer: Writer, question: QuestionView, lang: str, targets: dict[str, str]) -> None:
    writer.heading(common.heading(question.number, question.label(lang)), level=2)
    if not common.answered(question):
        note = (
            _("No indicator data for this country.")
            if question.type == "indicator-data"
            else common.not_answered()
        )
        writer.para(note, grey=True)
        return
    if question.type == "indicator-data":
        _indicator(writer, question)
    elif question.type == "national-targets":
        _targets(writer, question, lang, targets)
    elif question.type in common.TABULAR:
        grid = common.grid(question, lang, targets)
        writer.table(grid.headings, grid.rows, grid.links)
    else:
        style = "List Bullet" if question.type == "multiple-choice" else None
        for line in common.lines(question, lang):
            writer.para(line, style=style)


def render(document: ReportDocument, lang: str) -> bytes:
    """The report as DOCX bytes in ``lang`` (Meadow's labels must be active in it)."""
    writer = Writer(lang)
    template = document.report.template
    properties = writer.doc.core_properties
    properties.title = f"{template.label(lang)} - {document.country_name(lang)}"
    properties.author = "Meadow"
    properties.created = document.generated_at
    targets = common.national_targets(document, lang)
    _cover(writer, document, lang)
    for section, questions in common.shown_sections(document):
        writer.heading(common.heading(section.number, section.label(lang)), level=1)
        for question in questions:
            _question(writer, question, lang, targets)
    return writer.save()
