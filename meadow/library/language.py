"""Which of the six UN languages a text is written in.

Chinese, Arabic and Russian are told by their script: the script with the most
letters wins (a Chinese character counts twice, since one character is about a word,
so Latin names inside a Chinese text do not outweigh it; web addresses and document
symbols are not counted). A text in
the Latin script is English, French or Spanish by counting its most frequent small
words, only those that belong to one of the three languages.
"""

from __future__ import annotations

import re

LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_WORD = re.compile(r"[a-zà-öø-ÿ]+")
# Addresses and document symbols are Latin letters in every language: not counted.
_NOISE = re.compile(r"(?:https?://|www\.)\S+|\b[A-Z]{2,}(?:/[A-Za-z0-9.\-]+)+")


# Frequent words that belong to one of the three languages only (de, la, en, que,
# un and se are shared and tell nothing).
def _words(*chunks: str) -> frozenset[str]:
    return frozenset(word for chunk in chunks for word in chunk.split())


WORDS = {
    "en": _words(
        "the of and to in is that for on with as by be are this it which its from at or",
        "an was were has have been shall should will their these those into",
    ),
    "fr": _words(
        "le les des du et à une est qui dans pour par sur au aux ne pas sont ses leur",
        "cette ce avec ou été il elle nous être également",
    ),
    "es": _words(
        "el los las del y una es por para con su sus al como más o ha han este esta lo",
        "sobre entre también ser",
    ),
}


def detect(text: str) -> str | None:
    """ "zh", "ar", "ru", "en", "fr" or "es"; None when the text has no letters."""
    text = _NOISE.sub(" ", text)
    scores = {
        "zh": 2 * len(_HAN.findall(text)),
        "ar": len(_ARABIC.findall(text)),
        "ru": len(_CYRILLIC.findall(text)),
        "latin": len(_LATIN.findall(text)),
    }
    script = max(scores, key=lambda k: scores[k])
    if scores[script] == 0:
        return None
    if script != "latin":
        return script
    return latin(text)


def latin(text: str) -> str:
    """English, French or Spanish, by frequent words (English when none is found)."""
    counts = dict.fromkeys(WORDS, 0)
    for word in _WORD.findall(text.lower()):
        for lang, words in WORDS.items():
            if word in words:
                counts[lang] += 1
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else "en"
