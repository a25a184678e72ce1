"""The pieces cleaning works on: a token is one word (or one whole Quran quotation) in two forms,
the display form a listener reads and the speech form the engine is given, with the place in the
raw file it came from; a change records what a named rule did there, for `clean --diff`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

# Punctuation that may open or close a word; it is kept apart from the word when rules compare words.
LEADING = "([{«\"'“‘"
TRAILING = ".,،؛;:؟?!…)]}»\"'”’-–—"
# Punctuation after which a reader pauses: a sentence or clause ends there.
BOUNDARY = ".،؛;:؟?!…,"
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")


@dataclass(frozen=True)
class Token:
    display: str            # what the listener reads
    speech: str = ""        # what the engine is given; empty: the same as `display`
    line: int = 0           # 1-based line of the raw file it came from
    word: int = 0           # 1-based word of that line
    quran: str = ""         # "9:40": the token is one whole Quran quotation; never cut, never edited

    @property
    def spoken(self) -> str:
        return self.speech or self.display

    @property
    def core(self) -> str:
        """The word without the punctuation around it and without diacritics: what rules compare."""
        if self.quran:
            return ""
        return _DIACRITICS.sub("", split_punct(self.display)[1])

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


def split_punct(word: str) -> tuple[str, str, str]:
    """`«قال:` -> (`«`, `قال`, `:`)."""
    start, end = 0, len(word)
    while start < end and word[start] in LEADING:
        start += 1
    while end > start and word[end - 1] in TRAILING:
        end -= 1
    return word[:start], word[start:end], word[end:]


def join(tokens, form: str = "display") -> str:
    return " ".join(t.display if form == "display" else t.spoken for t in tokens)
