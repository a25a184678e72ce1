"""The diacritizer (text2tashkeel, offline): vowels on a transcript's letters for the engines that
phonemize Arabic, and the letters it reads for the hamza rule (`spelling`). A text rule and the
engines both use it, so it lives on the text floor; `engines/arabic.py` adds the pausal forms.
"""

from __future__ import annotations

import os
import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

from hijra_audio.text.tokens import ARABIC_LETTER

DIACRITIZER_MODEL = "rawi-ensemble"
_DIACRITIC = re.compile("[\u064b-\u0652\u0670]")


@lru_cache(maxsize=2)
def _model(name: str):
    """A text2tashkeel model, loaded once per process.

    One onnxruntime thread per process, always (not only by default): the engine runs in several
    worker processes at once, and a clip must not depend on a thread count that is not in the
    engine identity. (The model's output is a choice of marks per letter: the bundled lecture
    diacritizes the same with 1, 2 and 4 threads and in any order; one thread rules out the rest.)"""
    os.environ["TT_ORT_THREADS"] = "1"
    from text2tashkeel import Diacritizer

    return Diacritizer(name)


def _diacritizer():
    return _model(DIACRITIZER_MODEL)


def diacritizer_version() -> str:
    from text2tashkeel import __version__

    return f"{__version__}/{DIACRITIZER_MODEL}"


def diacritize(text: str) -> str:
    """Add the vowel marks the transcript lacks (text2tashkeel, offline), on the text's own letters:
    the diacritizer's letters are never taken (it would drop a correct hamza, `هيأ` -> `هيا`, or add
    one the display form does not have), so what is heard is what is read. Words that already carry
    marks (a Quran verse in its canonical form, a lexicon pronunciation) are kept as they are: only
    the runs of bare words between them go through the diacritizer."""
    if not ARABIC_LETTER.search(text):
        return text
    words = text.split(" ")
    if not any(_kept(w) for w in words):
        return _vowelled(text)
    out: list[str] = []
    run: list[str] = []
    for word in words + [None]:
        if word is None or _kept(word):
            if run:
                bare = " ".join(run)
                out.append(_vowelled(bare) if ARABIC_LETTER.search(bare) else bare)
                run = []
            if word is not None:
                out.append(word)
        else:
            run.append(word)
    return " ".join(out)


# A "word" longer than this is no word a reader says (a run of letters without spaces, a mangled
# export): it is given to the engine as written, never to the diacritizer, whose alignment
# (`on_letters`) takes time in the square of a word's length (a 60,000-letter one took 200 s).
LONGEST_WORD = 40


def _kept(word: str) -> bool:
    """A word given to the engine as it is: it carries its own marks, or it is too long."""
    return has_diacritics(word) or len(word) > LONGEST_WORD


# Marks that are part of a letter's spelling (madda, hamza above, hamza below): `أ` is `ا` + U+0654
# once decomposed (NFD). The diacritizer predicts them like vowels.
_LETTER_MARKS = frozenset("\u0653\u0654\u0655")


def _vowelled(text: str) -> str:
    return on_letters(text, _diacritizer().diacritize(text))


def _units(text: str) -> list[tuple[str, str]]:
    """(base character, its combining marks) for each base character of `text`, decomposed."""
    units: list[tuple[str, str]] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.category(ch) == "Mn" and units:
            units[-1] = (units[-1][0], units[-1][1] + ch)
        else:
            units.append((ch, ""))
    return units


def on_letters(text: str, marked: str) -> str:
    """`text` with the vowel marks of `marked` (the diacritizer's output for it): every letter,
    hamza and madda of `text` is kept; of `marked` only the vowels, shadda, sukun and dagger alef
    are taken, and only on letters of `text` that carry none of their own. The two are aligned
    letter by letter (the diacritizer keeps the letter sequence, but may drop a symbol): word by
    word when both have as many words (the time grows with the square of what is aligned at once;
    on the bundled lecture and Ibn Hisham's Hijra chapter the result is the same), else whole."""
    words, marked_words = text.split(" "), marked.split(" ")
    if len(words) > 1 and len(words) == len(marked_words):
        return " ".join(_on_letters(a, b) for a, b in zip(words, marked_words))
    return _on_letters(text, marked)


def _on_letters(text: str, marked: str) -> str:
    mine, theirs = _units(text), _units(marked)
    matcher = SequenceMatcher(None, [b for b, _ in mine], [b for b, _ in theirs], autojunk=False)
    vowels: dict[int, str] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            vowels[block.a + k] = "".join(m for m in theirs[block.b + k][1] if m not in _LETTER_MARKS)
    out = []
    for i, (base, marks) in enumerate(mine):
        own_vowels = any(m not in _LETTER_MARKS for m in marks)
        if own_vowels or "\u0653" in marks:          # already vowelled, or a madda (آ is said aa)
            out.append(base + marks)
        else:
            out.append(base + marks + _agree(base, marks, vowels.get(i, "")))
    return unicodedata.normalize("NFC", "".join(out))


def _agree(base: str, marks: str, vowels: str) -> str:
    """The vowel the diacritizer gave a hamza on alef, made to agree with the seat the text
    writes: `إ` is said with i, `أ` with a or u (the diacritizer may have read the other)."""
    if base != "\u0627" or not vowels:
        return vowels
    if "\u0655" in marks:                                   # إ
        return "\u0650"
    if "\u0654" in marks and "\u0650" in vowels:           # أ read as إ: a
        return vowels.replace("\u0650", "\u064e")
    return vowels


# The model whose letters the hamza rule reads: as right as the ensemble on hamza (within a few
# words in a thousand on Ibn Hisham, benchmarks/quality/hamza.py) at about half its cost.
SPELLING_MODEL = "rawi-v3-int8"


def _speller():
    return _model(SPELLING_MODEL)


def spelling(text: str) -> str:
    """The diacritizer's letters for `text`: its output with the vowels taken off, so a bare alef
    it reads with a hamza comes back as `أ`/`إ` (the hamza rule of text/hamza.py asks it)."""
    if not ARABIC_LETTER.search(text):
        return text
    marked = _speller().diacritize(text)
    kept = (ch for ch in unicodedata.normalize("NFD", marked)
            if unicodedata.category(ch) != "Mn" or ch in _LETTER_MARKS)
    return unicodedata.normalize("NFC", "".join(kept))


def has_diacritics(text: str) -> bool:
    return bool(_DIACRITIC.search(text))
