"""References in convention documents: known answers from the two Chinese seed
documents read by hand, English forms, other languages, mistakes that must not be
made, a property over arbitrary text, and the checks on the data files."""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meadow.library import references
from meadow.library.references import (
    LANGUAGES,
    Context,
    DataError,
    Found,
    extract,
    extract_paragraphs,
    load_rules,
)

SEEDS = Path(references.__file__).resolve().parent / "data" / "seeds"
NOTE = (SEEDS / "cbd-cop12-note-cooperation-zh.txt").read_text(encoding="utf-8")
REC = (SEEDS / "cbd-wg2020-rec-1-1-zh.txt").read_text(encoding="utf-8")
# The note (UNEP/CBD/COP/12/24) is a document of the Conference of the Parties; the
# recommendation (CBD/WG2020/REC/1/1) one of the post-2020 working group.
NOTE_CONTEXT = Context(convention="CBD", body="COP")
REC_CONTEXT = Context(convention="CBD", body="WG2020")


def triples(found: list[Found]) -> list[tuple[str, str, str]]:
    return [(f.kind, f.text, f.target) for f in found]


@pytest.fixture(scope="module")
def note() -> list[Found]:
    return extract(NOTE, lang="zh", context=NOTE_CONTEXT)


@pytest.fixture(scope="module")
def rec() -> list[Found]:
    return extract(REC, lang="zh", context=REC_CONTEXT)


