"""A document's metadata read from its text: symbol, body, meeting, dates, type, title.

The first page of a CBD document has a distribution block (``Distr. GENERAL``, the
symbol, the date of issue, the language), the meeting's name, number, dates and
place, the agenda item, and the title: ``1/1. Title`` for a recommendation or a
decision, the title followed by "Note by the Executive Secretary" for a note. Body
and meeting come from the symbol (``CBD/WG2020/REC/1/1`` -> WG2020, WG2020-1), or
from the meeting's name when the text has no symbol on its first page.

A text export can lose the first page's symbol. The document then names itself only
where it cites its own addendum ("本文件的增编", "addendum to the present note"): a
symbol of the same meeting that the text cites both alone and with ``/Add.N`` is taken
as the document's own (``UNEP/CBD/COP/12/24`` with ``UNEP/CBD/COP/12/24/Add.1``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from meadow.library.readers import MARKER

SYMBOL = re.compile(
    r"(?<![A-Za-z0-9/])(?:UNEP/)?CBD(?:/(?:Add\.\d+|Rev\.\d+|Corr\.\d+|\d+"
    r"|[A-Z][A-Za-z0-9]*(?:-[A-Z0-9]+)*))+"
)
TYPE_WORDS = {"REC": "recommendation", "DEC": "decision", "INF": "information", "REP": "report"}
_SUFFIX = re.compile(r"^(?:Add|Rev|Corr)\.\d+$")
_ROMAN = re.compile(r"^[IVXLC]+$")


def roman(value: str) -> int:
    numerals = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for i, ch in enumerate(value):
        n = numerals[ch]
        if i + 1 < len(value) and numerals[value[i + 1]] > n:
            total -= n
        else:
            total += n
    return total


_ZH_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}  # fmt: skip


def zh_number(value: str) -> int | None:
    """一 -> 1, 十二 -> 12, 二十三 -> 23, 一百零五 -> 105; None if not a Chinese number."""
    if value.isdigit():
        return int(value)
    if not value or any(ch not in _ZH_DIGITS and ch not in "十百" for ch in value):
        return None
    total = 0
    current = 0
    for ch in value:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _ZH_DIGITS[ch]
    return total + current


@dataclass(frozen=True)
class SymbolInfo:
    symbol: str
    body: str
    session: int | None
    doc_type: str | None
    number: str  # of a decision or recommendation: "1/1", "XI/6"

    @property
    def meeting(self) -> str:
        return f"{self.body}-{self.session}" if self.body and self.session else ""


def find_symbols(text: str) -> list[str]:
    """Every CBD document symbol in a text, in order (with at least one number)."""
    found = []
    for match in SYMBOL.finditer(text):
        value = match.group(0)
        if any(ch.isdigit() for ch in value) and value.count("/") >= 2:
            found.append(value)
    return found


def parse_symbol(symbol: str) -> SymbolInfo:
    """Body, meeting number, type and decision number of a CBD symbol."""
    parts = [p for p in symbol.split("/") if p not in ("UNEP", "CBD") and not _SUFFIX.match(p)]
    doc_type = None
    body_parts: list[str] = []
    numbers: list[str] = []
    for part in parts:
        if part in TYPE_WORDS:
            doc_type = doc_type or TYPE_WORDS[part]
        elif part.isdigit() or (_ROMAN.match(part) and body_parts):
            numbers.append(part)
        elif not numbers:
            body_parts.extend(part.split("-") if part == "COP-MOP" else [part])
    body = _body_name(body_parts)
    session: int | None = None
    if numbers:
        first = numbers[0]
        session = int(first) if first.isdigit() else roman(first)
    number = "/".join(numbers[:2]) if doc_type in ("decision", "recommendation") else ""
    return SymbolInfo(symbol=symbol, body=body, session=session, doc_type=doc_type, number=number)


def _body_name(parts: list[str]) -> str:
    if not parts:
        return ""
    if parts[0] in ("BS", "CP") and len(parts) > 1:
        return "CP-MOP"
    if parts[0] == "NP" and len(parts) > 1:
        return "NP-MOP"
    return "-".join(parts)


# --- dates ----------------------------------------------------------------------------

MONTHS = {
    **dict.fromkeys(["january", "janvier", "enero", "января", "январь"], 1),
    **dict.fromkeys(["february", "février", "fevrier", "febrero", "февраля", "февраль"], 2),
    **dict.fromkeys(["march", "mars", "marzo", "марта", "март"], 3),
    **dict.fromkeys(["april", "avril", "abril", "апреля", "апрель"], 4),
    **dict.fromkeys(["may", "mai", "mayo", "мая", "май"], 5),
    **dict.fromkeys(["june", "juin", "junio", "июня", "июнь"], 6),
    **dict.fromkeys(["july", "juillet", "julio", "июля", "июль"], 7),
    **dict.fromkeys(["august", "août", "aout", "agosto", "августа", "август"], 8),
    **dict.fromkeys(["september", "septembre", "septiembre", "setiembre", "сентября"], 9),
    **dict.fromkeys(["october", "octobre", "octubre", "октября", "октябрь"], 10),
    **dict.fromkeys(["november", "novembre", "noviembre", "ноября", "ноябрь"], 11),
    **dict.fromkeys(["december", "décembre", "decembre", "diciembre", "декабря", "декабрь"], 12),
}
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_DATE_ZH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_DATE_LATIN = re.compile(
    rf"^(\d{{1,2}})(?:er)?\s+(?:de\s+)?{_MONTH}\s+(?:de\s+)?(\d{{4}})(?:\s*(?:года|г\.))?$",
    re.IGNORECASE,
)
_MEETING_ZH = re.compile(
    r"^(\d{4})年(\d{1,2})月(\d{1,2})日(?:\s*(?:至|-|–)\s*(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日)?"
    r"\s*[，,]\s*(.+)$"
)
_RANGE_LATIN = re.compile(
    rf"(\d{{1,2}})(?:\s+(?:de\s+)?{_MONTH})?\s*(?:-|–|—|to|au|al|a)\s*(\d{{1,2}})\s+(?:de\s+)?"
    rf"{_MONTH}\s+(?:de\s+)?(\d{{4}})",
    re.IGNORECASE,
)


def _date(year: str | int, month: str | int, day: str | int) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_date(line: str) -> dt.date | None:
    """A line that is one date: "30 August 2019", "2019年8月30日", "30 de agosto de 2019"."""
    line = line.strip()
    m = _DATE_ZH.match(line)
    if m:
        return _date(*m.groups())
    m = _DATE_LATIN.match(line)
    if m:
        return _date(m.group(3), MONTHS[m.group(2).lower()], m.group(1))
    return None


@dataclass(frozen=True)
class MeetingLine:
    start: dt.date
    end: dt.date
    place: str


def parse_meeting_line(line: str) -> MeetingLine | None:
    """The dates and place of a meeting: "2019年8月27日至30日，内罗毕",
    "Nairobi, 27-30 August 2019", "Montreal, Canada, 30 October - 1 November 2019"."""
    line = line.strip()
    m = _MEETING_ZH.match(line)
    if m:
        year, month, day, year2, month2, day2, place = m.groups()
        start = _date(year, month, day)
        end = _date(year2 or year, month2 or month, day2 or day)
        if start and end:
            return MeetingLine(start, end, place.strip())
        return None
    m = _RANGE_LATIN.search(line)
    if m and len(line) < 160:
        day, month1, day2, month2, year = m.groups()
        end = _date(year, MONTHS[month2.lower()], day2)
        start = _date(year, MONTHS[(month1 or month2).lower()], day)
        if start and end:
            if start > end:  # 30 December - 2 January
                start = _date(int(year) - 1, start.month, start.day) or start
            place = (line[: m.start()] + line[m.end() :]).strip(" ,;")
            return MeetingLine(start, end, place)
    return None


# --- the meeting's name ---------------------------------------------------------------

BODY_NAMES = [
    ("CP-MOP", re.compile(r"卡塔赫纳生物安全议定书缔约方会议|Parties to the Cartagena Protocol")),
    ("NP-MOP", re.compile(r"名古屋议定书缔约方会议|Parties to the Nagoya Protocol")),
    (
        "WG2020",
        re.compile(
            r"2020年后全球生物多样性框架不限成员名额工作组|Post-2020 Global Biodiversity Framework",
            re.I,
        ),
    ),
    (
        "WGRI",
        re.compile(
            r"审查公约执行情况不限成员名额特设工作组"
            r"|Working Group on (?:the )?Review of Implementation",
            re.I,
        ),
    ),
    ("WG8J", re.compile(r"第8\(j\)条|Article 8\(j\)", re.I)),
    (
        "SBSTTA",
        re.compile(
            r"科学、技术和工艺咨询附属机构"
            r"|Subsidiary Body on Scientific, Technical and Technological Advice",
            re.I,
        ),
    ),
    ("SBI", re.compile(r"执行问题附属机构|Subsidiary Body on Implementation", re.I)),
    (
        "COP",
        re.compile(
            r"缔约方大会|Conference of the Parties"
            r"|Conférence des Parties|Conferencia de las Partes",
            re.I,
        ),
    ),
]
_ORDINALS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
)
_ORDINAL_LIST = _ORDINALS.split(" ")
_SESSION_ZH = re.compile(r"第([一二三四五六七八九十〇零百\d]+)[届次](?:会议|会)")
_SESSION_EN = re.compile(
    r"\b(?:(twenty|thirty)-)?(" + "|".join(_ORDINAL_LIST) + r")\s+meeting\b"
    r"|\b(\d+)(?:st|nd|rd|th)\s+meeting\b",
    re.IGNORECASE,
)


def parse_meeting_name(text: str) -> tuple[str, int | None]:
    """Body and meeting number of a meeting's name ("缔约方大会第十二届会议" -> COP, 12)."""
    body = next((code for code, pattern in BODY_NAMES if pattern.search(text)), "")
    session: int | None = None
    m = _SESSION_ZH.search(text)
    if m:
        session = zh_number(m.group(1))
    else:
        e = _SESSION_EN.search(text)
        if e:
            if e.group(3):
                session = int(e.group(3))
            else:
                session = _ORDINAL_LIST.index(e.group(2).lower()) + 1
                if e.group(1):
                    session += 20 if e.group(1).lower() == "twenty" else 30
    return body, session


