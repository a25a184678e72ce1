"""Arabic text as a phonemizing engine (espeak-ng, and Piper through it) needs it: diacritized,
with pausal forms where the voice stops. Display text never passes through here.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

# Version of these rewriting rules: part of the engine identity, so a change re-synthesizes.
RULES_VERSION = "2"
DIACRITIZER_MODEL = "rawi-ensemble"

_HARAKA = "\u064b-\u0650"                       # tanwin (3) and short vowels (3)
_FINAL_MARKS = re.compile("[\u064b-\u0652]+$")
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_DIACRITIC = re.compile("[\u064b-\u0652\u0670]")
# A pause follows the last word of the text and every word before punctuation.
_PAUSE_WORD = re.compile(r"(\S+?)(?=[\s]*[.!?؟؛;:،,…]|\s*$)")
# ـُوا at the end of a word: the alef is not said. The diacritizer sometimes puts a vowel on
# the waw (ـُوَا); that goes too.
_SILENT_ALEF = re.compile("(\u064f\u0648)[\u064b-\u0652]?\u0627[\u064b-\u0652]?(?=\\s|$|[.!?؟؛;:،,…])")


@lru_cache(maxsize=1)
def _diacritizer():
    # One onnxruntime thread per process, always (not only by default): the engine runs in several
    # worker processes at once, and a clip must not depend on a thread count that is not in the
    # engine identity. (The model's output is a choice of marks per letter: the bundled lecture
    # diacritizes the same with 1, 2 and 4 threads and in any order; one thread rules out the rest.)
    os.environ["TT_ORT_THREADS"] = "1"
    from text2tashkeel import Diacritizer

    return Diacritizer(DIACRITIZER_MODEL)


def diacritizer_version() -> str:
    from text2tashkeel import __version__

    return f"{__version__}/{DIACRITIZER_MODEL}"


def diacritize(text: str) -> str:
    """Add the vowel marks the transcript lacks (text2tashkeel, offline). Words that already
    carry marks (a Quran verse in its canonical form, a lexicon pronunciation) are kept as they
    are: only the runs of bare words between them go through the diacritizer."""
    if not _ARABIC_LETTER.search(text):
        return text
    words = text.split(" ")
    if not any(has_diacritics(w) for w in words):
        return _diacritizer().diacritize(text)
    out: list[str] = []
    run: list[str] = []
    for word in words + [None]:
        if word is None or has_diacritics(word):
            if run:
                bare = " ".join(run)
                out.append(_diacritizer().diacritize(bare) if _ARABIC_LETTER.search(bare) else bare)
                run = []
            if word is not None:
                out.append(word)
        else:
            run.append(word)
    return " ".join(out)


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


def has_diacritics(text: str) -> bool:
    return bool(_DIACRITIC.search(text))
