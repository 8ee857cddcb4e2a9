"""The structure of a document's text: headings, numbered paragraphs, sub-paragraphs,
annexes, tables and footnotes, each with its anchor.

Pure functions over the blocks a reader returns. What is recognised:

- the first page (see ``metadata.analyse_header``): the meeting's block becomes the
  paragraph ``header`` and the title the heading ``title``;
- annexes: a line that is only "附件", "附件一", "Annex", "Annex II" ...; the next
  heading-like line is the annex's title. Each annex numbers its own paragraphs;
- numbered paragraphs "1. ", "12. " (``para-12``; ``annex-1-para-3`` in an annex).
  A numbered line whose number is not the next paragraph number and that reads like
  a heading (short, no closing punctuation) is a part heading ("1. 导言" before
  "1. 编写本说明"), as are "一、", "三.", "II." (``part-3``); "A." to "Z." are sections
  of the current part (``part-1-a``);
- sub-paragraphs "(a)", "(i)", "(1)" and bullets "·" under the paragraph, text or
  heading they follow, nested in the order the kinds appear ("(a)" then "(i)" inside
  it); "(i)" right after "(h)" is a letter, not a roman one (``para-5-a``,
  ``para-5-a-ii``);
- unnumbered headings: a short line without closing punctuation that starts a
  sentence and comes right before a numbered paragraph, a heading, a sub-paragraph or
  a table (``h-3``); table captions "表1：", "Table 2." (``table-1``);
- tables, row by row (``table-1-head``, ``table-1-row-4``), each row with its cells;
- other text (``text-2``); a line that continues the one before (no blank line
  between) joins it, so a paragraph broken over several lines is one paragraph;
- footnotes: those written in line by the export, and those listed after the last
  separator line ("_____") at the end, numbered in order ("*" notes apart). A listed
  note's marker is a number written right after punctuation ("审议。4"), taken when it
  is the number of a note and higher than the last marker placed; "*" goes to the
  first asterisk in the text. A placed footnote's ``parent`` is the paragraph with
  its marker, and the paragraph's ``markers`` say where in its text; a note whose
  marker cannot be found is kept, with no parent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from meadow.library import metadata
from meadow.library.readers import MARKER, Block, Line, Table, marker

# --- patterns -------------------------------------------------------------------------

NUMBERED = re.compile(r"^(\d{1,3})\s*[.．](?:\s+(.*)|\s*)$")
ZH_PART = re.compile(r"^([一二三四五六七八九十]+)\s*[、.．]\s*(.*)$")
ROMAN_PART = re.compile(r"^([IVXL]+)\s*[.．](?:\s+(.*)|\s*)$")
SECTION = re.compile(r"^([A-Z])\s*[.．](?:\s+(.*)|\s*)$")
ITEM = re.compile(r"^[(（]\s*([a-z]{1,5}|\d{1,2})\s*[)）]\s*(.*)$")
BULLET = re.compile(r"^[·•▪◦‣\-–]\s+(.*)$")
ANNEX = re.compile(
    r"^(附件|Annex|ANNEX|Annexe|ANNEXE|Anexo|ANEXO|Приложение|ПРИЛОЖЕНИЕ|المرفق)"
    r"\s*([一二三四五六七八九十]+|[IVXL]+|\d{1,2})?\s*$"
)
CAPTION = re.compile(r"^(表|Table|Tableau|Cuadro|Таблица)\s*(\d{1,2})\s*[：:.．]?\s*(.*)$")
SEPARATOR = re.compile(r"^[_＿]{5,}$")
ROMAN_ITEM = re.compile(r"^(?:i{1,3}|iv|vi{0,3}|ix|xi{0,3}|xiv|xvi{0,3}|xix|xx)$")
NOTE_START = re.compile(r"^(?:(\*{1,3})|(\ufffd)|\[(\d{1,3})\]|(\d{1,3})[.)]?(?=\s))\s*(.*)$")
DIGIT_MARKER = re.compile(r"(?<=\D[。；，、：）」”.;,:)\]\"'])(\d{1,3})(?=\s|$)")
HYPERLINK = re.compile(r"(?:\ufffd\s*)?HYPERLINK\s+\"[^\"]*\"\s*\ufffd+([^\ufffd]*)\ufffd")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_END_OF_SENTENCE = re.compile(r"[。；，：;:!?！？]$")
_END_OF_CLAUSE = re.compile(r"[。；：;:!?！？]$")


def plain(text: str) -> str:
    return MARKER.sub("", text).strip()


def join(a: str, b: str) -> str:
    """Two pieces of a paragraph broken over lines: no space between Chinese text."""
    a, b = a.rstrip(), b.lstrip()
    if not a or not b:
        return a + b
    last = plain(a)[-1:] or a[-1]
    first = plain(b)[:1] or b[0]
    if _CJK.match(last) or _CJK.match(first):
        return a + b
    return f"{a} {b}"


def zh_or_roman(value: str) -> int:
    number = metadata.zh_number(value)
    if number is not None:
        return number
    if re.fullmatch(r"[IVXL]+", value):
        return metadata.roman(value)
    return int(value)


# --- results --------------------------------------------------------------------------


@dataclass
class Para:
    anchor: str
    kind: str
    number: str = ""
    text: str = ""
    cells: list[str] | None = None
    parent: str = ""
    markers: list[dict[str, Any]] = field(default_factory=list)
    order: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "anchor": self.anchor,
            "kind": self.kind,
            "number": self.number,
            "text": self.text,
            "cells": self.cells,
            "parent": self.parent,
            "markers": self.markers,
        }


@dataclass
class Parsed:
    header: metadata.Header
    paragraphs: list[Para]
    notes: dict[str, str]


# --- footnotes ------------------------------------------------------------------------


def split_notes(blocks: list[Block]) -> tuple[list[Block], dict[str, str]]:
    """The body's blocks and the notes listed after the last separator line."""
    last = -1
    for i, block in enumerate(blocks):
        if isinstance(block, Line) and SEPARATOR.match(block.text.strip()):
            last = i
    if last < 0:
        return blocks, {}
    rest = [b for b in blocks[last + 1 :] if not (isinstance(b, Line) and not b.text.strip())]
    if not rest:
        return blocks[:last], {}
    if not all(isinstance(b, Line) for b in rest):
        return blocks, {}
    lines = [b.text for b in rest if isinstance(b, Line)]
    if not NOTE_START.match(lines[0]):
        return blocks, {}
    notes: dict[str, str] = {}
    counter = 0
    key = ""
    for line in lines:
        m = NOTE_START.match(line)
        if m:
            stars, lost, bracketed, numbered, text = m.groups()
            if stars:
                key = "*" * len(stars)
            elif lost:
                counter += 1
                key = str(counter)
            else:
                counter = int(bracketed or numbered)
                key = str(counter)
            notes[key] = text
        elif key:
            notes[key] = join(notes[key], line)
    return blocks[:last], {k: clean_note(v) for k, v in notes.items()}


