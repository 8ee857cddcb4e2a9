"""The two seed documents, read by hand and checked against what ingestion makes of them.

The note by the Executive Secretary UNEP/CBD/COP/12/24 (Chinese) and recommendation
CBD/WG2020/REC/1/1 (Chinese), as shipped in meadow/library/data/seeds.
"""

from __future__ import annotations

import datetime as dt

import pytest

from meadow.library import ingest
from meadow.library.structure import Para

NOTE_FILE = ingest.SEEDS / "cbd-cop12-note-cooperation-zh.txt"
REC_FILE = ingest.SEEDS / "cbd-wg2020-rec-1-1-zh.txt"


@pytest.fixture(scope="module")
def note() -> ingest.Prepared:
    return ingest.prepare(NOTE_FILE)


@pytest.fixture(scope="module")
def rec() -> ingest.Prepared:
    return ingest.prepare(REC_FILE)


def paras(prepared: ingest.Prepared) -> dict[str, Para]:
    return {p.anchor: p for p in prepared.paragraphs}


def cells(para: Para) -> list[str]:
    assert para.cells is not None, para.anchor
    return para.cells


def of_kind(prepared: ingest.Prepared, kind: str) -> list[Para]:
    return [p for p in prepared.paragraphs if p.kind == kind]


def test_the_seeds_are_shipped() -> None:
    assert [p.name for p in ingest.seed_paths()] == [NOTE_FILE.name, REC_FILE.name]


# --- the note -------------------------------------------------------------------------


def test_note_metadata(note: ingest.Prepared) -> None:
    # The text export lost the first page's symbol: the note names itself where it
    # cites its addendum (UNEP/CBD/COP/12/24/Add.1, "本文件的增编").
    assert note.symbol == "UNEP/CBD/COP/12/24"
    assert note.fields == {
        "title": "与其他公约、国际组织的合作以及包括企业界的利益攸关方的参与",
        "number": "",
        "body": "COP",
        "meeting": "COP-12",
        "meeting_start": dt.date(2014, 10, 6),
        "meeting_end": dt.date(2014, 10, 17),
        "meeting_place": "大韩民国平昌",
        "agenda_item": "29",
        "date": None,  # the export has no date of issue
        "language": "zh",
        "doc_type": "note",
    }


def test_note_paragraphs_1_to_55_in_order(note: ingest.Prepared) -> None:
    numbered = of_kind(note, "paragraph")
    assert [p.number for p in numbered] == [str(n) for n in range(1, 56)]
    assert [p.anchor for p in numbered] == [f"para-{n}" for n in range(1, 56)]
    orders = [p.order for p in numbered]
    assert orders == sorted(orders)
    p = paras(note)
    # Paragraph 1 is broken after "公约" in the export; it is one paragraph again.
    assert p["para-1"].text.startswith(
        "缔约方大会第十一届会议第XI/6号决定重申了与生物多样性相关公约、里约各公约以及"
    )
    assert p["para-1"].text.endswith("缔约方大会还请执行秘书与其他实体就其他许多决定开展合作。")
    assert p["para-4"].text.endswith(
        "该工作组在其第5/7号建议中编制了关于与其他公约、国际组织和倡议之间的合作的决定草案"
        "供缔约方大会第十二届会议审议。"
    )
    assert p["para-38"].text == "预计将于2014年9月24日在纽约举行里约各公约联合联络组第十三次会议。"
    assert p["para-55"].text.startswith("鉴于其审议了执行秘书处提交的本说明所载的资料")


def test_note_sub_items(note: ingest.Prepared) -> None:
    p = paras(note)
    items = {
        parent: [x.number for x in of_kind(note, "item") if x.parent == parent]
        for parent in ("para-5", "para-10", "para-19")
    }
    assert items == {
        "para-5": ["(a)", "(b)", "(c)", "(d)", "(e)", "(f)"],
        "para-10": ["(a)", "(b)", "(c)", "(d)", "(e)"],
        "para-19": ["(a)", "(b)", "(c)", "(d)"],
    }
    assert (
        p["para-5-a"].text
        == "缔约国为响应第2013-120号通知（参考号SCBD/OES/OJ/moc/82999）提交的呈件；"
    )
    assert p["para-5-b"].text == "其他生物多样性有关公约近期作出的决定和决议；"
    assert p["para-5-e"].text.startswith("关于与拉姆萨尔公约秘书处的合作伙伴关系的报告")
    # In paragraph 10 each letter stands alone on its line, its text on the next.
    assert p["para-10-c"].text.startswith("同其他公约秘书处协商，为缔约方大会起草")
    assert p["para-19-d"].text.endswith("并且符合全球环境基金的任务规定（第5/2号建议）。")


