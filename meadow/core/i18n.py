"""Six-language content fields.

Content text is stored as a mapping from language to text, e.g.
``{"en": "Target 3", "fr": "Cible 3"}``, with the six UN language codes
ar, en, es, fr, ru and zh. Reading picks the requested language and falls back to
English, then to any language present, and says which language it gave.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import translation

CONTENT_LANGUAGES: tuple[str, ...] = ("ar", "en", "es", "fr", "ru", "zh")
FALLBACK = "en"
RTL = frozenset({"ar"})

_ALIASES = {
    "zh-hans": "zh",
    "zh-cn": "zh",
    "zh-sg": "zh",
    "zh-hant": "zh",
    "zh-tw": "zh",
    "zh-hk": "zh",
    "cn": "zh",
}

# Interface (Django) language code for each content language.
INTERFACE_CODE = {"zh": "zh-hans"}


def normalise(code: str) -> str:
    """Map any spelling of a UN language (``zh-Hans``, ``en-GB``, ``FR``) to its content code."""
    low = code.strip().lower().replace("_", "-")
    if low in _ALIASES:
        return _ALIASES[low]
    base = low.split("-", 1)[0]
    if base in CONTENT_LANGUAGES:
        return base
    raise ValueError(
        f"{code!r} is not one of the six UN languages ({', '.join(CONTENT_LANGUAGES)})"
    )


def current() -> str:
    """Content language of the active interface language."""
    try:
        return normalise(translation.get_language() or FALLBACK)
    except ValueError:
        return FALLBACK


def pick(values: Mapping[str, str] | None, lang: str | None = None) -> tuple[str, str]:
    """The text in ``lang`` (default: the active language) and the language it is in."""
    if not values:
        return "", ""
    wanted = normalise(lang) if lang else current()
    for code in (wanted, FALLBACK, *CONTENT_LANGUAGES):
        text = values.get(code)
        if text:
            return text, code
    return "", ""


def text(values: Mapping[str, str] | None, lang: str | None = None) -> str:
    return pick(values, lang)[0]


def clean(values: Mapping[str, object] | None, *, field: str = "text") -> dict[str, str]:
    """Validate a six-language mapping: known languages only, strings only, blanks dropped."""
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise ValueError(f"{field}: expected a mapping of language to text")
    out: dict[str, str] = {}
    for key, value in values.items():
        code = normalise(str(key))
        if value is None:
            continue
        if not isinstance(value, str):
            raise ValueError(f"{field}[{key}]: expected text, got {type(value).__name__}")
        # Single-line texts get their runs of white space collapsed; multi-line texts
        # (official text with paragraphs) keep their line breaks.
        stripped = value.strip()
        if "\n" not in stripped:
            stripped = " ".join(stripped.split())
        if stripped:
            out[code] = stripped
    return dict(sorted(out.items()))
