"""Build the CBD 7th national report template from the CBD reporting tool's texts.

    python -m meadow.reports.build_cbd_nr7 SOURCE_DIR OUT_FILE

``SOURCE_DIR`` holds ``binary-indicator-questions.resolved.json`` (the binary-indicator
questionnaire of decision 16/31 in six languages), ``gbf-indicator-thesaurus-ids.json``
and ``form-texts/<lang>/nr7/...`` (the form's section titles and field labels). The
result is a template file in Meadow's format; it is committed, and nothing reads the
source folder at run time. Standard library and PyYAML only.

Mapping: an ``option`` question is a choice (a multiple choice when ``multiple``), a
``checkbox`` a multiple choice, a ``string`` a text. A heading with sub-questions
becomes the help of each sub-question. A question the source enables from one
earlier answer gets a ``show_if``; one enabled from several (any of them) stays
unconditional, as its text says when to answer it. Questions of goal C repeat those
of target 13 in the source; they are asked in both sections and bound to the same
concepts, so one answer serves both.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

LANGS = ("ar", "en", "es", "fr", "ru", "zh")
BINARY = "binary-indicator-questions.resolved.json"
THESAURUS = "gbf-indicator-thesaurus-ids.json"
HEADLINE = re.compile(r"^[A-D0-9]+\.\d+$")
SOURCE = (
    "Secretariat of the Convention on Biological Diversity, online reporting tool "
    "(github.com/scbd/online-reporting-tool); binary-indicator questions: decision 16/31"
)

Text = dict[str, str]


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _texts(root: Path, relative: str) -> dict[str, dict[str, str]]:
    """A form-texts file in every language."""
    return {lang: _json(root / "form-texts" / lang / relative) for lang in LANGS}


def _six(texts: dict[str, dict[str, str]], key: str) -> Text:
    out = {lang: str(texts[lang].get(key) or "").strip() for lang in LANGS}
    return {lang: text for lang, text in out.items() if text}


def _join(*parts: Text, sep: str = " ") -> Text:
    return {
        lang: sep.join(p[lang] for p in parts if p.get(lang))
        for lang in LANGS
        if any(p.get(lang) for p in parts)
    }


def _per_lang(binary: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Every question node by (section key, question key) -> language -> node."""
    out: dict[str, dict[str, dict[str, Any]]] = {}

    def visit(section: str, nodes: list[dict[str, Any]], lang: str) -> None:
        for node in nodes:
            out.setdefault(f"{section}/{node['key']}", {})[lang] = node
            visit(section, node.get("questions") or [], lang)

    for lang in LANGS:
        for section in binary[lang]:
            visit(section["key"], section["questions"], lang)
    return out


