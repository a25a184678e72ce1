"""Unicode, letters and stray marks, and the speech forms of honorifics, numbers (`numerals.py`) and
verse references: each rule a small `str -> str` function, named in `WORD_RULES` so `clean --diff`
can say which one changed a word."""

from __future__ import annotations

import re
import unicodedata

from hijra_audio.text.numbers import number_words
from hijra_audio.text.tokens import ARABIC_LETTER, TATWEEL

# Zero-width and bidi controls that transcription and copy-paste leave behind:
# ZWSP, ZWNJ, ZWJ, LRM, RLM, ALM, LRE..RLO, LRI..PDI, word joiner, BOM, soft hyphen; and the control
# characters (NUL ...) a broken export leaves: no reader sees them, and an engine given a NUL stops
# there (espeak-ng reads a C string).
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u2060\ufeff\u00ad"
                        "\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Arabic presentation forms (the shapes of letters in context, and ligatures such as lam-alef `ﻻ`),
# which text copied from a PDF is made of: the letters they stand for (NFKC). The honorific
# ligatures stay as written (the speech form spells them: `spell_honorifics`).
_PRESENTATION = re.compile("[\ufb50-\ufdfb\ufdfd-\ufdff\ufe70-\ufefc]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def remove_tatweel(text: str) -> str:
    return text.replace(TATWEEL, "")


def remove_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


def presentation_forms(text: str) -> str:
    """`ﻗﺎﻝ` -> `قال`, `ﻻ` -> `لا` (letters in their presentation forms, as a PDF gives them)."""
    return _PRESENTATION.sub(lambda m: "".join(ch if ch in HONORIFICS else unicodedata.normalize("NFKC", ch)
                                               for ch in m.group()), text)


# --- Word rules: applied to each word of the transcript, so `clean --diff` can say where. ---

_LATIN_PUNCT = {",": "،", ";": "؛", "?": "؟"}


def latin_punctuation(word: str) -> str:
    """`قال,` -> `قال،`: Latin comma, semicolon and question mark after an Arabic word become
    Arabic ones (after a Latin word or a number they stay)."""
    if not ARABIC_LETTER.search(word):
        return word
    end = len(word)
    while end and word[end - 1] in _LATIN_PUNCT:
        end -= 1
    return word[:end] + "".join(_LATIN_PUNCT[c] for c in word[end:])


WORD_RULES = [
    ("nfc", nfc),
    ("presentation-forms", presentation_forms),
    ("tatweel", remove_tatweel),
    ("invisible", remove_invisible),
    ("latin-punctuation", latin_punctuation),
]
HEADING_RULES = [rule for rule in WORD_RULES if rule[0] != "latin-punctuation"]

# --- Speech-form rules: what the engine is given; the display form keeps what was written. ---

# Honorific ligatures and the words they stand for.
HONORIFICS = {
    "\ufdfa": "صلى الله عليه وسلم",      # ﷺ
    "\ufdfb": "جل جلاله",                 # ﷻ
    "\ufdf2": "الله",                      # ﷲ
    "\ufdf3": "أكبر",                      # ﷳ
    "\ufdf4": "محمد",                      # ﷴ
    "\ufdf5": "صلعم",                      # ﷵ (abbreviation, spelled below)
    "\ufdf6": "رسول",                      # ﷶ
    "\ufdf7": "عليه",                      # ﷷ
    "\ufdf8": "وسلم",                      # ﷸ
    "\ufdf9": "صلى",                       # ﷹ
    "\ufdfd": "بسم الله الرحمن الرحيم",     # ﷽
    "\ufd40": "رحمه الله",                 # ﵀
    "\ufd41": "رحمها الله",
    "\ufd42": "رحمهما الله",
    "\ufd43": "رحمهم الله",
    "\ufd44": "حفظه الله",
    "\ufd45": "حفظها الله",
    "\ufd47": "عليه السلام",               # ﵇
    "\ufd48": "عليها السلام",
    "\ufd4a": "عليهم السلام",
    "\ufd4d": "تبارك وتعالى",
    "\ufd4e": "سبحانه وتعالى",
    "\ufd4f": "عز وجل",
}
_ABBREVIATIONS = {"صلعم": "صلى الله عليه وسلم"}
_HONORIFIC = re.compile("[" + "".join(HONORIFICS) + "]")


def spell_honorifics(text: str) -> str:
    """`محمد ﷺ` -> `محمد صلى الله عليه وسلم` (speech form)."""
    text = _HONORIFIC.sub(lambda m: f" {HONORIFICS[m.group()]} ", text)
    text = " ".join(_ABBREVIATIONS.get(w, w) for w in text.split())
    return text


# Pictures and signs with no word of their own (emoji, ★, ©, ✅; Unicode's "other symbols") and what
# joins and shapes emoji (skin tones, the emoji variation selector, the keycap): written, not said.
# (The honorific ligatures, also symbols, are spelled out first: `spell_honorifics`.)
_EMOJI_PARTS = frozenset("\ufe0e\ufe0f\u20e3\u200d") | {chr(c) for c in range(0x1F3FB, 0x1F400)} \
    | {chr(c) for c in range(0xE0020, 0xE0080)}


def drop_symbols(text: str) -> str:
    """`شكرا 🙏🏽` -> `شكرا` (speech form): symbols that stand for no word are not read aloud."""
    if text.isascii() or not any(unicodedata.category(ch) == "So" or ch in _EMOJI_PARTS for ch in text):
        return text
    kept = "".join(" " if unicodedata.category(ch) == "So" or ch in _EMOJI_PARTS else ch for ch in text)
    return " ".join(kept.split())


def spell_reference(sura: int, first: int, last: int | None = None, last_sura: int | None = None) -> str:
    """`8: 30` -> `سورة ثمانية، الآية ثلاثون` (speech form of a verse reference); a range across
    suras (`2:286-3:2`) names both."""
    if last_sura is not None and last_sura != sura:
        return f"{spell_reference(sura, first)} إلى {spell_reference(last_sura, last or 1)}"
    verses = f"الآيات {number_words(first)} إلى {number_words(last)}" if last else f"الآية {number_words(first)}"
    return f"سورة {number_words(sura)}، {verses}"

