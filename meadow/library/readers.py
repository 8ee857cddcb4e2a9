"""Reading document files: plain text, DOCX, HTML and PDF.

Each reader turns a file's bytes into *blocks*: lines of text (in reading order,
blank lines kept, since they separate paragraphs in text exports) and tables (rows
of cells). Footnotes that the file writes in line (``[footnoteRef:2] [2: text]``, as
text exports of Word documents do) are taken out of the text: the line keeps a
marker where the footnote's reference stood and ``Source.notes`` the note itself.

Page headers and footers (``Page 11``, the document's symbol repeated at the top of
each page), image placeholders (``[image: ...]``) and bookmarks of text exports are
removed. A file that cannot be read raises ``ReadError`` naming the file and why.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

# Files larger than this are refused before they are read (settings.LIBRARY_MAX_BYTES
# overrides it).
MAX_BYTES = 50 * 1024 * 1024

SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
}

# A footnote marker inside a line of text: MARK_OPEN + the note's key + MARK_CLOSE.
# Characters of Unicode's private use area, removed from the input before anything else.
MARK_OPEN = "\ue000"
MARK_CLOSE = "\ue001"
MARKER = re.compile(f"{MARK_OPEN}([^{MARK_CLOSE}]*){MARK_CLOSE}")


def marker(key: str) -> str:
    return f"{MARK_OPEN}{key}{MARK_CLOSE}"


class ReadError(Exception):
    """A file that cannot be taken in: ``str()`` names the file and the reason."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class Line:
    text: str
    heading: bool = False  # the file itself marks it as a heading (DOCX style, HTML h1-h6)


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]


Block = Line | Table


@dataclass
class Source:
    name: str
    format: str
    size: int
    sha256: str
    blocks: list[Block]
    notes: dict[str, str] = field(default_factory=dict)


def max_bytes() -> int:
    return int(getattr(settings, "LIBRARY_MAX_BYTES", MAX_BYTES))


