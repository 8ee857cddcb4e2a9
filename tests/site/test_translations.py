"""Interface translations: compiled catalogues match their sources, key strings are translated."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from meadow.frameworks.models import INVERSE_LABELS, IndicatorKind, Level, RelationType

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))
NAVIGATION = [
    "Frameworks",
    "Crosswalks",
    "Places",
    "Groups",
    "Skip to content",
    "API documentation",
]


def entries(catalogue: polib._BaseFile) -> dict[tuple[str, str], object]:
    """msgid (with context) -> msgstr, or the plural forms, for each usable translation."""
    out: dict[tuple[str, str], object] = {}
    for entry in catalogue:
        if not entry.msgid or entry.obsolete or "fuzzy" in entry.flags:
            continue
        key = (entry.msgctxt or "", entry.msgid)
        if entry.msgid_plural:
            forms = {int(k): v for k, v in entry.msgstr_plural.items()}
            if any(forms.values()):
                out[key] = forms
        elif entry.msgstr:
            out[key] = entry.msgstr
    return out


def test_every_language_has_a_catalogue() -> None:
    found = {path.parent.parent.name for path in CATALOGUES}
    assert found == {"ar", "es", "fr", "ru", "zh_Hans"}


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_compiled_catalogue_matches_its_source(po_path: Path) -> None:
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path.name} missing next to {po_path}: run compilemessages"
    po = polib.pofile(str(po_path))
    assert not po.metadata_is_fuzzy, "a fuzzy header is left out of the .mo, plurals break"
    source = entries(po)
    compiled = entries(polib.mofile(str(mo_path)))
    stale = {k for k in source.keys() | compiled.keys() if source.get(k) != compiled.get(k)}
    assert not stale, f"{mo_path} is stale for {sorted(stale)[:5]}: run compilemessages"
    assert polib.mofile(str(mo_path)).metadata.get("Plural-Forms") == po.metadata["Plural-Forms"]


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_placeholders_survive_translation(po_path: Path) -> None:
    for entry in polib.pofile(str(po_path)).translated_entries():
        wanted = set(_placeholders(entry.msgid))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text:
                assert set(_placeholders(text)) <= wanted | set(
                    _placeholders(entry.msgid_plural or "")
                ), (entry.msgid, text)


def _placeholders(text: str) -> list[str]:
    return re.findall(r"%\(\w+\)[sdr]", text)


@pytest.mark.parametrize("lang", ["zh-hans", "fr"])
def test_navigation_and_vocabulary_are_translated(lang: str) -> None:
    labels = [*Level.labels, *IndicatorKind.labels, *RelationType.labels, *INVERSE_LABELS.values()]
    with translation.override("en"):
        english = NAVIGATION + [str(label) for label in labels]
    with translation.override(lang):
        translated = [translation.gettext(text) for text in english]
    same = [e for e, t in zip(english, translated, strict=True) if e == t]
    assert not same, f"untranslated in {lang}: {same}"


@pytest.mark.parametrize("lang", ["zh_Hans", "fr"])
def test_site_and_framework_pages_are_fully_translated(lang: str) -> None:
    po = polib.pofile(str(LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"))
    ours = ("site/", "frameworks/")
    missing = [
        e.msgid
        for e in po.untranslated_entries() + po.fuzzy_entries()
        if any(path.startswith(ours) for path, _ in e.occurrences)
    ]
    assert not missing, f"untranslated in {lang}: {missing}"


def test_chinese_navigation_reads_naturally() -> None:
    with translation.override("zh-hans"):
        assert translation.gettext("Frameworks") == "框架"
        assert translation.gettext("Target %(code)s") % {"code": "3"} == "具体目标3"
        assert str(IndicatorKind.HEADLINE.label) == "标题"
    with translation.override("fr"):
        assert translation.gettext("Frameworks") == "Cadres"
        assert str(RelationType.PARTIALLY_OVERLAPS.label) == "recoupe partiellement"