def clean_note(text: str) -> str:
    text = HYPERLINK.sub(lambda m: m.group(1), text)
    return re.sub(r"\s+", " ", text.replace("\ufffd", "")).strip()


def place_markers(blocks: list[Block], notes: dict[str, str]) -> list[Block]:
    """Put markers where the text shows a listed note's number (see the module's doc)."""
    numbers = sorted(int(k) for k in notes if k.isdigit())
    stars = sorted((k for k in notes if k.startswith("*")), key=len)
    last = 0
    out: list[Block] = []
    for block in blocks:
        if not isinstance(block, Line) or not block.text:
            out.append(block)
            continue
        text = block.text
        while stars:
            star = re.search(r"(?<=\S)\*(?!\*)", text)
            if star is None:
                break
            key = stars.pop(0)
            text = text[: star.start()] + marker(key) + text[star.end() :]

        def replace(m: re.Match[str]) -> str:
            nonlocal last
            value = int(m.group(1))
            if value > last and value in numbers:
                last = value
                return marker(str(value))
            return m.group(0)

        if numbers:
            text = DIGIT_MARKER.sub(replace, text)
        out.append(Line(text, heading=block.heading))
    return out


def extract_markers(text: str) -> tuple[str, list[dict[str, Any]]]:
    """The text without markers, and each marker's note and offset in it."""
    markers: list[dict[str, Any]] = []
    out: list[str] = []
    length = 0
    pos = 0
    for m in MARKER.finditer(text):
        piece = text[pos : m.start()]
        out.append(piece)
        length += len(piece)
        markers.append({"note": m.group(1), "at": length})
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), markers


# --- the parser -----------------------------------------------------------------------


def is_structural(block: Block) -> bool:
    if isinstance(block, Table):
        return True
    text = plain(block.text)
    return bool(
        NUMBERED.match(text)
        or ZH_PART.match(text)
        or ROMAN_PART.match(text)
        or SECTION.match(text)
        or ITEM.match(text)
        or BULLET.match(text)
        or ANNEX.match(text)
        or CAPTION.match(text)
    )


@dataclass
class _Open:
    para: Para
    parts: list[str]  # text pieces (with markers) still to be joined