def _options(nodes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    english = nodes["en"]["options"]
    options = []
    for option in english:
        title = {}
        for lang in LANGS:
            match = [o for o in nodes[lang].get("options") or [] if o["value"] == option["value"]]
            if match and str(match[0].get("title") or "").strip():
                title[lang] = str(match[0]["title"]).strip()
        options.append({"value": str(option["value"]), "title": title})
    return options


def _type(node: dict[str, Any]) -> str:
    kind = node.get("type")
    if kind == "checkbox" or (kind == "option" and node.get("multiple")):
        return "multiple-choice"
    if kind == "option":
        return "choice"
    if kind == "string":
        return "text"
    raise ValueError(f"question {node['key']}: unknown type {kind!r}")


def _label(target: str) -> str:
    """GBF-GOAL-B -> B, GBF-TARGET-013 -> 13."""
    tail = target.rsplit("-", 1)[-1]
    return tail.lstrip("0") or tail


def build(root: Path) -> dict[str, Any]:
    binary = _json(root / BINARY)
    thesaurus = {i["identifier"]: i for i in _json(root / THESAURUS)}
    nodes = _per_lang(binary)
    overview = _texts(root, "nr7/my-country/edit/nr7-edit-overview.json")
    s1 = _texts(root, "nr7/my-country/edit/nr7-edit-section-I.json")
    s2 = _texts(root, "nr7/my-country/edit/nr7-edit-section-II.json")
    s3 = _texts(root, "nr7/my-country/edit/nr7-edit-section-III.json")
    s4 = _texts(root, "nr7/my-country/edit/nr7-edit-section-IV.json")
    s5 = _texts(root, "nr7/my-country/edit/nr7-edit-section-V.json")
    view = _texts(root, "nr7/my-country/view/nr7-view.json")

    concepts: list[dict[str, Any]] = [
        {
            "id": "cbd.nr7.preparation-process",
            "type": "rich-text",
            "title": _six(s1, "sectionIDescription"),
        },
        {
            "id": "cbd.nr7.stakeholder-engagement",
            "type": "yes-no",
            "title": _six(s2, "stakeholderEngagement"),
        },
        {
            "id": "cbd.nr7.monitoring-system",
            "type": "rich-text",
            "title": _six(s2, "implementationProgress"),
        },
        {
            "id": "cbd.nr7.assessment-summary",
            "type": "rich-text",
            "title": _six(s5, "assessmentSummary"),
        },
    ]
    sections: list[dict[str, Any]] = [
        {
            "key": "I",
            "number": "I",
            "title": _six(overview, "briefOverviewOfProcess"),
            "help": _six(s1, "sectionMandatory"),
            "questions": [
                {
                    "key": "authorities",
                    "number": "I.1",
                    "concept": "focal-point.contact",
                    "title": _six(s1, "nationalAuthorities"),
                    "help": _join(_six(s1, "contactPerson"), _six(s1, "contactDetails"), sep=", "),
                    "required": True,
                },
                {
                    "key": "preparation-process",
                    "number": "I.2",
                    "concept": "cbd.nr7.preparation-process",
                    "title": _six(s1, "preparationProcess"),
                    "help": _join(
                        _join({lang: "(a)" for lang in LANGS}, _six(s1, "coordination")),
                        _join({lang: "(b)" for lang in LANGS}, _six(s1, "consultation")),
                        sep="\n",
                    ),
                    "required": True,
                },
            ],
        },
        {
            "key": "II",
            "number": "II",
            "title": _six(s2, "sectionIIDescription"),
            "help": _six(s2, "sectionMandatory"),
            "questions": [
                {
                    "key": "nbsap-status",
                    "number": "II.1",
                    "concept": "nbsap.status",
                    "title": _six(s2, "revisedNbsap"),
                    "required": True,
                },
                {
                    "key": "nbsap-adoption-date",
                    "number": "II.2",
                    "concept": "nbsap.adoption-date",
                    "title": _six(s2, "anticipatedNbsapAdoptionDate"),
                },
                {
                    "key": "stakeholder-engagement",
                    "number": "II.3",
                    "concept": "cbd.nr7.stakeholder-engagement",
                    "title": _six(s2, "stakeholderEngagement"),
                    "required": True,
                },
                {
                    "key": "nbsap-adopted",
                    "number": "II.4",
                    "concept": "legislation.biodiversity-framework",
                    "title": _six(s2, "hasNbsapAdopted"),
                    "required": True,
                },
                {
                    "key": "policy-instruments",
                    "number": "II.5",
                    "concept": "legislation.list",
                    "title": _six(s2, "policyInstrument"),
                },
                {
                    "key": "monitoring-system",
                    "number": "II.6",
                    "concept": "cbd.nr7.monitoring-system",
                    "title": _six(s2, "implementationProgress"),
                    "required": True,
                },
            ],
        },
        {
            "key": "III",
            "number": "III",
            "title": _six(overview, "assessmentOfProgressNationalTargets"),
            "help": _six(s3, "sectionIIIDescription"),
            "questions": [
                {
                    "key": "national-targets",
                    "number": "III.1",
                    "concept": "national-targets.all",
                    "title": _six(s3, "provideASummaryOfProgress"),
                    "help": _join(
                        _six(s3, "brieflyDescribeTheMainActions"),
                        _six(s3, "indicateTheCurrentLevelOfProgress"),
                        _six(s3, "keyChallengesSummary"),
                        sep="\n",
                    ),
                    "required": True,
                }
            ],
        },
    ]

    # Section IV: headline indicators, then the binary indicators by goal and target.
    headline: list[dict[str, Any]] = []
    for item in _json(root / THESAURUS):
        code = item["code"]
        if not HEADLINE.match(code):
            continue
        title = re.sub(rf"^{re.escape(code)}\.?\s*", "", item["title"]).strip()
        uid = f"indicator.gbf-{code.lower()}"
        if code != "3.1":
            concepts.append(
                {
                    "id": uid,
                    "type": "indicator-data",
                    "title": {"en": f"Headline indicator {code}: {title}"},
                    "indicator": f"gbf/indicator/{code}",
                }
            )
        headline.append(
            {
                "key": f"headline-{code.lower()}",
                "number": code,
                "concept": uid,
                "title": {"en": f"{code} {title}"},
            }
        )
    extra = [
        (
            "3.1",
            "protected-areas.terrestrial-coverage",
            "Share of land and inland waters in protected areas and OECMs (per cent)",
        ),
        (
            "3.1",
            "protected-areas.marine-coverage",
            "Share of marine and coastal areas in protected areas and OECMs (per cent)",
        ),
        ("A.3", "species.red-list-assessment", "National red list of threatened species"),
        ("6.1", "invasive-species.strategy", "Measures against invasive alien species"),
    ]
    for after, uid, title in extra:
        at = next(n for n, q in enumerate(headline) if q["number"] == after)
        headline.insert(
            at + 1,
            {
                "key": uid.replace(".", "-"),
                "number": after,
                "concept": uid,
                "title": {"en": title},
            },
        )
    sections.append(
        {
            "key": "IV",
            "number": "IV",
            "title": _six(overview, "sectionIVDescription"),
            "help": _six(s4, "headline"),
            "questions": headline,
        }
    )

    declared: set[str] = set()
    for group in binary["en"]:
        label = _label(group["target"])
        prefix = "goal-c." if group["key"] == "binaryResponseGoalC" else ""
        indicator = thesaurus.get(group["binaryIndicator"], {})
        questions: list[dict[str, Any]] = []
        enables: dict[str, list[tuple[str, list[str]]]] = {}

        def add(
            node: dict[str, Any],
            heading: dict[str, Any] | None,
            group_key: str = group["key"],
            questions: list[dict[str, Any]] = questions,
            enables: dict[str, list[tuple[str, list[str]]]] = enables,
            prefix: str = prefix,
        ) -> None:
            per_lang = nodes[f"{group_key}/{node['key']}"]
            if node.get("questions"):
                for child in node["questions"]:
                    add(child, node)
                return
            key = node["key"]
            uid = f"gbf.binary.{key}"
            title = {
                lang: str(per_lang[lang].get("title") or "").strip()
                for lang in LANGS
                if str(per_lang[lang].get("title") or "").strip()
            }
            number = str(node.get("number") or "")
            help_text: Text = {}
            if heading is not None:
                head = nodes[f"{group_key}/{heading['key']}"]
                help_text = {
                    lang: f"{heading['number']} {str(head[lang].get('title') or '').strip()}"
                    for lang in LANGS
                    if str(head[lang].get("title") or "").strip()
                }
                if number.startswith("("):
                    number = f"{heading['number']}{number}"
            if not number:
                number = re.sub(r"^(\d+)_(\d+)_([a-z])$", r"\1.\2(\3)", key)
            kind = _type(node)
            if uid not in declared:
                declared.add(uid)
                concept: dict[str, Any] = {
                    "id": uid,
                    "type": kind,
                    "title": _join(help_text, title) if help_text else title,
                }
                if kind in ("choice", "multiple-choice"):
                    concept["options"] = _options(per_lang)
                concepts.append(concept)
            question: dict[str, Any] = {
                "key": prefix + key,
                "number": number,
                "concept": uid,
                "title": title,
            }
            if help_text:
                question["help"] = help_text
            if node.get("mandatory"):
                question["required"] = True
            for rule in node.get("validations") or []:
                if rule.get("trigger") == "enable" and rule.get("type") == "@hasValues":
                    enables.setdefault(prefix + rule["question"], []).append(
                        (prefix + key, [str(v) for v in rule["values"]])
                    )
            questions.append(question)

        for node in group["questions"]:
            add(node, None)
        for question in questions:
            sources = enables.get(question["key"], [])
            if len(sources) == 1:
                source, values = sources[0]
                question["show_if"] = (
                    {"question": source, "equals": values[0]}
                    if len(values) == 1
                    else {"question": source, "in": values}
                )
        section: dict[str, Any] = {
            "key": f"IV.{label}",
            "number": f"IV.{label}",
            "title": {
                lang: f"{_six(s4, 'binary')[lang]} {indicator.get('code', label)}"
                for lang in LANGS
                if lang in _six(s4, "binary")
            },
            "questions": questions,
        }
        if indicator.get("title"):
            section["help"] = {"en": indicator["title"]}
        sections.append(section)

    sections.append(
        {
            "key": "V",
            "number": "V",
            "title": _six(overview, "conclusionsImplementationConvention"),
            "help": _six(s5, "introduction"),
            "questions": [
                {
                    "key": "assessment-summary",
                    "number": "V.1",
                    "concept": "cbd.nr7.assessment-summary",
                    "title": _six(s5, "assessmentSummary"),
                    "required": True,
                }
            ],
        }
    )
    return {
        "format": "meadow-report-template/1",
        "template": "cbd-nr7",
        "version": "2026.1",
        "convention": "cbd",
        "cycle": "2026",
        "deadline": "2026-02-28",
        "illustrative": False,
        "title": _six(view, "nr7Title"),
        "source": SOURCE,
        "concepts": concepts,
        "sections": sections,
    }


HEADER = """\
# The CBD's 7th national report (decision 16/31), in Meadow's report template format.
# Generated by meadow/reports/build_cbd_nr7.py from the CBD online reporting tool's
# texts (see SOURCES.md); regenerate rather than edit by hand.
"""


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    document = build(Path(args[0]))
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    Path(args[1]).parent.mkdir(parents=True, exist_ok=True)
    Path(args[1]).write_text(HEADER + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