def test_note_headings(note: ingest.Prepared) -> None:
    p = paras(note)
    parts = [(x.anchor, x.number, x.text) for x in of_kind(note, "heading") if x.number]
    assert parts == [
        ("part-1", "1", "与其他生物多样性有关公约的合作"),
        ("part-1-a", "A", "作为合作框架的《2011-2020年生物多样性战略计划》"),
        ("part-1-b", "B", "在公约秘书处和生物多样性有关公约联络组层面的合作"),
        ("part-1-c", "C", "在国家一级的合作"),
        ("part-1-d", "D", "在理事机构层面的合作以加强协作、一致性和国家一级的协同增效作用"),
        ("part-2", "2", "里约各公约之间的合作"),
        ("part-3", "三", "就基于生态系统的水资源管理解决方案建立合作伙伴关系的进展"
                         "（第XI/23号决定，第4段）"),
        ("part-4", "四", "与其他国际组织和倡议合作"),
        ("part-6", "六", "建议各项决定草案内容"),
    ]  # fmt: skip
    assert (p["para-17"].parent, p["para-34"].parent, p["para-55"].parent) == (
        "part-1-a",
        "part-2",
        "part-6",
    )
    assert p["h-1"].text == "导言" and p["para-1"].parent == "h-1"
    assert p["para-48"].parent == "h-3" and p["h-3"].text == "爱知生物多样性目标工作组"


def test_note_annex(note: ingest.Prepared) -> None:
    p = paras(note)
    assert (p["annex-1"].kind, p["annex-1"].number, p["annex-1"].text) == (
        "annex",
        "",
        "水问题天然基础设施解决方案平台",
    )
    headings = [x for x in of_kind(note, "heading") if x.anchor.startswith("annex-1-")]
    assert [x.text for x in headings] == ["任务", "目标", "指导原则", "范围", "预期成果"]
    bullets = [x for x in of_kind(note, "item") if x.number == "·"]
    assert len(bullets) == 1 + 4 + 7 + 10 + 1
    assert p["annex-1-h-4-b10"].text == "维系水相关生态基础设施的方法，包括经济激励措施"
    assert p["annex-1-text-1"].text == "一组原则将指导该平台并确保其为全球努力增加价值："
    assert p["annex-1-text-1-b7"].text == "受用户确定的需求所驱动"


def test_note_footnotes(note: ingest.Prepared) -> None:
    p = paras(note)
    notes = of_kind(note, "footnote")
    # 43 numbered notes and the agenda's "*" note, all after the text.
    assert len(notes) == 44
    assert {x.number for x in notes} == {"*"} | {str(n) for n in range(1, 44)}
    assert min(x.order for x in notes) > max(
        x.order for x in note.paragraphs if x.kind != "footnote"
    )
    # Placed where the export kept the marker: "审议。4" and "简要报告。26".
    assert p["fn-4"].text == "转载于UNEP/CBD/COP/12/1/Add.2号文件所载的汇编中。"
    assert p["fn-4"].parent == "para-4"
    assert p["para-4"].markers == [{"note": "4", "at": len(p["para-4"].text)}]
    assert (p["fn-26"].parent, p["fn-26"].text) == ("para-48", "UNEP/CBD/WGRI/5/8。")
    assert p["para-48"].text.endswith("提交了一份简要报告。")
    assert p["fn-star"].parent == "header" and p["fn-star"].text == "UNEP/CBD/COP/12/1/Rev.1。"
    assert p["header"].text == (
        "生物多样性公约缔约方大会\n第十二届会议\n2014年10月6日至17日，大韩民国平昌\n临时议程项目29"
    )
    assert p["header"].markers == [{"note": "*", "at": p["header"].text.index("项目29")}]
    # The other markers were lost in the export: the notes are kept, unplaced.
    unplaced = [x.number for x in notes if not x.parent]
    assert len(unplaced) == 41
    assert p["fn-5"].text == "UNEP/CBD/COP/12/24/Add.1。"
    assert p["fn-41"].text == "UNEP/CBD/COP/12/24。"
    # Word's field codes are reduced to the address they show.
    assert p["fn-15"].text == "http://synergies.pops.int。"
    assert all("\ufffd" not in x.text and "HYPERLINK" not in x.text for x in notes)


