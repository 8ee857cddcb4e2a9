"""Template helpers for six-language content: ``{% load meadow %}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from meadow.core import i18n
from meadow.site.context import language_name

register = template.Library()

# Short names for the frameworks Meadow ships; others show their slug.
SHORT_NAMES: dict[str, Any] = {
    "gbf": _("GBF"),
    "aichi": _("Aichi"),
    "sdg": _("SDG"),
}


def _best(mappings: tuple[Mapping[str, str] | None, ...]) -> tuple[str, str]:
    """The first mapping's text in the active language, else the first fallback found."""
    wanted = i18n.current()
    for values in mappings:
        if values and values.get(wanted):
            return values[wanted], wanted
    for values in mappings:
        text, used = i18n.pick(values)
        if text:
            return text, used
    return "", ""


def _marker(used: str) -> SafeString:
    name = language_name(i18n.INTERFACE_CODE.get(used, used))
    return format_html(
        '<span class="fallback" lang="{}" title="{}">{}</span>',
        i18n.INTERFACE_CODE.get(used, used),
        _("Not yet available in your language; shown in this language instead."),
        name,
    )


@register.simple_tag
def content(
    *mappings: Mapping[str, str] | None, paragraphs: bool = False, compact: bool = False
) -> SafeString:
    """Text of a content field in the active language, marked when it falls back.

    The first mapping that has the active language wins (e.g. a short title, then the
    full title); otherwise the first text found in English or another language is shown
    with a marker naming its language. ``compact`` shrinks the marker to a tag drawn by
    the style sheet (for long lists); ``paragraphs`` splits the text on line breaks.
    """
    text, used = _best(mappings)
    if not text:
        return SafeString("")
    fallback = used != i18n.current()
    code = i18n.INTERFACE_CODE.get(used, used)
    direction = "rtl" if used in i18n.RTL else "ltr"
    if paragraphs:
        body = format_html_join(
            "", "<p>{}</p>", ((p.strip(),) for p in text.split("\n") if p.strip())
        )
        if not fallback:
            return body
        return format_html(
            '<div lang="{}" dir="{}">{}</div><p class="fallback-note">{}</p>',
            code,
            direction,
            body,
            _marker(used),
        )
    if not fallback:
        return format_html("{}", text)
    if compact:
        return format_html(
            '<span lang="{}" dir="{}" class="is-fallback" data-lang="{}" title="{}">{}</span>',
            code,
            direction,
            used,
            language_name(code),
            text,
        )
    return format_html(
        '<span lang="{}" dir="{}">{}</span> {}', code, direction, text, _marker(used)
    )


@register.filter
def pick(values: Mapping[str, str] | None) -> str:
    """Plain text of a content field in the active language (for attributes)."""
    return i18n.text(values)


@register.filter
def short_name(slug: str) -> str:
    """A framework's short name, e.g. "GBF"."""
    return str(SHORT_NAMES.get(slug, slug.upper()))