def read(path: Path | str) -> Source:
    """Read one file into blocks; ReadError when it cannot be read."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise ReadError(name, _("no such file"))
    size = path.stat().st_size
    limit = max_bytes()
    if size > limit:
        raise ReadError(
            name,
            _("the file has %(size)s bytes, more than the limit of %(limit)s bytes")
            % {"size": f"{size:,}", "limit": f"{limit:,}"},
        )
    if size == 0:
        raise ReadError(name, _("the file is empty"))
    data = path.read_bytes()
    fmt = detect_format(name, data)
    digest = hashlib.sha256(data).hexdigest()
    notes: dict[str, str] = {}
    if fmt == "text":
        blocks = text_blocks(decode(data, name), notes)
    elif fmt == "docx":
        blocks = read_docx(data, name)
    elif fmt == "html":
        blocks = read_html(data, name)
    else:
        blocks = read_pdf(data, name)
    if not any(isinstance(b, Table) or b.text.strip() for b in blocks):
        raise ReadError(name, _("the file has no text"))
    return Source(name=name, format=fmt, size=size, sha256=digest, blocks=blocks, notes=notes)


def detect_format(name: str, data: bytes) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    if suffix == ".doc":
        raise ReadError(name, _("old Word (.doc) files cannot be read: save it as .docx"))
    head = data[:1024].lstrip().lower()
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") and b"word/" in data[:4096]:
        return "docx"
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    raise ReadError(
        name,
        _("unsupported file type %(suffix)r (expected .txt, .docx, .html or .pdf)")
        % {"suffix": suffix or name},
    )


# --- plain text -----------------------------------------------------------------------


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            text = data.decode("utf-32")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = exc.object[exc.start : exc.start + 1].hex().upper()
        raise ReadError(
            name,
            _(
                "not UTF-8 or UTF-16 text: byte 0x%(byte)s at offset %(offset)s cannot be "
                "decoded (save the file as UTF-8)"
            )
            % {"byte": byte, "offset": exc.start},
        ) from None
    if "\x00" in text:
        raise ReadError(
            name,
            _(
                "the text contains NUL characters: not a text file, or UTF-16 without a "
                "byte-order mark"
            ),
        )
    return text


def text_blocks(text: str, notes: dict[str, str]) -> list[Block]:
    """Lines and tables of a text export; inline footnotes go to ``notes``."""
    text = re.sub(f"[{MARK_OPEN}{MARK_CLOSE}]", "", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    lines = [inline_notes(line, notes) for line in text.split("\n")]
    return group_tables(clean_lines(lines))


def inline_notes(line: str, notes: dict[str, str]) -> str:
    """``[footnoteRef:N] [N: text]`` becomes a marker; the text goes to ``notes``.

    The definitions may follow their references in any order on the line
    (``[footnoteRef:12],[footnoteRef:13] [12: ...] [13: ...]``).
    """
    keys = re.findall(r"\[footnoteRef:(\w+)\]", line)
    if not keys:
        return line
    # "[footnoteRef:12],[footnoteRef:13]": the comma only separates the two markers.
    line = re.sub(r"(\[footnoteRef:\w+\])\s*[,，]\s*(?=\[footnoteRef:)", r"\1", line)
    for key in keys:
        definition = re.search(r"\[" + re.escape(key) + r":", line)
        if definition is None:
            continue
        end = _closing_bracket(line, definition.start())
        if end < 0:
            continue
        notes[key] = normalise(line[definition.end() : end])
        line = line[: definition.start()] + line[end + 1 :]
    return re.sub(r"\[footnoteRef:(\w+)\]", lambda m: marker(m.group(1)), line)


def _closing_bracket(line: str, start: int) -> int:
    depth = 0
    for i in range(start, len(line)):
        if line[i] == "[":
            depth += 1
        elif line[i] == "]":
            depth -= 1
            if depth == 0:
                return i
    return -1


_IMAGE = re.compile(r"\[image:[^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)*\]")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_PAGE = re.compile(
    r"^\s*(?:(?:Page|Página|Pagina|Страница|Стр\.)\s*\d+(?:\s*(?:of|de|из)\s*\d+)?"
    r"|第\s*\d+\s*页|-\s*\d+\s*-|الصفحة\s*\d+)\s*$",
    re.IGNORECASE,
)
# A document symbol alone on a line, as page headers repeat it.
SYMBOL_LINE = re.compile(
    r"^\s*(?:UNEP/)?CBD(?:/(?:[A-Z][A-Za-z0-9]*(?:-[A-Z0-9]+)*|\d+|[IVXL]+|Add\.\d+"
    r"|Rev\.\d+|Corr\.\d+))+\s*$"
)


def clean_lines(lines: list[str]) -> list[str]:
    """Drop page headers and footers, image placeholders, bookmarks and repeated symbols."""
    kept: list[str] = []
    for line in lines:
        line = _BOOKMARK.sub("", line)
        if _IMAGE.search(line):
            line = _IMAGE.sub("", line)
            if not line.strip():
                continue
        if _PAGE.match(line):
            # The page header: the symbol line just above "Page N" goes with it.
            while kept and not kept[-1].strip():
                kept.pop()
            if kept and SYMBOL_LINE.match(kept[-1]):
                kept.pop()
            continue
        kept.append(line.rstrip(" \u00a0\u3000"))
    seen: set[str] = set()
    out: list[str] = []
    for line in kept:
        if SYMBOL_LINE.match(line):
            symbol = line.strip()
            if symbol in seen:
                continue
            seen.add(symbol)
        out.append(line)
    while out and not out[0].strip():
        out.pop(0)
    return out


def _is_cell(line: str) -> bool:
    return line.startswith("\t")


_LABEL = re.compile(r"^\s*(?:\(?\w{1,4}[.)．、]|\(\w{1,4}\))")


def group_tables(lines: list[str]) -> list[Block]:
    """Lines to blocks, with tables put back together.

    Text exports of Word tables write one cell per line, each starting with a tab, row
    after row; an empty cell is a tab alone, and a line without a tab right after a
    cell continues that cell (a second paragraph in it). The header row, the first run
    of tab lines with text, gives the number of columns. Lines whose cells are
    separated by tabs (``a<TAB>b<TAB>c``), two or more in a row with the same number
    of cells, are a table too.
    """
    blocks: list[Block] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if _is_cell(line) and line.strip():
            j = i
            while j < n and _is_cell(lines[j]) and lines[j].strip():
                j += 1
            columns = j - i
            table, end = _cell_table(lines, i, columns) if columns >= 2 else (None, i)
            if table is not None:
                blocks.append(table)
                blocks.append(Line(""))
                i = end
                continue
        if not _is_cell(line) and "\t" in line.strip() and not _LABEL.match(line):
            width = len(line.strip().split("\t"))
            j = i
            while (
                j < n
                and not _is_cell(lines[j])
                and len(lines[j].strip().split("\t")) == width
                and not _LABEL.match(lines[j])
            ):
                j += 1
            if width >= 2 and j - i >= 2:
                rows = tuple(
                    tuple(normalise(c) for c in lines[k].strip().split("\t")) for k in range(i, j)
                )
                blocks.append(Table(rows))
                blocks.append(Line(""))
                i = j
                continue
        blocks.append(Line(normalise(line)))
        i += 1
    return blocks


def _cell_table(lines: list[str], start: int, columns: int) -> tuple[Table | None, int]:
    cells: list[str] = []
    in_cell = False
    k = start
    while k < len(lines):
        line = lines[k]
        if _is_cell(line):
            cells.append(line.strip())
            in_cell = True
        elif not line.strip():
            in_cell = False
        elif in_cell:
            cells[-1] = f"{cells[-1]}\n{line.strip()}"
        else:
            break
        k += 1
    if len(cells) <= columns:
        return None, start
    while len(cells) % columns:
        cells.append("")
    rows = tuple(
        tuple(normalise_cell(c) for c in cells[r : r + columns])
        for r in range(0, len(cells), columns)
    )
    return Table(rows), k


def normalise(text: str) -> str:
    """One line's text: tabs and runs of spaces as one space, no outer spaces."""
    return re.sub(r"[ \t\u00a0\u3000]+", " ", text).strip()


