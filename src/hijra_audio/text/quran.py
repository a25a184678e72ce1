"""Find Quran quotations in a narration and supply the canonical verse text.

The Tanzil text ships verbatim as package data (`data/quran/`, see its README); the matching
index is built from it at run time: every word folded (diacritics, alef and ya forms, ta marbuta,
hamza carriers), the whole Quran as one sequence of word ids, and a map from each run of three
words to the places it occurs. A narration is read word by word; a run of three that occurs in the
Quran seeds a match, which is extended both ways while the words agree, allowing a slip (a wrong
word), a missing word or an extra word now and then. A match of at least MIN_WORDS agreeing words
is a quotation (a formula of common words needs FORMULA_MIN_WORDS, unless a verse reference
is written right after it): its display form is the canonical text (Tanzil Simple Clean) marked
`﴿...﴾ [sura:aya]`, its speech form the canonical diacritized text (Tanzil Simple).
"""

from __future__ import annotations

import functools
import re
from array import array
from dataclasses import dataclass
from importlib import resources

import numpy as np

from hijra_audio.text.tokens import LETTERS

MIN_WORDS = 5          # agreeing words a quotation needs
ANCHORED_MIN_WORDS = 3  # ... or this many, when a verse reference is written right after it
MAX_SEED_HITS = 300    # a three-word run found in more places than this seeds nothing (too common)
ERROR_EVERY = 4        # while matching, a slip or a missing or extra word is allowed once per 4 words agreed
# A formula: a match with fewer than FORMULA_RARE words the Quran uses fewer than RARE_BELOW times
# (`الله الذي لا إله إلا هو`, `قل يا أيها الناس إن`, `أنه لا إله إلا الله`): an oath, a letter's
# opening or ordinary speech as often as a quotation. It needs FORMULA_MIN_WORDS, or a reference.
RARE_BELOW = 60
FORMULA_RARE = 2
FORMULA_MIN_WORDS = 8

_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي",
                       "ء": None, "ک": "ك", "ی": "ي"})
_NON_LETTER = re.compile(f"[^{LETTERS}]")
# Pause and sajda marks stand alone between words in the Tanzil text.
_PAUSE_MARKS = re.compile("(?<!\\S)[\u06d6-\u06ed]+(?!\\S)")   # a word made of them only


def fold(word: str) -> str:
    """The form words are compared in: `الْأَعْلَىٰ` and `الاعلى` both give `الاعلي`."""
    return _NON_LETTER.sub("", _MARKS.sub("", word).translate(_FOLD))


def _fold_table(text: str) -> dict[int, str | None]:
    """`fold` as one `str.translate` table for the characters of `text`, spaces kept: words
    joined by spaces are folded at once (the Quran's 78,000 words, each time the index is built,
    in a third of the time `fold` takes one by one)."""
    return {ord(c): fold(c) or None for c in set(text) - {" "}}


@dataclass(frozen=True)
class Match:
    start: int      # first narration word (index into the words given to `find`)
    end: int        # one past the last narration word
    qstart: int     # first Quran word (global position)
    qend: int       # one past the last Quran word
    matched: int    # words that agree
    errors: int     # slips, missing and extra words


