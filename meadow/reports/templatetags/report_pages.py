"""Template tags and filters of the report pages: ``{% load report_pages %}``.

``{% answer value concept %}`` shows an answer as a reader reads it, whatever its
concept's type (a choice by its option's title in the page's language, a table as a
table, links as links); the filters name workflow states, steps and rule levels in the
page's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meadow.core import i18n
from meadow.reports import review, rules, values
from meadow.reports.forms import number_text, option_label

register = template.Library()

STATES = {
    "draft": gettext_lazy("Draft"),
    "in-review": gettext_lazy("In review"),
    "approved": gettext_lazy("Approved"),
    "submitted": gettext_lazy("Submitted"),
    "published": gettext_lazy("Published"),
}

STEPS = {
    "submit-for-review": gettext_lazy("Submit for review"),
    "send-back": gettext_lazy("Send back to draft"),
    "approve": gettext_lazy("Approve"),
    "submit": gettext_lazy("Submit to the secretariat"),
    "unsubmit": gettext_lazy("Take back the submission"),
    "return": gettext_lazy("Return to the country"),
    "publish": gettext_lazy("Publish"),
}

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


def _targets(rows: list[Any], titles: Mapping[str, str] | None) -> SafeString:
    body = format_html_join(
        "",
        '<tr data-target="{}"><th scope="row"><code>{}</code> {}</th><td>{}</td><td>{}</td></tr>',
        (
            (
                row.get("target", ""),
                row.get("target", ""),
                (titles or {}).get(str(row.get("target")), ""),
                str(values.PROGRESS.get(str(row.get("progress")), row.get("progress") or "")),
                _paragraphs(str(row.get("summary") or "")),
            )
            for row in rows
            if isinstance(row, dict)
        ),
    )
    return format_html(
        '<table class="data-table report-answer-table"><thead><tr><th scope="col">{}</th>'
        '<th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
        _("National target"),
        _("Progress"),
        _("Summary"),
        body,
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
        return _targets(value, targets)
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
