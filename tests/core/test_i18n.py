"""Six-language content fields: normalising codes, picking with fallback, cleaning."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meadow.core import i18n

languages = st.sampled_from(i18n.CONTENT_LANGUAGES)
texts = st.text(min_size=1).filter(lambda s: s.strip())
mappings = st.dictionaries(languages, texts)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("zh-Hans", "zh"),
        ("zh_CN", "zh"),
        ("ZH-HANT", "zh"),
        ("en-GB", "en"),
        ("FR", "fr"),
        ("ar", "ar"),
        ("ru-RU", "ru"),
        ("es-419", "es"),
    ],
)
def test_normalise(code: str, expected: str) -> None:
    assert i18n.normalise(code) == expected


@pytest.mark.parametrize("code", ["de", "pt-BR", "", "english"])
def test_normalise_refuses_other_languages(code: str) -> None:
    with pytest.raises(ValueError, match="six UN languages"):
        i18n.normalise(code)


def test_pick_prefers_requested_then_english() -> None:
    values = {"en": "Life on land", "fr": "Vie terrestre"}
    assert i18n.pick(values, "fr") == ("Vie terrestre", "fr")
    assert i18n.pick(values, "zh") == ("Life on land", "en")
    assert i18n.pick({"es": "Vida"}, "zh") == ("Vida", "es")
    assert i18n.pick({}, "zh") == ("", "")


@given(mappings, languages)
def test_pick_returns_a_stored_text_in_the_language_it_names(values: dict, lang: str) -> None:
    text, used = i18n.pick(values, lang)
    if not values:
        assert (text, used) == ("", "")
        return
    assert values[used] == text
    if lang in values:
        assert used == lang
    elif "en" in values:
        assert used == "en"


@given(st.dictionaries(st.sampled_from(["en", "zh-Hans", "FR", "ar"]), st.text()))
def test_clean_is_idempotent_and_keeps_only_known_languages(values: dict) -> None:
    cleaned = i18n.clean(values)
    assert set(cleaned) <= set(i18n.CONTENT_LANGUAGES)
    assert all(v.strip() == v and v for v in cleaned.values())
    assert i18n.clean(cleaned) == cleaned


def test_clean_refuses_bad_values() -> None:
    with pytest.raises(ValueError, match=r"title\[en\]: expected text"):
        i18n.clean({"en": 3}, field="title")
    with pytest.raises(ValueError, match="six UN languages"):
        i18n.clean({"de": "Ziel"})
