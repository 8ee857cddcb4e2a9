"""What every export shares: the language, Meadow's own labels, and answers as text.

An export is written in one of the six UN languages: the template's texts (section and
question titles, option and column titles) come from the template in that language,
and Meadow's own words (Yes, No, the states, "Not answered") from its translations,
read under ``translation.override``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from meadow.core import i18n
from meadow.reports import rules, target_progress, values, workflow
from meadow.reports.document import QuestionView, ReportDocument
from meadow.reports.forms import number_text, option_label

STATES = workflow.STATE_LABELS
# The types whose answer is a list of rows, shown as a table.
TABULAR = ("table", "national-targets", "attachments")


def language(lang: str) -> str:
    """The content language code (ar, en, es, fr, ru, zh) for any spelling of it."""
    return i18n.normalise(lang or i18n.FALLBACK)


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Meadow's own labels in ``lang`` for the duration of the block."""
    with translation.override(i18n.INTERFACE_CODE.get(lang, lang)):
        yield


def is_rtl(lang: str) -> bool:
    return lang in i18n.RTL


def state_label(state: str) -> str:
    return str(STATES.get(state, state))


def yes_no(value: Any) -> str:
    return _("Yes") if value is True else _("No")


def not_answered() -> str:
    return _("Not answered")


def illustrative_note() -> str:
    return _(
        "Illustrative template: modelled on the convention's reporting form, not its "
        "official template."
    )


def verify_note() -> str:
    return _(
        "To verify: the SHA-256 of the snapshot's canonical JSON (keys sorted, no spaces, "
        "UTF-8) must equal this hash; the JSON export holds every answer needed to "
        "recompute it."
    )


def scalar(
    kind: str, value: Any, options: Sequence[Mapping[str, Any]], lang: str, unit: str = ""
) -> str:
    """One answer (or table cell) as text in the language."""
    if value is None or value == "":
        return ""
    if kind == "yes-no" or isinstance(value, bool):
        return yes_no(value)
    if kind == "choice":
        return option_label(list(options), value, lang)
    if kind == "number":
        return f"{number_text(value)} {unit}".strip()
    return str(value)


def heading(number: str, label: str) -> str:
    """A question's or section's number and title (the number once, if the title has it)."""
    number, label = number.strip(), label.strip()
    if not number or label.startswith(number):
        return label
    return f"{number} {label}"


def column_title(column: Mapping[str, Any], lang: str) -> str:
    return i18n.text(column.get("title") or {}, lang) or str(column.get("key", ""))


@dataclass
class Grid:
    """A tabular answer ready to draw: column headings and rows of text."""

    headings: list[str]
    rows: list[list[str]]
    links: list[str | None]  # per row: the link of an attachment row


def grid(question: QuestionView, lang: str, targets: Mapping[str, str]) -> Grid:
    """A table, national-targets or attachments answer as headings and text rows."""
    rows = [row for row in question.value or [] if isinstance(row, dict)]
    if question.type == "national-targets":
        named = target_titles(question, lang, targets)
        items = [target_progress.normal(row) for row in rows]
        return Grid(
            [
                _("Target"),
                _("Progress"),
                _("Main actions taken"),
                _("Summary"),
                _("Challenges"),
                _("Examples"),
            ],
            [
                [
                    target_name(item["target"], named),
                    progress_label(item["progress"]),
                    *(item[key] for key in target_progress.TEXTS),
                ]
                for item in items
            ],
            [None] * len(items),
        )
    if question.type == "attachments":
        return Grid(
            [_("Document"), _("Link")],
            [
                [str(row.get("name") or row.get("url") or ""), str(row.get("url") or "")]
                for row in rows
            ],
            [str(row.get("url") or "") or None for row in rows],
        )
    columns = question.columns
    return Grid(
        [column_title(c, lang) for c in columns],
        [
            [
                scalar(
                    str(c.get("type") or "text"),
                    row.get(c["key"]),
                    list(c.get("options") or []),
                    lang,
                    str(c.get("unit") or ""),
                )
                for c in columns
            ]
            for row in rows
        ],
        [None] * len(rows),
    )


def progress_label(progress: Any) -> str:
    return str(values.PROGRESS.get(str(progress), progress or "")) if progress else ""


def target_titles(question: QuestionView, lang: str, targets: Mapping[str, str]) -> dict[str, str]:
    """Titles of the rows' targets: the national targets', then the GBF targets'."""
    named = dict(targets)
    for item in question.by_gbf:
        named.setdefault(item.uid, item.label(lang))
    return named