class Parser:
    def __init__(self, blocks: list[Block], *, separated: bool = False) -> None:
        self.blocks = blocks
        self.separated = separated
        self.out: list[Para] = []
        self.used: set[str] = set()
        self.current: _Open | None = None
        self.scope = ""
        self.expected = 1
        self.annexes = 0
        self.headings: list[tuple[int, str]] = []  # (level, anchor): annex 0 part 1 ...
        self.part = ""
        self.container = ""
        self.items: list[tuple[str, str, str]] = []  # (type, label, anchor)
        self.counters: dict[str, int] = {}
        self.table_number = 0
        self.table_caption = ""

    # helpers
    def count(self, name: str) -> int:
        key = f"{self.scope}{name}"
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    def anchor(self, value: str) -> str:
        value = value.lower()
        base, n = value, 1
        while value in self.used:
            n += 1
            value = f"{base}-{n}"
        self.used.add(value)
        return value

    def close(self) -> None:
        if self.current is None:
            return
        para, parts = self.current.para, self.current.parts
        text = ""
        for part in parts:
            text = join(text, part) if text else part.strip()
        para.text, para.markers = extract_markers(text.replace("\ufffd", ""))
        para.text = para.text.strip()
        self.current = None

    def emit(self, para: Para, text: str | None) -> Para:
        self.close()
        para.order = len(self.out)
        self.out.append(para)
        if text is not None:
            self.current = _Open(para, [text])
        return para

    def heading_parent(self, level: int) -> str:
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        return self.headings[-1][1] if self.headings else ""

    def push_heading(self, level: int, para: Para) -> None:
        self.headings.append((level, para.anchor))
        self.container = para.anchor
        self.items = []

    def next_index(self, i: int) -> int:
        j = i + 1
        while j < len(self.blocks):
            block = self.blocks[j]
            if isinstance(block, Table) or block.text.strip():
                return j
            j += 1
        return -1

    def next_text(self, i: int) -> str:
        j = self.next_index(i)
        if j < 0 or isinstance(self.blocks[j], Table):
            return ""
        block = self.blocks[j]
        return block.text if isinstance(block, Line) else ""

    # the walk
    def run(self, start: int = 0, header: metadata.Header | None = None) -> list[Para]:
        if header is not None:
            self.front(header)
        i = start
        blank = True
        previous = ""
        while i < len(self.blocks):
            block = self.blocks[i]
            if isinstance(block, Table):
                self.table(block)
                blank, previous = True, ""
                i += 1
                continue
            text = block.text
            if not text.strip():
                blank = True
                i += 1
                continue
            i = self.line(i, text, block.heading, blank, previous)
            blank = False
            last = self.blocks[i - 1]
            previous = plain(last.text) if isinstance(last, Line) else ""
        self.close()
        return self.out

    def front(self, header: metadata.Header) -> None:
        lines = [b.text if isinstance(b, Line) else "" for b in self.blocks]
        if header.span is not None:
            start, end = header.span
            para = Para(anchor=self.anchor("header"), kind="text")
            self.emit(para, None)
            text = "\n".join(lines[start:end])
            para.text, para.markers = extract_markers(text)
        if header.title_index >= 0:
            para = Para(anchor=self.anchor("title"), kind="heading", number=header.number)
            self.emit(para, None)
            end = header.title_end
            raw = " ".join(t.strip() for t in lines[header.title_index : end] if t.strip())
            if header.number:
                raw = re.sub(r"^\S+?\s*[.．]\s*", "", raw, count=1)
            para.text, para.markers = extract_markers(raw)
            self.headings = [(-1, para.anchor)]
        if header.note_by >= 0:
            para = Para(anchor=self.anchor("note-by"), kind="text")
            self.emit(para, None)
            para.text, para.markers = extract_markers(lines[header.note_by].strip())

    def line(self, i: int, text: str, hinted: bool, blank: bool, previous: str) -> int:
        p = plain(text)
        raw = text.strip()

        m = ANNEX.match(p)
        if m:
            return self.annex(i, m)

        m = NUMBERED.match(p)
        if m:
            number = int(m.group(1))
            rest = _after_label(raw, m, 2)
            heading = metadata.is_heading_like(rest) if rest.strip() else True
            if number == self.expected:
                following = NUMBERED.match(plain(self.next_text(i)))
                is_part = heading and following is not None and int(following.group(1)) == number
            else:
                is_part = heading
            if is_part:
                return self.part_heading(i, m.group(1), number, rest)
            return self.paragraph(i, m.group(1), number, rest)

        m = ZH_PART.match(p) or ROMAN_PART.match(p)
        if m and (not (m.group(2) or "").strip() or metadata.is_heading_like(m.group(2))):
            return self.part_heading(
                i, m.group(1), zh_or_roman(m.group(1)), _after_label(raw, m, 2)
            )

        m = SECTION.match(p)
        if m and (not (m.group(2) or "").strip() or metadata.is_heading_like(m.group(2))):
            return self.section(i, m.group(1), _after_label(raw, m, 2))

        m = CAPTION.match(p)
        if m and self.next_index(i) >= 0 and isinstance(self.blocks[self.next_index(i)], Table):
            return self.caption(i, int(m.group(2)), raw)

        m = ITEM.match(p)
        if m:
            return self.item(i, m.group(1), f"({m.group(1)})", _after_label(raw, m, 2))

        m = BULLET.match(p)
        if m:
            return self.item(i, "·", "·", _after_label(raw, m, 1))

        starts = blank or not previous or bool(_END_OF_SENTENCE.search(previous))
        if self.current is not None and not blank:
            # A heading takes no continuation lines, and nor does a bullet.
            starts = (
                starts or self.current.para.kind == "heading" or self.current.para.number == "·"
            )
        nxt = self.next_index(i)
        # In a text export a short line standing alone before a blank line is a heading;
        # not where every paragraph is followed by one (DOCX, HTML).
        alone = not self.separated and nxt > i + 1 and len(p) <= 40
        if hinted or (
            starts
            and metadata.is_heading_like(p)
            and (alone or (nxt >= 0 and is_structural(self.blocks[nxt])))
        ):
            para = Para(
                anchor=self.anchor(f"{self.scope}h-{self.count('h')}"),
                kind="heading",
                parent=self.heading_parent(3),
            )
            self.emit(para, raw)
            self.push_heading(3, para)
            return i + 1

        current = self.current
        if current is not None and not blank and current.para.kind == "paragraph":
            current.parts.append(raw)
            return i + 1
        if (
            current is not None
            and not blank
            and current.para.kind == "item"
            and not _END_OF_CLAUSE.search(plain("".join(current.parts)))
        ):
            # "(a)" alone on its line, or an item broken mid-sentence.
            current.parts.append(raw)
            return i + 1
        if (
            current is not None
            and not blank
            and current.para.kind == "text"
            and not _END_OF_SENTENCE.search(previous)
        ):
            current.parts.append(raw)
            return i + 1
        para = Para(
            anchor=self.anchor(f"{self.scope}text-{self.count('text')}"),
            kind="text",
            parent=self.headings[-1][1] if self.headings else "",
        )
        self.emit(para, raw)
        self.container = para.anchor
        self.items = []
        return i + 1

    def annex(self, i: int, m: re.Match[str]) -> int:
        self.annexes += 1
        written = m.group(2) or ""
        number = zh_or_roman(written) if written else self.annexes
        self.scope = f"annex-{number}-"
        self.expected = 1
        self.part = ""
        self.headings = []
        para = Para(anchor=self.anchor(f"annex-{number}"), kind="annex", number=written)
        title = self.next_text(i)
        j = i + 1
        if title and metadata.is_heading_like(title) and not is_structural(Line(title)):
            j = self.next_index(i) + 1
            self.emit(para, title.strip())
        else:
            self.emit(para, m.group(0).strip())
        self.push_heading(0, para)
        return j

    def part_heading(self, i: int, written: str, number: int, rest: str) -> int:
        j = i + 1
        if not plain(rest):
            following = self.next_text(i)
            if following and not is_structural(Line(following)):
                rest = following.strip()
                j = self.next_index(i) + 1
        parent = self.heading_parent(1)
        para = Para(
            anchor=self.anchor(f"{self.scope}part-{number}"),
            kind="heading",
            number=written,
            parent=parent,
        )
        self.emit(para, rest)
        self.push_heading(1, para)
        self.part = para.anchor
        return j

    def section(self, i: int, letter: str, rest: str) -> int:
        j = i + 1
        if not plain(rest):
            following = self.next_text(i)
            if following and not is_structural(Line(following)):
                rest = following.strip()
                j = self.next_index(i) + 1
        parent = self.heading_parent(2)
        base = f"{self.part}-{letter}" if self.part else f"{self.scope}sec-{letter}"
        para = Para(anchor=self.anchor(base), kind="heading", number=letter, parent=parent)
        self.emit(para, rest)
        self.push_heading(2, para)
        return j

    def caption(self, i: int, number: int, raw: str) -> int:
        parent = self.heading_parent(3)
        para = Para(
            anchor=self.anchor(f"{self.scope}table-{number}"),
            kind="heading",
            number=str(number),
            parent=parent,
        )
        self.emit(para, raw)
        self.table_number = number
        self.table_caption = para.anchor
        return i + 1

    def paragraph(self, i: int, written: str, number: int, rest: str) -> int:
        para = Para(
            anchor=self.anchor(f"{self.scope}para-{number}"),
            kind="paragraph",
            number=written,
            parent=self.headings[-1][1] if self.headings else "",
        )
        self.emit(para, rest)
        self.expected = number + 1
        self.container = para.anchor
        self.items = []
        return i + 1

    def item(self, i: int, label: str, written: str, rest: str) -> int:
        kind = self.item_type(label)
        if any(t == kind for t, _, _ in self.items):
            while self.items and self.items[-1][0] != kind:
                self.items.pop()
            self.items.pop()
        parent = self.items[-1][2] if self.items else self.container
        if kind == "bullet":
            key = f"bullet:{parent}"
            self.counters[key] = self.counters.get(key, 0) + 1
            label = f"b{self.counters[key]}"
        base = f"{parent}-{label}" if parent else f"{self.scope}item-{label}"
        para = Para(anchor=self.anchor(base), kind="item", number=written, parent=parent)
        self.emit(para, rest)
        self.items.append((kind, label, para.anchor))
        return i + 1

    def item_type(self, label: str) -> str:
        if label == "·":
            return "bullet"
        if label.isdigit():
            return "digit"
        if ROMAN_ITEM.match(label):
            letters = [lab for t, lab, _ in self.items if t == "letter"]
            if len(label) == 1 and letters and letters[-1] == chr(ord(label) - 1):
                return "letter"
            return "roman"
        return "letter"

    def table(self, table: Table) -> None:
        self.close()
        if self.table_caption:
            number, parent = self.table_number, self.table_caption
        else:
            number = self.count("table")
            parent = self.headings[-1][1] if self.headings else ""
        self.table_caption = ""
        for r, row in enumerate(table.rows):
            suffix = "head" if r == 0 else f"row-{r}"
            cells: list[str] = []
            markers: list[dict[str, Any]] = []
            for c, cell in enumerate(row):
                clean, found = extract_markers(cell)
                cells.append(clean.strip())
                markers.extend({"note": f["note"], "cell": c, "at": f["at"]} for f in found)
            para = Para(
                anchor=self.anchor(f"{self.scope}table-{number}-{suffix}"),
                kind="table-row",
                number="" if r == 0 else str(r),
                text=" | ".join(cells),
                cells=cells,
                parent=parent,
                markers=markers,
            )
            self.emit(para, None)