def by_kind(found: list[Found]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for f in found:
        out[f.kind].add(f.target)
    return out


# --- the note by the Executive Secretary, UNEP/CBD/COP/12/24 ---------------------------

# (sentence of the note, kind, text as written, target). Each sentence is copied from
# the note; the reference is found on the sentence alone and in the whole document at
# the same place.
NOTE_SENTENCES = [
    # paragraph 1: a meeting, a decision, a period, organisations
    (
        "1. 缔约方大会第十一届会议第XI/6号决定重申了与生物多样性相关公约",
        "meeting",
        "缔约方大会第十一届会议",
        "meeting/CBD/COP-11",
    ),
    (
        "1. 缔约方大会第十一届会议第XI/6号决定重申了与生物多样性相关公约",
        "decision",
        "第XI/6号决定",
        "decision/CBD/COP/XI/6",
    ),
    (
        "全面执行《公约》和《2011-2020年生物多样性战略计划》进行合作的重要性",
        "period",
        "2011-2020年",
        "period/2011/2020",
    ),
    (
        "并与联合国环境规划署（环境规划署）、联合国教育、科学及文化组织（教科文组织）",
        "organisation",
        "联合国环境规划署",
        "org/unep",
    ),
    (
        "（环境规划署）、联合国教育、科学及文化组织（教科文组织）",
        "organisation",
        "环境规划署",
        "org/unep",
    ),
    (
        "并与联合国环境规划署（环境规划署）、联合国教育、科学及文化组织（教科文组织）",
        "organisation",
        "联合国教育、科学及文化组织",
        "org/unesco",
    ),
    (
        "以及联合国粮食及农业组织（粮农组织）等其他联合国机构的合作的重要性",
        "organisation",
        "粮农组织",
        "org/fao",
    ),
    # paragraph 2: a decision with its paragraph, the COP-12 meeting, the liaison groups
    (
        "2. 第XI/6号决定第17段请执行秘书在资源允许的情况下，向缔约方大会第十二届会议报告",
        "decision",
        "第XI/6号决定第17段",
        "decision/CBD/COP/XI/6#para-17",
    ),
    (
        "2. 第XI/6号决定第17段请执行秘书在资源允许的情况下，向缔约方大会第十二届会议报告",
        "meeting",
        "缔约方大会第十二届会议",
        "meeting/CBD/COP-12",
    ),
    (
        "包括通过已建立的生物多样性有关公约联络组及里约各公约联合联络组机制",
        "organisation",
        "生物多样性有关公约联络组",
        "org/blg",
    ),
    (
        "包括通过已建立的生物多样性有关公约联络组及里约各公约联合联络组机制",
        "organisation",
        "里约各公约联合联络组",
        "org/jlg",
    ),
    # paragraph 3: the WGRI's fifth meeting by its full Chinese name
    (
        "3. 为了提供所取得进展的最新信息，向审查公约执行情况不限成员名额特设工作组第五次会议提交了",
        "meeting",
        "审查公约执行情况不限成员名额特设工作组第五次会议",
        "meeting/CBD/WGRI-5",
    ),
    # paragraph 4: a recommendation of the body named in its sentence; the GEF
    (
        "4. 审查公约执行情况不限成员名额特设工作组在其关于财务机制的第5/1号建议中，"
        "编制了关于加强生物多样性相关公约之间方案协同增效作用的决定草案和对全球环境基金的相关意见。",
        "recommendation",
        "第5/1号建议",
        "recommendation/CBD/WGRI/5/1",
    ),
    (
        "4. 审查公约执行情况不限成员名额特设工作组在其关于财务机制的第5/1号建议中，"
        "编制了关于加强生物多样性相关公约之间方案协同增效作用的决定草案和对全球环境基金的相关意见。",
        "organisation",
        "全球环境基金",
        "org/gef",
    ),
    # paragraph 5: two decisions in one phrase, two decisions with paragraphs
    (
        "5. 回顾第X/20号和第XI/6号决定，并认识到在国家一级加强合作与协作方面存在的差距",
        "decision",
        "第X/20号",
        "decision/CBD/COP/X/20",
    ),
    (
        "5. 回顾第X/20号和第XI/6号决定，并认识到在国家一级加强合作与协作方面存在的差距",
        "decision",
        "第XI/6号决定",
        "decision/CBD/COP/XI/6",
    ),
    (
        "回顾第XI/6号决定第17段和第XI/28号决定第4段",
        "decision",
        "第XI/28号决定第4段",
        "decision/CBD/COP/XI/28#para-4",
    ),
    # 5 (a): a notification, not a decision
    (
        "(a) 缔约国为响应第2013-120号通知（参考号SCBD/OES/OJ/moc/82999）提交的呈件；",
        "notification",
        "第2013-120号通知",
        "notification/CBD/2013-120",
    ),
    (
        "(e) 关于与拉姆萨尔公约秘书处的合作伙伴关系的报告",
        "organisation",
        "拉姆萨尔公约",
        "org/ramsar",
    ),
    # paragraph 7: "at its twelfth meeting" resolved from the sentence; a part of a decision
    (
        "7. 在第XI/6号决定第48段中，缔约方大会还决定在其第十二届会议上审查",
        "decision",
        "第XI/6号决定第48段",
        "decision/CBD/COP/XI/6#para-48",
    ),
    (
        "7. 在第XI/6号决定第48段中，缔约方大会还决定在其第十二届会议上审查",
        "meeting",
        "在其第十二届会议",
        "meeting/CBD/COP-12",
    ),
    (
        "根据第XI/6号决定E部分，本文件的增编",
        "decision",
        "第XI/6号决定E部分",
        "decision/CBD/COP/XI/6#sec-e",
    ),
    # paragraph 8: a date, the Environment Management Group's senior officials
    (
        "提供了2013年9月19日在纽约举行的环境管理小组高级官员第十九次会议的成果摘要。",
        "date",
        "2013年9月19日",
        "date/2013-09-19",
    ),
    (
        "提供了2013年9月19日在纽约举行的环境管理小组高级官员第十九次会议的成果摘要。",
        "meeting",
        "环境管理小组高级官员第十九次会议",
        "meeting/EMG/SOM-19",
    ),
    # paragraph 9: three recommendations of the WGRI named at the start of the sentence
    (
        "审查公约执行情况不限成员名额特设工作组在其第五次会议上还编制了关于与企业界参与相关的进展"
        "（载于第5/4号建议），与国家以下一级和地方政府的接触（载于第5/5号建议），"
        "和利益攸关方参与（载于第5/6号建议）的决定草案。",
        "meeting",
        "审查公约执行情况不限成员名额特设工作组在其第五次会议",
        "meeting/CBD/WGRI-5",
    ),
    (
        "审查公约执行情况不限成员名额特设工作组在其第五次会议上还编制了关于与企业界参与相关的进展"
        "（载于第5/4号建议），与国家以下一级和地方政府的接触（载于第5/5号建议），"
        "和利益攸关方参与（载于第5/6号建议）的决定草案。",
        "recommendation",
        "第5/6号建议",
        "recommendation/CBD/WGRI/5/6",
    ),
    # paragraph 13: the UN Environment Assembly's first session
    (
        "环境规划署的联合国环境大会在其第一届会议上对工作组的成立表示欢迎",
        "meeting",
        "联合国环境大会在其第一届会议",
        "meeting/UNEP/UNEA-1",
    ),
    # paragraph 14: a sub-paragraph of a decision's paragraph
    (
        "14. 在第XI/6号决定第17 (b)段中，要求执行秘书同缔约方",
        "decision",
        "第XI/6号决定第17 (b)段",
        "decision/CBD/COP/XI/6#para-17-b",
    ),
    # paragraph 17: CMS's COP-10 and, later in the sentence, its eleventh meeting
    (
        "养护移栖物种公约缔约方大会第十届会议决定编制《2015-2023年期间移徙物种新战略计划》，"
        "该计划预计将在2014年11月举行的第十一届会议上通过。",
        "organisation",
        "养护移栖物种公约",
        "org/cms",
    ),
    (
        "养护移栖物种公约缔约方大会第十届会议决定编制《2015-2023年期间移徙物种新战略计划》，"
        "该计划预计将在2014年11月举行的第十一届会议上通过。",
        "meeting",
        "缔约方大会第十届会议",
        "meeting/CMS/COP-10",
    ),
    (
        "养护移栖物种公约缔约方大会第十届会议决定编制《2015-2023年期间移徙物种新战略计划》，"
        "该计划预计将在2014年11月举行的第十一届会议上通过。",
        "period",
        "2015-2023年",
        "period/2015/2023",
    ),
    (
        "养护移栖物种公约缔约方大会第十届会议决定编制《2015-2023年期间移徙物种新战略计划》，"
        "该计划预计将在2014年11月举行的第十一届会议上通过。",
        "date",
        "2014年11月",
        "date/2014-11",
    ),
    (
        "养护移栖物种公约缔约方大会第十届会议决定编制《2015-2023年期间移徙物种新战略计划》，"
        "该计划预计将在2014年11月举行的第十一届会议上通过。",
        "meeting",
        "第十一届会议",
        "meeting/CMS/COP-11",
    ),
    # paragraph 18: COP-7 and decision VII/26
    (
        "18. 应缔约方大会在其第七届会议上的要求（第VII/26号决定）",
        "meeting",
        "缔约方大会在其第七届会议",
        "meeting/CBD/COP-7",
    ),
    (
        "18. 应缔约方大会在其第七届会议上的要求（第VII/26号决定）",
        "decision",
        "第VII/26号决定",
        "decision/CBD/COP/VII/26",
    ),
    # paragraph 19: CMS and CITES by their short Chinese names
    (
        "特别是通过例如由养护移栖物种公约和濒危物种贸易公约秘书处制订指导手册",
        "organisation",
        "濒危物种贸易公约",
        "org/cites",
    ),
    # paragraph 22: the BLG's eighth meeting, written with a space inside 会议; a period
    (
        "22. 2013年2月13日在瑞士博吉-博塞举行了生物多样性有关公约联络组第八次会 议。",
        "meeting",
        "生物多样性有关公约联络组第八次会 议",
        "meeting/BLG/BLG-8",
    ),
    (
        "2013年9月2日至3日，联络组与全环基金秘书处举行了特别会议",
        "period",
        "2013年9月2日至3日",
        "period/2013-09-02/2013-09-03",
    ),
    (
        "2013年9月2日至3日，联络组与全环基金秘书处举行了特别会议",
        "organisation",
        "全环基金",
        "org/gef",
    ),
    # paragraph 26: IPBES by its Chinese name and its plenaries by code; two periods
    (
        "生物多样性有关公约秘书处参加了该平台于2013年1月21日至26日和2013年12月9日至14日"
        "分别在波恩(IPBES-1)和土耳其安塔利亚 (IPBES-2)举行的两次全体会议。",
        "period",
        "2013年12月9日至14日",
        "period/2013-12-09/2013-12-14",
    ),
    (
        "生物多样性有关公约秘书处参加了该平台于2013年1月21日至26日和2013年12月9日至14日"
        "分别在波恩(IPBES-1)和土耳其安塔利亚 (IPBES-2)举行的两次全体会议。",
        "meeting",
        "IPBES-2",
        "meeting/IPBES/IPBES-2",
    ),
    (
        "生物多样性有关公约联络组在其第八次会议上一致认为",
        "meeting",
        "生物多样性有关公约联络组在其第八次会议",
        "meeting/BLG/BLG-8",
    ),
    (
        "向政府间生物多样性和生态系统服务科学政策平台提出要求",
        "organisation",
        "政府间生物多样性和生态系统服务科学政策平台",
        "org/ipbes",
    ),
    # paragraph 33: the Ramsar Convention in 《》 and COP-14
    (
        "《拉姆萨尔公约》缔约方大会将于2015年",
        "organisation",
        "拉姆萨尔公约",
        "org/ramsar",
    ),
    (
        "并向缔约方大会第十四届会议和其他生物多样性有关公约理事机构会议报告。",
        "meeting",
        "缔约方大会第十四届会议",
        "meeting/CBD/COP-14",
    ),
    # paragraph 34: the Rio conventions
    (
        "《联合国防治荒漠化公约》（《防治荒漠化公约》）和《联合国气候变化框架公约》（《气候公约》）",
        "organisation",
        "联合国气候变化框架公约",
        "org/unfccc",
    ),
    (
        "（《防治荒漠化公约》）和《联合国气候变化框架公约》（《气候公约》）",
        "organisation",
        "防治荒漠化公约",
        "org/unccd",
    ),
    # paragraphs 35-38: the JLG's meetings and SBSTTA-8
    (
        "其还提供关于2013年1月22日在波恩举行的里约各公约联合联络组第十二次会议的信息。",
        "meeting",
        "里约各公约联合联络组第十二次会议",
        "meeting/JLG/JLG-12",
    ),
    (
        "该文件已被提交至科学、技术和工艺咨询附属机构第八次会议。",
        "meeting",
        "科学、技术和工艺咨询附属机构第八次会议",
        "meeting/CBD/SBSTTA-8",
    ),
    (
        "38. 预计将于2014年9月24日在纽约举行里约各公约联合联络组第十三次会议。",
        "date",
        "2014年9月24日",
        "date/2014-09-24",
    ),
    # heading of part 三 and paragraph 40: decision XI/23, paragraph 4, two ways
    (
        "（第XI/23号决定，第4段）",
        "decision",
        "第XI/23号决定，第4段",
        "decision/CBD/COP/XI/23#para-4",
    ),
    (
        "40. 在第XI/23号第4段中，缔约方大会请执行秘书并邀请拉姆萨尔湿地公约秘书长",
        "decision",
        "第XI/23号第4段",
        "decision/CBD/COP/XI/23#para-4",
    ),
    (
        "40. 在第XI/23号第4段中，缔约方大会请执行秘书并邀请拉姆萨尔湿地公约秘书长",
        "organisation",
        "拉姆萨尔湿地公约",
        "org/ramsar",
    ),
    (
        "作为加强最广泛的利益攸关方执行《2011–2020年生物多样性战略计划》的手段",
        "period",
        "2011–2020年",
        "period/2011/2020",
    ),
    # paragraph 41: an Aichi Biodiversity Target
    (
        "第X/28号决定和《生物多样性战略计划》，尤其是将水列入爱知生物多样性目标14述及的生态系统服务",
        "target",
        "爱知生物多样性目标14",
        "aichi/target/14",
    ),
    (
        "第X/28号决定和《生物多样性战略计划》，尤其是将水列入爱知生物多样性目标14述及的生态系统服务",
        "decision",
        "第X/28号决定",
        "decision/CBD/COP/X/28",
    ),
    # paragraph 47: a document symbol written before 号文件
    (
        "UNEP/CBD/COP/12/15号文件向缔约方大会第十二届会议介绍最新资料",
        "document",
        "UNEP/CBD/COP/12/15",
        "doc/UNEP/CBD/COP/12/15",
    ),
    # paragraph 55: the WGRI's name written without 成员; its sixth meeting
    (
        "缔约方大会不妨将以下内容列入审查公约执行情况不限名额特设工作组第5/7号建议所载的决定草案。",
        "recommendation",
        "第5/7号建议",
        "recommendation/CBD/WGRI/5/7",
    ),
    (
        "同时请工作组就其工作向审查公约执行情况不限成员名额特设工作组第六次会议提交一份中期报告",
        "meeting",
        "审查公约执行情况不限成员名额特设工作组第六次会议",
        "meeting/CBD/WGRI-6",
    ),
    # footnotes: symbols with Rev., Add. and INF, resolutions of other bodies, URLs
    (
        "*  UNEP/CBD/COP/12/1/Rev.1。",
        "document",
        "UNEP/CBD/COP/12/1/Rev.1",
        "doc/UNEP/CBD/COP/12/1/Rev.1",
    ),
    (
        "� UNEP/CBD/COP/12/24/Add.1。",
        "document",
        "UNEP/CBD/COP/12/24/Add.1",
        "doc/UNEP/CBD/COP/12/24/Add.1",
    ),
    (
        "� UNEP/CBD/SBSTTA/10/INF/9。",
        "document",
        "UNEP/CBD/SBSTTA/10/INF/9",
        "doc/UNEP/CBD/SBSTTA/10/INF/9",
    ),
    (
        "包括关于气候变化的第XI/21号决定和关于外来入侵物种的第XI/28号决定。",
        "decision",
        "第XI/21号决定",
        "decision/CBD/COP/XI/21",
    ),
    (
        "《养护移徙物种公约》第10.18号决议；《濒危物种公约》第16.4号决议；"
        "《拉姆萨尔公约》第XI.6号决议；《粮农植物遗传资源国际公约》第 8/2011号决议；"
        "《世界遗产公约》决定：37 COM 5A；2011年3月11日大会第65/161号决议。",
        "resolution",
        "第10.18号决议",
        "resolution/CMS/10.18",
    ),
    (
        "《养护移徙物种公约》第10.18号决议；《濒危物种公约》第16.4号决议；"
        "《拉姆萨尔公约》第XI.6号决议；《粮农植物遗传资源国际公约》第 8/2011号决议；"
        "《世界遗产公约》决定：37 COM 5A；2011年3月11日大会第65/161号决议。",
        "resolution",
        "第XI.6号决议",
        "resolution/RAMSAR/XI.6",
    ),
    (
        "《养护移徙物种公约》第10.18号决议；《濒危物种公约》第16.4号决议；"
        "《拉姆萨尔公约》第XI.6号决议；《粮农植物遗传资源国际公约》第 8/2011号决议；"
        "《世界遗产公约》决定：37 COM 5A；2011年3月11日大会第65/161号决议。",
        "resolution",
        "第 8/2011号决议",
        "resolution/ITPGRFA/8/2011",
    ),
    (
        "《养护移徙物种公约》第10.18号决议；《濒危物种公约》第16.4号决议；"
        "《拉姆萨尔公约》第XI.6号决议；《粮农植物遗传资源国际公约》第 8/2011号决议；"
        "《世界遗产公约》决定：37 COM 5A；2011年3月11日大会第65/161号决议。",
        "resolution",
        "大会第65/161号决议",
        "resolution/UNGA/65/161",
    ),
    (
        "� 会议报告请见� HYPERLINK "
        '"http://www.cbd.int/cooperation/doc/blg-2013-02-13-en.pdf" '
        "��www.cbd.int/cooperation/doc/blg-2013-02-13-en.pdf�。",
        "url",
        "http://www.cbd.int/cooperation/doc/blg-2013-02-13-en.pdf",
        "http://www.cbd.int/cooperation/doc/blg-2013-02-13-en.pdf",
    ),
    (
        "生物多样性有关公约联络组会议报告请见www.cbd.int/cooperation/doc/blg-2013-09-09-en.pdf。",
        "url",
        "www.cbd.int/cooperation/doc/blg-2013-09-09-en.pdf",
        "http://www.cbd.int/cooperation/doc/blg-2013-09-09-en.pdf",
    ),
    (
        "2014年5月25日至30日在墨西哥坎昆举行的全球环境基金大会第五次会议通过的充资方案拟定指南",
        "meeting",
        "全球环境基金大会第五次会议",
        "meeting/GEF/Assembly-5",
    ),
    (
        "� 或者附属履行机构（如已成立）第一次会议。",
        "meeting",
        "第一次会议",
        "meeting/CBD/SBI-1",
    ),
    (
        "联合国粮食及农业组织（粮农组织）、国际民用航空组织（民航组织）、国际海事组织（海事组织）",
        "organisation",
        "国际海事组织",
        "org/imo",
    ),
]

# References that the sentence alone does not resolve: the body is named in an earlier
# paragraph (the WGRI of "该工作组", "工作组"; the liaison group of "联络组"), or is
# the WGRI because the WGRI's fifth meeting was named before ("第5/2号建议").
NOTE_IN_DOCUMENT = [
    (
        "该工作组在其第5/7号建议中编制了关于与其他公约、国际组织和倡议之间的合作的决定草案",
        "recommendation",
        "第5/7号建议",
        "recommendation/CBD/WGRI/5/7",
    ),
    (
        "并且符合全球环境基金的任务规定（第5/2号建议）。",
        "recommendation",
        "第5/2号建议",
        "recommendation/CBD/WGRI/5/2",
    ),
    (
        "工作组在此基础上编制了关于加强生物多样性有关公约之间的方案协同增效作用的决定草案"
        "和对全球环境基金的相关意见，作为其关于财务机制的第5/1号建议的一部分。",
        "recommendation",
        "第5/1号建议",
        "recommendation/CBD/WGRI/5/1",
    ),
    (
        "例如，在其第九次会议上同意定期召开秘书处通讯官员虚拟会议",
        "meeting",
        "在其第九次会议",
        "meeting/BLG/BLG-9",
    ),
    (
        "24. 在其第九次会议上，联络组也注意到合作的成功案例",
        "meeting",
        "在其第九次会议",
        "meeting/BLG/BLG-9",
    ),
]


def ids(cases: list[tuple[str, str, str, str]]) -> list[str]:
    return [f"{i}-{target}" for i, (_, _, _, target) in enumerate(cases)]


def find_in(document: str, found: list[Found], sentence: str, text: str) -> list[Found]:
    assert sentence in document, "the sentence is not in the seed as written"
    start = document.index(sentence) + sentence.index(text)
    return [f for f in found if f.start == start]


@pytest.mark.parametrize(
    ("sentence", "kind", "text", "target"), NOTE_SENTENCES, ids=ids(NOTE_SENTENCES)
)
def test_note_sentences(
    note: list[Found], sentence: str, kind: str, text: str, target: str
) -> None:
    alone = extract(sentence, lang="zh", context=NOTE_CONTEXT)
    assert (kind, text, target) in triples(alone)
    assert triples(find_in(NOTE, note, sentence, text)) == [(kind, text, target)]


@pytest.mark.parametrize(
    ("sentence", "kind", "text", "target"), NOTE_IN_DOCUMENT, ids=ids(NOTE_IN_DOCUMENT)
)
def test_note_references_resolved_from_earlier_paragraphs(
    note: list[Found], sentence: str, kind: str, text: str, target: str
) -> None:
    assert triples(find_in(NOTE, note, sentence, text)) == [(kind, text, target)]


def test_note_yields_every_reference_read_by_hand(note: list[Found]) -> None:
    found = by_kind(note)
    assert found["decision"] == {
        "decision/CBD/COP/VII/26",
        "decision/CBD/COP/X/20",
        "decision/CBD/COP/X/28",
        "decision/CBD/COP/XI/5",
        "decision/CBD/COP/XI/6",
        "decision/CBD/COP/XI/6#para-17",
        "decision/CBD/COP/XI/6#para-17-b",
        "decision/CBD/COP/XI/6#para-48",
        "decision/CBD/COP/XI/6#sec-e",
        "decision/CBD/COP/XI/21",
        "decision/CBD/COP/XI/23",
        "decision/CBD/COP/XI/23#para-4",
        "decision/CBD/COP/XI/28",
        "decision/CBD/COP/XI/28#para-4",
    }
    assert found["recommendation"] == {f"recommendation/CBD/WGRI/5/{n}" for n in (1, 2, 4, 5, 6, 7)}
    assert found["resolution"] == {
        "resolution/CMS/10.18",
        "resolution/CITES/16.4",
        "resolution/RAMSAR/XI.6",
        "resolution/ITPGRFA/8/2011",
        "resolution/UNGA/65/161",
        "resolution/UNGA/66/288",
    }
    assert found["notification"] == {"notification/CBD/2013-120"}
    assert found["target"] == {"aichi/target/14"}
    assert found["meeting"] == {
        "meeting/CBD/COP-2",  # paragraph 54 as written: "准备缔约方大会第二届会议"
        "meeting/CBD/COP-7",
        "meeting/CBD/COP-11",
        "meeting/CBD/COP-12",
        "meeting/CBD/COP-13",
        "meeting/CBD/COP-14",
        "meeting/CBD/SBI-1",
        "meeting/CBD/SBSTTA-8",
        "meeting/CBD/WGRI-5",
        "meeting/CBD/WGRI-6",
        "meeting/CMS/COP-10",
        "meeting/CMS/COP-11",
        "meeting/BLG/BLG-8",
        "meeting/BLG/BLG-9",
        "meeting/JLG/JLG-12",
        "meeting/JLG/JLG-13",
        "meeting/EMG/SOM-19",
        "meeting/UNEP/UNEA-1",
        "meeting/GEF/Assembly-5",
        "meeting/IPBES/IPBES-1",
        "meeting/IPBES/IPBES-2",
    }
    assert found["document"] == {
        "doc/UNEP/CBD/COP/11/17",
        "doc/UNEP/CBD/COP/12/1/Add.2",
        "doc/UNEP/CBD/COP/12/1/Rev.1",
        "doc/UNEP/CBD/COP/12/9/Add.2",
        "doc/UNEP/CBD/COP/12/11",
        "doc/UNEP/CBD/COP/12/15",
        "doc/UNEP/CBD/COP/12/16",
        "doc/UNEP/CBD/COP/12/24",
        "doc/UNEP/CBD/COP/12/24/Add.1",
        "doc/UNEP/CBD/COP/12/INF/25",
        "doc/UNEP/CBD/SBSTTA/10/INF/9",
        "doc/UNEP/CBD/WGRI/5/3/Add.2",
        "doc/UNEP/CBD/WGRI/5/5",
        "doc/UNEP/CBD/WGRI/5/8",
        "doc/UNEP/CBD/WGRI/5/9",
        "doc/UNEP/CBD/WGRI/5/10",
        "doc/UNEP/CBD/WGRI/5/11",
        "doc/UNEP/CBD/WGRI/5/INF/14",
        "doc/UNEP/CBD/WGRI/5/INF/22",
    }
    assert found["organisation"] == {
        f"org/{code}"
        for code in [
            # conventions
            *("cbd", "cites", "cms", "ramsar", "whc", "itpgrfa", "ippc", "unccd", "unfccc"),
            # the UN system and other intergovernmental bodies
            *("unep", "unep-wcmc", "gef", "fao", "unesco", "undp", "emg", "blg", "jlg"),
            *("ipbes", "unga", "who", "unwto", "itto", "sprep", "icao", "ifad", "unctad"),
            *("un-habitat", "unitar", "imo", "woah", "wto", "cabi"),
            # the partners of the Aichi Biodiversity Targets Task Force (footnote 26)
            *("iucn", "aze", "birdlife", "ci", "traffic", "waza", "wcs", "wwf", "tnc"),
            *("bioversity", "idlo", "gwp", "iwa"),
        ]
    }
    assert found["date"] == {
        "date/2010-04",
        "date/2011-03-11",
        "date/2011-09",
        "date/2011-11-04",
        "date/2012-10",
        "date/2013-01-22",
        "date/2013-02-13",
        "date/2013-09-19",
        "date/2013-10-14",
        "date/2014-04",
        "date/2014-08",
        "date/2014-08-16",
        "date/2014-09-24",
        "date/2014-11",
    }
    assert found["period"] == {
        "period/2010/2020",
        "period/2011/2020",
        "period/2014/2018",
        "period/2015/2023",
        "period/2013-01-21/2013-01-26",
        "period/2013-09-02/2013-09-03",
        "period/2013-12-09/2013-12-14",
        "period/2014-05-25/2014-05-30",
        "period/2014-10-06/2014-10-17",
    }


def test_note_counts(note: list[Found]) -> None:
    counts: dict[str, int] = defaultdict(int)
    for f in note:
        counts[f.target] += 1
    # decision XI/6 as a whole: paragraphs 1, 3, 5 and 55, and twice in footnote 2
    assert counts["decision/CBD/COP/XI/6"] == 6
    assert counts["meeting/CBD/WGRI-5"] == 11
    assert counts["doc/UNEP/CBD/WGRI/5/8"] == 5


# --- the recommendation CBD/WG2020/REC/1/1 ---------------------------------------------

REC_SENTENCES = [
    ("CBD/WG2020/REC/1/1\nPage 11", "document", "CBD/WG2020/REC/1/1", "doc/CBD/WG2020/REC/1/1"),
    ("CBD/WG2020/REC/1/1\n30 August 2019", "date", "30 August 2019", "date/2019-08-30"),
    (
        "2020年后全球生物多样性框架\n不限成员名额工作组\n第一次会议\n2019年8月27日至30日，内罗毕",
        "meeting",
        "2020年后全球生物多样性框架\n不限成员名额工作组\n第一次会议",
        "meeting/CBD/WG2020-1",
    ),
    (
        "2020年后全球生物多样性框架\n不限成员名额工作组\n第一次会议\n2019年8月27日至30日，内罗毕",
        "period",
        "2019年8月27日至30日",
        "period/2019-08-27/2019-08-30",
    ),
    # the working group's own meetings: "工作组" is the document's working group
    (
        "1/1.   编制2020年后全球生物多样性框架：工作组第一次会议的结论",
        "meeting",
        "工作组第一次会议",
        "meeting/CBD/WG2020-1",
    ),
    (
        "以第14/34号决定附件A节第2段所述原则为指导",
        "decision",
        "第14/34号决定附件A节第2段",
        "decision/CBD/COP/14/34#annex-1-sec-a-para-2",
    ),
    (
        "重申，根据第14/34号决定第6和第7段，需要土著人民和地方社区",
        "decision",
        "第14/34号决定第6",
        "decision/CBD/COP/14/34#para-6",
    ),
    (
        "重申，根据第14/34号决定第6和第7段，需要土著人民和地方社区",
        "decision",
        "第7段",
        "decision/CBD/COP/14/34#para-7",
    ),
    (
        "2. 又欢迎哥伦比亚提出于2020年7月27日至31日在卡利主办工作组的第三次会议",
        "meeting",
        "工作组的第三次会议",
        "meeting/CBD/WG2020-3",
    ),
    # three decisions, of the COP and of the two protocols, in one phrase
    (
        "根据第14/34号、第CP-9/7号和第NP-3/15号决定继续筹备进程",
        "decision",
        "第14/34号",
        "decision/CBD/COP/14/34",
    ),
    (
        "根据第14/34号、第CP-9/7号和第NP-3/15号决定继续筹备进程",
        "decision",
        "第CP-9/7号",
        "decision/CPB/COP-MOP/9/7",
    ),
    (
        "根据第14/34号、第CP-9/7号和第NP-3/15号决定继续筹备进程",
        "decision",
        "第NP-3/15号决定",
        "decision/NP/COP-MOP/3/15",
    ),
    (
        "第8(j)条和相关条款问题不限成员名额特设工作组第十一次会议以及"
        "科学、技术和工艺咨询附属机构第二十三次会议的成果",
        "meeting",
        "第8(j)条和相关条款问题不限成员名额特设工作组第十一次会议",
        "meeting/CBD/WG8J-11",
    ),
    (
        "第8(j)条和相关条款问题不限成员名额特设工作组第十一次会议以及"
        "科学、技术和工艺咨询附属机构第二十三次会议的成果",
        "meeting",
        "科学、技术和工艺咨询附属机构第二十三次会议",
        "meeting/CBD/SBSTTA-23",
    ),
    (
        "并提请工作组注意在缔约方大会第十五届会议之前在其审议工作中出现的",
        "meeting",
        "缔约方大会第十五届会议",
        "meeting/CBD/COP-15",
    ),
    (
        "特别是生物多样性和生态系统服务政府间科学政策平台编制的关于生物多样性和生态系统服务的全球评估的结论",
        "organisation",
        "生物多样性和生态系统服务政府间科学政策平台",
        "org/ipbes",
    ),
    (
        "9. 邀请联合国环境规划署执行主任以联合国环境管理小组主席的身份",
        "organisation",
        "联合国环境管理小组",
        "org/emg",
    ),
    (
        "将成为2020年后全球生物多样性框架的一部分（根据第14/2号决定）；",
        "decision",
        "第14/2号决定",
        "decision/CBD/COP/14/2",
    ),
    # annex II, table 1: meetings by name and by code, cross-month periods
    (
        "科学、技术和工艺咨询附属机构第二十三次会议（SBSTTA-23）",
        "meeting",
        "SBSTTA-23",
        "meeting/CBD/SBSTTA-23",
    ),
    (
        "执行问题附属机构第三次会议（SBI-3）",
        "meeting",
        "执行问题附属机构第三次会议",
        "meeting/CBD/SBI-3",
    ),
    (
        "生物多样性公约第8(j)条和相关条款执行问题不限成员名额特设工作组第十一次会议(WG8(j))",
        "meeting",
        "生物多样性公约第8(j)条和相关条款执行问题不限成员名额特设工作组第十一次会议",
        "meeting/CBD/WG8J-11",
    ),
    (
        "WG8J向工作组第二次会议提出关于传统知识的潜在作用",
        "meeting",
        "工作组第二次会议",
        "meeting/CBD/WG2020-2",
    ),
    (
        "关于数字序列信息的扩大特设技术专家组向WG2020-3提出关于在2020年后全球生物多样性框架的范畴内",
        "meeting",
        "WG2020-3",
        "meeting/CBD/WG2020-3",
    ),
    (
        "SBSTTA将审议工作组第一和第二次会议的结果",
        "meeting",
        "工作组第一",
        "meeting/CBD/WG2020-1",
    ),
    (
        "SBSTTA将审议工作组第一和第二次会议的结果",
        "meeting",
        "第二次会议",
        "meeting/CBD/WG2020-2",
    ),
    ("名古屋议定书下的履约委员会", "organisation", "名古屋议定书", "org/nagoya"),
    ("卡塔赫纳生物安全议定书联络小组", "organisation", "卡塔赫纳生物安全议定书", "org/cartagena"),
    (
        "2019年10月30日至11月1日，巴西，里约热内卢",
        "period",
        "2019年10月30日至11月1日",
        "period/2019-10-30/2019-11-01",
    ),
    (
        "2020年2月21日和22日（待确认），中国昆明",
        "date",
        "2020年2月21日",
        "date/2020-02-21",
    ),
    ("2020年2月21日和22日（待确认），中国昆明", "date", "22日", "date/2020-02-22"),
    ("2020年1月或2月（待确认）", "date", "2020年1月", "date/2020-01"),
    (
        "SBI将审议《2015-2020年性别平等行动计划》的执行情况。",
        "period",
        "2015-2020年",
        "period/2015/2020",
    ),
    ("联合国大学关于土地景观和海洋景观办法讲习班", "organisation", "联合国大学", "org/unu"),
]


@pytest.mark.parametrize(
    ("sentence", "kind", "text", "target"), REC_SENTENCES, ids=ids(REC_SENTENCES)
)
def test_recommendation_sentences(
    rec: list[Found], sentence: str, kind: str, text: str, target: str
) -> None:
    alone = extract(sentence, lang="zh", context=REC_CONTEXT)
    assert (kind, text, target) in triples(alone)
    assert triples(find_in(REC, rec, sentence, text)) == [(kind, text, target)]


def test_recommendation_yields_every_reference_read_by_hand(rec: list[Found]) -> None:
    found = by_kind(rec)
    assert found["decision"] == {
        "decision/CBD/COP/14/2",
        "decision/CBD/COP/14/3",
        "decision/CBD/COP/14/18",
        "decision/CBD/COP/14/20",
        "decision/CBD/COP/14/22",
        "decision/CBD/COP/14/23",
        "decision/CBD/COP/14/25",
        "decision/CBD/COP/14/27",
        "decision/CBD/COP/14/29",
        "decision/CBD/COP/14/34",
        "decision/CBD/COP/14/34#annex-1-sec-a-para-2",
        "decision/CBD/COP/14/34#para-6",
        "decision/CBD/COP/14/34#para-7",
        "decision/CBD/COP/14/35",
        "decision/CPB/COP-MOP/9/7",
        "decision/NP/COP-MOP/3/15",
    }
    assert found["meeting"] == {
        "meeting/CBD/WG2020-1",
        "meeting/CBD/WG2020-2",
        "meeting/CBD/WG2020-3",
        "meeting/CBD/WG8J-11",
        "meeting/CBD/SBSTTA-23",
        "meeting/CBD/SBSTTA-24",
        "meeting/CBD/SBI-3",
        "meeting/CBD/COP-15",
    }
    assert found["document"] == {"doc/CBD/WG2020/REC/1/1"}
    assert found["organisation"] == {
        f"org/{code}"
        for code in ("cbd", "cartagena", "nagoya", "unep", "emg", "ipbes", "iucn", "unu")
    }
    assert not found["recommendation"]
    assert not found["target"]
    assert found["date"] == {
        "date/2019-08-30",
        "date/2019-09-15",
        "date/2019-11-24",
        "date/2020-01",
        "date/2020-02-21",
        "date/2020-02-22",
        "date/2020-03-01",
    }
    assert len(found["period"]) == 18
    # the meeting tables of annex II: each meeting's dates are a period
    assert {
        "period/2019-10-22/2019-10-25",
        "period/2019-11-20/2019-11-22",
        "period/2019-11-25/2019-11-29",
        "period/2020-02-24/2020-02-28",
        "period/2020-03-17/2020-03-20",
        "period/2020-04-21/2020-04-23",
        "period/2020-05-18/2020-05-23",
        "period/2020-05-25/2020-05-30",
        "period/2020-07-27/2020-07-31",
    } <= found["period"]


def test_the_working_group_is_the_documents_own() -> None:
    # WG8J is named just before, but "工作组" in a WG2020 document is WG2020 ...
    sentence = "WG8J向工作组第二次会议提出关于传统知识的潜在作用"
    assert triples(extract(sentence, lang="zh", context=REC_CONTEXT)) == [
        ("meeting", "工作组第二次会议", "meeting/CBD/WG2020-2")
    ]
    # ... while in a document of the COP it is the last working group named.
    note = extract("审查公约执行情况不限成员名额特设工作组。该工作组在其第5/7号建议中", lang="zh")
    assert ("recommendation", "第5/7号建议", "recommendation/CBD/WGRI/5/7") in triples(note)


def test_paragraphs_are_read_together_with_offsets_of_their_own() -> None:
    paragraphs = [
        "3. 为了提供所取得进展的最新信息，向审查公约执行情况不限成员名额特设工作组第五次会议"
        "提交了执行秘书关于与其他公约、国际组织和倡议",
        "并且符合全球环境基金的任务规定（第5/2号建议）。",
    ]
    assert all(p in NOTE for p in paragraphs)
    first, second = extract_paragraphs(paragraphs, lang="zh", context=NOTE_CONTEXT)
    assert triples(first) == [
        ("meeting", "审查公约执行情况不限成员名额特设工作组第五次会议", "meeting/CBD/WGRI-5")
    ]
    assert triples(second) == [
        ("organisation", "全球环境基金", "org/gef"),
        ("recommendation", "第5/2号建议", "recommendation/CBD/WGRI/5/2"),
    ]
    for paragraph, found in zip(paragraphs, (first, second), strict=True):
        assert all(paragraph[f.start : f.end] == f.text for f in found)
    # alone, the second paragraph names no body: the recommendation's body is unknown
    alone = extract(paragraphs[1], lang="zh", context=NOTE_CONTEXT)
    assert ("recommendation", "第5/2号建议", "recommendation/CBD/unknown/5/2") in triples(alone)


# --- English forms -------------------------------------------------------------------

# Sentences of the Convention on Biological Diversity and its protocols as the corpus
# of environmental agreements writes them (lower case), and one of another agreement.
TREATY_SENTENCES = [
    (
        "the first meeting of the conference of the parties shall be convened by the "
        "executive director of the united nations environment programme not later than one "
        "year after the entry into force of this convention",
        Context(),
        [
            ("meeting", "first meeting of the conference of the parties", "meeting/CBD/COP-1"),
            ("organisation", "united nations environment programme", "org/unep"),
        ],
    ),
    (
        "the conference of the parties, at its first meeting, shall determine how to "
        "establish a clearing-house mechanism",
        Context(),
        [
            (
                "meeting",
                "conference of the parties, at its first meeting",
                "meeting/CBD/COP-1",
            )
        ],
    ),
    (
        "the operations of the mechanism shall be carried out by such institutional "
        "structure as may be decided upon by the conference of the parties at its first "
        "meeting",
        Context(convention="CMS"),
        [("meeting", "conference of the parties at its first meeting", "meeting/CMS/COP-1")],
    ),
    (
        "shall be considered and decided upon by the conference of the parties serving as "
        "the meeting of the parties to this protocol at its first meeting",
        Context(convention="nagoya"),
        [
            (
                "meeting",
                "conference of the parties serving as the meeting of the parties to this "
                "protocol at its first meeting",
                "meeting/NP/COP-MOP-1",
            )
        ],
    ),
    (
        "this convention shall be open for signature at rio de janeiro by all states and "
        "any regional economic integration organization from 5 june 1992 until 14 june 1992",
        Context(),
        [
            ("date", "5 june 1992", "date/1992-06-05"),
            ("date", "14 june 1992", "date/1992-06-14"),
        ],
    ),
    (
        "the global environment facility of the united nations development programme, the "
        "united nations environment programme and the international bank for reconstruction "
        "and development",
        Context(),
        [
            ("organisation", "global environment facility", "org/gef"),
            ("organisation", "united nations development programme", "org/undp"),
            ("organisation", "united nations environment programme", "org/unep"),
            (
                "organisation",
                "international bank for reconstruction and development",
                "org/worldbank",
            ),
        ],
    ),
    (
        "Stressing the need to implement the principles and standards of the Code of "
        "Conduct for Responsible Fisheries adopted by the Conference of the Food and "
        "Agriculture Organization of the United Nations (FAO) in 1995",
        Context(),
        [
            (
                "organisation",
                "Food and Agriculture Organization of the United Nations",
                "org/fao",
            ),
            ("organisation", "FAO", "org/fao"),
        ],
    ),
    (
        "A quarter shall consist of one of the three-month periods beginning 1 January, 1 "
        "April, 1 July or 1 October, except for the first and last period of the Protocol "
        "which shall run from 16 June 2011 to 30 September 2011",
        Context(),
        [
            ("date", "16 June 2011", "date/2011-06-16"),
            ("date", "30 September 2011", "date/2011-09-30"),
        ],
    ),
]


@pytest.mark.parametrize(("sentence", "context", "expected"), TREATY_SENTENCES)
def test_treaty_sentences(
    sentence: str, context: Context, expected: list[tuple[str, str, str]]
) -> None:
    assert triples(extract(sentence, lang="en", context=context)) == expected


# The English forms of the references of the seeds, written as the English versions of
# CBD documents write them.
ENGLISH = [
    (
        "In paragraph 17 of decision XI/6, the Conference of the Parties requested the "
        "Executive Secretary to report to the twelfth meeting of the Conference of the Parties.",
        [
            ("decision", "paragraph 17 of decision XI/6", "decision/CBD/COP/XI/6#para-17"),
            (
                "meeting",
                "twelfth meeting of the Conference of the Parties",
                "meeting/CBD/COP-12",
            ),
        ],
    ),
    (
        "Recalling decisions X/20 and XI/6 and decision XI/6, paragraph 17 (b),",
        [
            ("decision", "decisions X/20", "decision/CBD/COP/X/20"),
            ("decision", "XI/6", "decision/CBD/COP/XI/6"),
            ("decision", "decision XI/6, paragraph 17 (b)", "decision/CBD/COP/XI/6#para-17-b"),
        ],
    ),
    (
        "in accordance with decisions 14/34, CP-9/7 and NP-3/15",
        [
            ("decision", "decisions 14/34", "decision/CBD/COP/14/34"),
            ("decision", "CP-9/7", "decision/CPB/COP-MOP/9/7"),
            ("decision", "NP-3/15", "decision/NP/COP-MOP/3/15"),
        ],
    ),
    (
        "paragraphs 6 and 7 of decision 14/34, section E of decision XI/6 and annex II to "
        "decision 14/34; decision BS-V/16 and decision XIV/1",
        [
            ("decision", "paragraphs 6", "decision/CBD/COP/14/34#para-6"),
            ("decision", "7 of decision 14/34", "decision/CBD/COP/14/34#para-7"),
            ("decision", "section E of decision XI/6", "decision/CBD/COP/XI/6#sec-e"),
            ("decision", "annex II to decision 14/34", "decision/CBD/COP/14/34#annex-2"),
            ("decision", "decision BS-V/16", "decision/CPB/COP-MOP/V/16"),
            # the COP numbers its decisions in Arabic numerals from its 14th meeting
            ("decision", "decision XIV/1", "decision/CBD/COP/14/1"),
        ],
    ),
    (
        "the Working Group on the Review of Implementation's fifth meeting adopted "
        "recommendation 5/1 on the financial mechanism",
        [
            (
                "meeting",
                "Working Group on the Review of Implementation's fifth meeting",
                "meeting/CBD/WGRI-5",
            ),
            ("recommendation", "recommendation 5/1", "recommendation/CBD/WGRI/5/1"),
        ],
    ),
    (
        "recommendations 5/4, 5/5 and 5/6 of the Working Group on Review of Implementation",
        [
            ("recommendation", "recommendations 5/4", "recommendation/CBD/WGRI/5/4"),
            ("recommendation", "5/5", "recommendation/CBD/WGRI/5/5"),
            (
                "recommendation",
                "5/6 of the Working Group on Review of Implementation",
                "recommendation/CBD/WGRI/5/6",
            ),
        ],
    ),
    (
        "SBSTTA recommendation XX/1, the first meeting of the Open-ended Working Group on "
        "the Post-2020 Global Biodiversity Framework and SBSTTA-23",
        [
            ("recommendation", "SBSTTA recommendation XX/1", "recommendation/CBD/SBSTTA/XX/1"),
            (
                "meeting",
                "first meeting of the Open-ended Working Group on the Post-2020 Global "
                "Biodiversity Framework",
                "meeting/CBD/WG2020-1",
            ),
            ("meeting", "SBSTTA-23", "meeting/CBD/SBSTTA-23"),
        ],
    ),
    (
        "COP 12, COP-12 and COP12; CMS COP12 and the tenth meeting of the Conference of "
        "the Parties to the Convention on Migratory Species",
        [
            ("meeting", "COP 12", "meeting/CBD/COP-12"),
            ("meeting", "COP-12", "meeting/CBD/COP-12"),
            ("meeting", "COP12", "meeting/CBD/COP-12"),
            ("organisation", "CMS", "org/cms"),
            ("meeting", "COP12", "meeting/CMS/COP-12"),
            (
                "meeting",
                "tenth meeting of the Conference of the Parties",
                "meeting/CMS/COP-10",
            ),
            ("organisation", "Convention on Migratory Species", "org/cms"),
        ],
    ),
    (
        "Aichi Biodiversity Target 11, Aichi Targets 14 and 15, GBF target 3 and target 3 "
        "of the Kunming-Montreal Global Biodiversity Framework",
        [
            ("target", "Aichi Biodiversity Target 11", "aichi/target/11"),
            ("target", "Aichi Targets 14", "aichi/target/14"),
            ("target", "15", "aichi/target/15"),
            ("target", "GBF target 3", "gbf/target/3"),
            (
                "target",
                "target 3 of the Kunming-Montreal Global Biodiversity Framework",
                "gbf/target/3",
            ),
        ],
    ),
    (
        "met on 27-30 August 2019, 30 October–1 November 2019 and August 30, 2019; in "
        "October 2012; the Strategic Plan 2011-2020",
        [
            ("period", "27-30 August 2019", "period/2019-08-27/2019-08-30"),
            ("period", "30 October–1 November 2019", "period/2019-10-30/2019-11-01"),
            ("date", "August 30, 2019", "date/2019-08-30"),
            ("date", "October 2012", "date/2012-10"),
            ("period", "2011-2020", "period/2011/2020"),
        ],
    ),
    (
        "the United Nations Environment Programme (UNEP), the Ramsar Convention, the "
        "Convention on Wetlands, CITES and the Global Environment Facility (GEF)",
        [
            ("organisation", "United Nations Environment Programme", "org/unep"),
            ("organisation", "UNEP", "org/unep"),
            ("organisation", "Ramsar Convention", "org/ramsar"),
            ("organisation", "Convention on Wetlands", "org/ramsar"),
            ("organisation", "CITES", "org/cites"),
            ("organisation", "Global Environment Facility", "org/gef"),
            ("organisation", "GEF", "org/gef"),
        ],
    ),
    (
        "General Assembly resolution 66/288, Resolution Conf. 16.4, notification 2013-120, "
        "UNEP/CBD/COP/12/24/Add.1 and http://www.cbd.int/doc/ (see www.cbd.int).",
        [
            ("resolution", "General Assembly resolution 66/288", "resolution/UNGA/66/288"),
            ("resolution", "Resolution Conf. 16.4", "resolution/CITES/16.4"),
            ("notification", "notification 2013-120", "notification/CBD/2013-120"),
            ("document", "UNEP/CBD/COP/12/24/Add.1", "doc/UNEP/CBD/COP/12/24/Add.1"),
            ("url", "http://www.cbd.int/doc/", "http://www.cbd.int/doc/"),
            ("url", "www.cbd.int", "http://www.cbd.int"),
        ],
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), ENGLISH)
def test_english_forms(sentence: str, expected: list[tuple[str, str, str]]) -> None:
    assert triples(extract(sentence, lang="en")) == expected


@pytest.mark.parametrize(
    ("written", "target"),
    [
        ("UNEP/CBD/COP/12/24/add.1", "doc/UNEP/CBD/COP/12/24/Add.1"),
        ("UNEP/CBD/COP/DEC/XI/6", "doc/UNEP/CBD/COP/DEC/XI/6"),
        ("CBD/SBSTTA/REC/23/1", "doc/CBD/SBSTTA/REC/23/1"),
        ("UNEP/CBD/WG8J/11/INF/3/Rev.1", "doc/UNEP/CBD/WG8J/11/INF/3/Rev.1"),
        ("UNEP/EA.4/Res.1", "doc/UNEP/EA.4/Res.1"),
        ("IPBES/7/10", "doc/IPBES/7/10"),
    ],
)
def test_document_symbols(written: str, target: str) -> None:
    sentence = f"See document {written}."
    assert triples(extract(sentence, lang="en")) == [("document", written, target)]


def test_english_and_chinese_forms_share_targets() -> None:
    pairs = [
        ("第XI/6号决定第17段", "paragraph 17 of decision XI/6"),
        ("第CP-9/7号决定", "decision CP-9/7"),
        ("缔约方大会第十二届会议", "the twelfth meeting of the Conference of the Parties"),
        ("审查公约执行情况不限成员名额特设工作组第五次会议", "WGRI-5"),
        ("拉姆萨尔公约", "Ramsar"),
        ("湿地公约", "the Convention on Wetlands"),
        ("环境规划署", "UNEP"),
        ("爱知生物多样性目标11", "Aichi Biodiversity Target 11"),
        ("2019年8月27日至30日", "27-30 August 2019"),
    ]
    for chinese, english in pairs:
        zh = [f.target for f in extract(chinese, lang="zh")]
        en = [f.target for f in extract(english, lang="en")]
        assert len(zh) == 1
        assert zh == en, (chinese, english)


def test_context_names_the_body_of_a_recommendation_and_the_framework() -> None:
    wgri = Context(convention="CBD", body="WGRI")
    assert triples(
        extract(
            "In recommendation 5/1, the Working Group at its fifth meeting", lang="en", context=wgri
        )
    ) == [
        ("recommendation", "recommendation 5/1", "recommendation/CBD/WGRI/5/1"),
        ("meeting", "Working Group at its fifth meeting", "meeting/CBD/WGRI-5"),
    ]
    assert triples(extract("目标 3 和目标 11", lang="zh", context=Context(framework="gbf"))) == [
        ("target", "目标 3", "gbf/target/3"),
        ("target", "目标 11", "gbf/target/11"),
    ]
    # without a framework in the context, a bare "target 3" is no reference
    assert extract("目标 3 和目标 11", lang="zh") == []
    assert triples(
        extract("target 24 and target 3", lang="en", context=Context(framework="gbf"))
    ) == [("target", "target 3", "gbf/target/3")]


# --- other UN languages --------------------------------------------------------------

OTHER_LANGUAGES = [
    (
        "fr",
        "paragraphe 17 de la décision XI/6, réunion du 30 août 2019, Programme des Nations "
        "Unies pour l'environnement (PNUE) et Convention de Ramsar",
        [
            ("decision", "paragraphe 17 de la décision XI/6", "decision/CBD/COP/XI/6#para-17"),
            ("date", "30 août 2019", "date/2019-08-30"),
            (
                "organisation",
                "Programme des Nations Unies pour l'environnement",
                "org/unep",
            ),
            ("organisation", "PNUE", "org/unep"),
            ("organisation", "Convention de Ramsar", "org/ramsar"),
        ],
    ),
    (
        "es",
        "párrafo 17 de la decisión XI/6, 30 de agosto de 2019, Meta 11 de Aichi y el "
        "Fondo para el Medio Ambiente Mundial",
        [
            ("decision", "párrafo 17 de la decisión XI/6", "decision/CBD/COP/XI/6#para-17"),
            ("date", "30 de agosto de 2019", "date/2019-08-30"),
            ("target", "Meta 11 de Aichi", "aichi/target/11"),
            ("organisation", "Fondo para el Medio Ambiente Mundial", "org/gef"),
        ],
    ),
    (
        "ru",
        "пункт 17 решения XI/6, 30 августа 2019 года, Глобальный экологический фонд (ГЭФ)",
        [
            ("decision", "пункт 17 решения XI/6", "decision/CBD/COP/XI/6#para-17"),
            ("date", "30 августа 2019 года", "date/2019-08-30"),
            ("organisation", "Глобальный экологический фонд", "org/gef"),
            ("organisation", "ГЭФ", "org/gef"),
        ],
    ),
    (
        "ar",
        "برنامج الأمم المتحدة للبيئة و مرفق البيئة العالمية، COP-12",
        [
            ("organisation", "برنامج الأمم المتحدة للبيئة", "org/unep"),
            ("organisation", "مرفق البيئة العالمية", "org/gef"),
            ("meeting", "COP-12", "meeting/CBD/COP-12"),
        ],
    ),
]


@pytest.mark.parametrize(("lang", "sentence", "expected"), OTHER_LANGUAGES)
def test_other_languages(lang: str, sentence: str, expected: list[tuple[str, str, str]]) -> None:
    assert triples(extract(sentence, lang=lang)) == expected


# --- what is not a reference ---------------------------------------------------------

NOT_REFERENCES = [
    # a notification and its reference number (paragraph 5 (a) of the note)
    ("zh", "缔约国为响应第2013-120号通知（参考号SCBD/OES/OJ/moc/82999）提交的呈件", "notification"),
    # an article of the Convention, a paragraph of another outcome document
    ("zh", "第8(j)条和相关条款", None),
    ("zh", "15. 该要求也符合联合国可持续发展大会的成果文件。成果文件第89段鼓励", None),
    # the recommendation's own number in its title (and, in a document of the COP that
    # names no working group, "工作组" stands for none)
    ("zh", "1/1.   编制2020年后全球生物多样性框架：工作组第一次会议的结论", None),
    # years alone, "post-2020", goals in words
    ("zh", "2020年后全球生物多样性框架、2050年愿景、2030年可持续发展议程", None),
    # the Aichi targets as a whole, the proposed SDG 6, a decision of the World Heritage
    # Committee the patterns do not know
    ("zh", "及其20项爱知目标为关于生物多样性的行动提供了商定总体框架", None),
    ("zh", "已批准了建议目标6“确保水的可用性与可持续管理以及人人享有环境卫生”", None),
    ("zh", "《世界遗产公约》决定：37 COM 5A", "organisation"),
    # a resolution is not a decision
    ("zh", "大会第66/288号决议，附件", "resolution"),
    # English: a date is not a decision, a number of pages is not a meeting, a target
    # beyond the framework's 23 is none
    ("en", "on 12/11/2014 the 12th session of the Commission, 34 pages", None),
    ("en", "GBF target 24 and Aichi Target 21", None),
    ("en", "indecision XI/6 and cop 12", None),
    ("en", "as amended by Council Decision 77/795/EEC of 12 December 1977", "date"),
]


@pytest.mark.parametrize(("lang", "text", "only"), NOT_REFERENCES)
def test_what_is_not_a_reference(lang: str, text: str, only: str | None) -> None:
    kinds = {f.kind for f in extract(text, lang=lang, context=NOTE_CONTEXT)}
    assert kinds == ({only} if only else set())
    assert "decision" not in kinds


def test_invalid_dates_and_numbers_are_skipped() -> None:
    assert extract("2019年2月30日、2019年13月、2020-2011年", lang="zh") == []
    assert extract("第XIIII/6号决定和第0/3号决定", lang="zh") == []


# --- properties ----------------------------------------------------------------------

PIECES = [
    "第",
    "号",
    "决定",
    "建议",
    "第17段",
    "和",
    "、",
    "第XI/6号",
    "第14/34号决定",
    "缔约方大会",
    "第十二届会议",
    "工作组",
    "第五次会议",
    "在其",
    "2019年8月27日至30日",
    "2011-2020年",
    "爱知生物多样性目标14",
    "拉姆萨尔公约",
    "UNEP/CBD/COP/12/24",
    "decision XI/6",
    "paragraphs 6 and 7 of decision",
    "COP-12",
    "the Working Group",
    "recommendation 5/1",
    "http://www.cbd.int/",
    "Ramsar",
    "30 August 2019",
    "(b)",
    "\n",
    " ",
    "。",
    "《",
    "》",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=20).map("".join),
    st.sampled_from(LANGUAGES),
    st.sampled_from([None, "COP", "WGRI", "WG2020", "SBSTTA"]),
    st.sampled_from([None, "aichi", "gbf"]),
)
def test_any_text_gives_spans_that_are_its_own_and_do_not_overlap(
    text: str, lang: str, body: str | None, framework: str | None
) -> None:
    found = extract(text, lang=lang, context=Context(body=body, framework=framework))
    end = 0
    for f in found:
        assert text[f.start : f.end] == f.text
        assert f.start >= end and f.end > f.start
        assert f.kind in references.KINDS and f.target
        end = f.end


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.text(alphabet="第号决定XI/6缔约方大会第十二届会议工作组 \n", max_size=30), max_size=5
    )
)
def test_paragraphs_give_offsets_within_each(paragraphs: list[str]) -> None:
    for paragraph, found in zip(paragraphs, extract_paragraphs(paragraphs, lang="zh"), strict=True):
        assert all(paragraph[f.start : f.end] == f.text for f in found)