# --- the first page -------------------------------------------------------------------

NOTE_BY = re.compile(
    r"^(?:执行秘书的说明|Note by the Executive Secretary|Note du Secrétaire exécutif"
    r"|Nota del Secretario Ejecutivo|Записка Исполнительного секретаря"
    r"|مذكرة من الأمين التنفيذي)\s*\.?$",
    re.IGNORECASE,
)
_AGENDA = re.compile(
    r"(?:议程\W*项目\s*(\d+[a-z]?)|item\s+(\d+[a-z]?)\s+of\s+the\s+(?:provisional\s+)?agenda"
    r"|agenda\s+item\s+(\d+[a-z]?)"
    r"|point\s+(\d+[a-z]?)\s+de\s+l.ordre\s+du\s+jour|tema\s+(\d+[a-z]?)\s+del\s+programa)",
    re.IGNORECASE,
)
_NUMBERED_TITLE = re.compile(r"^((?:\d+|[IVXL]+|[A-Z]{2}-\d+)/\d+)\s*[.．]\s*(.+)$")
_NUMBERED_PARAGRAPH = re.compile(r"^\d{1,3}\s*[.．]\s")
_DISTRIBUTION = re.compile(
    r"^(?:Distr\.?.*|GENERAL|LIMITED|RESTRICTED|CBD|ORIGINAL\s*[:：].*|原文\s*[:：].*"
    r"|CHINESE|ENGLISH|FRENCH|SPANISH|RUSSIAN|ARABIC|中文|英文)$",
    re.IGNORECASE,
)
_REPORT_TITLE = re.compile(r"^(?:报告|Report of|Rapport d|Informe d|Доклад)", re.IGNORECASE)
_SELF = re.compile(
    r"本文件|本说明|present (?:document|note)|présent(?:e)? (?:document|note)"
    r"|presente (?:documento|nota)|настоящ\w+ (?:документ|записк)|هذه الوثيقة",
    re.IGNORECASE,
)

