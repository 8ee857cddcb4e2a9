"""The structure parser on small texts, and its properties."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from meadow.library import readers, structure
from meadow.library.structure import Para


def parse(text: str) -> list[Para]:
    notes: dict[str, str] = {}
    return structure.parse(readers.text_blocks(text, notes), notes).paragraphs


def by_anchor(paragraphs: list[Para]) -> dict[str, Para]:
    return {p.anchor: p for p in paragraphs}


def test_numbered_paragraphs_items_and_continuations() -> None:
    paras = parse(
        "Some title\n"
        "1. The Conference of the Parties,\n"
        "noting the report,\n"
        "2. Requests the Executive Secretary:\n"
        "(a) To prepare a report;\n"
        "(b)\n"
        "To convene a meeting;\n"
        "(i) in 2025;\n"
        "(ii) in Montreal;\n"
        "(c) To report back.\n"
    )
    p = by_anchor(paras)
    assert [x.anchor for x in paras] == [
        "title", "para-1", "para-2", "para-2-a", "para-2-b", "para-2-b-i", "para-2-b-ii",
        "para-2-c",
    ]  # fmt: skip
    assert p["para-1"].text == "The Conference of the Parties, noting the report,"
    assert p["para-2-b"].text == "To convene a meeting;"
    assert (p["para-2-b-ii"].parent, p["para-2-b-ii"].number) == ("para-2-b", "(ii)")
    assert p["para-2-c"].parent == "para-2"


def test_i_after_h_is_a_letter() -> None:
    lines = "".join(f"({c}) item {c};\n" for c in "abcdefghij")
    paras = parse("1. Decides:\n" + lines)
    items = [p for p in paras if p.kind == "item"]
    assert [p.anchor for p in items] == [f"para-1-{c}" for c in "abcdefghij"]
    assert all(p.parent == "para-1" for p in items)


def test_part_headings_sections_and_unnumbered_headings() -> None:
    paras = parse(
        "导言\n"
        "1. 第一段。\n"
        "2. 第二段。\n"
        "1. 第一部分的标题\n"
        "A. 分节\n"
        "3. 第三段。\n"
        "二、第二部分\n"
        "4. 第四段。\n"
        "三.\n"
        "第三部分的标题在下一行\n"
        "5. 第五段。\n"
        "小标题\n"
        "6. 第六段。\n"
    )
    p = by_anchor(paras)
    headings = [(x.anchor, x.number, x.text) for x in paras if x.kind == "heading"]
    assert headings == [
        ("title", "", "导言"),
        ("part-1", "1", "第一部分的标题"),
        ("part-1-a", "A", "分节"),
        ("part-2", "二", "第二部分"),
        ("part-3", "三", "第三部分的标题在下一行"),
        ("h-1", "", "小标题"),
    ]
    assert [x.number for x in paras if x.kind == "paragraph"] == ["1", "2", "3", "4", "5", "6"]
    assert p["para-3"].parent == "part-1-a"
    assert p["part-1-a"].parent == "part-1"
    assert p["para-6"].parent == "h-1"
    assert p["h-1"].parent == "part-3"


def test_a_short_line_alone_is_a_heading_only_in_text_exports() -> None:
    text = "Title\n1. Paragraph.\n\nScope\n\nThe platform covers water.\n"
    blocks = readers.text_blocks(text, {})
    exported = by_anchor(structure.parse(blocks).paragraphs)
    assert (exported["h-1"].text, exported["text-1"].parent) == ("Scope", "h-1")
    # DOCX and HTML readers put a blank line after every paragraph.
    separated = by_anchor(structure.parse(blocks, separated=True).paragraphs)
    assert [separated[a].text for a in ("text-1", "text-2")] == [
        "Scope",
        "The platform covers water.",
    ]


def test_annexes_number_their_own_paragraphs() -> None:
    paras = parse(
        "Decision title\n"
        "1. Adopts the annex.\n"
        "Annex I\n"
        "ELEMENTS OF THE FRAMEWORK\n"
        "1. Introduction\n"
        "1. First paragraph of the annex.\n"
        "2. Second paragraph.\n"
        "附件二\n"
        "1. 第一段。\n"
    )
    p = by_anchor(paras)
    assert (p["annex-1"].kind, p["annex-1"].number, p["annex-1"].text) == (
        "annex",
        "I",
        "ELEMENTS OF THE FRAMEWORK",
    )
    assert p["annex-1-part-1"].text == "Introduction"
    assert p["annex-1-para-1"].text == "First paragraph of the annex."
    assert p["annex-1-para-2"].parent == "annex-1-part-1"
    assert (p["annex-2"].number, p["annex-2"].text) == ("二", "附件二")
    assert p["annex-2-para-1"].parent == "annex-2"
    assert p["para-1"].text == "Adopts the annex."


def test_tables_with_caption_and_without() -> None:
    paras = parse(
        "Title\n"
        "1. See the tables.\n"
        "Table 2. Meetings\n"
        "\tDate\n\tMeeting\n\n\t2020\n\tCOP-15\n\n"
        "Text between.\n"
        "\tA\n\tB\n\n\ta1\n\tb1\n\n\ta2\n\n"
    )
    rows = [(p.anchor, p.cells, p.parent) for p in paras if p.kind == "table-row"]
    assert rows == [
        ("table-2-head", ["Date", "Meeting"], "table-2"),
        ("table-2-row-1", ["2020", "COP-15"], "table-2"),
        ("table-1-head", ["A", "B"], "title"),
        ("table-1-row-1", ["a1", "b1"], "title"),
        ("table-1-row-2", ["a2", ""], "title"),
    ]
    assert by_anchor(paras)["table-2"].text == "Table 2. Meetings"


def test_listed_notes_placed_at_their_markers_or_kept() -> None:
    paras = parse(
        "Note title\n"
        "1. 第一段。1\n"
        "2. 没有标记的段落，提到2019年。\n"
        "3. 第三段。3 \n"
        "4. 第四段提到第2段。\n"
        "_____________\n"
        "* 临时议程。\n"
        "\ufffd 第一个脚注。\n"
        "\ufffd 第二个脚注，\n"
        "续行。\n"
        '\ufffd 第三个脚注 \ufffd HYPERLINK "http://www.cbd.int" \ufffdwww.cbd.int\ufffd。\n'
    )
    p = by_anchor(paras)
    notes = [(x.anchor, x.number, x.parent) for x in paras if x.kind == "footnote"]
    assert notes == [
        ("fn-1", "1", "para-1"),
        ("fn-3", "3", "para-3"),
        ("fn-star", "*", ""),
        ("fn-2", "2", ""),
    ]
    assert p["para-1"].text == "第一段。"
    assert p["para-1"].markers == [{"note": "1", "at": 4}]
    assert p["para-3"].markers == [{"note": "3", "at": 4}]
    assert p["para-4"].text == "第四段提到第2段。" and p["para-4"].markers == []
    assert p["fn-2"].text == "第二个脚注，续行。"
    assert p["fn-3"].text == "第三个脚注 www.cbd.int。"


def test_markers_only_climb() -> None:
    paras = parse("Title\n1. 第一段。2\n2. 第二段。1\n_____\n\ufffd 一\n\ufffd 二\n")
    p = by_anchor(paras)
    assert p["fn-2"].parent == "para-1"
    assert p["fn-1"].parent == ""  # 1 after 2 is not a marker
    assert p["para-2"].text == "第二段。1"


# --- properties -----------------------------------------------------------------------

WORDS = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz 生物多样性公约缔约方大会", min_size=1, max_size=40
)


@settings(max_examples=60, deadline=None)
@given(st.lists(WORDS.filter(lambda t: t.strip()), min_size=1, max_size=30))
def test_numbered_paragraphs_parse_in_order(texts: list[str]) -> None:
    source = "Title\n" + "".join(f"{n}. {t}\n" for n, t in enumerate(texts, 1))
    paras = [p for p in parse(source) if p.kind == "paragraph"]
    assert [p.number for p in paras] == [str(n) for n in range(1, len(texts) + 1)]
    assert [p.anchor for p in paras] == [f"para-{n}" for n in range(1, len(texts) + 1)]
    assert [p.text for p in paras] == [readers.normalise(t) for t in texts]


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=26), st.integers(min_value=1, max_value=5))
def test_lettered_items_belong_to_their_paragraph(count: int, paragraph: int) -> None:
    letters = "abcdefghijklmnopqrstuvwxyz"[:count]
    source = "Title\n" + "".join(f"{n}. Paragraph {n}:\n" for n in range(1, paragraph + 1))
    source += "".join(f"({c}) item;\n" for c in letters)
    items = [p for p in parse(source) if p.kind == "item"]
    assert [p.anchor for p in items] == [f"para-{paragraph}-{c}" for c in letters]
    assert {p.parent for p in items} == {f"para-{paragraph}"}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet="生物多样性公约缔约方大会执行秘书合作协同增效", min_size=1),
        min_size=1,
        max_size=8,
    )
)
def test_a_paragraph_broken_over_lines_is_put_back_together(pieces: list[str]) -> None:
    source = "Title\n1. " + "\n".join(pieces) + "\n"
    paras = [p for p in parse(source) if p.kind == "paragraph"]
    assert len(paras) == 1 and paras[0].text == "".join(pieces)


LINES = st.one_of(
    st.builds(lambda n, t: f"{n}. {t}", st.integers(1, 12), WORDS),
    st.builds(lambda c, t: f"({c}) {t}", st.sampled_from("abchiv"), WORDS),
    st.builds(lambda c, t: f"{c}. {t}", st.sampled_from("ABC"), WORDS),
    st.sampled_from(
        ["附件", "附件一", "Annex II", "一、标题", "", "表1：表", "\tx\n\ty", "· 项目"]
    ),
    WORDS,
)


@settings(max_examples=100, deadline=None)
@given(st.lists(LINES, max_size=40))
def test_anchors_are_unique_and_orders_follow_each_other(lines: list[str]) -> None:
    paras = parse("Title\n" + "\n".join(lines) + "\n")
    anchors = [p.anchor for p in paras]
    assert len(anchors) == len(set(anchors))
    assert [p.order for p in paras] == list(range(len(paras)))
    known = set(anchors)
    assert all(p.parent in known for p in paras if p.parent)