# --- bad input -----------------------------------------------------------------------


def test_unknown_language_convention_body_or_framework_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown language 'de'"):
        extract("text", lang="de")
    with pytest.raises(ValueError, match="unknown convention 'XYZ'"):
        extract("text", lang="en", context=Context(convention="XYZ"))
    with pytest.raises(ValueError, match="unknown body 'WGX'"):
        extract("text", lang="en", context=Context(body="WGX"))
    with pytest.raises(ValueError, match="unknown framework 'sdg'"):
        extract("text", lang="en", context=Context(framework="sdg"))
    with pytest.raises(ValueError, match="COP-MOP is not one of CBD"):
        extract("text", lang="en", context=Context(body="COP-MOP"))


def test_conventions_by_code_or_owner() -> None:
    for convention in ("cartagena", "CPB", "cpb"):
        found = extract("COP-MOP 9", lang="en", context=Context(convention=convention))
        assert triples(found) == [("meeting", "COP-MOP 9", "meeting/CPB/COP-MOP-9")]


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    for name in ("organisations.yaml", "bodies.yaml", "patterns.yaml"):
        shutil.copy(references.DATA_DIR / name, tmp_path / name)
    return tmp_path


def test_the_shipped_data_loads(data_copy: Path) -> None:
    rules = load_rules(data_copy)
    assert set(rules.languages) == set(LANGUAGES)
    assert rules.frameworks == {"aichi": 20, "gbf": 23}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "organisations.yaml",
            "      zh: [联合国环境规划署,",
            "      zh: [拉姆萨尔公约, 联合国环境规划署,",
            "organisations.yaml: organisation unep: names: zh: "
            "the name '拉姆萨尔公约' is already another entry's",
        ),
        (
            "organisations.yaml",
            "  - code: gef\n",
            "  - code: GEF\n",
            "organisations.yaml: organisation GEF: the code must be lower-case",
        ),
        (
            "organisations.yaml",
            "      es: [Convenio sobre la Diversidad Biológica, CDB]",
            "      de: [Übereinkommen über die biologische Vielfalt]",
            "organisations.yaml: organisation cbd: names: unknown language 'de'",
        ),
        (
            "bodies.yaml",
            "    organisation: jlg\n",
            "    organisation: jlgx\n",
            "bodies.yaml: body JLG of JLG: unknown organisation 'jlgx'",
        ),
        (
            "bodies.yaml",
            "    zh: [该联络组, 联络组]",
            "    zh: [该联络组, 联络组, 缔约方大会]",
            "bodies.yaml: anaphors: liaison-group: '缔约方大会' is a body's name",
        ),
        (
            "patterns.yaml",
            "  roman: '[IVXLC]{1,7}'",
            "  roman: '[IVXLC{1,7}'",
            "patterns.yaml: splitters: item: is not a valid pattern",
        ),
        (
            "patterns.yaml",
            "{zh_item_list}\\s*(?P<word>决定|建议)",
            "{zh_items}\\s*(?P<word>决定|建议)",
            "patterns.yaml: patterns: decision: zh[0]: unknown fragment {zh_items}",
        ),
        (
            "patterns.yaml",
            "        framework: aichi\n",
            "        framework: sdg\n",
            "patterns.yaml: patterns: target: zh[0]: unknown framework 'sdg'",
        ),
        (
            "patterns.yaml",
            "  ru: [января,",
            "  ru: [",
            "patterns.yaml: months: ru: needs a UN language and 12 names",
        ),
        ("bodies.yaml", "bodies:\n", "bodies: [\n", "bodies.yaml: file: cannot be read"),
    ],
)
def test_bad_data_is_an_error_naming_file_and_entry(
    data_copy: Path, file: str, old: str, new: str, message: str
) -> None:
    edit(data_copy / file, old, new)
    with pytest.raises(DataError) as caught:
        load_rules(data_copy)
    assert str(caught.value).startswith(message)