HEADER_WINDOW = 60


@dataclass
class Header:
    """What the first page says, and where the body of the document begins."""

    symbol: str = ""
    date: dt.date | None = None
    meeting: MeetingLine | None = None
    body: str = ""
    session: int | None = None
    agenda_item: str = ""
    title: str = ""
    number: str = ""
    is_note: bool = False
    span: tuple[int, int] | None = None  # lines of the meeting's block (start, end)
    title_index: int = -1  # index of the (first) title line; -1 when none
    title_end: int = -1  # index after the title's last line
    note_by: int = -1  # index of the line "Note by the Executive Secretary"; -1 when none
    body_start: int = 0  # index of the first line of the body


def plain(text: str) -> str:
    return MARKER.sub("", text).strip()


def is_heading_like(text: str) -> bool:
    text = plain(text)
    return bool(text) and len(text) <= 200 and not re.search(r"[。；：，.;:,!?！？]$", text)


def analyse_header(lines: list[str]) -> Header:
    """Read the first page from the document's first lines (up to its first table)."""
    header = Header()
    window = min(len(lines), HEADER_WINDOW)
    for i in range(window):
        if _NUMBERED_PARAGRAPH.match(plain(lines[i])):
            window = i
            break
    texts = [plain(line) for line in lines[:window]]
    meeting_at = -1
    for i, text in enumerate(texts):
        if not header.symbol and find_symbols(text) == [text]:
            header.symbol = text
        elif header.date is None and parse_date(text):
            header.date = parse_date(text)
        elif meeting_at < 0 and (meeting := parse_meeting_line(text)):
            header.meeting = meeting
            meeting_at = i
            break
    if meeting_at >= 0:
        start = meeting_at
        while start > 0 and texts[start - 1] and not _is_distribution(texts[start - 1]):
            start -= 1
        header.span = (start, meeting_at + 1)
        header.body, header.session = parse_meeting_name(_join_lines(texts[start:meeting_at]))
        i = _next_text(texts, meeting_at + 1)
        if i < len(texts) and (agenda := _AGENDA.search(texts[i])):
            header.agenda_item = next(g for g in agenda.groups() if g)
            header.span = (start, i + 1)
            i = _next_text(texts, i + 1)
        _title(header, texts, i)
    else:
        i = 0
        while i < len(texts) and (not texts[i] or _is_distribution(texts[i])):
            i += 1
        _title(header, texts, i)
    return header


