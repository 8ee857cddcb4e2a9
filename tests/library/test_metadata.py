"""Metadata read from a document's text: symbols, dates, meetings, the first page."""

from __future__ import annotations

import datetime as dt

import pytest

from meadow.library import metadata


@pytest.mark.parametrize(
    ("symbol", "body", "meeting", "doc_type", "number"),
    [
        ("UNEP/CBD/COP/12/24", "COP", "COP-12", None, ""),
        ("UNEP/CBD/COP/12/24/Add.1", "COP", "COP-12", None, ""),
        ("CBD/WG2020/REC/1/1", "WG2020", "WG2020-1", "recommendation", "1/1"),
        ("CBD/SBSTTA/REC/24/1", "SBSTTA", "SBSTTA-24", "recommendation", "24/1"),
        ("UNEP/CBD/COP/DEC/XI/6", "COP", "COP-11", "decision", "XI/6"),
        ("CBD/COP/DEC/14/34", "COP", "COP-14", "decision", "14/34"),
        ("UNEP/CBD/WGRI/5/8", "WGRI", "WGRI-5", None, ""),
        ("UNEP/CBD/SBSTTA/10/INF/9", "SBSTTA", "SBSTTA-10", "information", ""),
        ("UNEP/CBD/COP/12/1/Rev.1", "COP", "COP-12", None, ""),
        ("UNEP/CBD/BS/COP-MOP/5/17", "CP-MOP", "CP-MOP-5", None, ""),
        ("CBD/NP/MOP/DEC/3/15", "NP-MOP", "NP-MOP-3", "decision", "3/15"),
    ],
)
def test_parse_symbol(
    symbol: str, body: str, meeting: str, doc_type: str | None, number: str
) -> None:
    info = metadata.parse_symbol(symbol)
    assert (info.body, info.meeting, info.doc_type, info.number) == (
        body,
        meeting,
        doc_type,
        number,
    )


def test_find_symbols_in_running_text() -> None:
    text = (
        "转载于UNEP/CBD/COP/12/1/Add.2号文件所载的汇编中；参考号SCBD/OES/OJ/moc/82999；"
        "ITTO/CBD热带森林；见UNEP/CBD/WGRI/5/INF/22号资料文件。Also CBD/WG2020/REC/1/1."
    )
    assert metadata.find_symbols(text) == [
        "UNEP/CBD/COP/12/1/Add.2",
        "UNEP/CBD/WGRI/5/INF/22",
        "CBD/WG2020/REC/1/1",
    ]


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("30 August 2019", dt.date(2019, 8, 30)),
        ("2019年8月30日", dt.date(2019, 8, 30)),
        ("30 août 2019", dt.date(2019, 8, 30)),
        ("30 de agosto de 2019", dt.date(2019, 8, 30)),
        ("30 августа 2019 года", dt.date(2019, 8, 30)),
        ("31 February 2019", None),
        ("2019年8月27日至30日，内罗毕", None),
    ],
)
def test_parse_date(line: str, date: dt.date | None) -> None:
    assert metadata.parse_date(line) == date


@pytest.mark.parametrize(
    ("line", "start", "end", "place"),
    [
        ("2019年8月27日至30日，内罗毕", dt.date(2019, 8, 27), dt.date(2019, 8, 30), "内罗毕"),
        (
            "2014年10月6日至17日，大韩民国平昌",
            dt.date(2014, 10, 6),
            dt.date(2014, 10, 17),
            "大韩民国平昌",
        ),
        ("2019年10月30日至11月1日，巴西", dt.date(2019, 10, 30), dt.date(2019, 11, 1), "巴西"),
        ("Nairobi, 27-30 August 2019", dt.date(2019, 8, 27), dt.date(2019, 8, 30), "Nairobi"),
        (
            "Montreal, Canada, 30 October - 1 November 2019",
            dt.date(2019, 10, 30),
            dt.date(2019, 11, 1),
            "Montreal, Canada",
        ),
    ],
)
def test_parse_meeting_line(line: str, start: dt.date, end: dt.date, place: str) -> None:
    assert metadata.parse_meeting_line(line) == metadata.MeetingLine(start, end, place)


