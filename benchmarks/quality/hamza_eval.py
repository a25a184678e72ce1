"""Scoring the hamza rule on correctly spelled text (evaluation only: the benchmark and tests use
it, the product does not): fold أ/إ/آ to ا, restore with text/hamza.py, compare word by word.

A hamza word is one the text writes with أ, إ or آ: it is right when the rule gives it back exactly.
Every other word is right when the rule leaves it as it is; the share it changes is the false-change
rate. Headings and blank lines are skipped; each paragraph is one line, as clean_text reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hijra_audio.text.hamza import HAMZA_ALEF, restore, spells_hamza
from hijra_audio.text.tokens import Token

FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})


@dataclass
class Score:
    hamza_words: int = 0
    hamza_right: int = 0
    other_words: int = 0
    other_changed: int = 0
    misses: list[tuple[str, str]] = field(default_factory=list)      # (written, restored)
    false: list[tuple[str, str]] = field(default_factory=list)       # (written, changed to)

    @property
    def right_rate(self) -> float:
        return self.hamza_right / self.hamza_words if self.hamza_words else 1.0

    @property
    def changed_rate(self) -> float:
        return self.other_changed / self.other_words if self.other_words else 0.0


def paragraphs(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.startswith("## ")]


def _tokens(line: str) -> list[Token]:
    return [Token(w, line=1, word=i) for i, w in enumerate(line.split(), start=1)]


def evaluate(lines: list[str], fold: bool = True, whole: bool = False) -> Score:
    """Restore each line (folded first, unless `fold` is False: the text as written) and score it.
    `whole`: as clean_text does, first ask whether the whole text spells hamza (then it is kept)."""
    score = Score()
    inputs = [line.translate(FOLD) if fold else line for line in lines]
    kept = whole and spells_hamza("\n".join(inputs))
    for line, given in zip(lines, inputs):
        written = line.split()
        restored = [t.display for t in restore(_tokens(given), written=kept)[0]]
        for w, r in zip(written, restored):
            if any(c in w for c in HAMZA_ALEF):
                score.hamza_words += 1
                if r == w:
                    score.hamza_right += 1
                else:
                    score.misses.append((w, r))
            else:
                score.other_words += 1
                if r != w:
                    score.other_changed += 1
                    score.false.append((w, r))
    return score
