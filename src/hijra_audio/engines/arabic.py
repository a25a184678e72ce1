"""Arabic text as a phonemizing engine (espeak-ng, and Piper through it) needs it: diacritized
(`text/diacritizer.py`), with pausal forms where the voice stops. Display text never passes here.
"""

from __future__ import annotations

import re

from hijra_audio.text.diacritizer import diacritize
from hijra_audio.text.tokens import pause_class

# Version of these rewriting rules: part of the engine identity, so a change re-synthesizes.
RULES_VERSION = "3"      # 3: the diacritizer adds vowels on the text's own letters

_HARAKA = "\u064b-\u0650"                       # tanwin (3) and short vowels (3)
_FINAL_MARKS = re.compile("[\u064b-\u0652]+$")
# A pause follows the last word of the text and every word before punctuation.
_PAUSE_WORD = re.compile(f"(\\S+?)(?=\\s*[{pause_class()}]|\\s*$)")
# ـُوا at the end of a word: the alef is not said. The diacritizer sometimes puts a vowel on
# the waw (ـُوَا); that goes too.
_SILENT_ALEF = re.compile(f"(\u064f\u0648)[\u064b-\u0652]?\u0627[\u064b-\u0652]?(?=\\s|$|[{pause_class()}])")


def pausal_word(word: str) -> str:
    """One word as said before a pause: no final short vowel or tanwin (`-an` becomes `-ā`),
    and a final ta marbuta said as `h`."""
    if word.endswith("\u064b\u0627") or word.endswith("\u0627\u064b"):       # ـًا / ـاً -> ـَا
        return word[:-2] + "\u064e\u0627"
    marks = _FINAL_MARKS.search(word)
    stripped = word
    if marks:  # keep a final shadda (ـقُّ -> ـقّ), drop the vowel and tanwin with it
        stripped = word[:marks.start()] + re.sub(f"[{_HARAKA}]", "", marks.group())
    if stripped.endswith("\u0629") and stripped != word:                     # ـةِ -> ـهْ
        return stripped[:-1] + "\u0647\u0652"
    return stripped


def pausal_forms(text: str) -> str:
    """Pausal forms before every pause, and no silent alef after a final waw (`كَفَرُوا`)."""
    text = _PAUSE_WORD.sub(lambda m: pausal_word(m.group(1)), text)
    return _SILENT_ALEF.sub(r"\1", text)


def prepare(text: str) -> str:
    """Text exactly as the phonemizer receives it."""
    return pausal_forms(diacritize(text))