def target_name(target: str, titles: Mapping[str, str]) -> str:
    """A row's target as a heading: its code (or "GBF target 7") and its title."""
    return " ".join(p for p in (target_progress.name(target), titles.get(target, "")) if p)


@dataclass
class TargetBlock:
    """Progress towards one target, ready to write: a heading and labelled texts."""

    target: str
    heading: str
    fields: list[tuple[str, str]]  # (label, text); a text may have several lines


def target_blocks(
    question: QuestionView, lang: str, targets: Mapping[str, str]
) -> list[TargetBlock]:
    """A national-targets answer as a block per target, the texts in the CBD's order."""
    named = target_titles(question, lang, targets)
    labels = {
        "progress": _("Current level of progress"),
        "actions": _("Main actions taken"),
        "summary": _("Summary of progress and main outcomes"),
        "challenges": _("Key challenges and approaches"),
        "examples": _("Examples and cases"),
    }
    out = []
    for row in question.value or []:
        if not isinstance(row, dict):
            continue
        item = target_progress.normal(row)
        texts = {"progress": progress_label(item["progress"])}
        texts.update({key: item[key].strip() for key in target_progress.TEXTS})
        out.append(
            TargetBlock(
                target=item["target"],
                heading=target_name(item["target"], named),
                fields=[(labels[key], texts[key]) for key in labels if texts[key]],
            )
        )
    return out


def gbf_grid(question: QuestionView, lang: str) -> Grid:
    """Progress per GBF target: the GBF target, the national targets aligned with it
    (with their degree) and the levels of progress reported."""
    rows = []
    for item in question.by_gbf:
        national = "; ".join(
            f"{a.code} ({target_progress.degree_label(a.degree).lower()})" for a in item.national
        )
        levels = [f"{a.code}: {progress_label(a.progress) or '-'}" for a in item.national]
        if item.direct:
            direct = progress_label(item.direct_progress) or "-"
            levels.append(f"{_('Reported directly')}: {direct}")
        rows.append(
            [
                f"{target_progress.name(item.uid)} {item.label(lang)}".strip(),
                national or _("None"),
                "\n".join(levels) or _("Not reported"),
            ]
        )
    return Grid(
        [_("GBF target"), _("National targets aligned (degree)"), _("Progress")],
        rows,
        [None] * len(rows),
    )


def gbf_title() -> str:
    return _("Progress per GBF target")


def lines(question: QuestionView, lang: str) -> list[str]:
    """A non-tabular answer as lines of text (a multiple choice: one line per choice)."""
    value = question.value
    if not rules.answered(value):
        return []
    if question.type == "multiple-choice" and isinstance(value, list):
        return [question.option_label(v, lang) for v in value]
    if question.type == "choice":
        return [question.option_label(value, lang)]
    if question.type in ("text", "rich-text") and isinstance(value, str):
        return [line.strip() for line in value.split("\n") if line.strip()]
    return [scalar(question.type, value, question.options, lang, question.unit)]


def answered(question: QuestionView) -> bool:
    if question.type == "indicator-data":
        return bool(question.series)
    return rules.answered(question.value)


def national_targets(document: ReportDocument, lang: str) -> dict[str, str]:
    """The country's published national targets' titles by code, for target rows."""
    from meadow.targets import queries

    return {t.code: t.label(lang) for t in queries.published(country=document.country)}


def date_text(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def filename(document: ReportDocument, ext: str, lang: str = "") -> str:
    report = document.report
    stem = f"{report.country.code}-{report.template.code}-{report.cycle}"
    return f"{stem}-{lang}.{ext}" if lang else f"{stem}.{ext}"


def shown_sections(document: ReportDocument) -> Iterator[tuple[Any, list[QuestionView]]]:
    """Each section with its shown questions (sections with none left out)."""
    for section in document.sections:
        shown = [q for q in section.questions if q.shown]
        if shown:
            yield section, shown


def cover_facts(document: ReportDocument, lang: str) -> list[tuple[str, str]]:
    """The lines of a cover: (label, text) in the language."""
    report = document.report
    template = report.template
    out = [
        (_("Country"), document.country_name(lang)),
        (_("Report"), template.label(lang)),
        (_("Template"), f"{template.code} {template.version}"),
        (_("Cycle"), report.cycle),
        (_("State"), state_label(document.state)),
        (_("Generated"), date_text(document.generated_at)),
    ]
    snapshot = document.snapshot
    if snapshot is not None:
        out.append((_("Snapshot"), f"{snapshot.number} ({date_text(snapshot.at)})"))
    return out