def _after_label(raw: str, m: re.Match[str], group: int) -> str:
    """The line after its label ("5. ", "(a)"), markers kept."""
    label_end = m.start(group) if m.group(group) is not None else len(m.group(0))
    # Offsets of ``m`` are in the plain text; walk the raw text to the same place.
    seen = 0
    i = 0
    while i < len(raw) and seen < label_end:
        mk = MARKER.match(raw, i)
        if mk:
            i = mk.end()
            continue
        seen += 1
        i += 1
    return raw[i:].strip()


def parse(
    blocks: list[Block],
    notes: dict[str, str] | None = None,
    *,
    separated: bool = False,
) -> Parsed:
    """Blocks of a file -> its header and paragraphs (footnotes last).

    ``separated``: the reader puts a blank line after every paragraph (DOCX, HTML).
    """
    body, listed = split_notes(blocks)
    all_notes = {**(notes or {}), **listed}
    body = place_markers(body, listed)
    lines: list[str] = []
    for block in body:
        if isinstance(block, Table):
            break
        lines.append(block.text)
    header = metadata.analyse_header(lines)
    parser = Parser(body, separated=separated)
    paragraphs = parser.run(header.body_start, header)
    placed: dict[str, str] = {}
    for para in paragraphs:
        for found in para.markers:
            placed.setdefault(found["note"], para.anchor)
    keys = [k for k in placed if k in all_notes]
    keys += sorted((k for k in all_notes if k not in placed), key=_note_order)
    for key in keys:
        anchor = "fn-" + (
            key if key.isalnum() else "star" + ("" if len(key) == 1 else str(len(key)))
        )
        para = Para(
            anchor=parser.anchor(anchor),
            kind="footnote",
            number=key,
            text=all_notes[key],
            parent=placed.get(key, ""),
            order=len(paragraphs),
        )
        paragraphs.append(para)
    return Parsed(header=header, paragraphs=paragraphs, notes=all_notes)


def _note_order(key: str) -> tuple[int, int, str]:
    if key.isdigit():
        return (1, int(key), key)
    return (0, len(key), key)