def normalise_cell(text: str) -> str:
    return "\n".join(normalise(part) for part in text.split("\n")).strip()


# --- DOCX -----------------------------------------------------------------------------


def read_docx(data: bytes, name: str) -> list[Block]:
    import docx
    from docx.table import Table as DocxTable

    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[Block] = []
        for item in document.iter_inner_content():
            if isinstance(item, DocxTable):
                rows = []
                for row in item.rows:
                    seen: set[int] = set()
                    cells: list[str] = []
                    for cell in row.cells:
                        if id(cell._tc) in seen:
                            continue  # a merged cell repeats itself
                        seen.add(id(cell._tc))
                        cells.append(normalise_cell(cell.text))
                    rows.append(tuple(cells))
                if rows:
                    blocks.append(Table(tuple(rows)))
                    blocks.append(Line(""))
                continue
            style = (item.style.name if item.style is not None else "") or ""
            heading = style.startswith("Heading") or style == "Title"
            for part in item.text.split("\n"):
                blocks.append(Line(normalise(part), heading=heading and bool(part.strip())))
            blocks.append(Line(""))
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError(name, _("not a readable DOCX file (%(error)s)") % {"error": exc}) from None
    return blocks


# --- HTML -----------------------------------------------------------------------------

_BLOCK_TAG_NAMES = (
    "address article aside blockquote body br caption dd div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section "
    "td th tr ul"
)
_BLOCK_TAGS = frozenset(_BLOCK_TAG_NAMES.split())
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP_TAGS = {"script", "style", "noscript", "template", "head", "iframe", "object", "svg"}


def read_html(data: bytes, name: str) -> list[Block]:
    import lxml.html
    from lxml import etree

    text = decode_html(data, name)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(name, _("not a readable HTML file (%(error)s)") % {"error": exc}) from None
    blocks: list[Block] = []
    buffer: list[str] = []

    def flush(heading: bool = False) -> None:
        text = normalise("".join(buffer).replace("\n", " "))
        buffer.clear()
        if text:
            blocks.append(Line(text, heading=heading))
            blocks.append(Line(""))

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.split("}")[-1].lower()
        if not tag or tag in _SKIP_TAGS:
            if el.tail:
                buffer.append(el.tail)
            return
        if tag == "table":
            flush()
            rows = _html_rows(el)
            if rows:
                blocks.append(Table(rows))
                blocks.append(Line(""))
            if el.tail:
                buffer.append(el.tail)
            return
        block = tag in _BLOCK_TAGS
        if block:
            flush()
        if el.text:
            buffer.append(el.text)
        for child in el:
            walk(child)
        if block:
            flush(heading=tag in _HEADINGS)
        if el.tail:
            buffer.append(el.tail)

    walk(root)
    flush()
    return blocks


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def decode_html(data: bytes, name: str) -> str:
    """The page's text: by its byte-order mark, the charset it declares, or UTF-8."""
    declared = _CHARSET.search(data[:4096])
    if declared and not data.startswith(
        (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        encoding = declared.group(1).decode("ascii").lower()
        try:
            text = data.decode(encoding)
        except LookupError:
            raise ReadError(
                name, _("unknown character set %(charset)r") % {"charset": encoding}
            ) from None
        except UnicodeDecodeError as exc:
            raise ReadError(
                name,
                _("the page is not in the %(charset)s it declares (offset %(offset)s)")
                % {"charset": encoding, "offset": exc.start},
            ) from None
    else:
        text = decode(data, name)
    # lxml refuses text that still declares its encoding.
    return re.sub(r"^\s*<\?xml[^>]*\?>", "", text)


def _html_rows(table: Any) -> tuple[tuple[str, ...], ...]:
    rows = []
    for tr in table.iter("tr"):
        if next(tr.iterancestors("table"), None) is not table:
            continue  # a row of a table nested in a cell
        cells = tuple(normalise(cell.text_content()) for cell in tr if cell.tag in ("td", "th"))
        if cells:
            rows.append(cells)
    return tuple(rows)


# --- PDF ------------------------------------------------------------------------------


def read_pdf(data: bytes, name: str) -> list[Block]:
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - pypdf is installed with Meadow
        raise ReadError(name, _("PDF files cannot be read: pypdf is not installed")) from None
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = bool(reader.decrypt(""))
            except Exception:
                opened = False
            if not opened:
                raise ReadError(name, _("the PDF is password-protected: save an unprotected copy"))
        pages = [page.extract_text() or "" for page in reader.pages]
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError(
            name, _("not a readable PDF file (%(error)s)") % {"error": exc or type(exc).__name__}
        ) from None
    if not any(page.strip() for page in pages):
        raise ReadError(
            name,
            _("the PDF has no text that can be extracted (scanned or image-only pages?)"),
        )
    text = "\n\n".join(pages)
    text = re.sub(f"[{MARK_OPEN}{MARK_CLOSE}]", "", text)
    return [Line(normalise(line)) for line in clean_lines(text.split("\n"))]
