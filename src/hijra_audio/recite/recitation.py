"""A show's recitation as `[quran]` configures it, and what it recites: for each Quran quotation,
the stretch of the reciter's recordings that stands in for the voice (`Recited`), or None, when
the voice reads it:

- a quotation not matched with certainty (`text.quotations.certain`): a recording where the
  lecturer did not quote is worse than a verse the voice reads;
- a formula said as speech (the basmala, the hamdala, `إنا لله وإنا إليه راجعون` ...: FORMULAS),
  unless `recite_formulas = true`.

A quotation over several verses that takes a single word of the first or the last (`... فأتبع
سببا حتى انتهى إلى آخر قصة خبره`: the narration's `حتى`, not 18:86's) recites the others only.

What it had to fall back on (the whole verse where the timings have nothing for it) is noted once
per verse, for the build to say (`notes`).
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path

from hijra_audio.config import ShowConfig
from hijra_audio.recite.cut import WHOLE, Recited, Take, stretch
from hijra_audio.recite.folder import Reciter
from hijra_audio.recite.timing import Timings, word_map
from hijra_audio.text.quotations import certain
from hijra_audio.text.quran import QuranIndex, fold
from hijra_audio.text.tokens import Quoted

_MARK_WORD = re.compile("[\u06d6-\u06ed]+")     # a pause or sajda mark standing alone (as text.quran reads them)
# Quranic formulas a lecture says as speech: a quotation made of these only is the voice's.
FORMULAS = (
    "بسم الله الرحمن الرحيم", "الحمد لله رب العالمين", "إنا لله وإنا إليه راجعون", "حسبنا الله ونعم الوكيل",
    "وما توفيقي إلا بالله", "والعاقبة للمتقين", "سبحان ربك رب العزة عما يصفون", "وسلام على المرسلين",
    "رب اشرح لي صدري", "ويسر لي أمري", "واحلل عقدة من لساني", "يفقهوا قولي",
    "سبحانك لا علم لنا إلا ما علمتنا إنك أنت العليم الحكيم",
)


class Recitation:
    """The reciter's folder, the word timings (None: whole verses only) and whether formulas are
    recited. Built with `Recitation.of(config)`."""

    def __init__(self, reciter: Reciter, timings: Timings | None, formulas: bool = False):
        self.reciter = reciter
        self.timings = timings
        self.formulas = formulas
        self._notes: dict[str, None] = {}

    @property
    def index(self) -> QuranIndex:
        """The Quran index, loaded when first needed (and never held: a build releases it)."""
        return QuranIndex.load()

    @classmethod
    def of(cls, config: ShowConfig) -> "Recitation | None":
        """The show's recitation; None when the voice reads the verses (`recitation` unset or "voice")."""
        quran = config.quran
        if not quran.recited:
            return None
        root = Path(config.root or ".")
        timings = Timings.load(root / quran.recitation_timing) if quran.recitation_timing else None
        return cls(Reciter(root / quran.recitation), timings, quran.recite_formulas)

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(self._notes)

    def recited(self, quoted: Quoted | None, reference: str, quotation: str) -> Recited | None:
        """What recites the quotation at `quoted` (`quotation` says which, for messages), or None
        when the voice reads it. A missing recording is a RecitationError naming it."""
        if not certain(quoted) or (not self.formulas and self.formula(quoted)):
            return None
        index = self.index
        takes = []
        first, last = index.verse_of[quoted.start], index.verse_of[quoted.end - 1]
        for v in range(first, last + 1):
            verse, lo = index.verses[v], index.verse_start[v]
            hi = index.verse_start[v + 1] if v + 1 < len(index.verse_start) else len(index.ids)
            if first < last and ((v == last and quoted.end - lo == 1) or (v == first and hi - quoted.start == 1)):
                continue      # one word of a verse at the quotation's edge: the narration's own, as often
            path = self.reciter.file(verse, quotation)
            (start_ms, end_ms), timed = self._stretch(verse, lo, hi, max(quoted.start, lo) - lo,
                                                      min(quoted.end, hi) - lo, quotation)
            takes.append(Take(verse, str(path), self.reciter.digest(path), start_ms, end_ms, timed))
        return Recited(reference, quotation, tuple(takes))

    def formula(self, quoted: Quoted) -> bool:
        """Is the quotation made of FORMULAS only (each whole, one after the other)?"""
        words = tuple(fold(w) for w in self.index.plain[quoted.start:quoted.end])
        return _formulas(words)

    def _stretch(self, verse, lo: int, hi: int, first: int, end: int, quotation: str) -> tuple[tuple[int, int], int]:
        """(start_ms, end_ms) of the verse's words first..end-1, and how long the timings say its
        recording is (0: no timings)."""
        timing = self.timings.get(verse) if self.timings is not None else None
        if timing is None:
            if first > 0 or end < hi - lo:
                self._note_missing(verse, quotation)
            return WHOLE, 0
        if first == 0 and end == hi - lo:
            return WHOLE, timing.end_ms
        words = [fold(w) for w in self.index.diacritized[lo:hi]]
        mapping = word_map(words, _pause_marks()[verse], timing.words)
        if mapping is None:
            self._note(f"{self.timings.path} counts {timing.words} words in {verse[0]}:{verse[1]}, the Quran text "
                       f"here {len(words)} (in a way the reader cannot match): {quotation} is recited whole.")
            return WHOLE, timing.end_ms
        return stretch(first, end, timing, mapping), timing.end_ms

    def _note_missing(self, verse, quotation: str) -> None:
        if self.timings is None:
            self._note("no word timings given (--recitation-timing or [quran] recitation_timing): quotations "
                       "of part of a verse are recited whole.")
        else:
            self._note(f"{self.timings.path} has no timings for {verse[0]}:{verse[1]}: {quotation} is recited "
                       f"whole.")

    def _note(self, text: str) -> None:
        self._notes.setdefault(text, None)


@functools.lru_cache(maxsize=1)
def _formula_words() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(fold(w) for w in formula.split()) for formula in FORMULAS)


def _formulas(words: tuple[str, ...]) -> bool:
    """`words` made of whole formulas one after the other."""
    reach = {0}
    for at in range(len(words)):
        if at in reach:
            for formula in _formula_words():
                if words[at:at + len(formula)] == formula:
                    reach.add(at + len(formula))
    return bool(words) and len(words) in reach


@functools.lru_cache(maxsize=1)
def _pause_marks() -> dict[tuple[int, int], list[int]]:
    """For each verse, the pause marks standing after each of its words in Tanzil Simple (a timing
    file made from a text that kept them as words counts them)."""
    text = (resources.files("hijra_audio") / "data" / "quran" / "quran-simple.txt").read_text(encoding="utf-8")
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        sura, aya, words = line.split("|", 2)
        marks: list[int] = []
        for word in words.split():
            if _MARK_WORD.fullmatch(word) and marks:
                marks[-1] += 1
            elif not _MARK_WORD.fullmatch(word):
                marks.append(0)
        out[(int(sura), int(aya))] = marks
    return out