# --- the recommendation ---------------------------------------------------------------


def test_recommendation_metadata(rec: ingest.Prepared) -> None:
    assert rec.symbol == "CBD/WG2020/REC/1/1"
    assert rec.fields == {
        "title": "编制2020年后全球生物多样性框架：工作组第一次会议的结论",
        "number": "1/1",
        "body": "WG2020",
        "meeting": "WG2020-1",
        "meeting_start": dt.date(2019, 8, 27),
        "meeting_end": dt.date(2019, 8, 30),
        "meeting_place": "内罗毕",
        "agenda_item": "",
        "date": dt.date(2019, 8, 30),
        "language": "zh",
        "doc_type": "recommendation",
    }


def test_recommendation_paragraphs_1_to_12(rec: ingest.Prepared) -> None:
    p = paras(rec)
    body = [x for x in of_kind(rec, "paragraph") if not x.anchor.startswith("annex")]
    assert [x.anchor for x in body] == [f"para-{n}" for n in range(1, 13)]
    assert p["para-1"].text == (
        "欢迎中国慷慨提出于2020年2月24日至28日在云南省昆明市主办2020年后全球生物多样性框架工作组的另一次会议；"
    )
    assert [x.anchor for x in of_kind(rec, "item") if x.parent == "para-7"] == [
        "para-7-a",
        "para-7-b",
        "para-7-c",
    ]
    assert (
        p["para-7-b"].text
        == "邀请第8条(j)款和相关条款不限成员名额特设工作组在制定今后工作方案时考虑有关方面；"
    )
    # The preamble: the body's name and three preambular paragraphs.
    preamble = [
        x.text[:4] for x in rec.paragraphs[: p["para-1"].order] if x.anchor.startswith("text-")
    ]
    assert preamble == ["2020", "欢迎在执", "重申制定", "重申，根"]


def test_recommendation_annexes(rec: ingest.Prepared) -> None:
    p = paras(rec)
    annexes = [(x.anchor, x.number, x.text) for x in of_kind(rec, "annex")]
    assert annexes == [
        ("annex-1", "一", "供进一步讨论的2020年后全球生物多样性框架的可能要素"),
        ("annex-2", "二", "将制定2020年后全球生物多样性框架的任务分配给其他机构和进程"),
    ]
    # Annex I has its own numbering: part 1 "导言" with paragraphs 1 and 2, then part 2
    # with sections A to H.
    assert (p["annex-1-part-1"].text, p["annex-1-para-1"].parent) == ("导言", "annex-1-part-1")
    assert p["annex-1-para-2"].text.startswith("以下各节提出的一些问题可能与不同的标题相关")
    sections = [x.number for x in of_kind(rec, "heading") if x.parent == "annex-1-part-2"]
    assert sections == list("ABCDEFGH")
    assert p["annex-1-part-2-b"].text == "2050年愿景"
    # Section A lists nine issues under its introductory line.
    issues = [x.number for x in of_kind(rec, "item") if x.parent == "annex-1-text-1"]
    assert issues == [f"({n})" for n in range(1, 10)]
    assert p["annex-1-text-1-4"].text == "导致生物多样性丧失的直接和间接驱动因素；"
    # Section C: (a) with thirteen issues under it.
    under_c = [x.anchor for x in of_kind(rec, "item") if x.parent == "annex-1-part-2-c-a"]
    assert under_c == [f"annex-1-part-2-c-a-{n}" for n in range(1, 14)]