class QuranIndex:
    """The Quran as one word sequence with a three-word index. Build with `QuranIndex.load()`."""

    def __init__(self, simple: str, clean: str):
        simple_verses, clean_verses = _parse(simple), _parse(clean)
        self.verses: list[tuple[int, int]] = list(simple_verses)
        # every verse at once, one a line (its pause marks out, its words one space apart)
        lines = _PAUSE_MARKS.sub(" ", "\n".join(simple_verses.values())).split("\n")
        verse_words = [line.split() for line in lines]
        spaced = "\n".join(" ".join(words) for words in verse_words)
        clean_lines = _PAUSE_MARKS.sub(" ", "\n".join(clean_verses.get(v, "") for v in self.verses)).split("\n")
        self.diacritized: list[str] = []
        self.plain: list[str] = []
        self.verse_start: list[int] = []      # global position of each verse's first word
        for words, clean_line in zip(verse_words, clean_lines):
            plain = clean_line.split()
            if len(plain) != len(words):      # three verses write بعد ما as one word in Simple Clean
                plain = [_MARKS.sub("", w) for w in words]
            self.verse_start.append(len(self.diacritized))
            self.diacritized.extend(words)
            self.plain.extend(plain)
        folding = _fold_table(simple)
        folding.pop(ord("\n"), None)
        folded = spaced.translate(folding).replace("\n", " ").split(" ")   # a word may fold to ""
        # word ids in the order words first occur
        self.vocab = vocab = {word: i for i, word in enumerate(dict.fromkeys(folded))}
        self.ids = ids = array("i", map(vocab.__getitem__, folded))
        words_in = np.frombuffer(ids, dtype=np.intc)
        lengths = np.diff(np.append(np.array(self.verse_start, dtype=np.int64), len(ids)))
        self.verse_of = array("i", np.repeat(np.arange(len(lengths), dtype=np.intc), lengths).tobytes())
        self.frequency = array("i", np.bincount(words_in, minlength=len(vocab)).astype(np.intc).tobytes())
        # every run of three words as one number, sorted, with where it starts (in order within a run)
        codes = self._trigram_codes(words_in)
        order = np.argsort(codes, kind="stable")
        self._runs, self._run_starts = codes[order], order.astype(np.intc)

    @classmethod
    def load(cls) -> "QuranIndex":
        return _load()

    def _trigram_codes(self, ids: np.ndarray) -> np.ndarray:
        """Each run of three word ids as one number (-1 where one of them is not a Quran word)."""
        w = ids.astype(np.int64)
        size = len(self.vocab)
        codes = (w[:-2] * size + w[1:-1]) * size + w[2:]
        return np.where((w[:-2] >= 0) & (w[1:-1] >= 0) & (w[2:] >= 0), codes, -1)

    def seeds(self, ids: list[int]) -> tuple[list[int], list[int]]:
        """For each run of three words of `ids` (folded narration word ids), where the places it
        occurs at in the Quran are listed: `_run_starts[lo[i]:hi[i]]`, in order (none: lo == hi)."""
        if len(ids) < 3:
            return [], []
        codes = self._trigram_codes(np.array(ids, dtype=np.int64))   # -1 is no run's: found nowhere
        lo, hi = np.searchsorted(self._runs, codes, "left"), np.searchsorted(self._runs, codes, "right")
        return lo.tolist(), hi.tolist()

    # --- looking up ---------------------------------------------------------------------------

    def word_ids(self, words: list[str]) -> list[int]:
        """Ids of folded narration words; -1 for a word the Quran never uses."""
        return [self.vocab.get(fold(w), -1) if w else -2 for w in words]

    def find(self, words: list[str], min_words: int = MIN_WORDS,
             anchors: dict[int, set[tuple[int, int]]] | None = None,
             introduced: set[int] | None = None) -> list[Match]:
        """Quotations in `words` (an empty string stands for a barrier no quotation crosses).
        `anchors` maps the index of a word where a verse reference is written to the verses it
        names: a match ending right there needs only ANCHORED_MIN_WORDS agreeing words, and among
        equal candidates the verse named wins. `introduced` holds the indices of words a
        quotation is announced before (`introductions`): a match starting there needs only
        ANCHORED_MIN_WORDS too, unless it is a formula."""
        anchors = anchors or {}
        introduced = introduced or set()
        ids = self.word_ids(words)
        first, last = self.seeds(ids)
        found: list[Match] = []
        floor = 0
        i = 0
        while i < len(ids) - 2:
            best = None
            if 0 < last[i] - first[i] <= MAX_SEED_HITS:
                hits = self._run_starts[first[i]:last[i]].tolist()
                best_key = None
                for g in hits:
                    m = self._extend(ids, i, g, floor)
                    # a verse the written reference after it names wins; then the closest match
                    named = m.end in anchors and bool(anchors[m.end] & set(self.verses_of(m.qstart, m.qend)))
                    key = (named, m.matched - 2 * m.errors, -m.qstart)
                    if best_key is None or key > best_key:
                        best, best_key = m, key
            if best is not None and best.errors * 5 <= best.matched and (
                    (best.end in anchors and best.matched >= ANCHORED_MIN_WORDS)
                    or (best.start in introduced and best.matched >= ANCHORED_MIN_WORDS and not self.formulaic(best))
                    or (best.matched >= min_words and (best.matched >= FORMULA_MIN_WORDS or not self.formulaic(best)))):
                found.append(best)
                floor = i = best.end
            else:
                i += 1
        return found

    def formulaic(self, match: Match) -> bool:
        """Is the Quran text `match` found made of common words only (a formula, see RARE_BELOW)?"""
        rare = {w for w in self.ids[match.qstart:match.qend] if self.frequency[w] < RARE_BELOW}
        return len(rare) < FORMULA_RARE

    def _extend(self, ids: list[int], i: int, g: int, floor: int) -> Match:
        q = self.ids
        end, qend, fwd_ok, fwd_err = _walk(ids, q, i + 3, g + 3, 1, len(ids), len(q), 3)
        start, qstart, back_ok, back_err = _walk(ids, q, i - 1, g - 1, -1, floor - 1, -1, 3 + fwd_ok, fwd_err)
        return Match(start, end, qstart, qend, 3 + fwd_ok + back_ok, fwd_err + back_err)

    def locate(self, words: list[str], sura: int, first: int, last: int) -> tuple[int, int] | None:
        """Where `words` (canonical words of a marked quotation) stand in verses sura:first-last."""
        try:
            lo = self.verse_start[self.verses.index((sura, first))]
            hi_index = self.verses.index((sura, last)) + 1
        except ValueError:
            return None
        hi = self.verse_start[hi_index] if hi_index < len(self.verse_start) else len(self.ids)
        ids = self.word_ids(words)
        n = len(ids)
        for g in range(lo, hi - n + 1):
            if all(self.ids[g + k] == ids[k] for k in range(n)):
                return g, g + n
        return None

    # --- what a match becomes -----------------------------------------------------------------

    def reference(self, qstart: int, qend: int) -> str:
        s1, a1 = self.verses[self.verse_of[qstart]]
        s2, a2 = self.verses[self.verse_of[qend - 1]]
        if (s1, a1) == (s2, a2):
            return f"{s1}:{a1}"
        return f"{s1}:{a1}-{a2}" if s1 == s2 else f"{s1}:{a1}-{s2}:{a2}"

    def verses_of(self, qstart: int, qend: int) -> list[tuple[int, int]]:
        return [self.verses[v] for v in range(self.verse_of[qstart], self.verse_of[qend - 1] + 1)]

    def display(self, qstart: int, qend: int, reference: bool = True) -> str:
        """The words as shown: between ﴿﴾, then (`reference`) the canonical reference."""
        shown = f"﴿{' '.join(self.plain[qstart:qend])}﴾"
        return f"{shown} [{self.reference(qstart, qend)}]" if reference else shown

    def speech(self, qstart: int, qend: int) -> str:
        return " ".join(self.diacritized[qstart:qend])