def _title(header: Header, texts: list[str], i: int) -> None:
    if i >= len(texts):
        header.body_start = i
        return
    numbered = _NUMBERED_TITLE.match(texts[i])
    if numbered:
        header.number, header.title = numbered.group(1), numbered.group(2).strip()
        header.title_index, header.title_end = i, i + 1
        header.body_start = i + 1
        return
    for k in range(i, min(i + 6, len(texts))):
        if NOTE_BY.match(texts[k]):
            header.title = " ".join(t for t in texts[i:k] if t)
            if k > i:
                header.title_index, header.title_end = i, k
            header.is_note = True
            header.note_by = k
            header.body_start = k + 1
            return
    if is_heading_like(texts[i]):
        header.title = texts[i]
        header.title_index, header.title_end = i, i + 1
        header.body_start = i + 1
    else:
        header.body_start = i


def _join_lines(lines: list[str]) -> str:
    """Lines of a name as one: no space where Chinese text meets."""
    out = ""
    for line in lines:
        if out and not (_CJK.match(out[-1]) or _CJK.match(line[:1])):
            out += " "
        out += line
    return out


_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def _next_text(texts: list[str], i: int) -> int:
    while i < len(texts) and not texts[i]:
        i += 1
    return i


def _is_distribution(text: str) -> bool:
    return bool(
        _DISTRIBUTION.match(text) or find_symbols(text) == [text] or parse_date(text) is not None
    )


def self_symbol(text: str, body: str, session: int | None) -> str:
    """The document's own symbol, from the addendum it cites (see the module's doc)."""
    if not _SELF.search(text):
        return ""
    symbols = find_symbols(text)
    bare = set(symbols)
    addenda: dict[str, int] = {}
    for symbol in symbols:
        m = re.match(r"^(.+)/Add\.\d+$", symbol)
        if m and m.group(1) in bare:
            info = parse_symbol(m.group(1))
            if body and (info.body, info.session) != (body, session):
                continue
            addenda[m.group(1)] = addenda.get(m.group(1), 0) + 1
    if not addenda:
        return ""
    ranked = sorted(addenda.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return ""
    return ranked[0][0]


def doc_type(symbol_type: str | None, header: Header) -> str:
    if symbol_type:
        return symbol_type
    if header.is_note:
        return "note"
    if _REPORT_TITLE.match(header.title):
        return "report"
    return "other"
