"""The hamza rule's word table: every spelling of each word the Tanzil Quran text writes
(counted), and the hand-written list `data/hamza-words.txt` (fixed corrections, and words weighted
above any count), looked up by the word with its hamzas folded, whole or behind proclitics and
before a pronoun. `text/hamza.py` decides with it.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from importlib import resources

from hijra_audio.errors import HijraAudioError

HAMZA_ALEF = "أإآ"
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})
BARE = re.compile("^[\u0621-\u063a\u0641-\u064a]+$")
PREFIXES = ("", "و", "ف", "ب", "ل", "ك", "س", "وب", "فب", "ول", "فل", "وك", "فك", "وس", "فس")
SUFFIXES = ("", "ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "كن", "نا", "ني", "ي")


class HamzaDataError(HijraAudioError):
    """The packaged hamza word list is malformed."""


def fold(word: str) -> str:
    """The key the table is looked up by: hamza on alef folded to `ا`, a final `ى` to `ي`."""
    word = word.translate(_FOLD)
    return word[:-1] + "ي" if word.endswith("ى") else word


@lru_cache(maxsize=1)
def table() -> "WordTable":
    return WordTable.load()


class WordTable:
    """Spellings of words by their folded form: the Quran's (counted) and the hand list's (weighted)."""

    HAND_WEIGHT = 1000

    def __init__(self, counts: dict[str, Counter], fixed: dict[str, str]):
        self.counts = counts
        self.fixed = fixed
        self.hand = frozenset(w for c in counts.values() for w, n in c.items() if n >= self.HAND_WEIGHT)

    @classmethod
    def load(cls) -> "WordTable":
        data = resources.files("hijra_audio") / "data"
        counts: dict[str, Counter] = {}
        quran = (data / "quran" / "quran-simple-clean.txt").read_text(encoding="utf-8-sig")
        words = Counter(word for line in quran.splitlines() if len(parts := line.split("|")) == 3
                        for word in parts[2].split())
        for word, n in words.items():     # in the order words first occur, as one by one
            counts.setdefault(fold(word), Counter())[word] = n
        fixed = parse_list((data / "hamza-words.txt").read_text(encoding="utf-8"), "hamza-words.txt", counts,
                           cls.HAND_WEIGHT)
        return cls(counts, fixed)

    def spellings(self, word: str) -> tuple[Counter | None, bool]:
        """The attested spellings of `word` (bare as the recognizer writes it) that only add hamzas
        to its alefs, whole or behind proclitics and before a pronoun
        (None when the table does not know it), and whether the word was found whole or behind
        `و`/`ف` alone (a sure reading: `فاخذ` is `ف` + `أخذ`, while `فلان` is not `فل` + `أن`)."""
        for pre, stem, suf, drop in _splits(word):
            found = self.counts.get(fold(stem))
            if not found:
                continue
            fits = Counter({pre + s[drop:] + suf: n for s, n in found.items()
                            if fits_letters(stem, s) and s[-1] == stem[-1]})
            if fits:
                return fits, not suf and not drop and (not pre or pre in ("و", "ف") and len(stem) >= 3)
        return None, False


def parse_list(text: str, name: str, counts: dict[str, Counter], weight: int) -> dict[str, str]:
    """Read the hand-written list into `counts` (words) and return its fixed corrections."""
    fixed: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "=" in line:
            parts = [p.strip() for p in line.split("=")]
            if len(parts) != 2 or not all(BARE.match(p) for p in parts) or not fits_letters(parts[0], parts[1]):
                raise HamzaDataError(f"{name}: line {number}: {raw.strip()!r} must be `bare = spelled`, one "
                                     f"word each, the second only adding hamzas or swapping a final ى/ي.")
            fixed[parts[0]] = parts[1]
            continue
        for word in line.split():
            if not BARE.match(word):
                raise HamzaDataError(f"{name}: line {number}: {word!r} is not a bare Arabic word; "
                                     f"write words in Arabic letters without vowel marks.")
            counts.setdefault(fold(word), Counter())[word] += weight
    return fixed


def fits_letters(bare: str, spelled: str) -> bool:
    """Is `spelled` the word `bare` with hamzas added on its alefs (and its final ى/ي maybe
    swapped), every hamza of `bare` kept and no other letter changed?"""
    if len(bare) != len(spelled):
        return False
    last = len(bare) - 1
    for i, (a, b) in enumerate(zip(bare, spelled)):
        if a == b or (a == "ا" and b in HAMZA_ALEF) or (i == last and {a, b} == {"ى", "ي"}):
            continue
        return False
    return True


def _splits(word: str):
    """(proclitics, stem, suffix, letters of the stem dropped) ways to read `word`: the whole word
    first, then longer stems first. `للارض` is `ل` + `الارض` with the article's alef dropped."""
    seen = []
    for suf in SUFFIXES:
        for pre in PREFIXES:
            if len(word) - len(pre) - len(suf) < 2 or not word.startswith(pre) or not word.endswith(suf):
                continue
            if pre.endswith("س") and word[len(pre)] not in "يتنا":      # سـ only before an imperfect
                continue
            seen.append((len(pre) + len(suf), pre, word[len(pre):len(word) - len(suf)], suf, 0))
    for pre in ("ل", "ول", "فل"):
        if word.startswith(pre + "ل") and len(word) > len(pre) + 3:
            seen.append((len(pre), pre, "ا" + word[len(pre):], "", 1))
    for _, pre, stem, suf, drop in sorted(seen, key=lambda s: s[0]):
        yield pre, stem, suf, drop