@pytest.mark.parametrize(
    ("name", "body", "session"),
    [
        ("生物多样性公约缔约方大会第十二届会议", "COP", 12),
        ("2020年后全球生物多样性框架不限成员名额工作组第一次会议", "WG2020", 1),
        ("科学、技术和工艺咨询附属机构第二十三次会议", "SBSTTA", 23),
        ("Conference of the Parties to the Convention Fifteenth meeting", "COP", 15),
        ("Subsidiary Body on Implementation Third meeting", "SBI", 3),
        ("Working Group on Review of Implementation 5th meeting", "WGRI", 5),
    ],
)  # fmt: skip
def test_parse_meeting_name(name: str, body: str, session: int) -> None:
    assert metadata.parse_meeting_name(name) == (body, session)


def test_chinese_numbers() -> None:
    values = ["一", "九", "十", "十二", "二十", "二十三", "一百零五", "12"]
    assert [metadata.zh_number(v) for v in values] == [1, 9, 10, 12, 20, 23, 105, 12]
    assert metadata.zh_number("附件") is None


def test_first_page_of_a_recommendation() -> None:
    lines = [
        "CBD",
        "Distr.",
        "GENERAL",
        "CBD/SBSTTA/REC/24/1",
        "30 May 2022",
        "ENGLISH",
        "ORIGINAL: ENGLISH",
        "",
        "SUBSIDIARY BODY ON SCIENTIFIC, TECHNICAL AND TECHNOLOGICAL ADVICE",
        "Twenty-fourth meeting",
        "Geneva, 14-29 March 2022",
        "Agenda item 3",
        "24/1. Proposed monitoring framework",
        "The Subsidiary Body,",
        "1. Welcomes the progress;",
    ]
    header = metadata.analyse_header(lines)
    assert header.symbol == "CBD/SBSTTA/REC/24/1"
    assert header.date == dt.date(2022, 5, 30)
    assert (header.body, header.session) == ("SBSTTA", 24)
    assert header.meeting == metadata.MeetingLine(
        dt.date(2022, 3, 14), dt.date(2022, 3, 29), "Geneva"
    )
    assert header.span == (8, 12)  # the meeting and the agenda item
    assert (header.number, header.title) == ("24/1", "Proposed monitoring framework")
    assert header.body_start == 13


def test_first_page_of_a_note() -> None:
    lines = [
        "Conference of the Parties",
        "Twelfth meeting",
        "Pyeongchang, Republic of Korea, 6-17 October 2014",
        "Item 29 of the provisional agenda*",
        "Cooperation with other conventions",
        "Note by the Executive Secretary",
        "Introduction",
    ]
    header = metadata.analyse_header(lines)
    assert header.agenda_item == "29"
    assert header.is_note and header.title == "Cooperation with other conventions"
    assert (header.title_index, header.note_by, header.body_start) == (4, 5, 6)
    assert metadata.doc_type(None, header) == "note"


def test_a_document_that_names_itself_by_its_addendum() -> None:
    text = (
        "本文件的增编提供了报告。UNEP/CBD/COP/12/24/Add.1。UNEP/CBD/COP/12/1/Add.2。"
        "UNEP/CBD/COP/12/1/Rev.1。UNEP/CBD/COP/12/24。UNEP/CBD/WGRI/5/3/Add.2。UNEP/CBD/WGRI/5/3"
    )
    assert metadata.self_symbol(text, "COP", 12) == "UNEP/CBD/COP/12/24"
    # Another meeting's document is not this one.
    assert metadata.self_symbol(text, "COP", 13) == ""
    # Without the words "this document" nothing is guessed.
    assert metadata.self_symbol(text.replace("本文件", "该文件"), "COP", 12) == ""