# Words that announce a quotation (`قال الله تعالى:`, `فأنزل الله فيه:`, `وفي كتاب الله:`,
# `كقوله تعالى`, `فتلا`): the first word, and the words that must follow it.
_ANNOUNCING = {
    **{w: ("الله",) for w in "أنزل فأنزل وأنزل كتاب".split()},
    **{w: ("الله", "تعالى", "عز", "سبحانه", "تبارك", "جل") for w in "قال وقال فقال يقول ويقول فيقول".split()},
    **{w: ("فيه", "فيهم", "فيها", "عليه") for w in "نزل فنزل ونزل".split()},
    **{w: ("تعالى", "عز", "سبحانه", "تبارك") for w in "قوله كقوله لقوله وقوله".split()},
    **{w: () for w in "تلا فتلا وتلا يتلو قرأ فقرأ وقرأ يقرأ التنزيل".split()},
}
_ANNOUNCING = {fold(w): tuple(fold(n) for n in nxt) for w, nxt in _ANNOUNCING.items()}
INTRODUCED_WITHIN = 4   # words between an announcement and its quotation (`تعالى فيه، فيما بلغني:`)


def introductions(words: list[str]) -> set[int]:
    """Indices of `words` a quotation may start at because one was just announced: up to
    INTRODUCED_WITHIN words after the announcement (`فأنزل الله تعالى فيه:` ...)."""
    folded = [fold(w) for w in words]
    out: set[int] = set()
    for k, word in enumerate(folded):
        following = _ANNOUNCING.get(word)
        if following is None:
            continue
        if following and (k + 1 >= len(folded) or folded[k + 1] not in following):
            continue
        start = k + 1 + bool(following)
        out.update(range(start, min(start + INTRODUCED_WITHIN, len(words))))
    return out


def _walk(ids, q, a: int, b: int, step: int, a_stop: int, b_stop: int, base: int, base_errors: int = 0
          ) -> tuple[int, int, int, int]:
    """Follow narration `ids` from `a` and the Quran `q` from `b` in direction `step` while they
    agree, stepping over a slip, a missing or an extra word when the next two words agree again.
    Returns where it stopped (one past the last agreeing pair), words agreed, and errors."""
    agreed = errors = 0
    last_a, last_b = a, b

    def inside(x, stop):
        return x < stop if step > 0 else x > stop

    def same(x, y, k=0):
        xa, yb = x + k * step, y + k * step
        return inside(xa, a_stop) and inside(yb, b_stop) and ids[xa] >= 0 and ids[xa] == q[yb]

    while inside(a, a_stop) and inside(b, b_stop):
        if same(a, b):
            a += step
            b += step
            agreed += 1
            last_a, last_b = a, b
            continue
        # a barrier, or too many errors: one allowed for every ERROR_EVERY words agreed so far
        if ids[a] == -2 or ERROR_EVERY * (base_errors + errors + 1) > base + agreed:
            break
        if same(a, b, 1) and same(a, b, 2):               # a slip: one wrong word
            a, b = a + step, b + step
        elif same(a, b + step) and same(a, b + step, 1):  # a word missing from the narration
            b += step
        elif same(a + step, b) and same(a + step, b, 1):  # an extra word in the narration
            a += step
        else:
            break
        errors += 1
    if step > 0:
        return last_a, last_b, agreed, errors
    return last_a + 1, last_b + 1, agreed, errors


def _parse(text: str) -> dict[tuple[int, int], str]:
    verses = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        sura, aya, words = line.split("|", 2)
        verses[(int(sura), int(aya))] = words
    return verses


@functools.lru_cache(maxsize=1)
def _load() -> QuranIndex:
    folder = resources.files("hijra_audio") / "data" / "quran"
    return QuranIndex((folder / "quran-simple.txt").read_text(encoding="utf-8"),
                      (folder / "quran-simple-clean.txt").read_text(encoding="utf-8"))


def release() -> None:
    """Drop the loaded index (tens of MB); the next use loads it again."""
    _load.cache_clear()
