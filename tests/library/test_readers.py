"""Readers: text encodings, DOCX, HTML and PDF, the clean-up of text exports, and a clear
error naming the file for every file that cannot be read."""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from pypdf import PdfWriter

from meadow.library import readers
from meadow.library.ingest import SEEDS
from meadow.library.readers import Line, ReadError, Table

NOTE = SEEDS / "cbd-cop12-note-cooperation-zh.txt"
REC = SEEDS / "cbd-wg2020-rec-1-1-zh.txt"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def texts(source: readers.Source) -> list[str]:
    return [b.text for b in source.blocks if isinstance(b, Line) and b.text]


# --- plain text -----------------------------------------------------------------------


def test_utf8_with_and_without_bom_and_utf16_read_alike(tmp_path: Path) -> None:
    text = NOTE.read_text(encoding="utf-8")
    plain = readers.read(NOTE)
    for name, data in [
        ("bom.txt", codecs.BOM_UTF8 + text.encode("utf-8")),
        ("le.txt", text.encode("utf-16")),  # with its byte-order mark
        ("be.txt", codecs.BOM_UTF16_BE + text.encode("utf-16-be")),
    ]:
        source = readers.read(write(tmp_path, name, data))
        assert source.blocks == plain.blocks, name
        assert source.format == "text"
    assert plain.size == NOTE.stat().st_size
    assert len(plain.sha256) == 64


def test_another_encoding_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "gbk.txt", "生物多样性公约".encode("gbk"))
    with pytest.raises(ReadError) as err:
        readers.read(path)
    message = str(err.value)
    assert message.startswith("gbk.txt: not UTF-8 or UTF-16 text")
    assert "offset 0" in message


def test_utf16_without_bom_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "nobom.txt", "Decision 15/4".encode("utf-16-le"))
    with pytest.raises(ReadError, match=r"^nobom\.txt: .*NUL"):
        readers.read(path)


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "MAX_BYTES", 1000)
    path = write(tmp_path, "big.txt", b"x" * 1001)
    with pytest.raises(ReadError, match=r"^big\.txt: the file has 1,001 bytes, more than"):
        readers.read(path)
    write(tmp_path, "small.txt", b"1. Paragraph.")
    assert texts(readers.read(tmp_path / "small.txt")) == ["1. Paragraph."]


def test_empty_missing_and_unsupported_files(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match=r"^empty\.txt: the file is empty"):
        readers.read(write(tmp_path, "empty.txt", b""))
    with pytest.raises(ReadError, match=r"^gone\.txt: no such file"):
        readers.read(tmp_path / "gone.txt")
    with pytest.raises(ReadError, match=r"^sheet\.xlsx: unsupported file type"):
        readers.read(write(tmp_path, "sheet.xlsx", b"PK\x03\x04 not a document"))
    with pytest.raises(ReadError, match=r"^old\.doc: .*\.docx"):
        readers.read(write(tmp_path, "old.doc", b"\xd0\xcf\x11\xe0"))
    with pytest.raises(ReadError, match=r"^blank\.txt: the file has no text"):
        readers.read(write(tmp_path, "blank.txt", b"\n \n\t\n"))


def test_page_headers_images_and_bookmarks_are_removed() -> None:
    lines = texts(readers.read(REC))
    assert "Page 11" not in " ".join(lines)
    assert not any("[image:" in line or "[bookmark:" in line for line in lines)
    # The page headers repeated the symbol; the first page's symbol is kept, once.
    assert lines.count("CBD/WG2020/REC/1/1") == 1
    assert lines[:4] == ["CBD", "Distr.", "GENERAL", "CBD/WG2020/REC/1/1"]
    assert (
        "(a) 邀请科学、技术和工艺咨询附属机构在《公约》三项目标的范围内，为实现转型变革，"
        "就生物多样性丧失驱动因素方面的具体目标、“SMART”（具体、可衡量、可实现、基于成果和"
        "有时限）指标、指标数、基线和监测框架提供指导；"
    ) in lines


def test_inline_footnotes_become_markers() -> None:
    source = readers.read(REC)
    assert len(source.notes) == 29
    assert source.notes["2"] == "一些缔约方要求清楚理解转型变革与变革理论之间的区别。"
    assert source.notes["13"] == "一些缔约方要求在框架的这个要素中纳入主流化概念。"
    lines = texts(source)
    assert f"(5) 转型变革；{readers.marker('2')}" in lines
    # Two references side by side: the comma between them goes with them.
    assert f"(a) 能够在目标中反映的问题：{readers.marker('12')}{readers.marker('13')}" in lines
    assert not any("footnoteRef" in line for line in lines)


def test_word_tables_written_one_cell_per_line_become_rows() -> None:
    tables = [b for b in readers.read(REC).blocks if isinstance(b, Table)]
    assert [len(t.rows) for t in tables] == [20, 9, 6]  # header row + meetings
    assert all(len(row) == 6 for t in tables for row in t.rows)
    header = ("日期和地点", "会议", "2020年后全球生物多样性框架的要素", "任务授权", "作用/形式")
    assert tables[1].rows[0] == (*header, "类型")
    # A row's first cells are empty where it continues the meeting above it.
    assert tables[0].rows[3] == (
        "",
        "",
        "工作组第一次会议的请求",
        "",
        "WG8J将审议工作组第一次会议产生的任何进一步请求，向工作组第二次会议提出建议",
        "",
    )
    # The type cell holds its two paragraphs: the type's name and its number.
    assert tables[1].rows[8] == (
        "2020年3月1日，中国昆明",
        "磋商能力建设问题",
        "能力建设",
        "",
        "将向SBI-3和WG2020-3提交磋商报告",
        "专题磋商\n3",
    )


