"""Template tags and filters of the report pages: ``{% load report_pages %}``.

``{% answer value concept %}`` shows an answer as a reader reads it, whatever its
concept's type (a choice by its option's title in the page's language, a table as a
table, progress towards each national target as a block per target, links as links);
``{% gbf_progress view %}`` is the table of progress per GBF target of a
national-targets question; the filters name workflow states, steps and rule levels in the
page's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join, urlize
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meadow.core import i18n
from meadow.reports import review, rules, target_progress, values, workflow
from meadow.reports.forms import number_text, option_label

register = template.Library()

STATES = workflow.STATE_LABELS

STEPS = workflow.STEP_LABELS

CHANGES = {
    "added": gettext_lazy("Added"),
    "removed": gettext_lazy("Removed"),
    "changed": gettext_lazy("Changed"),
}


@register.filter
def state_label(state: str) -> str:
    return str(STATES.get(state, state))


@register.filter
def step_label(step: str) -> str:
    return str(STEPS.get(step, step))


@register.filter
def level_label(level: str) -> str:
    return str(review.LEVEL_LABELS.get(level, level))


@register.filter
def change_label(kind: str) -> str:
    return str(CHANGES.get(kind, kind))


@register.filter
def issue_text(issue: rules.Issue) -> str:
    """The rule issue in the page's language."""
    return review.describe(issue, i18n.current())


def _empty() -> SafeString:
    return format_html('<span class="meta report-unanswered">{}</span>', _("Not answered"))


def _scalar(kind: str, value: Any, options: list[Mapping[str, Any]], unit: str = "") -> str:
    """A cell or a single answer as plain text."""
    if value is None or value == "":
        return ""
    if kind == "yes-no" or isinstance(value, bool):
        return _("Yes") if value is True else _("No")
    if kind == "choice":
        return option_label(options, value, i18n.current())
    if kind == "number":
        return f"{number_text(value)} {unit}".strip()
    return str(value)


def _paragraphs(text: str) -> SafeString:
    return format_html_join(
        "", "<p>{}</p>", ((line.strip(),) for line in text.split("\n") if line.strip())
    )


def _table(concept: Any, rows: list[Any]) -> SafeString:
    lang = i18n.current()
    columns = list(getattr(concept, "columns", None) or [])
    head = format_html_join(
        "",
        '<th scope="col">{}</th>',
        ((i18n.text(c.get("title") or {}, lang) or c["key"],) for c in columns),
    )
    body = format_html_join(
        "",
        "<tr>{}</tr>",
        (
            (
                format_html_join(
                    "",
                    "<td>{}</td>",
                    (
                        (
                            _scalar(
                                str(c.get("type") or "text"),
                                row.get(c["key"]),
                                list(c.get("options") or []),
                            ),
                        )
                        for c in columns
                    ),
                ),
            )
            for row in rows
            if isinstance(row, dict)
        ),
    )
    return format_html(
        '<table class="data-table report-answer-table"><thead><tr>{}</tr></thead>'
        "<tbody>{}</tbody></table>",
        head,
        body,
    )


def _linked(text: str) -> SafeString:
    """Paragraphs with their web addresses made links."""
    return format_html_join(
        "",
        "<p>{}</p>",
        (
            (SafeString(urlize(line.strip(), nofollow=True, autoescape=True)),)
            for line in text.split("\n")
            if line.strip()
        ),
    )


def progress_label(progress: Any) -> str:
    return str(values.PROGRESS.get(str(progress), progress or "")) if progress else ""


def _target_heading(target: str, titles: Mapping[str, str]) -> SafeString:
    title = titles.get(target, "")
    if title:
        return format_html("<code>{}</code> {}", target_progress.name(target), title)
    return format_html("<code>{}</code>", target_progress.name(target))


