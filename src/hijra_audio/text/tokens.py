"""The pieces cleaning works on, and the one home of the letters, punctuation and verse references
every step compares with. A token is one word (or one whole Quran quotation) in two forms,
the display form a listener reads and the speech form the engine is given, with the place in the
raw file it came from; a change records what a named rule did there, for `clean --diff`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

# --- Letters --------------------------------------------------------------------------------------
# Arabic letters: hamza to ghain, feh to yeh, and the extended letters (alef wasla to yeh barree).
# Tatweel (U+0640) lies between ghain and feh but is not a letter: it only stretches a word.
LETTERS = "\u0621-\u063f\u0641-\u064a\u0671-\u06d3"
ARABIC_LETTER = re.compile(f"[{LETTERS}]")
TATWEEL = "\u0640"
# Any character of the Arabic script: the blocks above, their supplements and extensions, and the
# presentation forms (letters in their contextual shapes, ligatures such as `ﷺ`).
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufefc]")
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")

# --- Punctuation ----------------------------------------------------------------------------------
# After these a reader pauses: a sentence ends, a clause ends, or a comma.
SENTENCE_END = ".!?؟…"
CLAUSE_END = "؛;:"
COMMA = "،,"
PAUSE = SENTENCE_END + CLAUSE_END + COMMA
# Punctuation that may open or close a word; it is kept apart from the word when rules compare words.
LEADING = "([{«\"'“‘"
TRAILING = PAUSE + ")]}»\"'”’-–—"
BOUNDARY = PAUSE     # a token ending with one of these ends a clause


def pause_class() -> str:
    """PAUSE as the inside of a regular-expression character class."""
    return re.escape(PAUSE)


# --- Verse references -----------------------------------------------------------------------------
# `8:30`, `8: 30` (as Ibn Hisham's edition writes them), `52: 30- 31`, and a range across suras
# `2:286-3:2`. Suras and verses have at most three digits.
REFERENCE = re.compile(r"(\d{1,3}):\s?(\d{1,3})(?:\s?-\s?(?:(\d{1,3}):\s?)?(\d{1,3}))?")


@dataclass(frozen=True)
class VerseRef:
    """A verse or a range of verses: sura:first, sura:first-last, or sura:first-last_sura:last."""

    sura: int
    first: int
    last: int
    last_sura: int

    @classmethod
    def from_match(cls, m: re.Match) -> "VerseRef":
        sura, first = int(m.group(1)), int(m.group(2))
        last = int(m.group(4)) if m.group(4) else first
        return cls(sura, first, last, int(m.group(3)) if m.group(3) else sura)

    @classmethod
    def parse(cls, text: str) -> "VerseRef | None":
        """The reference `text` is, as a whole (`36:1-5`); None when it is not one."""
        m = REFERENCE.fullmatch(text.strip())
        return cls.from_match(m) if m else None

    @classmethod
    def at_start(cls, text: str) -> "tuple[VerseRef, int] | None":
        """The reference `text` starts with, and where it ends in `text`."""
        m = REFERENCE.match(text)
        return (cls.from_match(m), m.end()) if m else None

    @property
    def ranged(self) -> bool:
        return (self.last_sura, self.last) != (self.sura, self.first)

    @property
    def crosses_suras(self) -> bool:
        return self.last_sura != self.sura

    def verses(self) -> set[tuple[int, int]]:
        """(sura, verse) of each verse; a range across suras keeps only its two ends."""
        if self.crosses_suras:
            return {(self.sura, self.first), (self.last_sura, self.last)}
        return {(self.sura, a) for a in range(self.first, self.last + 1)}

    def __str__(self) -> str:
        if not self.ranged:
            return f"{self.sura}:{self.first}"
        if self.crosses_suras:
            return f"{self.sura}:{self.first}-{self.last_sura}:{self.last}"
        return f"{self.sura}:{self.first}-{self.last}"


@dataclass(frozen=True)
class Quoted:
    """Where a quotation stands in the Quran and how it was found (`text.quotations`)."""

    start: int          # its first Quran word: a position in the whole Quran's words (`text.quran`)
    end: int            # one past its last
    matched: int = 0    # narration words that agree with the Quran's
    errors: int = 0     # slips, missing and extra words
    how: str = ""       # "reference": a written reference right after it names its verse;
                        # "announced": `قال الله تعالى` ... just before it; "marked": the text marks
                        # it `﴿...﴾ [s:a]`; "": found by its length alone


@dataclass(frozen=True)
class Token:
    display: str            # what the listener reads
    own_speech: str | None = None   # the speech form where it differs from `display` (None: the same;
                                    # "": nothing is said, e.g. an emoji)
    line: int = 0           # 1-based line of the raw file it came from
    word: int = 0           # 1-based word of that line
    quran: str = ""         # "9:40": the token is one whole Quran quotation; never cut, never edited
    quoted: Quoted | None = None   # a quotation's place in the Quran (None where it is not found there)

    @property
    def speech(self) -> str:
        """What the engine is given (the speech form)."""
        return self.display if self.own_speech is None else self.own_speech

    @property
    def core(self) -> str:
        """The word without the punctuation around it and without diacritics: what rules compare."""
        if self.quran:
            return ""
        return without_marks(split_punct(self.display)[1])

    @property
    def trail(self) -> str:
        return "" if self.quran else split_punct(self.display)[2]

    @property
    def ends_clause(self) -> bool:
        return bool(self.quran) or any(ch in BOUNDARY for ch in self.trail)

    def with_(self, **changes) -> "Token":
        return replace(self, **changes)


@dataclass(frozen=True)
class Change:
    line: int
    word: int
    before: str
    after: str
    rule: str
    form: str = "display"   # "display": both forms changed; "speech": the speech form only


def without_marks(text: str) -> str:
    """`قَالَ` -> `قال`: the text without its vowel marks (and tatweel)."""
    return _DIACRITICS.sub("", text)


def split_punct(word: str) -> tuple[str, str, str]:
    """`«قال:` -> (`«`, `قال`, `:`)."""
    start, end = 0, len(word)
    while start < end and word[start] in LEADING:
        start += 1
    while end > start and word[end - 1] in TRAILING:
        end -= 1
    return word[:start], word[start:end], word[end:]


def join(tokens, form: str = "display") -> str:
    return " ".join(t.display for t in tokens) if form == "display" else spoken(tokens)


def spoken(tokens) -> str:
    """The speech forms of `tokens` (or of anything with a `.speech`: pieces of a segment), those
    that say nothing left out."""
    return " ".join(speech for speech in (t.speech for t in tokens) if speech)
