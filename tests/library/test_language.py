"""Language detection for the six UN languages."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from meadow.library.language import detect

SENTENCES = {
    "en": "The Conference of the Parties requests the Executive Secretary to report on "
    "the progress made in the implementation of this decision.",
    "fr": "La Conférence des Parties prie la Secrétaire exécutive de faire rapport sur les "
    "progrès accomplis dans la mise en œuvre de la présente décision.",
    "es": "La Conferencia de las Partes pide a la Secretaria Ejecutiva que informe sobre los "
    "progresos realizados en la aplicación de la presente decisión.",
    "ru": "Конференция Сторон просит Исполнительного секретаря представить доклад о "
    "прогрессе в осуществлении настоящего решения.",
    "ar": "يطلب مؤتمر الأطراف إلى الأمينة التنفيذية أن تقدم تقريرا عن التقدم المحرز في "
    "تنفيذ هذا المقرر.",
    "zh": "缔约方大会请执行秘书就本决定的执行进展情况提出报告。",
}


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_each_language(lang: str) -> None:
    assert detect(SENTENCES[lang]) == lang


def test_chinese_with_latin_symbols_and_addresses_is_chinese() -> None:
    text = (
        "转载于UNEP/CBD/COP/12/1/Add.2号文件所载的汇编中，见 "
        "http://www.cbd.int/cooperation/doc/blg-2013-02-13-en.pdf 和 InforMEA。"
    )
    assert detect(text) == "zh"


def test_short_french_and_spanish_are_told_apart() -> None:
    assert detect("Prend note des progrès accomplis dans la préparation du cadre") == "fr"
    assert detect("Toma nota de los progresos realizados en la preparación del marco") == "es"


def test_no_letters_no_language() -> None:
    assert detect("1. 2. (3) 2019-2020 / 15/4 — http://www.cbd.int/") is None


@given(st.text(alphabet="生物多样性公约缔约方大会", min_size=1), st.text(alphabet="abc/ 0123"))
def test_chinese_outweighs_fewer_latin_letters(chinese: str, latin: str) -> None:
    assume(sum(ch.isalpha() for ch in latin) < 2 * len(chinese))
    assert detect(chinese + latin) == "zh"