def test_annex_ii_meeting_tables(rec: ingest.Prepared) -> None:
    p = paras(rec)
    captions = [p[f"annex-2-table-{n}"].text for n in (1, 2, 3)]
    assert captions == [
        "表1： 缔约方会议授权的正式会议",
        "表2：其他磋商和讲习班",
        "表3： 各合作伙伴组织的会议",
    ]
    rows = {
        n: [x for x in of_kind(rec, "table-row") if x.parent == f"annex-2-table-{n}"]
        for n in (1, 2, 3)
    }
    assert [len(r) for r in rows.values()] == [20, 9, 6]
    columns = [
        "日期和地点",
        "会议",
        "2020年后全球生物多样性框架的要素",
        "任务授权",
        "作用/形式",
        "类型",
    ]
    assert all(r[0].cells == columns for r in rows.values())
    assert all(len(x.cells or []) == 6 for r in rows.values() for x in r)
    assert p["annex-2-table-1-row-1"].cells == [
        "2019年10月22日至25日，加拿大蒙特利尔",
        "卡塔赫纳生物安全议定书联络小组",
        "生物安全",
        "第CP-9/7号决定",
        "联络小组将编制一份提交WG2020-2的2020年后全球生物多样性框架生物安全部分的草案",
        "委员会\n2",
    ]
    assert p["annex-2-table-1-row-6"].cells == [
        "2020年2月24日至28日，中国昆明",
        "工作组第二次会议",
        "2020年后全球生物多样性框架的范围和内容",
        "第14/34号决定",
        "根据共同主席的初稿编写2020年后全球生物多样性框架的初步讨论稿",
        "政府间会议\n1",
    ]
    # SBI-3 (row 11) goes on over six rows that leave the date and meeting empty.
    assert cells(p["annex-2-table-1-row-11"])[1] == "执行问题附属机构第三次会议（SBI-3）"
    assert [cells(p[f"annex-2-table-1-row-{n}"])[2] for n in range(12, 19)] == [
        "财务机制",
        "主流化",
        "性别平等主流化",
        "根据公约及其议定书进行的知识管理",
        "协调根据公约及其议定书提交的国家报告",
        "可能的审查机制",
        "工作组第一和第二次会议提出的要求",
    ]
    assert all(cells(p[f"annex-2-table-1-row-{n}"])[:2] == ["", ""] for n in range(12, 19))
    assert (
        cells(p["annex-2-table-2-row-3"])[0]
        == "2019年11月24日，加拿大蒙特利尔（WG8J-11和SBSTTA-23之间）"
    )
    assert p["annex-2-table-3-row-4"].cells == [
        "待定",
        "国际自然保护联盟磋商",
        "各项要素",
        "",
        "自然保护联盟各组成部分（包括区域层面）的协商",
        "伙伴，5",
    ]
    assert p["annex-2-table-3-row-4"].text.startswith("待定 | 国际自然保护联盟磋商 | 各项要素 |  |")


def test_recommendation_footnotes_at_their_markers(rec: ingest.Prepared) -> None:
    p = paras(rec)
    notes = of_kind(rec, "footnote")
    assert [x.number for x in notes] == [str(n) for n in range(1, 30)]
    assert all(x.parent for x in notes)  # the export kept every marker
    assert p["fn-1"].parent == "annex-1"
    assert p["annex-1"].markers == [{"note": "1", "at": len(p["annex-1"].text)}]
    assert p["fn-1"].text.startswith("本说明未经谈判，反映的是议程项目4讨论小组共同主席")
    assert (p["fn-2"].parent, p["fn-2"].text) == (
        "annex-1-text-1-5",
        "一些缔约方要求清楚理解转型变革与变革理论之间的区别。",
    )
    assert p["annex-1-text-1-5"].text == "转型变革；"
    assert p["annex-1-part-2-c-a-1"].markers == [{"note": "7", "at": 15}]
    assert p["annex-1-part-2-c-a-1"].text[:15] == "关于到2030年生物多样性状况"
    assert [m["note"] for m in p["annex-1-part-2-d-a"].markers] == ["12", "13"]
    # In the tables: the "类型" header cell and the first meeting's role.
    assert p["fn-28"].parent == "annex-2-table-1-head"
    assert p["annex-2-table-1-head"].markers == [{"note": "28", "cell": 5, "at": 2}]
    assert p["fn-29"].parent == "annex-2-table-1-row-1"
    assert p["fn-28"].text.startswith("类型指的是计划的会议类型：1. 政府间会议")