def _targets(
    rows: list[Any], titles: Mapping[str, str] | None, by_gbf: list[Any] | None
) -> SafeString:
    """Each target's progress: its heading (code and title), then what was reported."""
    lang = i18n.current()
    named = dict(titles or {})
    for item in by_gbf or []:
        named.setdefault(item.uid, item.label(lang))
    labels = {
        "progress": _("Current level of progress"),
        "actions": _("Main actions taken"),
        "summary": _("Summary of progress and main outcomes"),
        "challenges": _("Key challenges and approaches"),
        "examples": _("Examples and cases"),
    }
    blocks = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        item = target_progress.normal(row)
        parts = []
        for key, label in labels.items():
            if key == "progress":
                shown = progress_label(item["progress"])
                body = format_html("<p>{}</p>", shown) if shown else SafeString("")
            elif key == "examples":
                body = _linked(item[key])
            else:
                body = _paragraphs(item[key])
            if body:
                parts.append(format_html("<dt>{}</dt><dd>{}</dd>", label, body))
        blocks.append(
            format_html(
                '<div class="report-target" data-target="{}" data-progress="{}">'
                '<h3 class="report-target__heading">{}</h3><dl class="report-target__fields">{}'
                "</dl></div>",
                item["target"],
                item["progress"] or "",
                _target_heading(item["target"], named),
                SafeString("".join(parts)),
            )
        )
    return format_html('<div class="report-targets">{}</div>', SafeString("".join(blocks)))


@register.simple_tag
def gbf_progress(view: Any) -> SafeString:
    """The table "Progress per GBF target" of a national-targets question."""
    items = list(getattr(view, "by_gbf", None) or [])
    if not items:
        return SafeString("")
    lang = i18n.current()
    body = []
    for item in items:
        national = format_html_join(
            "",
            '<li data-target="{}"><code>{}</code> ({})</li>',
            (
                (a.code, a.code, target_progress.degree_label(a.degree).lower())
                for a in item.national
            ),
        )
        levels = [
            format_html("<li><code>{}</code>: {}</li>", a.code, progress_label(a.progress) or "—")
            for a in item.national
        ]
        if item.direct:
            levels.append(
                format_html(
                    "<li>{}: {}</li>",
                    _("Reported directly"),
                    progress_label(item.direct_progress) or "—",
                )
            )
        body.append(
            format_html(
                '<tr data-gbf="{}"><th scope="row"><a href="/{}">{}</a> {}</th><td>{}</td>'
                "<td>{}</td></tr>",
                item.uid,
                item.uid,
                target_progress.name(item.uid),
                item.label(lang),
                format_html('<ul class="report-list">{}</ul>', national)
                if item.national
                else format_html('<span class="meta">{}</span>', _("None")),
                format_html('<ul class="report-list">{}</ul>', SafeString("".join(levels)))
                if levels
                else format_html('<span class="meta">{}</span>', _("Not reported")),
            )
        )
    return format_html(
        '<table class="data-table report-answer-table report-gbf-progress">'
        "<caption>{}</caption><thead><tr>"
        '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        _("Progress per GBF target"),
        _("GBF target"),
        _("National targets aligned (degree)"),
        _("Progress"),
        SafeString("".join(body)),
    )


def _links(rows: list[Any]) -> SafeString:
    items = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        url, name = str(row.get("url") or ""), str(row.get("name") or row.get("url") or "")
        if url.startswith(("https://", "http://")):
            items.append(
                format_html('<li><a href="{}" rel="nofollow noopener">{}</a></li>', url, name)
            )
        else:
            items.append(format_html("<li>{}</li>", name))
    return format_html('<ul class="report-links">{}</ul>', SafeString("".join(items)))


@register.simple_tag
def answer(value: Any, concept: Any, targets: Mapping[str, str] | None = None) -> SafeString:
    """An answer as a reader reads it; ``concept`` is a Concept or a QuestionView."""
    if not rules.answered(value):
        return _empty()
    kind = str(getattr(concept, "type", "text"))
    options = list(getattr(concept, "options", None) or [])
    if kind in ("text", "rich-text") and isinstance(value, str):
        return _paragraphs(value)
    if kind == "multiple-choice" and isinstance(value, list):
        return format_html(
            '<ul class="report-choices">{}</ul>',
            format_html_join(
                "", "<li>{}</li>", ((option_label(options, v, i18n.current()),) for v in value)
            ),
        )
    if kind == "table" and isinstance(value, list):
        return _table(concept, value)
    if kind == "national-targets" and isinstance(value, list):
        return _targets(value, targets, getattr(concept, "by_gbf", None))
    if kind == "attachments" and isinstance(value, list):
        return _links(value)
    if kind == "indicator-data" and isinstance(value, dict):
        return format_html(
            "{}",
            _("%(series)s series, %(observations)s observations")
            % {"series": value.get("series", 0), "observations": value.get("observations", 0)},
        )
    if kind == "date":
        return format_html('<time datetime="{}">{}</time>', value, value)
    unit = str(getattr(concept, "unit", "") or "")
    return format_html("{}", _scalar(kind, value, options, unit))
