"""A report as a PDF, drawn with fpdf2 in the report's language.

Text is shaped with HarfBuzz (``set_text_shaping``), so Arabic is joined and laid out
right to left, and set in the fonts Meadow ships (``meadow/reports/fonts``): Noto Sans
for Latin, Greek and Cyrillic, Noto Sans Arabic, and a subset of Noto Sans CJK SC for
Chinese. The font of the report's language comes first and the others are fallbacks,
so a name or a quotation in another script is still drawn. Indicator data are drawn as
simple line or bar charts with fpdf2's own lines and rectangles; progress towards
national targets as a block per target, then a table of progress per GBF target.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont
from fpdf import FPDF, FontFace
from fpdf.enums import Align, XPos, YPos

from meadow.reports.document import QuestionView, ReportDocument, Series
from meadow.reports.exports import chart, common

FONTS = Path(__file__).resolve().parent.parent / "fonts"
# Family name -> (regular file, bold file). The Chinese subset has one weight: it is
# registered as bold too, so headings in Chinese are set in it at a larger size.
FAMILIES: dict[str, tuple[str, str]] = {
    "sans": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    "arabic": ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    "cjk": ("NotoSansCJKsc-Regular-subset.ttf", "NotoSansCJKsc-Regular-subset.ttf"),
}
PRIMARY = {"ar": "arabic", "zh": "cjk"}

MARGIN = 18.0
GREY = (110, 110, 110)
RULE = (190, 190, 190)
ACCENT = (31, 94, 74)
SHADE = (238, 244, 241)
CHART_HEIGHT = 55.0
# fontTools tells every step of the subsetting fpdf2 asks of it at INFO level.
logging.getLogger("fontTools").setLevel(logging.WARNING)
# Characters no font draws and no reader needs: C0/C1 controls but tab and newline.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    return CONTROL.sub("", text.replace("\r\n", "\n").replace("\t", " "))


@cache
def coverage(family: str) -> frozenset[int]:
    """The code points a family's regular font draws."""
    font = TTFont(str(FONTS / FAMILIES[family][0]), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def families(lang: str, texts: Iterable[str]) -> list[str]:
    """The font families a document needs: its language's, Noto Sans (numbers, codes,
    the hash) and each other family that draws a character the first ones do not."""
    primary = PRIMARY.get(lang, "sans")
    chosen = [primary] if primary == "sans" else [primary, "sans"]
    missing = {ord(c) for text in texts for c in text if not c.isspace()}
    for family in chosen:
        missing -= coverage(family)
    for family in FAMILIES:
        if family not in chosen and missing & coverage(family):
            chosen.append(family)
            missing -= coverage(family)
    return chosen


def texts(document: ReportDocument, lang: str, targets: dict[str, str]) -> Iterator[str]:
    """Every text the PDF of the document draws (Meadow's own labels aside)."""
    template = document.report.template
    yield template.label(lang)
    yield document.country_name(lang)
    for _label, text in common.cover_facts(document, lang):
        yield text
    for section, questions in common.shown_sections(document):
        yield section.label(lang)
        for question in questions:
            yield question.label(lang)
            if question.type == "indicator-data":
                yield from (s.label for s in question.series)
            elif question.type == "national-targets":
                for block in common.target_blocks(question, lang, targets):
                    yield block.heading
                    yield from (text for pair in block.fields for text in pair)
                gbf = common.gbf_grid(question, lang)
                yield common.gbf_title()
                yield from gbf.headings
                yield from (cell for row in gbf.rows for cell in row)
            elif question.type in common.TABULAR:
                grid = common.grid(question, lang, targets)
                yield from grid.headings
                yield from (cell for row in grid.rows for cell in row)
            else:
                yield from common.lines(question, lang)


class ReportPDF(FPDF):
    """An A4 document with the report's running header and page numbers."""

    def __init__(self, document: ReportDocument, lang: str, fonts: Sequence[str]) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.document = document
        self.lang = lang
        self.rtl = common.is_rtl(lang)
        self.align = Align.R if self.rtl else Align.L
        self.family = fonts[0]
        for family in fonts:
            regular, bold = FAMILIES[family]
            self.add_font(family, "", str(FONTS / regular))
            self.add_font(family, "B", str(FONTS / bold))
        self.set_fallback_fonts(list(fonts[1:]), exact_match=False)
        self.set_text_shaping(use_shaping_engine=True, direction="rtl" if self.rtl else "ltr")
        self.set_margins(MARGIN, 20, MARGIN)
        self.set_auto_page_break(True, margin=18)
        self.alias_nb_pages()
        template = document.report.template
        running = [document.country_name(lang), template.label(lang), document.report.cycle]
        if template.illustrative:
            running.append(_("Illustrative"))
        self.running = " · ".join(running)
        self.page_label = _("Page %(page)s of %(pages)s")

    def font(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.font(8)
        self.set_text_color(*GREY)
        self.set_y(9)
        self.cell(0, 5, clean(self.running), align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*RULE)
        self.line(MARGIN, 15, self.w - MARGIN, 15)
        self.set_text_color(0, 0, 0)
        self.set_y(20)

    def footer(self) -> None:
        self.set_y(-13)
        self.font(8)
        self.set_text_color(*GREY)
        text = self.page_label % {"page": self.page_no(), "pages": self.str_alias_nb_pages}
        self.cell(0, 5, text, align=Align.C)
        self.set_text_color(0, 0, 0)

    # Writing ---------------------------------------------------------------------------

    def para(
        self,
        text: str,
        size: float = 10,
        bold: bool = False,
        color: tuple[int, int, int] = (0, 0, 0),
        height: float | None = None,
        align: Align | None = None,
        link: str = "",
    ) -> None:
        self.font(size, bold)
        self.set_text_color(*color)
        self.multi_cell(
            0,
            height or size * 0.5,
            clean(text),
            align=align or self.align,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
            link=link or None,
        )
        self.set_text_color(0, 0, 0)

    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` more millimetres fit on this one."""
        if self.will_page_break(height):
            self.add_page()


def _heading(number: str, label: str) -> str:
    """Number and title, kept together: a line of CJK text does not break after the number."""
    text = common.heading(number, label)
    number = number.strip()
    if number and text.startswith(f"{number} "):
        return f"{number}\u00a0{text[len(number) + 1 :]}"
    return text


def _cover(pdf: ReportPDF, document: ReportDocument, lang: str) -> None:
    template = document.report.template
    pdf.add_page()
    pdf.set_y(32)
    pdf.para(template.label(lang), size=22, bold=True, color=ACCENT, height=11)
    pdf.ln(2)
    pdf.para(document.country_name(lang), size=16, bold=True, height=8)
    pdf.ln(6)
    for label, text in common.cover_facts(document, lang):
        pdf.para(f"{label}: {text}", size=11, height=6.5)
    if template.illustrative:
        pdf.ln(4)
        pdf.set_fill_color(*SHADE)
        pdf.font(10, bold=True)
        pdf.multi_cell(
            0,
            6,
            clean(common.illustrative_note()),
            align=pdf.align,
            fill=True,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    snapshot = document.snapshot
    if snapshot is not None:
        pdf.ln(6)
        pdf.para(
            _("Submitted snapshot %(number)s, SHA-256:") % {"number": snapshot.number},
            size=11,
            bold=True,
            height=6.5,
        )
        # The hash on a line of its own, left to right whatever the language.
        pdf.set_font("sans", "", 9.5)
        pdf.cell(0, 6, snapshot.digest, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.para(common.verify_note(), size=9, color=GREY, height=4.8)
    pdf.ln(8)
    progress = [s.progress for s in document.sections]
    shown = sum(p.shown for p in progress)
    answered = sum(p.answered for p in progress)
    pdf.para(
        _("%(answered)s of %(shown)s questions answered.") % {"answered": answered, "shown": shown},
        size=10,
        color=GREY,
    )


def _grid(pdf: ReportPDF, grid: common.Grid) -> None:
    headings = list(grid.headings)
    rows = [list(r) for r in grid.rows]
    links = list(grid.links)
    if pdf.rtl:
        headings.reverse()
        for row in rows:
            row.reverse()
    count = max(len(headings), 1)
    pdf.font(9)
    pdf.set_draw_color(*RULE)
    with pdf.table(
        width=pdf.epw,
        text_align=Align.R if pdf.rtl else Align.L,
        line_height=4.8,
        padding=1.2,
        headings_style=FontFace(emphasis="B", fill_color=SHADE),
        col_widths=tuple([1.0] * count),
    ) as table:
        head = table.row()
        for heading in headings:
            head.cell(clean(heading))
        for row, link in zip(rows, links, strict=True):
            line = table.row()
            for text in row:
                is_link = link and text == link
                line.cell(clean(text), link=link if is_link else None)
    pdf.ln(2)


def _chart(pdf: ReportPDF, series: Sequence[Series]) -> None:
    pdf.keep(CHART_HEIGHT + 16)
    top = pdf.get_y() + 3
    box = chart.Box(pdf.l_margin + 16, top, pdf.w - pdf.r_margin - 4, top + CHART_HEIGHT)
    drawing = chart.plan(series, box)
    if drawing is None:
        return
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.15)
    pdf.set_font("sans", "", 7)
    pdf.set_text_color(*GREY)
    for y, label in drawing.value_ticks:
        pdf.line(box.left, y, box.right, y)
        pdf.text(box.left - 2 - pdf.get_string_width(label), y + 1, label)
    for x, label in drawing.year_ticks:
        pdf.text(x - pdf.get_string_width(label) / 2, box.bottom + 4, label)
    pdf.set_draw_color(60, 60, 60)
    pdf.set_line_width(0.3)
    pdf.line(box.left, box.bottom, box.right, box.bottom)
    pdf.line(box.left, box.top, box.left, box.bottom)
    for left, rect_top, width, height, color in drawing.rects:
        pdf.set_fill_color(*color)
        pdf.rect(left, rect_top, width, height, style="F")
    pdf.set_text_color(60, 60, 60)
    for x, y, label in drawing.labels:
        pdf.text(x - pdf.get_string_width(label) / 2, y - 1.2, label)
    if not drawing.bars:
        pdf.set_line_width(0.5)
        for line in drawing.lines:
            pdf.set_draw_color(*line.color)
            pdf.set_fill_color(*line.color)
            if len(line.points) > 1:
                pdf.polyline(line.points)
            for x, y in line.points:
                pdf.circle(x, y, 0.7, style="F")
    pdf.set_line_width(0.2)
    pdf.set_y(box.bottom + 7)
    x = box.left
    pdf.set_font("sans", "", 7.5)
    for line in drawing.lines:
        pdf.set_fill_color(*line.color)
        pdf.rect(x, pdf.get_y() + 0.8, 2.6, 2.6, style="F")
        label = clean(line.label)
        pdf.set_xy(x + 3.6, pdf.get_y())
        pdf.font(7.5)
        pdf.cell(pdf.get_string_width(label) + 1, 4.2, label)
        x += pdf.get_string_width(label) + 10
    pdf.set_text_color(0, 0, 0)
    pdf.set_xy(pdf.l_margin, pdf.get_y() + 6)


def _targets(pdf: ReportPDF, question: QuestionView, lang: str, targets: dict[str, str]) -> None:
    """Progress towards each target (a heading and its texts), then per GBF target."""
    for block in common.target_blocks(question, lang, targets):
        pdf.keep(16)
        pdf.para(block.heading, size=10, bold=True, height=5.2)
        for label, text in block.fields:
            pdf.para(label, size=8.5, bold=True, color=GREY, height=4.4)
            pdf.para(text, size=9.5, height=4.8)
        pdf.ln(2)
    if question.by_gbf:
        pdf.keep(24)
        pdf.para(common.gbf_title(), size=10, bold=True, color=ACCENT, height=5.2)
        pdf.ln(1)
        _grid(pdf, common.gbf_grid(question, lang))


def _question(pdf: ReportPDF, question: QuestionView, lang: str, targets: dict[str, str]) -> None:
    pdf.keep(14)
    title = _heading(question.number, question.label(lang))
    pdf.para(title, size=10, bold=True, height=5.2)
    pdf.ln(1)
    if not common.answered(question):
        note = (
            _("No indicator data for this country.")
            if question.type == "indicator-data"
            else common.not_answered()
        )
        pdf.para(note, size=9.5, color=GREY)
    elif question.type == "indicator-data":
        _chart(pdf, question.series)
    elif question.type == "national-targets":
        _targets(pdf, question, lang, targets)
    elif question.type in common.TABULAR:
        _grid(pdf, common.grid(question, lang, targets))
    else:
        bullet = question.type == "multiple-choice"
        for line in common.lines(question, lang):
            pdf.para(f"• {line}" if bullet else line, size=10, height=5)
    pdf.ln(3)


def render(document: ReportDocument, lang: str) -> bytes:
    """The report as PDF bytes in ``lang`` (Meadow's labels must be active in it)."""
    targets = common.national_targets(document, lang)
    pdf = ReportPDF(document, lang, families(lang, texts(document, lang, targets)))
    template = document.report.template
    pdf.set_title(
        f"{template.label(lang)} - {document.country_name(lang)} - {document.report.cycle}"
    )
    pdf.set_author("Meadow")
    pdf.set_creator("Meadow")
    pdf.set_lang(lang)
    pdf.set_creation_date(document.generated_at)
    _cover(pdf, document, lang)
    pdf.add_page()
    for n, (section, questions) in enumerate(common.shown_sections(document)):
        if n:
            pdf.ln(4)
            pdf.keep(40)
        heading = _heading(section.number, section.label(lang))
        pdf.start_section(clean(heading)[:120])
        pdf.para(heading, size=14, bold=True, color=ACCENT, height=7)
        pdf.set_draw_color(*ACCENT)
        pdf.line(MARGIN, pdf.get_y() + 1, pdf.w - MARGIN, pdf.get_y() + 1)
        pdf.ln(5)
        for question in questions:
            _question(pdf, question, lang, targets)
    return bytes(pdf.output())
