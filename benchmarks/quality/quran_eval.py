"""Scoring Quran detection against the verse references an edition writes after its quotations
(evaluation only: the benchmarks and tests use it, the product does not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hijra_audio.text.tokens import REFERENCE, VerseRef

# A reference as Ibn Hisham's edition writes it in running text, not inside a longer number.
_WRITTEN = re.compile(r"(?<![\d:])" + REFERENCE.pattern + r"(?!\d)")


def verses_in(reference: str) -> set[tuple[int, int]]:
    """`36:1-5` -> {(36, 1), ..., (36, 5)}; nothing for text that is not a reference."""
    ref = VerseRef.parse(reference.replace(" ", ""))
    return ref.verses() if ref else set()


def written_references(text: str) -> list[str]:
    """The verse references an edition writes after quotations: `8: 30`, `52: 30- 31`."""
    return [str(VerseRef.from_match(m)) for m in _WRITTEN.finditer(text)]


def strip_references(text: str) -> str:
    """`text` without the verse references an edition writes (what a spoken lecture gives)."""
    return _WRITTEN.sub("", text)


def score(found: list[str], labels: list[str]) -> dict[str, float]:
    """Recall and precision of quotations `found` against written references `labels`
    (both as `sura:aya[-aya]`): a label is recalled when a quotation found covers one of its
    verses; a quotation found is right when it covers a verse some label names."""
    labelled = set().union(*(verses_in(r) for r in labels)) if labels else set()
    covered = set().union(*(verses_in(r) for r in found)) if found else set()
    recalled = sum(1 for r in labels if verses_in(r) & covered)
    right = sum(1 for r in found if verses_in(r) & labelled)
    return {"labels": len(labels), "found": len(found), "recalled": recalled, "right": right,
            "recall": recalled / len(labels) if labels else 1.0,
            "precision": right / len(found) if found else 1.0,
            "verse_recall": len(labelled & covered) / len(labelled) if labelled else 1.0}


# --- Where each stands: a reference is recalled only by a quotation that ends just before it ------

FEW_WORDS = 3     # words a reference may stand after the end of the quotation it is written for


@dataclass(frozen=True)
class Placed:
    """A written reference or a quotation found, where it stands in the text without references:
    its line (1-based) and `end`, the words of that line up to it (a reference: the words before
    it; a quotation: up to its last word)."""

    reference: str
    line: int
    end: int


def placed_references(raw: str) -> list[Placed]:
    """Each reference `raw` writes, with where it stands once the references are removed (the
    text `strip_references` gives, which is what the quotations are found in)."""
    out = []
    for number, line in enumerate(raw.replace("\r\n", "\n").split("\n"), start=1):
        for m in _WRITTEN.finditer(line):
            before = len(strip_references(line[:m.start()]).split())
            out.append(Placed(str(VerseRef.from_match(m)), number, before))
    return out


def placed_quotations(cleaned) -> list[tuple[Placed, object]]:
    """Each quotation found in `cleaned` (a `text.Cleaned`), where it ends in its raw line, and its
    token: the change that marked it says which words it took (`before`)."""
    took = {(c.line, c.word): len(c.before.split()) for c in cleaned.changes
            if c.rule == "quran" and c.after.startswith("﴿")}
    out = []
    for line in cleaned.lines:
        for token in (line.tokens if line else ()):
            if token.quran and (token.line, token.word) in took:
                out.append((Placed(token.quran, token.line, token.word - 1 + took[token.line, token.word]), token))
    return out


def _follows(reference: Placed, quotation: Placed, last_words: dict[int, int]) -> bool:
    """Does `reference` stand within FEW_WORDS after the end of `quotation` (on its line, or at
    the start of the next line when the quotation ends its own)?"""
    if reference.line == quotation.line:
        return 0 <= reference.end - quotation.end <= FEW_WORDS
    return (reference.line == quotation.line + 1 and reference.end == 0
            and last_words.get(quotation.line, -1) - quotation.end <= FEW_WORDS)


def score_placed(found: list[Placed], labels: list[Placed], last_words: dict[int, int]) -> dict:
    """Recall and precision where each stands: a reference is recalled when a quotation covering
    one of its verses ends within FEW_WORDS before it; a quotation is right when a reference
    naming one of its verses stands within FEW_WORDS after its end, `wrong_verse` when the
    reference there names others, `unreferenced` when none stands there. `last_words`: the
    number of words of each line (a reference may open the line after its quotation)."""
    by_line: dict[int, list[Placed]] = {}
    for q in found:
        by_line.setdefault(q.line, []).append(q)
    labels_by_line: dict[int, list[Placed]] = {}
    for r in labels:
        labels_by_line.setdefault(r.line, []).append(r)

    def near(line: int) -> list[Placed]:
        return by_line.get(line, []) + by_line.get(line - 1, [])

    recalled = sum(1 for r in labels if any(_follows(r, q, last_words) and verses_in(q.reference) & verses_in(r.reference)
                                            for q in near(r.line)))
    right = wrong = 0
    for q in found:
        after = [r for r in labels_by_line.get(q.line, []) + labels_by_line.get(q.line + 1, [])
                 if _follows(r, q, last_words)]
        if any(verses_in(q.reference) & verses_in(r.reference) for r in after):
            right += 1
        elif after:
            wrong += 1
    return {"labels": len(labels), "found": len(found), "recalled": recalled, "right": right,
            "wrong_verse": wrong, "unreferenced": len(found) - right - wrong,
            "recall": recalled / len(labels) if labels else 1.0,
            "precision": right / len(found) if found else 1.0,
            "precision_referenced": right / (right + wrong) if right + wrong else 1.0}


def line_lengths(text: str) -> dict[int, int]:
    """Words on each line of `text` (1-based)."""
    return {n: len(line.split()) for n, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1)}