def test_tab_separated_lines_are_a_table() -> None:
    blocks = readers.text_blocks("Intro\nTarget\tIndicator\n1\tA.1\n2\tA.2\n\nA.\tHeading\n", {})
    assert blocks[0] == Line("Intro")
    assert blocks[1] == Table((("Target", "Indicator"), ("1", "A.1"), ("2", "A.2")))
    # A single line with a tab after its label is not a table.
    assert Line("A. Heading") in blocks


# --- DOCX and HTML --------------------------------------------------------------------


def test_docx_paragraphs_headings_and_tables(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("CBD/COP/DEC/15/4")
    document.add_heading("15/4. Kunming-Montreal Global Biodiversity Framework", level=1)
    document.add_paragraph("1. Adopts the Kunming-Montreal Global Biodiversity Framework;")
    table = document.add_table(rows=3, cols=2)
    for r, row in enumerate([("Target", "Headline indicator"), ("1", "A.1"), ("3", "A.2")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    merged = table.cell(2, 0).merge(table.cell(2, 1))
    merged.text = "merged"
    buffer = io.BytesIO()
    document.save(buffer)
    source = readers.read(write(tmp_path, "decision.docx", buffer.getvalue()))
    assert source.format == "docx"
    lines = [b for b in source.blocks if isinstance(b, Line) and b.text]
    assert lines[0] == Line("CBD/COP/DEC/15/4")
    assert lines[1] == Line("15/4. Kunming-Montreal Global Biodiversity Framework", heading=True)
    assert lines[2].text.startswith("1. Adopts")
    tables = [b for b in source.blocks if isinstance(b, Table)]
    assert tables == [Table((("Target", "Headline indicator"), ("1", "A.1"), ("merged",)))]


def test_corrupt_docx(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match=r"^broken\.docx: not a readable DOCX file"):
        readers.read(write(tmp_path, "broken.docx", b"PK\x03\x04 truncated"))


HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>ignored</title>
<style>p { color: red }</style></head>
<body>
<nav><a href="/">Accueil</a></nav>
<h1>24/1. Projet de cadre</h1>
<p>1. <em>Prend note</em> des progrès
accomplis;</p>
<ul><li>(a) les indicateurs;</li><li>(b) le suivi.</li></ul>
<div>Texte <span>en ligne</span><div>bloc imbriqué</div>fin</div>
<table><tr><th>Objectif</th><th>Indicateur</th></tr>
<tr><td>1</td><td>A.1 <table><tr><td>nested</td></tr></table></td></tr></table>
<script>var x = "2. pas du texte";</script>
</body></html>
"""


def test_html_blocks_and_tables(tmp_path: Path) -> None:
    source = readers.read(write(tmp_path, "rec.html", HTML.encode("utf-8")))
    assert source.format == "html"
    lines = [b for b in source.blocks if isinstance(b, Line) and b.text]
    assert [b.text for b in lines] == [
        "Accueil",
        "24/1. Projet de cadre",
        "1. Prend note des progrès accomplis;",
        "(a) les indicateurs;",
        "(b) le suivi.",
        "Texte en ligne",
        "bloc imbriqué",
        "fin",
    ]
    assert lines[1].heading and not lines[2].heading
    tables = [b for b in source.blocks if isinstance(b, Table)]
    assert tables == [Table((("Objectif", "Indicateur"), ("1", "A.1 nested")))]


# --- PDF ------------------------------------------------------------------------------


def text_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    for line in [
        "CBD/COP/DEC/14/34",
        "30 November 2018",
        "14/34. Comprehensive and participatory process",
        "1. Adopts the preparatory process;",
    ]:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.cell(0, 8, "CBD/COP/DEC/14/34", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, "Page 2", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, "2. Urges Parties to engage;", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_pdf_text_without_page_headers(tmp_path: Path) -> None:
    source = readers.read(write(tmp_path, "dec.pdf", text_pdf()))
    assert source.format == "pdf"
    assert texts(source) == [
        "CBD/COP/DEC/14/34",
        "30 November 2018",
        "14/34. Comprehensive and participatory process",
        "1. Adopts the preparatory process;",
        "2. Urges Parties to engage;",
    ]


def test_corrupt_pdf(tmp_path: Path) -> None:
    path = write(tmp_path, "corrupt.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog\ngarbage")
    with pytest.raises(ReadError, match=r"^corrupt\.pdf: not a readable PDF file"):
        readers.read(path)


def test_password_protected_pdf(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    path = write(tmp_path, "locked.pdf", buffer.getvalue())
    with pytest.raises(ReadError, match=r"^locked\.pdf: the PDF is password-protected"):
        readers.read(path)


def test_image_only_pdf(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path = write(tmp_path, "scan.pdf", buffer.getvalue())
    with pytest.raises(ReadError, match=r"^scan\.pdf: the PDF has no text"):
        readers.read(path)


def test_html_in_the_character_set_it_declares(tmp_path: Path) -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>Décision 15/4</p></body>'
    source = readers.read(write(tmp_path, "cp1252.htm", page.encode("cp1252")))
    assert texts(source) == ["Décision 15/4"]
    xhtml = '<?xml version="1.0" encoding="utf-8"?><html><body><p>Genève</p></body></html>'
    assert texts(readers.read(write(tmp_path, "page.xhtml", xhtml.encode()))) == ["Genève"]
    with pytest.raises(ReadError, match=r"^bad\.html: not UTF-8"):
        readers.read(write(tmp_path, "bad.html", "<p>Genève</p>".encode("latin-1")))
